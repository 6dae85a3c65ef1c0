"""Small scenarios built in code for the capacity tests."""

from __future__ import annotations

import copy
from typing import Any

from rltcare.capacity.loader import scenario_from_dict

ALWAYS_OPEN = {
    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "open": "00:00",
    "close": "24:00",
}


def queue(
    *, servers: int, per_week: float, stay: dict[str, Any], weeks: float = 104, step: float = 0.05
) -> dict[str, Any]:
    """An M/M/c-like service: Poisson referrals, one cycle, no pathway, always open."""
    return {
        "simulation": {"horizon": f"{weeks} weeks", "warm_up": "8 weeks", "step": step},
        "indication": [
            {
                "name": "q",
                "referrals_per_week": per_week,
                "cycles": 1,
                "care": "inpatient",
                "resource": "beds",
                # Queueing theory's server knows when service ends: no overruns.
                "length_of_stay": {"planned": "actual", **stay},
            }
        ],
        "resource": [
            {
                "name": "beds",
                "kind": "bed",
                "units": servers,
                "admission_times": "any",
                **ALWAYS_OPEN,
            }
        ],
    }


def ward(**changes: Any) -> dict[str, Any]:
    """A small inpatient Lu-PSMA-like ward with a pathway, a supply and staff."""
    data = {
        "simulation": {"horizon": "2 years", "warm_up": "13 weeks", "step": "1 h"},
        "pathway": {
            "mdt": {"days": ["tue"], "time": "14:00", "capacity": 10},
            "eligibility_pet": "pet",
            "consultation": "clinic",
        },
        "indication": [
            {
                "name": "mcrpc",
                "referrals_per_week": 2.0,
                "screen_failure": 0.1,
                "cycles": 4,
                "interval": "6 weeks",
                "tolerance": "1 week",
                "stop_probability": 0.1,
                "deferral_probability": 0.05,
                "care": "inpatient",
                "resource": "rooms",
                "length_of_stay": {
                    "model": "lognormal",
                    "median": "46 h",
                    "cv": 0.2,
                    "round_to": ["10:00"],
                },
            }
        ],
        "resource": [
            {
                "name": "rooms",
                "kind": "bed",
                "units": 4,
                "days": ["mon", "tue", "wed", "thu"],
                "admission_times": ["08:00"],
            },
            {
                "name": "pet",
                "kind": "scanner",
                "units": 1,
                "slot": "30 min",
                "open": "08:00",
                "close": "10:00",
            },
            {
                "name": "clinic",
                "kind": "clinic",
                "units": 1,
                "slot": "30 min",
                "open": "09:00",
                "close": "11:00",
            },
        ],
        "supply": [
            {
                "delivery_days": ["mon", "tue", "wed", "thu"],
                "lead_time": "7 d",
                "shelf_life": "72 h",
            }
        ],
        "staff": [{"role": "nurse", "fte": 2, "minutes": {"administration": 60, "bed_day": 90}}],
        "behaviour": {"death_rate_per_year": 0.2, "drop_out_after": "20 weeks"},
    }
    data = copy.deepcopy(data)
    for key, value in changes.items():
        data[key] = value
    return data


def build(data: dict[str, Any]):
    return scenario_from_dict(data, file="test.toml")


def group(rule: str = "home", travel_limit: str | None = None) -> dict[str, Any]:
    """Two centres 1 h apart: 'north' is short of chairs, 'south' has spare; own MDTs, shared PET."""

    def indication(centre: str, per_week: float) -> dict[str, Any]:
        return {
            "name": "mcrpc",
            "centre": centre,
            "referrals_per_week": per_week,
            "cycles": 2,
            "interval": "6 weeks",
            "care": "outpatient",
            "resource": f"chairs-{centre}",
            "length_of_stay": {"model": "fixed", "hours": "4 h"},
        }

    def chairs(centre: str, units: int) -> dict[str, Any]:
        return {
            "name": f"chairs-{centre}",
            "kind": "chair",
            "units": units,
            "centre": centre,
            "days": ["tue", "thu"],
            "open": "08:00",
            "close": "16:00",
        }

    mdt = {"days": ["mon"], "time": "14:00", "capacity": 30}
    return {
        "simulation": {"horizon": "2 years", "warm_up": "13 weeks", "step": "1 h"},
        "pathway": {"eligibility_pet": "pet"},
        "centre": [
            {"name": "north", "travel": {"south": "1 h"}, "pathway": {"mdt": mdt}},
            {"name": "south", "pathway": {"mdt": mdt, "eligibility_pet": "pet"}},
        ],
        "routing": {"rule": rule, **({"travel_limit": travel_limit} if travel_limit else {})},
        "indication": [indication("north", 3.0), indication("south", 1.0)],
        "resource": [
            chairs("north", 1),
            chairs("south", 3),
            {"name": "pet", "kind": "scanner", "units": 2, "slot": "30 min", **ALWAYS_OPEN},
        ],
        "staff": [
            {"role": "nurse", "centre": "north", "minutes": {"administration": 30}},
            {"role": "nurse", "centre": "south", "minutes": {"administration": 30}},
        ],
    }


def staffed_chairs(limiting: bool) -> dict[str, Any]:
    """Twenty chairs, one 8-hour nurse, 60 min per administration: at most 8 cycles a day."""
    return {
        "simulation": {"horizon": "1 year", "warm_up": "8 weeks", "step": "30 min"},
        "indication": [
            {
                "name": "q",
                "referrals_per_week": 100,
                "cycles": 1,
                "care": "outpatient",
                "resource": "chairs",
                "length_of_stay": {"model": "fixed", "hours": "2 h"},
            }
        ],
        "resource": [
            {"name": "chairs", "kind": "chair", "units": 20, "open": "08:00", "close": "16:00"}
        ],
        "staff": [
            {
                "role": "nurse",
                "fte": 1,
                "hours_per_day": 8,
                "limiting": limiting,
                "minutes": {"administration": 60},
            }
        ],
    }
