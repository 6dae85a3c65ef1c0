"""The timeline cache: same answer as the ORM, emptied by any write, scoped on every read."""

from __future__ import annotations

import pytest

from registry.factories import add
from rltcare.registry import service
from rltcare.registry.errors import NotFoundError
from rltcare.registry.models import CLINICAL
from rltcare.registry.readcache import HeadCache, audit_head


def _orm_timeline(session, caller, patient_id):
    """The timeline as ORM objects give it (the reference for the Core read)."""
    patient = session.get(CLINICAL[1], patient_id)
    out = {"patient": service.present(session, caller, patient).model_dump(mode="json")}
    for model in CLINICAL[2:]:
        rows = session.query(model).filter_by(patient_id=patient_id).order_by(model.id)
        out[model.__tablename__] = [
            service.present(session, caller, r).model_dump(mode="json") for r in rows
        ]
    return out


def _dumped(found):
    return {
        k: v.model_dump(mode="json") if k == "patient" else [r.model_dump(mode="json") for r in v]
        for k, v in found.items()
        if k != "centre"
    }


@pytest.mark.parametrize("who", ["admin", "editor_a", "analyst"])
def test_core_read_equals_the_orm_read(session, world, who):
    caller = world.callers[who]
    pid = world.patient_a.id
    add(
        session,
        "adverse_event",
        pid,
        term="Dry mouth",
        ctcae_version="5.0",
        grade=1,
        onset_on="2024-02-01",
        attribution="probable",
        notes="<b>x</b>",
    )
    found = service.timeline(session=session, caller=caller, patient_id=pid, cache=HeadCache())
    assert _dumped(found) == _orm_timeline(session, caller, pid)
    assert found["centre"].code == "A"


def test_a_write_anywhere_invalidates_and_the_next_read_sees_it(session, world):
    cache = HeadCache()
    caller = world.callers["editor_a"]
    pid = world.patient_a.id
    first = service.timeline(session=session, caller=caller, patient_id=pid, cache=cache)
    again = service.timeline(session=session, caller=caller, patient_id=pid, cache=cache)
    assert again is first and cache.hits == 1
    head = audit_head(session)
    add(session, "lab_result", pid, analyte="psa", value=3.0, unit="ng/mL", sampled_on="2024-03-01")
    assert audit_head(session) > head
    after = service.timeline(session=session, caller=caller, patient_id=pid, cache=cache)
    assert len(after["lab_result"]) == len(first["lab_result"]) + 1


def test_a_cached_patient_is_still_out_of_reach_of_another_centre(session, world):
    cache = HeadCache()
    pid = world.patient_a.id
    service.timeline(session=session, caller=world.callers["admin"], patient_id=pid, cache=cache)
    with pytest.raises(NotFoundError):
        service.timeline(
            session=session, caller=world.callers["editor_b"], patient_id=pid, cache=cache
        )
    with pytest.raises(NotFoundError):
        service.timeline(
            session=session, caller=world.callers["admin"], patient_id=10**6, cache=cache
        )


def test_the_cache_keeps_at_most_its_size():
    cache = HeadCache(size=2)
    for key in "abc":
        cache.get_or_load(key, 1, lambda k=key: k)
    assert cache.get_or_load("a", 1, lambda: "reloaded") == "reloaded"
    assert cache.get_or_load("c", 1, lambda: "reloaded") == "c"
