"""Benchmark: the capacity engine against a plain SimPy implementation of the same service.

The service: 1,000 new patients a year (about 5,000 cycles a year), MDT, eligibility PET,
consultation, 6 outpatient cycles every 6 weeks booked against 10 chairs and daily isotope
deliveries (7-day lead time, 120 h shelf life), per-cycle stops and deferrals, 5 years.
Both implementations take the same patients (``draw_cohort``: same referrals, stays, stops,
deferrals) and the same calendars, so their outputs can be compared; the SimPy version
runs every patient as a process, meetings and slots as processes, and books a cycle by
checking the calendar cell by cell, as a direct SimPy model would.

Run: ``PYTHONPATH=src python benchmarks/bench_capacity.py [--replications 100] [--workers 2]
[--every-step]`` (``--every-step`` also times the service with overruns, post-therapy SPECT/CT,
follow-up, decaying doses and a limiting staff role, which the SimPy reference does not have).
"""

from __future__ import annotations

import argparse
import copy
import os
import time
from bisect import bisect_left
from math import ceil

import numpy as np
import simpy

from rltcare.capacity import engine, experiment
from rltcare.capacity.loader import scenario_from_dict
from rltcare.capacity.model import build_model
from rltcare.capacity.patients import draw_cohort

SCENARIO = {
    "meta": {"title": "benchmark: 1,000 patients a year, outpatient"},
    "simulation": {"horizon": "5 years", "warm_up": "26 weeks", "step": "1 h"},
    "pathway": {
        "mdt": {"days": ["tue", "thu"], "time": "14:00", "capacity": 20},
        "eligibility_pet": "pet-ct",
        "consultation": "clinic",
    },
    "indication": [
        {
            "name": "mcrpc",
            "referrals_per_week": 1000 / 52.18,
            "screen_failure": 0.1,
            "cycles": 6,
            "interval": "6 weeks",
            "tolerance": "1 week",
            "stop_probability": 0.08,
            "deferral_probability": 0.02,
            "care": "outpatient",
            "resource": "chairs",
            "length_of_stay": {"model": "fixed", "hours": 4},
        }
    ],
    "resource": [
        {"name": "chairs", "kind": "chair", "units": 10, "open": "08:00", "close": "18:00"},
        {
            "name": "pet-ct",
            "kind": "scanner",
            "units": 1,
            "slot": "30 min",
            "open": "08:00",
            "close": "12:00",
        },
        {
            "name": "clinic",
            "kind": "clinic",
            "units": 1,
            "slot": "30 min",
            "open": "09:00",
            "close": "13:00",
        },
    ],
    "supply": [
        {
            "delivery_days": ["mon", "tue", "wed", "thu", "fri"],
            "lead_time": "7 d",
            "shelf_life": "120 h",
        }
    ],
}


