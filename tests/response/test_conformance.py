"""One contract for every response criterion: same API, versioned and explained results,
JSON round trip, determinism, and a clear NE (never a crash) for bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from rltcare.response import CRITERIA, Response, eortc, pcwg3, percist, recip, recist

D0 = dt.date(2024, 1, 1)
D1 = dt.date(2024, 3, 25)
D2 = dt.date(2024, 5, 6)

GOOD = {
    "pcwg3": pcwg3.PsaSeries(
        patient_id="p1",
        start_date=D0,
        values=[
            pcwg3.PsaValue(date=D0, value=40),
            pcwg3.PsaValue(date=D1, value=12),
            pcwg3.PsaValue(date=D2, value=9),
        ],
    ),
    "recist": recist.LesionSeries(
        patient_id="p1",
        observations=[
            recist.LesionObservation(lesion_id="a", date=D0, organ="liver", diameter=40),
            recist.LesionObservation(lesion_id="a", date=D1, organ="liver", diameter=25),
            recist.LesionObservation(lesion_id="a", date=D2, organ="liver", diameter=24),
        ],
    ),
    "percist": percist.PetSeries(
        patient_id="p1",
        scans=[
            percist.PetScan(date=D0, sul_peak=8.0, liver_sul_mean=2.0, liver_sul_sd=0.3),
            percist.PetScan(date=D1, sul_peak=4.0, liver_sul_mean=2.1, liver_sul_sd=0.3),
        ],
    ),
    "eortc": eortc.EortcSeries(
        patient_id="p1",
        scans=[
            eortc.EortcScan(date=D0, suv=9.0),
            eortc.EortcScan(date=D1, suv=5.0, cycles_given=2),
        ],
    ),
    "recip": recip.PsmaSeries(
        patient_id="p1",
        scans=[
            recip.PsmaScan(date=D0, tumour_volume_ml=250.0),
            recip.PsmaScan(date=D1, tumour_volume_ml=90.0),
        ],
    ),
}

# Input that a criterion cannot assess: each must give NE with its reason.
SINGLE = {
    "pcwg3": GOOD["pcwg3"].model_copy(update={"values": GOOD["pcwg3"].values[:1]}),
    "recist": GOOD["recist"].model_copy(update={"observations": GOOD["recist"].observations[:1]}),
    "percist": GOOD["percist"].model_copy(update={"scans": GOOD["percist"].scans[:1]}),
    "eortc": GOOD["eortc"].model_copy(update={"scans": GOOD["eortc"].scans[:1]}),
    "recip": GOOD["recip"].model_copy(update={"scans": GOOD["recip"].scans[:1]}),
}

NAMES = sorted(CRITERIA)


@pytest.mark.parametrize("name", NAMES)
def test_result_names_criterion_version_and_rules(name):
    r = CRITERIA[name].evaluate(GOOD[name])
    assert isinstance(r, Response)
    assert r.criterion.startswith(CRITERIA[name].CRITERION)
    assert r.version == CRITERIA[name].VERSION
    assert r.patient_id == "p1"
    assert r.evaluable
    assert r.harmonised in ("CR", "PR", "SD", "PD")
    assert r.rules, "every decision lists the rules that fired"
    assert r.timepoints
    assert r.summary_rows()


@pytest.mark.parametrize("name", NAMES)
def test_json_round_trip(name):
    r = CRITERIA[name].evaluate(GOOD[name])
    text = json.dumps(r.to_dict())
    assert Response.model_validate_json(text) == r


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name):
    a = CRITERIA[name].evaluate(GOOD[name])
    b = CRITERIA[name].evaluate(GOOD[name].model_copy(deep=True))
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("name", NAMES)
def test_a_single_value_is_not_evaluable_with_reason(name):
    r = CRITERIA[name].evaluate(SINGLE[name])
    assert r.category == "NE"
    assert r.harmonised == "NE"
    assert not r.evaluable
    assert r.reason
    assert r.options, "options (defaults included) are recorded on NE results too"
    assert r.criterion.startswith(CRITERIA[name].CRITERION)
    assert r.version == CRITERIA[name].VERSION


@pytest.mark.parametrize("name", NAMES)
def test_malformed_input_is_rejected_by_the_model(name):
    data = GOOD[name].model_dump()
    data["unexpected"] = 1
    with pytest.raises(ValidationError, match="unexpected"):
        type(GOOD[name]).model_validate(data)


@pytest.mark.parametrize("name", NAMES)
def test_options_are_recorded(name):
    r = CRITERIA[name].evaluate(GOOD[name])
    assert isinstance(r.options, dict)
    assert r.options, "every criterion records the options it used"
