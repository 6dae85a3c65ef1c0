"""The registry as a cohort source: mappings, centre scoping, analyst pseudonyms, the CLI."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from registry.factories import add, add_patient, make_world
from rltcare.cli import main
from rltcare.cohort.analysis import CohortOptions, analyse
from rltcare.cohort.registry_source import RegistryCohort, caller_named
from rltcare.errors import InputError
from rltcare.registry import auth, demo, migrate
from rltcare.registry.access import SYSTEM
from rltcare.registry.db import make_engine, make_sessionmaker
from rltcare.registry.models import Centre, Patient
from rltcare.settings import Settings


@pytest.fixture(scope="module")
def demo_registry(tmp_path_factory):
    """A migrated SQLite registry with the 60-patient, 3-centre demo cohort and accounts."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("registry") / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
        engine = make_engine(settings)
        migrate.upgrade(engine)
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            demo.load_demo(session=session, patients=60, centres=3, seed=3)
        yield settings, sessions
    engine.dispose()


@pytest.fixture
def session(demo_registry):
    with demo_registry[1]() as session:
        yield session


def test_system_cohort_is_accepted_by_analyse(session):
    source = RegistryCohort(session, SYSTEM)
    cohort = source.load()
    assert {"psa", "lesions", "survival", "follow_up", "labs", "centres"} <= set(cohort.tables)
    assert cohort.name("psa") == "registry: psa"
    assert list(cohort.table("psa")["_line"][:3]) == [1, 2, 3]
    assert "eortc" in source.absent() and "eortc" not in cohort.tables
    result = analyse(cohort, CohortOptions(group_column="centre"))
    assert result.inputs["survival"].rows == 60
    assert set(result.survival.curves) == {"AMS", "BER", "PAR"}
    assert result.waterfall and result.toxicity is not None
    assert {c.centre for c in result.funnel.centres} == {"AMS", "BER", "PAR"}
    assert sum(result.best["PCWG3"].values()) == cohort.table("psa")["patient_id"].nunique()


def test_centre_user_sees_only_their_centre(session):
    caller = caller_named(session, "viewer-ber")
    cohort = RegistryCohort(session, caller).load()
    berlin = set(
        session.scalars(select(Patient.pseudonym).join(Centre).where(Centre.code == "BER")).all()
    )
    assert 0 < len(berlin) < 60
    for table in cohort.tables.values():
        if "patient_id" in table:
            assert set(table["patient_id"]) <= berlin
    assert set(cohort.table("survival")["patient_id"]) == berlin
    assert list(cohort.table("centres")["centre"]) == ["BER"]
    analyse(cohort)


def test_analyst_sees_keyed_pseudonyms_only(session):
    cohort = RegistryCohort(session, caller_named(session, "analyst")).load()
    real = set(session.scalars(select(Patient.pseudonym)).all())
    ids = set(cohort.table("survival")["patient_id"])
    assert len(ids) == 60 and not ids & real
    assert all(re.fullmatch(r"A-[0-9a-f]{12}", p) for p in ids)
    assert set(cohort.table("psa")["patient_id"]) <= ids
    system = RegistryCohort(session, SYSTEM).load()
    # the same analysis, whoever holds the keys: same survival times in the same order
    assert sorted(cohort.table("survival")["time_days"]) == sorted(
        system.table("survival")["time_days"]
    )


def test_accounts_that_cannot_read_patients_are_refused(session):
    with pytest.raises(InputError, match="no active registry account 'nobody'"):
        caller_named(session, "nobody")
    with pytest.raises(InputError, match="auditor role cannot read"):
        RegistryCohort(session, caller_named(session, "auditor")).load()


