"""Post-therapy SPECT/CT and follow-up, limiting staff, overruns and doses from their delivery."""

from __future__ import annotations

import numpy as np
import pytest

from rltcare.capacity import engine
from rltcare.capacity.booking import BUMPED, OVERRAN
from rltcare.capacity.kpis import kpis
from rltcare.capacity.model import build_model
from rltcare.errors import InputError

from .scenarios import build, queue, staffed_chairs, ward

SPECT = {"name": "spect", "kind": "scanner", "units": 1, "slot": "30 min"}


def _with_steps(spect_close: str = "12:00") -> dict:
    data = ward()
    data["pathway"]["post_therapy_imaging"] = {
        "resource": "spect",
        "after": "24 h",
        "window": "2 d",
    }
    data["pathway"]["follow_up"] = {"resource": "clinic", "after": "8 weeks"}
    data["resource"].append({**SPECT, "open": "08:00", "close": spect_close})
    data["staff"][0]["minutes"] |= {"spect_scan": 30, "follow_up": 20}
    return data


def test_spect_after_each_cycle_and_follow_up_after_the_last() -> None:
    run = engine.run(build_model(build(_with_steps())), 3, 0)
    k = kpis(run)
    done = np.isfinite(run.imaging_h)
    assert np.all(run.imaging_h[done] >= run.cycles[done, 3] + 24.0)
    assert np.all(run.imaging_h[done] <= run.cycles[done, 3] + 24.0 + 48.0)
    assert k["post_therapy_imaging_missed_per_year"] == 0
    assert k["post_therapy_imaging_per_year"] == pytest.approx(k["cycles_per_year"], rel=0.05)
    # The follow-up is due after the last cycle the patient receives, and only then.
    seen = np.isfinite(run.follow_up_h)
    last = {}
    for p, c, admitted in run.cycles[:, [0, 1, 3]]:
        last[int(p)] = max(last.get(int(p), (-1, 0)), (c, admitted))
    for p in np.flatnonzero(seen):
        c, admitted = last[p]
        assert c == run.cohort.cycles[p] - 1
        assert run.follow_up_h[p] >= admitted + 8 * 168.0
    assert k["follow_ups_per_year"] > 0
    assert 0 < k["utilisation[spect]"] <= 1
    assert (
        k["staff_hours_per_year[nurse]"]
        > kpis(engine.run(build_model(build(ward())), 3, 0))["staff_hours_per_year[nurse]"]
    )


def test_spect_slots_can_run_out() -> None:
    k = kpis(engine.run(build_model(build(_with_steps(spect_close="08:30"))), 3, 0))
    assert k["post_therapy_imaging_missed_per_year"] > 0
    assert k["utilisation[spect]"] > 0.5


def test_post_therapy_imaging_needs_a_scanner() -> None:
    data = _with_steps()
    data["pathway"]["post_therapy_imaging"]["resource"] = "rooms"
    with pytest.raises(InputError) as err:
        build(data)
    assert err.value.field == "pathway.post_therapy_imaging.resource"
    assert "scanner" in str(err.value) and err.value.file == "test.toml"


def test_limiting_staff_needs_fte() -> None:
    data = staffed_chairs(True)
    del data["staff"][0]["fte"]
    with pytest.raises(InputError) as err:
        build(data)
    assert err.value.field == "staff[0]" and "fte" in str(err.value)


