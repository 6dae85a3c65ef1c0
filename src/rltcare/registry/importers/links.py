"""Checks across files and against the database: keys exist, nothing is duplicated.

A child row's pseudonym must be a patient of the same import or of the caller's
centres; a new pseudonym must be new to the whole registry; a cycle must belong
to a known course and come after the patient's diagnosis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, func, select

from rltcare.registry.access import Caller
from rltcare.registry.importers.convert import Collector
from rltcare.registry.models import (
    Centre,
    Diagnosis,
    Patient,
    TreatmentCourse,
    TreatmentCycle,
    VitalStatus,
)
from rltcare.registry.rules import cycle_after_end


@dataclass
class Known:
    """What the database already holds, as far as the import needs it."""

    centres: dict[str, int] = field(default_factory=dict)  # code -> id
    pseudonyms: set[str] = field(default_factory=set)  # every centre (they are unique)
    patients: dict[str, tuple[int, int]] = field(default_factory=dict)  # caller's: -> (id, centre)
    courses: dict[tuple[str, int], int] = field(default_factory=dict)
    course_ends: dict[tuple[str, int], tuple[str | None, int | None]] = field(default_factory=dict)
    cycles: set[tuple[str, int, int]] = field(default_factory=set)
    diagnosed: dict[str, dt.date] = field(default_factory=dict)
    vital: set[str] = field(default_factory=set)


def load_known(connection: Connection, caller: Caller) -> Known:
    known = Known()
    known.centres = dict(connection.execute(select(Centre.code, Centre.id)).all())
    rows = connection.execute(select(Patient.pseudonym, Patient.id, Patient.centre_id)).all()
    known.pseudonyms = {r[0] for r in rows}
    writable = {
        r[0]: (r[1], r[2])
        for r in rows
        if caller.role == "administrator" or r[2] in caller.centre_ids
    }
    known.patients = writable
    by_id = {pid: p for p, (pid, _) in writable.items()}
    for pid, number, cid, end, planned in connection.execute(
        select(
            TreatmentCourse.patient_id,
            TreatmentCourse.number,
            TreatmentCourse.id,
            TreatmentCourse.end_reason,
            TreatmentCourse.planned_cycles,
        )
    ):
        if pid in by_id:
            known.courses[(by_id[pid], number)] = cid
            known.course_ends[(by_id[pid], number)] = (end, planned)
    course_key = {cid: key for key, cid in known.courses.items()}
    for course_id, number in connection.execute(
        select(TreatmentCycle.course_id, TreatmentCycle.number)
    ):
        if course_id in course_key:
            known.cycles.add((*course_key[course_id], number))
    earliest = select(Diagnosis.patient_id, func.min(Diagnosis.diagnosed_on)).group_by(
        Diagnosis.patient_id
    )
    known.diagnosed = {by_id[pid]: day for pid, day in connection.execute(earliest) if pid in by_id}
    known.vital = {
        by_id[pid] for (pid,) in connection.execute(select(VitalStatus.patient_id)) if pid in by_id
    }
    return known


def check_links(tables: dict[str, tuple[str, pd.DataFrame]], known: Known, caller: Caller) -> list:
    """Every cross-file and database problem, as :class:`Problem` rows."""
    problems = []

    def collector(table: str) -> tuple[Collector, pd.DataFrame]:
        file, df = tables[table]
        out = Collector(file)
        problems.append(out)
        return out, df

    new_centres: set[str] = set()
    if "centre" in tables:
        out, df = collector("centre")
        if caller.role != "administrator":
            out.add([True], None, "only an administrator can add centres")
        out.add(
            df["code"].duplicated(keep="first"),
            "code",
            lambda v: f"centre {v!r} appears twice",
            df["code"],
        )
        out.add(
            df["code"].isin(known.centres),
            "code",
            lambda v: f"centre {v!r} exists already",
            df["code"],
        )
        new_centres = set(df["code"].dropna())
    new_patients: set[str] = set()
    if "patient" in tables:
        out, df = collector("patient")
        p = df["pseudonym"]
        out.add(
            p.duplicated(keep="first"), "pseudonym", lambda v: f"pseudonym {v!r} appears twice", p
        )
        out.add(
            p.isin(known.pseudonyms),
            "pseudonym",
            lambda v: f"pseudonym {v!r} is already registered",
            p,
        )
        writable = {
            code
            for code, cid in known.centres.items()
            if caller.role == "administrator"
            or (caller.role == "centre-editor" and cid in caller.centre_ids)
        }
        if caller.role == "administrator":
            writable |= new_centres
        out.add(
            df["centre"].notna() & ~df["centre"].isin(writable),
            "centre",
            lambda v: f"unknown centre {v!r} (or not one of yours)",
            df["centre"],
        )
        new_patients = set(p.dropna())
    patients = new_patients | set(known.patients)
    for table, (_, df) in tables.items():
        if table in ("centre", "patient"):
            continue
        out, df = collector(table)
        p = df["pseudonym"]
        out.add(
            p.notna() & ~p.isin(patients),
            "pseudonym",
            lambda v: f"unknown pseudonym {v!r} (not in patient.csv nor in your centres)",
            p,
        )
        if table == "vital_status":
            out.add(
                p.duplicated(keep="first") | p.isin(known.vital),
                "pseudonym",
                lambda v: f"a second vital status for {v!r}",
                p,
            )
    _check_courses(tables, known, collector)
    return [problem for out in problems for problem in out.problems]


def _check_courses(tables, known: Known, collector) -> None:
    courses = set(known.courses)
    ends = dict(known.course_ends)
    if "treatment_course" in tables:
        out, df = collector("treatment_course")
        keys = pd.Series(list(zip(df["pseudonym"], df["number"], strict=True)), index=df.index)
        for key, end, planned in zip(keys, df["end_reason"], df["planned_cycles"], strict=True):
            if pd.notna(key[1]):
                ends[(key[0], int(key[1]))] = (end, planned)
        out.add(
            keys.duplicated(keep="first") | keys.isin(known.courses),
            "number",
            "this patient already has a course with this number",
        )
        courses |= set(keys)
    if "treatment_cycle" not in tables:
        return
    out, df = collector("treatment_cycle")
    courses = {(p, int(n)) for p, n in courses if pd.notna(n)}
    keys = list(zip(df["pseudonym"], df["course"].fillna(-1).astype(int), strict=True))
    out.add(
        [k not in courses for k in keys],
        "course",
        "no such course for this patient (see treatment_course.csv)",
    )
    out.add(
        [
            pd.notna(n) and cycle_after_end(*ends.get(k, (None, None)), n)
            for k, n in zip(keys, df["number"], strict=True)
        ],
        "number",
        "this cycle is after the end of its course (ended, beyond its planned cycles)",
    )
    triples = pd.Series([(*k, n) for k, n in zip(keys, df["number"], strict=True)], index=df.index)
    out.add(
        triples.duplicated(keep="first") | triples.isin(known.cycles),
        "number",
        "this course already has a cycle with this number",
    )
    diagnosed = dict(known.diagnosed)
    if "diagnosis" in tables:
        _, dx = tables["diagnosis"]
        first = dx.groupby("pseudonym")["diagnosed_on"].min()
        for pseudonym, day in first.items():
            if pd.notna(day):
                day = day.date()
                diagnosed[pseudonym] = min(day, diagnosed.get(pseudonym, day))
    given = df["administered_at"].dt.tz_convert(None)
    limit = pd.to_datetime(df["pseudonym"].map(diagnosed))
    out.add(
        given.notna() & limit.notna() & (given < limit),
        "administered_at",
        "the cycle is before the patient's diagnosis",
    )