@pytest.fixture
def small(tmp_path, monkeypatch):
    """The two-centre test world, one patient with hand-checked rows."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    engine = make_engine(Settings(data_dir=tmp_path / "data"))
    migrate.upgrade(engine)
    with make_sessionmaker(engine)() as session:
        world = make_world(session)
        pid = add_patient(session, world.centre_a.id, "PA-002").id  # first cycle 2024-01-10
        add(
            session,
            "vital_status",
            pid,
            status="dead",
            last_contact_on="2024-07-09",
            died_on="2024-07-09",
        )
        lesion = {"modality": "ct", "lesion": "N1", "site": "lymph-node", "target": True}
        add(
            session,
            "imaging_assessment",
            pid,
            scanned_on="2024-01-02",
            long_axis_mm=30,
            short_axis_mm=18,
            **lesion,
        )
        add(
            session,
            "imaging_assessment",
            pid,
            scanned_on="2024-04-02",
            long_axis_mm=25,
            short_axis_mm=16,
            new_lesion=True,
            **lesion,
        )
        for day, value in (("2024-01-05", 13.0), ("2024-02-20", 9.1)):
            add(
                session,
                "lab_result",
                pid,
                analyte="hb",
                value=value,
                unit="g/dL",
                ref_low=13.5,
                ref_high=17.5,
                sampled_on=day,
            )
        for day, volume in (("2024-01-03", 120.0), ("2024-04-03", 150.0)):
            for part in (1, 2):
                add(
                    session,
                    "imaging_assessment",
                    pid,
                    scanned_on=day,
                    modality="psma-pet",
                    lesion=f"T{part}",
                    site="bone",
                    target=False,
                    psma_tv_ml=volume / 2,
                )
        yield session, world
    engine.dispose()


def test_mappings_of_one_patient(small):
    session, world = small
    cohort = RegistryCohort(session, world.users["viewer_a"]).load()
    survival = cohort.table("survival").set_index("patient_id")
    assert survival.loc["PA-002", ["time_days", "event", "centre"]].tolist() == ["181", "1", "A"]
    fu = cohort.table("follow_up").set_index("patient_id").loc["PA-002"]
    assert (fu["start_date"], fu["end_date"], fu["died"]) == ("2024-01-10", "2024-07-09", "true")
    lesions = cohort.table("lesions")
    lesions = lesions[lesions["patient_id"] == "PA-002"]
    assert lesions["diameter"].tolist() == ["18", "16", ""]  # nodes: short axis
    assert lesions["lesion_id"].tolist() == ["N1", "N1", "N1:new"]
    assert lesions["new"].tolist() == ["false", "false", "true"]
    labs = cohort.table("labs").set_index("date")
    assert labs.loc["2024-02-20", ["term", "lln", "uln", "baseline"]].tolist() == [
        "anemia",
        "13.5",
        "17.5",
        "13",
    ]
    psma = cohort.table("psma")
    assert psma["tumour_volume_ml"].tolist() == ["120", "150"]
    assert set(cohort.table("psa")["patient_id"]) == {"PA-001", "PA-002"}  # centre A only
    result = analyse(cohort)
    assert result.toxicity.grade_counts.get("anemia grade 2") == 1  # 9.1 g/dL: <10, ≥8
    assert result.inputs["psma"].patients == 1


def test_empty_centre_is_a_clear_error(small):
    session, _ = small
    c = add(session, "centre", code="C", name="Centre C", country="NL")
    user = auth.create_user(
        session=session,
        actor=SYSTEM,
        username="viewer-c",
        password="x" * 12,
        role="centre-viewer",
        centres=["C"],
    )
    assert c.id
    with pytest.raises(InputError, match="no patients in your centres"):
        RegistryCohort(session, user).load()


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exit_:
        main([str(a) for a in argv])
    out = capsys.readouterr()
    return exit_.value.code or 0, out.out, out.err


def test_cli_report_from_the_registry(demo_registry, tmp_path, monkeypatch, capsys):
    settings, _ = demo_registry
    monkeypatch.setenv("RLTCARE_DATA_DIR", str(settings.data_dir))
    out = tmp_path / "report.html"
    code, _, stderr = run(
        capsys, "outcomes", "report", "--registry", "--as", "viewer-par", "--out", out
    )
    assert code == 0, stderr
    html = out.read_text(encoding="utf-8")
    assert "registry: psa" in html and "BER-" not in html and "PAR-" in html
    assert "no eortc table" in stderr
    code, _, stderr = run(capsys, "outcomes", "report", "--as", "viewer-par", "--out", out)
    assert code == 2 and "--as needs --registry" in stderr


def test_cli_report_needs_an_initialised_registry(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RLTCARE_DATA_DIR", str(tmp_path / "empty"))
    code, _, stderr = run(capsys, "outcomes", "report", "--registry", "--out", tmp_path / "r.html")
    assert code == 2 and "not initialised" in stderr


def test_a_centre_with_only_psa_values(small):
    """Centre B's patient has one PSA value and nothing else: only the PSA table, the rest
    absent with reasons, and PCWG3 says why the patient is not evaluable."""
    session, world = small
    source = RegistryCohort(session, world.callers["editor_b"])
    cohort = source.load()
    assert set(cohort.tables) == {"psa"}
    assert {"survival", "labs", "lesions", "centres"} <= set(source.absent())
    result = analyse(cohort)
    assert result.best["PCWG3"]["NE"] == 1 and "PB-001" in result.not_evaluable["PCWG3"]


def test_follow_up_ending_before_the_first_cycle_is_named(small):
    session, world = small
    add(
        session,
        "vital_status",
        world.patient_b.id,
        status="alive",
        last_contact_on="2023-12-01",
    )
    with pytest.raises(InputError, match=r"PB-001: .*\(2023-12-01\) is before the first cycle"):
        RegistryCohort(session, SYSTEM).load()


def _fdg(session, pid, day, peaks, liver=None, sd=None):
    for label, site, peak in peaks:
        add(
            session,
            "imaging_assessment",
            pid,
            scanned_on=day,
            modality="fdg-pet",
            lesion=label,
            site=site,
            target=False,
            sul_peak=peak,
            liver_sul_mean=liver,
            liver_sul_sd=sd,
        )


def test_fdg_pet_with_the_liver_reference_makes_percist_evaluable(small):
    session, world = small
    pid = session.scalar(select(Patient.id).where(Patient.pseudonym == "PA-002"))
    # liver given on one row of each scan only; the scan's value is used
    _fdg(session, pid, "2024-01-04", [("P1", "bone", 8.0)], liver=2.0, sd=0.2)
    _fdg(session, pid, "2024-01-04", [("P2", "liver", 5.0), ("P3", "bone", 4.0)])
    _fdg(session, pid, "2024-04-04", [("P1", "bone", 4.0), ("P2", "liver", 2.5)], 2.1, 0.2)
    cohort = RegistryCohort(session, world.users["viewer_a"]).load()
    fdg = cohort.table("fdg")
    assert fdg[["sul_peak", "liver_sul_mean", "liver_sul_sd"]].values.tolist() == [
        ["8", "2", "0.2"],
        ["4", "2.1", "0.2"],
    ]
    assert fdg["lesions"].iloc[0] == "P1@bone=8;P2@liver=5;P3@bone=4"
    result = analyse(cohort)
    assert result.best["PERCIST"]["PR"] == 1  # 8 → 4: -50%, -4 SUL
    gaps = {(g.table, g.field): g for g in result.source_gaps}
    assert ("imaging_assessment", "liver_sul_mean") not in gaps


def test_empty_registry_fields_are_listed_with_their_consequence(small, tmp_path):
    from rltcare.cohort import report

    session, world = small
    pid = session.scalar(select(Patient.id).where(Patient.pseudonym == "PA-002"))
    _fdg(session, pid, "2024-01-04", [("P1", "bone", 8.0)])
    _fdg(session, pid, "2024-04-04", [("P1", "bone", 4.0)])
    cohort = RegistryCohort(session, world.users["viewer_a"]).load()
    gaps = {(g.table, g.field, g.scope): g for g in cohort.gaps}
    liver = gaps[("imaging_assessment", "liver_sul_mean", "FDG PET scans")]
    assert (liver.rows, liver.missing) == (2, 2) and "PERCIST" in liver.consequence
    assert gaps[("imaging_assessment", "new_lesion", "bone-scan rows")].rows == 0
    assert gaps[("lab_result", "value", "analyte plt")].rows == 0
    assert gaps[("imaging_assessment", "TLG, uptake time", "not stored")].missing is None
    assert ("imaging_assessment", "short_axis_mm", "CT/MRI lymph-node rows") not in gaps
    result = analyse(cohort)
    assert "liver" in result.not_evaluable["PERCIST"]["PA-002"]
    html = report.render(result)
    assert "Registry data gaps" in html
    assert "liver_sul_mean" in html and "PERCIST 1.0: no liver reference" in html


def test_a_lesion_that_appeared_new_stays_new_at_later_scans():
    import pandas as pd

    from rltcare.cohort.registry_source import _lesions

    rows = pd.DataFrame(
        {
            "pseudonym": ["P"] * 5,
            "lesion": ["L1", "L1", "L2", "L1", "L2"],
            "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01"] + ["2024-05-01"] * 2),
            "site": ["liver"] * 5,
            "short_axis_mm": [None] * 5,
            "long_axis_mm": [30.0, 31.0, 12.0, 32.0, 15.0],
            "new": [False, False, True, False, False],  # L2 flagged new only where it appeared
            "target": [True, True, False, True, False],
        }
    )
    got = _lesions(rows).set_index(["lesion_id", "date"])
    assert got.loc[("L2", pd.Timestamp("2024-05-01")), "new"]  # no baseline: still new
    assert not got.loc[("L1", pd.Timestamp("2024-05-01")), "new"]
    assert len(got) == 5  # no ":new" stand-in lesion added for L2