def test_limiting_staff_moves_scans_to_the_next_day() -> None:
    data = ward()
    data["staff"] = [
        {
            "role": "technologist",
            "fte": 1,
            "hours_per_day": 1,
            "limiting": True,
            "minutes": {"pet_scan": 30},
        }
    ]
    data["resource"][1]["close"] = "12:00"  # 8 PET slots a day, staff for 2
    run = engine.run(build_model(build(data)), 1, 0)
    days, per_day = np.unique(run.pet_h[np.isfinite(run.pet_h)] // 24, return_counts=True)
    assert per_day.max() == 2
    assert days.size > 0


def _overrunning(planned) -> dict:
    data = queue(
        servers=1,
        per_week=2.0,
        stay={"model": "empirical", "values": ["24 h", "72 h"]},
        weeks=52,
        step=1.0,
    )
    data["indication"][0]["length_of_stay"]["planned"] = planned
    return data


def test_overruns_bump_later_bookings_and_never_double_book() -> None:
    run = engine.run(build_model(build(_overrunning("24 h"))), 2, 0)
    k = kpis(run)
    assert k["overruns_per_year"] > 0 and k["bumped_cycles_per_year"] > 0
    overran = set(run.upsets[run.upsets[:, 1] == OVERRAN, 2].astype(int))
    stays = run.cycles[:, 4] - run.cycles[:, 3]
    assert overran == set(run.cycles[stays > 24.0 + 1e-9, 0].astype(int)) - {
        int(p) for p, t in run.cycles[:, [0, 3]] if t + 24 >= run.model.horizon_h
    }
    assert (run.upsets[:, 1] == BUMPED).sum() > 0
    # One bed: treated stays never overlap, whatever was booked.
    order = np.argsort(run.cycles[:, 3])
    admitted, discharged = run.cycles[order, 3], run.cycles[order, 4]
    assert np.all(admitted[1:] >= discharged[:-1] - 1e-9)


def test_known_stays_never_overrun() -> None:
    k = kpis(engine.run(build_model(build(_overrunning("actual"))), 2, 0))
    assert k["overruns_per_year"] == 0 and k["bumped_cycles_per_year"] == 0


def test_planned_stay_is_validated() -> None:
    with pytest.raises(InputError) as err:
        build(_overrunning("soon"))
    assert err.value.field == "indication[0].length_of_stay.planned"
    assert "typical" in str(err.value)


def test_dose_comes_from_an_earlier_batch_when_the_latest_is_full() -> None:
    """One dose per daily delivery, 72 h shelf life: a later admission may use an older batch."""
    data = staffed_chairs(False)
    data["indication"][0]["supply"] = "daily"
    data["indication"][0]["referrals_per_week"] = 10
    data["supply"] = [
        {
            "name": "daily",
            "delivery_days": ["mon", "tue", "wed", "thu", "fri"],
            "delivery_time": "07:00",
            "lead_time": "2 d",
            "shelf_life": "72 h",
            "max_doses_per_delivery": 1,
        }
    ]
    data["resource"][0]["days"] = ["mon", "wed", "fri"]  # Tuesday's dose can serve Wednesday
    run = engine.run(build_model(build(data)), 1, 0)
    age = run.cycles[:, 7]
    assert np.all(age <= 72.0) and np.all(age >= 0)
    assert age.max() > 24.0  # not always the latest delivery
    assert kpis(run)["dose_age_at_administration_mean_h"] > 1.0


#: A product whose stay under the UK rule depends on the activity (Lu-PSMA's does not: it
#: may leave at once, or after the German minimum of 48 h, whatever the decay).
DECAYING = "i131-nai-thyroid-cancer"


def _decaying(calibration: str) -> dict:
    """Inpatients under the UK rule; one delivery a week (Monday) for Mon-Thu admissions."""
    data = ward()
    ind = data["indication"][0]
    ind |= {
        "product": DECAYING,
        "length_of_stay": {"model": "physics", "planned": "actual"},
        "deferral_probability": 0.0,
    }
    data["simulation"]["jurisdiction"] = "uk"
    data["supply"][0] |= {
        "delivery_days": ["mon"],
        "shelf_life": "120 h",
        "calibration": calibration,
    }
    return data


def test_physics_stay_shortens_with_the_activity(catalog) -> None:
    from rltcare.capacity.stay import PhysicsLengthOfStay, sample_with_slope

    model = PhysicsLengthOfStay("uk", DECAYING, catalog=catalog)
    stays, slope = sample_with_slope(model, 200, np.random.default_rng(1))
    np.testing.assert_array_equal(stays, model.sample(200, np.random.default_rng(1)))  # CRN kept
    assert np.all(slope >= 0) and slope.mean() > 1.0


def test_dose_decays_from_its_calibration_and_shortens_the_stay(catalog) -> None:
    at_delivery = engine.run(build_model(build(_decaying("0 h")), catalog), 4, 0)
    made_for_patient = engine.run(build_model(build(_decaying("administration")), catalog), 4, 0)
    fraction = at_delivery.cycles[:, 8]
    age = at_delivery.cycles[:, 7]
    half_life = catalog.nuclide(catalog.radiopharmaceutical(DECAYING).nuclide).half_life_h
    np.testing.assert_allclose(fraction, 2.0 ** (-age / half_life))
    assert fraction.min() < 0.8
    assert np.all(made_for_patient.cycles[:, 8] == 1.0)  # nobody bumped: stays are known
    stay_a = at_delivery.cycles[:, 4] - at_delivery.cycles[:, 3]
    stay_b = made_for_patient.cycles[:, 4] - made_for_patient.cycles[:, 3]
    assert stay_a.mean() < stay_b.mean()


def test_calibration_is_validated() -> None:
    data = ward()
    data["supply"][0]["calibration"] = "whenever"
    with pytest.raises(InputError) as err:
        build(data)
    assert err.value.field == "supply[0].calibration" and "administration" in str(err.value)


def test_event_log_has_the_new_steps_and_upsets() -> None:
    from rltcare.capacity.eventlog import event_log

    log = event_log(engine.run(build_model(build(_with_steps())), 3, 0))
    nodes = set(log["node"])
    assert {"post_therapy_imaging", "follow_up", "overrun", "bumped", "cycle"} <= nodes
    scans = log[log["node"] == "post_therapy_imaging"]
    assert (scans["waiting_time"] >= 0).all()


def test_planned_stay_longer_than_the_interval_is_refused() -> None:
    data = ward()
    data["indication"][0]["length_of_stay"]["planned"] = "7 weeks"
    with pytest.raises(InputError) as err:
        build(data)
    assert err.value.field == "indication[0].length_of_stay.planned"
    assert "interval" in str(err.value)
