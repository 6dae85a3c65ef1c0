"""Any input the models accept gives a Response — a category or NE with a reason — never an
exception (hypothesis explores dates, missing values, statuses, units and flags)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rltcare.response import Response, bone, eortc, pcwg3, percist, recip, recist

D0 = dt.date(2024, 1, 1)
dates = st.integers(-30, 400).map(lambda d: D0 + dt.timedelta(days=d))
maybe = lambda s: st.none() | s  # noqa: E731
pos = st.floats(0, 1e4, allow_nan=False, allow_infinity=False)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(r: Response) -> None:
    assert isinstance(r, Response)
    assert r.criterion and r.version
    assert r.evaluable or (r.category == "NE" and r.reason)


@SETTINGS
@given(
    st.lists(
        st.builds(
            pcwg3.PsaValue,
            date=dates,
            value=maybe(pos),
            unit=st.sampled_from(["ng/mL", "µg/L", "ng/L", "mg"]),
            below_detection=st.booleans(),
            detection_limit=maybe(st.floats(0.01, 1)),
        ),
        max_size=10,
    )
)
def test_pcwg3(values):
    check(pcwg3.evaluate(pcwg3.PsaSeries(start_date=D0, values=values)))


lesion = st.builds(
    recist.LesionObservation,
    lesion_id=st.sampled_from(["a", "b", "c", "n"]),
    date=dates,
    organ=st.sampled_from(["liver", "lung", "bone", "pelvic"]),
    node=st.booleans(),
    diameter=maybe(st.floats(0, 80)),
    unit=st.sampled_from(["mm", "mm", "mm", "cm"]),
    status=st.sampled_from([None, "present", "absent", "progression", "not_evaluated"]),
    new=st.booleans(),
    target=st.sampled_from([None, None, True, False]),
)


@SETTINGS
@given(
    st.lists(lesion, max_size=14),
    st.lists(st.builds(bone.BoneScan, date=dates, new_lesions=st.integers(0, 6)), max_size=4),
    st.booleans(),
    st.booleans(),
    maybe(dates),
)
def test_recist(observations, scans, pcwg3_mod, confirm, baseline):
    series = recist.LesionSeries(
        observations=observations, bone_scans=scans, baseline_date=baseline
    )
    check(recist.evaluate(series, pcwg3=pcwg3_mod, confirm=confirm))


@SETTINGS
@given(
    st.lists(
        st.builds(
            percist.PetScan,
            date=dates,
            sul_peak=maybe(st.floats(0, 40)),
            liver_sul_mean=maybe(st.floats(0.5, 4)),
            liver_sul_sd=maybe(st.floats(0, 1)),
            blood_pool_sul_mean=maybe(st.floats(0.5, 4)),
            blood_pool_sul_sd=maybe(st.floats(0, 1)),
            uptake_time_min=maybe(st.floats(30, 120)),
            tlg=maybe(pos),
            new_lesions=st.booleans(),
            unequivocal_progression=st.booleans(),
        ),
        max_size=5,
    )
)
def test_percist(scans):
    check(percist.evaluate(percist.PetSeries(scans=scans)))


@SETTINGS
@given(
    st.lists(
        st.builds(
            eortc.EortcScan,
            date=dates,
            suv=maybe(st.floats(0, 40)),
            cycles_given=maybe(st.integers(0, 8)),
            longest_dimension_mm=maybe(st.floats(0, 100)),
            extent_increase=st.booleans(),
            new_lesions=st.booleans(),
            complete_resolution=st.booleans(),
        ),
        max_size=5,
    )
)
def test_eortc(scans):
    check(eortc.evaluate(eortc.EortcSeries(scans=scans)))


@SETTINGS
@given(
    st.lists(
        st.builds(
            recip.PsmaScan,
            date=dates,
            tumour_volume_ml=maybe(pos),
            new_lesions=st.booleans(),
            visual=st.sampled_from([None, "absent", "decrease", "stable", "increase"]),
        ),
        max_size=5,
    ),
    st.sampled_from(["quantitative", "visual"]),
)
def test_recip(scans, variant):
    check(recip.evaluate(recip.PsmaSeries(scans=scans), variant=variant))
