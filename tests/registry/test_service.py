"""The service layer: scoping by centre, roles, validation and optimistic locking."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rltcare.errors import InputError
from rltcare.registry import service
from rltcare.registry.errors import ConflictError, NotFoundError, PermissionDeniedError
from rltcare.registry.schema import SCHEMAS


def test_list_rows_is_scoped_to_the_callers_centres(session, world):
    rows, count = service.list_rows(
        session=session, caller=world.callers["editor_a"], table="patient"
    )
    assert count == 1
    assert [r.pseudonym for r in rows] == ["PA-001"]
    labs, _ = service.list_rows(
        session=session, caller=world.callers["viewer_a"], table="lab_result"
    )
    assert {r.patient_id for r in labs} == {world.patient_a.id}


def test_other_centres_patient_is_not_found(session, world):
    with pytest.raises(NotFoundError):
        service.get_row(
            session=session,
            caller=world.callers["editor_a"],
            table="patient",
            row_id=world.patient_b.id,
        )
    update = SCHEMAS["patient"].Update(version=1, birth_year=1960)
    with pytest.raises(NotFoundError):
        service.update_row(
            session=session,
            caller=world.callers["editor_a"],
            table="patient",
            row_id=world.patient_b.id,
            data=update,
        )


def test_viewer_cannot_write_and_auditor_cannot_read(session, world):
    update = SCHEMAS["patient"].Update(version=1, birth_year=1960)
    with pytest.raises(PermissionDeniedError):
        service.update_row(
            session=session,
            caller=world.callers["viewer_a"],
            table="patient",
            row_id=world.patient_a.id,
            data=update,
        )
    with pytest.raises(PermissionDeniedError):
        service.list_rows(session=session, caller=world.callers["auditor"], table="patient")


def test_analyst_sees_every_centre_pseudonymised(session, world):
    rows, count = service.list_rows(
        session=session, caller=world.callers["analyst"], table="patient"
    )
    assert count == 2
    assert all(
        r.pseudonym.startswith("A-") and r.pseudonym not in ("PA-001", "PB-001") for r in rows
    )
    again, _ = service.list_rows(session=session, caller=world.callers["analyst"], table="patient")
    assert [r.pseudonym for r in rows] == [r.pseudonym for r in again]


def test_stale_version_is_a_conflict(session, world):
    editor = world.callers["editor_a"]
    first = SCHEMAS["patient"].Update(version=1, birth_year=1951)
    service.update_row(
        session=session, caller=editor, table="patient", row_id=world.patient_a.id, data=first
    )
    stale = SCHEMAS["patient"].Update(version=1, birth_year=1952)
    with pytest.raises(ConflictError, match="version 2"):
        service.update_row(
            session=session, caller=editor, table="patient", row_id=world.patient_a.id, data=stale
        )
    row = service.get_row(
        session=session, caller=editor, table="patient", row_id=world.patient_a.id
    )
    assert (row.birth_year, row.version) == (1951, 2)


def test_concurrent_sessions_cannot_overwrite_each_other(engine, world):
    """Two editors load version 1; the second commit fails even past the version check."""
    from rltcare.registry.db import make_sessionmaker
    from rltcare.registry.models import Patient

    factory = make_sessionmaker(engine)
    with factory() as one, factory() as two:
        p1, p2 = one.get(Patient, world.patient_a.id), two.get(Patient, world.patient_a.id)
        p1.birth_year, p2.birth_year = 1941, 1942
        one.info["actor"] = two.info["actor"] = "test"
        one.commit()
        with pytest.raises(Exception, match=r"(?i)stale|expected to update"):
            two.commit()


def test_cycle_before_diagnosis_is_rejected(session, world):
    course, _ = service.list_rows(
        session=session,
        caller=world.callers["admin"],
        table="treatment_course",
        filters={"patient_id": world.patient_a.id},
    )
    data = SCHEMAS["treatment_cycle"].Create(
        course_id=course[0].id,
        number=2,
        administered_at="2017-01-01T10:00Z",
        administered_activity_mbq=7400,
        setting="outpatient",
    )
    with pytest.raises(InputError, match="before the diagnosis"):
        service.create_row(
            session=session,
            caller=world.callers["editor_a"],
            table="treatment_cycle",
            data=data,
            patient_id=world.patient_a.id,
        )


def test_duplicate_pseudonym_is_rejected(session, world):
    data = SCHEMAS["patient"].Create(
        centre_id=world.centre_a.id, pseudonym="PB-001", birth_year=1950, sex="male"
    )
    with pytest.raises(InputError, match="already registered"):
        service.create_row(
            session=session, caller=world.callers["editor_a"], table="patient", data=data
        )


def test_delete_patient_removes_their_rows(session, world):
    admin = world.callers["admin"]
    service.delete_row(
        session=session, caller=admin, table="patient", row_id=world.patient_a.id, version=1
    )
    _, count = service.list_rows(session=session, caller=admin, table="treatment_cycle")
    assert count == 1


def test_analyst_cannot_look_up_a_real_pseudonym(session, world):
    with pytest.raises(PermissionDeniedError):
        service.list_rows(
            session=session,
            caller=world.callers["analyst"],
            table="patient",
            filters={"pseudonym": "PA-001"},
        )


def _cycle(course_id: int, number: int):
    return SCHEMAS["treatment_cycle"].Create(
        course_id=course_id,
        number=number,
        administered_at="2024-05-10T09:30:00+00:00",
        administered_activity_mbq="7.4 GBq",
        setting="outpatient",
    )


def test_a_cycle_of_an_unknown_course_names_the_course(session, world):
    with pytest.raises(InputError, match="no course 99999 for this patient"):
        service.create_row(
            session=session,
            caller=world.callers["admin"],
            table="treatment_cycle",
            data=_cycle(99999, 2),
            patient_id=world.patient_a.id,
        )


def test_no_cycle_after_the_end_of_a_completed_course(session, world):
    admin, pid = world.callers["admin"], world.patient_a.id
    course = service.create_row(
        session=session,
        caller=admin,
        table="treatment_course",
        data=SCHEMAS["treatment_course"].Create(
            number=2,
            radiopharmaceutical="lu177-psma-617",
            started_on="2024-05-01",
            planned_cycles=4,
            end_reason="completed",
        ),
        patient_id=pid,
    )
    service.create_row(  # within the plan: accepted
        session=session,
        caller=admin,
        table="treatment_cycle",
        data=_cycle(course.id, 4),
        patient_id=pid,
    )
    with pytest.raises(InputError, match="cycle 5 is after the end of its course") as caught:
        service.create_row(
            session=session,
            caller=admin,
            table="treatment_cycle",
            data=_cycle(course.id, 5),
            patient_id=pid,
        )
    assert caught.value.field == "number"


@pytest.mark.parametrize(
    "name", ["Max Mustermann", "Mustermann", "max.mustermann@example.org", "A1", "-BER-1"]
)
def test_a_name_is_not_a_pseudonym(session, world, name):
    """The request models (forms and API) refuse names, naming the pseudonym field."""
    with pytest.raises(ValidationError) as caught:
        SCHEMAS["patient"].Create(
            centre_id=world.centre_a.id, pseudonym=name, birth_year=1950, sex="male"
        )
    error = caught.value.errors()[0]
    assert error["loc"] == ("pseudonym",) and "is not a pseudonym" in error["msg"]
    with pytest.raises(ValidationError, match="is not a pseudonym"):
        SCHEMAS["patient"].Update(version=1, pseudonym=name)


@pytest.mark.parametrize("pseudonym", ["BER-00042", "1017", "lyo_0001", "PA-001", "X" * 60 + "1"])
def test_pseudonyms_in_use_are_accepted(pseudonym):
    assert (
        SCHEMAS["patient"]
        .Create(centre_id=1, pseudonym=pseudonym, birth_year=1950, sex="male")
        .pseudonym
        == pseudonym
    )


def test_a_course_cannot_end_before_its_recorded_cycles(session, world):
    """The same rule from the course's side: a course with cycles 1 and 2 is not 'completed
    after 1 planned cycle'."""
    admin = world.callers["admin"]
    (course,), _ = service.list_rows(
        session=session,
        caller=admin,
        table="treatment_course",
        filters={"patient_id": world.patient_a.id},
    )
    service.create_row(
        session=session,
        caller=admin,
        table="treatment_cycle",
        data=_cycle(course.id, 2),
        patient_id=world.patient_a.id,
    )

    def end(planned: int, version: int):
        data = SCHEMAS["treatment_course"].Update(
            version=version, planned_cycles=planned, end_reason="completed"
        )
        return service.update_row(
            session=session, caller=admin, table="treatment_course", row_id=course.id, data=data
        )

    with pytest.raises(InputError, match="the course has cycle 2, more than its 1 planned"):
        end(1, course.version)
    session.rollback()
    assert end(2, course.version).end_reason == "completed"