def simpy_run(model, seed: int, replication: int) -> tuple[list, int]:
    """The same service in SimPy; returns the treated cycles and the number of events."""
    cohort = draw_cohort(model, seed, replication)
    env = simpy.Environment()
    ind = model.indications[0]
    res = model.resources[0]
    supply = model.supplies[0]
    step = model.step_h
    free = res.capacity.tolist()
    admit_cells = res.admit_cells.tolist()
    deliveries = supply.deliveries_h.tolist()
    last = supply.last_delivery.tolist()
    cycles: list[tuple] = []
    counter = {"events": 0}

    def slot_server(times, units, queue):
        """Serve waiting patients at each slot time, first come first served."""
        for t, n in zip(times.tolist(), units.tolist(), strict=True):
            if t >= model.horizon_h:
                return
            yield env.timeout(t - env.now)
            counter["events"] += 1
            served = 0
            while queue and served < n:
                p, _, event = queue.pop(0)
                if cohort.leave_h[p] <= t:
                    continue
                event.succeed(t)
                served += 1

    queues = {"mdt": [], "pet": [], "consultation": []}
    centre = model.centres[0]  # one service, no group
    for name, stage in (
        ("mdt", centre.mdt),
        ("pet", centre.pet),
        ("consultation", centre.consultation),
    ):
        env.process(slot_server(stage.times_h, stage.units, queues[name]))

    def book(now, p, c, earliest):
        """Earliest admission cell with a dose and a free chair, checked cell by cell."""
        lo = max(earliest, now + supply.lead_h)
        stay = max(ceil(cohort.stay_h[p, c] / step - 1e-9), 1)
        for j in range(bisect_left(admit_cells, ceil(lo / step - 1e-9)), len(admit_cells)):
            cell = admit_cells[j]
            d = last[cell]
            when = deliveries[d]
            if d < 0 or when < now + supply.lead_h - 1e-9 or cell * step - when > supply.shelf_h:
                continue
            if all(free[k] > 0 for k in range(cell, cell + stay)):
                for k in range(cell, cell + stay):
                    free[k] -= 1
                return cell, stay
        return None

    def release(cell, stay):
        for k in range(cell, cell + stay):
            free[k] += 1

    def patient(p):
        yield env.timeout(cohort.referral_h[p])
        counter["events"] += 1
        for name in ("mdt", "pet", "consultation"):
            event = env.event()
            queues[name].append((p, env.now, event))
            yield event
            counter["events"] += 1
            if name == "pet" and cohort.screen_fail[p]:
                return
        earliest, planned, c = env.now, env.now, 0
        defer = cohort.deferrals[p].tolist()
        while c < cohort.cycles[p]:
            booked = book(env.now, p, c, earliest)
            if booked is None:
                return
            cell, stay = booked
            yield env.timeout(cell * step - env.now)
            counter["events"] += 1
            if defer[c] > 0:
                defer[c] -= 1
                release(cell, stay)
                earliest = env.now + ind.deferral_h
                continue
            cycles.append((p, c, planned if c else env.now, env.now))
            planned = env.now + ind.interval_h
            earliest = planned
            c += 1

    for p in range(cohort.n):
        env.process(patient(p))
    env.run(until=model.horizon_h)
    return cycles, counter["events"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--single", type=int, default=3, help="replications timed one by one")
    parser.add_argument(
        "--every-step", action="store_true", help="also time the service with every new step"
    )
    args = parser.parse_args()
    model = build_model(scenario_from_dict(SCENARIO))
    seed = 1
    t = time.perf_counter()
    engine.run(model, seed, 0)  # compiles the numba kernel, or loads it from the cache
    print(f"first call (numba compile or cache load): {time.perf_counter() - t:.1f} s")

    engine_s = simpy_s = 0.0
    engine_events = simpy_events = 0
    for r in range(args.single):
        t = time.process_time()
        ours = engine.run(model, seed, r)
        engine_s += time.process_time() - t
        engine_events += ours.events
        t = time.process_time()
        theirs, events = simpy_run(model, seed, r)
        simpy_s += time.process_time() - t
        simpy_events += events
        print(
            f"replication {r}: cycles engine {len(ours.cycles)} / SimPy {len(theirs)}; "
            f"mean admission time engine {ours.cycles[:, 3].mean():.1f} h / "
            f"SimPy {np.mean([x[3] for x in theirs]):.1f} h"
        )
    per_rep_engine, per_rep_simpy = engine_s / args.single, simpy_s / args.single
    print(
        f"engine: {per_rep_engine:.3f} s CPU per replication, {engine_events / engine_s:,.0f} events/s"
    )
    print(
        f"SimPy:  {per_rep_simpy:.3f} s CPU per replication, {simpy_events / simpy_s:,.0f} events/s"
    )
    print(
        f"ratio (SimPy time / engine time, same model and outputs): {per_rep_simpy / per_rep_engine:.1f}x"
    )

    t = time.perf_counter()
    reps = experiment.run_replications(model, seed, args.replications, workers=args.workers)
    wall = time.perf_counter() - t
    cycles = np.mean([r.kpis["cycles_per_year"] for r in reps])
    print(
        f"{args.replications} replications x 5 years ({cycles:,.0f} cycles a year), "
        f"{args.workers} workers, KPIs included: {wall:.1f} s wall"
    )
    if args.every_step:
        full = build_model(scenario_from_dict(every_step()))
        engine.run(full, seed, 0)
        t = time.perf_counter()
        reps = experiment.run_replications(full, seed, args.replications, workers=args.workers)
        wall = time.perf_counter() - t
        k = {name: np.mean([r.kpis[name] for r in reps]) for name in reps[0].kpis}
        print(
            f"same service with every new step ({k['overruns_per_year']:,.0f} overruns, "
            f"{k['bumped_cycles_per_year']:,.0f} bumped cycles, "
            f"{k['post_therapy_imaging_per_year']:,.0f} SPECT/CT scans a year; "
            f"nurses limiting at {k['staff_utilisation[nurse]']:.0%}): {wall:.1f} s wall"
        )


def every_step() -> dict:
    """The benchmark service with overruns, SPECT/CT, follow-up, decaying doses and limiting staff.

    Not in the SimPy reference (which has none of them): it shows what they cost.
    """
    data = copy.deepcopy(SCENARIO)
    data["indication"][0]["length_of_stay"] = {"model": "lognormal", "median": "4 h", "cv": 0.3}
    data["pathway"] |= {
        "post_therapy_imaging": {"resource": "spect-ct", "after": "24 h", "window": "2 d"},
        "follow_up": {"resource": "clinic", "after": "8 weeks"},
    }
    data["resource"].append(
        {"name": "spect-ct", "kind": "scanner", "units": 2, "slot": "20 min", "close": "16:00"}
    )
    data["supply"][0] |= {"calibration": "0 h", "half_life": "159.5 h"}
    data["staff"] = [
        {
            "role": "nurse",
            "fte": 6.0,
            "limiting": True,
            "minutes": {"administration": 30, "chair_hour": 15, "spect_scan": 10},
        }
    ]
    return data


if __name__ == "__main__":
    main()
