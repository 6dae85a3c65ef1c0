"""Imports (all or nothing, each problem located), exports, backup and restore."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from rltcare.registry import backup, migrate
from rltcare.registry.access import SYSTEM
from rltcare.registry.audit import verify
from rltcare.registry.db import make_engine, make_sessionmaker
from rltcare.registry.demo import generate, load_demo
from rltcare.registry.exporters import export_frames, write_export
from rltcare.registry.importers import ImportRejectedError, import_tables, read_folder, read_upload
from rltcare.registry.models import LabResult, Patient
from rltcare.settings import Settings


def _frames():
    return generate(patients=10, centres=2, seed=5)


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_import_with_one_bad_row_writes_nothing(session):
    frames = _frames()
    frames["lab_result"].loc[3, "value"] = "-1"
    with pytest.raises(ImportRejectedError) as caught:
        import_tables(session=session, caller=SYSTEM, frames=frames)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("lab_result.csv", 5, "value")
    assert _count(session, Patient) == 0 and _count(session, LabResult) == 0


@pytest.mark.parametrize(
    ("table", "column", "value", "reason"),
    [
        ("treatment_cycle", "administered_activity_mbq", "740 GBq", "above the plausible maximum"),
        ("treatment_cycle", "administered_activity_mbq", "200 mCi", None),
        (
            "treatment_cycle",
            "administered_at",
            "1990-01-01T10:00Z",
            "before the patient's diagnosis",
        ),
        ("treatment_cycle", "administered_at", "2024-01-01T10:00", "no time zone"),
        ("lab_result", "sampled_on", "2099-01-01", "in the future"),
        ("lab_result", "unit", "mmol/L", "not accepted"),
        ("patient", "sex", "M", "unknown code"),
        ("patient", "pseudonym", "Max Mustermann", "'Max Mustermann' is not a pseudonym"),
        ("adverse_event", "resolved_on", "1990-01-01", "before onset_on"),
    ],
)
def test_implausible_values_are_rejected(session, table, column, value, reason):
    frames = _frames()
    frames[table].loc[0, column] = value
    if table == "lab_result":
        frames[table].loc[0, "analyte"] = "psa"
    if table == "adverse_event" and frames[table].empty:
        pytest.skip("no adverse event drawn")
    if reason is None:  # accepted and normalised: 200 mCi = 7400 MBq
        report = import_tables(session=session, caller=SYSTEM, frames=frames, dry_run=True)
        assert report.rows["treatment_cycle"] == len(frames["treatment_cycle"])
        return
    with pytest.raises(ImportRejectedError) as caught:
        import_tables(session=session, caller=SYSTEM, frames=frames)
    assert any(reason in p.reason for p in caught.value.problems), caught.value.problems[:3]
    assert _count(session, Patient) == 0


def test_duplicate_pseudonym_and_unknown_pseudonym(session):
    frames = _frames()
    frames["patient"].loc[1, "pseudonym"] = frames["patient"].loc[0, "pseudonym"]
    with pytest.raises(ImportRejectedError) as caught:
        import_tables(session=session, caller=SYSTEM, frames=frames)
    reasons = " ".join(p.reason for p in caught.value.problems)
    assert "appears twice" in reasons


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("patient.csv", b"centre;pseudonym;birth_year;sex\nA;P;1950;male\n", "wrong delimiter"),
        ("patient.csv", b"A,P,1950,male\n", "no header row"),
        (
            "patient.csv",
            "centre,pseudonym,birth_year,sex\nA,Pé,1950,male\n".encode("latin-1"),
            "not UTF-8",
        ),
        ("patient.csv", b"centre,pseudonym,birth_year,sex\n" + b"A,P,1950,male\n" * 10, "limit"),
        ("patients.csv", b"x\n", "name a CSV file after its table"),
    ],
)
def test_malformed_files_are_rejected(name, data, reason):
    _, problems = read_upload(name, data, max_bytes=100)
    assert problems and reason in problems[0].reason


def test_sql_and_html_in_free_text_are_stored_as_text(session):
    frames = _frames()
    evil = "<script>alert(1)</script>'; DROP TABLE patient; --"
    frames["patient"]["notes"] = ""
    frames["patient"].loc[0, "notes"] = evil
    import_tables(session=session, caller=SYSTEM, frames=frames)
    assert session.scalar(select(Patient.notes).where(Patient.notes.is_not(None))) == evil
    assert _count(session, Patient) == 10


def test_export_then_import_round_trips(session, tmp_path, registry_settings):
    import_tables(session=session, caller=SYSTEM, frames=_frames())
    paths = write_export(export_frames(session=session, caller=SYSTEM), tmp_path / "out")
    assert len(paths) == 12
    write_export(export_frames(session=session, caller=SYSTEM), tmp_path / "pq", "parquet")
    assert len(pd.read_parquet(tmp_path / "pq" / "patient.parquet")) == 10
    other = make_engine(Settings(data_dir=tmp_path / "other"))
    migrate.upgrade(other)
    frames, problems = read_folder(tmp_path / "out")
    assert problems == []
    with make_sessionmaker(other)() as fresh:
        report = import_tables(session=fresh, caller=SYSTEM, frames=frames)
        assert report.rows["lab_result"] == _count(session, LabResult)


def test_backup_restore_round_trips_every_table(engine, tmp_path):
    with make_sessionmaker(engine)() as session:
        load_demo(session=session, patients=15, centres=2, seed=2)
    backup.backup(engine, tmp_path / "b.zip")
    target = make_engine(Settings(data_dir=tmp_path / "restored"))
    migrate.upgrade(target)
    backup.restore(target, tmp_path / "b.zip")
    backup.backup(target, tmp_path / "c.zip")
    import zipfile

    with zipfile.ZipFile(tmp_path / "b.zip") as one, zipfile.ZipFile(tmp_path / "c.zip") as two:
        for name in one.namelist():
            if name != "manifest.json":
                assert one.read(name) == two.read(name), name
    with target.connect() as connection:
        assert verify(connection).ok
    with pytest.raises(Exception, match="not empty"):
        backup.restore(target, tmp_path / "b.zip")


def test_excel_workbook_imports_like_csv_files(session, tmp_path):
    frames = _frames()
    path = tmp_path / "registry.xlsx"
    with pd.ExcelWriter(path) as writer:
        for table, frame in frames.items():
            frame.to_excel(writer, sheet_name=table, index=False)
    read, problems = read_upload(path.name, path.read_bytes())
    assert problems == []
    report = import_tables(session=session, caller=SYSTEM, frames=read)
    assert report.rows["patient"] == 10
    assert verify(session.connection()).ok


def test_centre_editor_import_is_limited_to_their_centres(session, world):
    frames = {
        "lab_result": pd.DataFrame(
            {
                "pseudonym": ["PB-001"],
                "analyte": ["psa"],
                "value": ["1"],
                "unit": ["ng/mL"],
                "sampled_on": ["2024-02-01"],
            }
        )
    }
    with pytest.raises(ImportRejectedError, match="unknown pseudonym"):
        import_tables(session=session, caller=world.callers["editor_a"], frames=frames)
    with pytest.raises(Exception, match="cannot do this"):
        import_tables(session=session, caller=world.callers["viewer_a"], frames=frames)


def test_fhir_bundle_has_patients_markers_and_doses_in_gbq(session):
    from rltcare.registry.exporters.fhir import to_bundle

    frames = _frames()
    import_tables(session=session, caller=SYSTEM, frames=frames)
    bundle = to_bundle(export_frames(session=session, caller=SYSTEM))
    resources = [e["resource"] for e in bundle["entry"]]
    kinds = [r["resourceType"] for r in resources]
    assert kinds.count("Patient") == 10
    assert kinds.count("MedicationAdministration") == len(frames["treatment_cycle"])
    psa = [
        r
        for r in resources
        if r["resourceType"] == "Observation"
        and r["code"].get("coding", [{}])[0].get("code") == "2857-1"
    ]
    assert psa and psa[0]["valueQuantity"]["unit"] == "ng/mL"
    dose = next(r for r in resources if r["resourceType"] == "MedicationAdministration")["dosage"][
        "dose"
    ]
    assert dose["unit"] == "GBq" and 5 < dose["value"] < 10  # 7.4 GBq cycles


def test_an_import_refuses_a_cycle_after_the_end_of_its_course(session):
    """The rule of the forms and the API: a completed course takes no cycle beyond its plan."""
    frames = _frames()
    courses, cycles = frames["treatment_course"], frames["treatment_cycle"]
    done = courses.index[courses["end_reason"] == "completed"][0]
    pseudonym = courses.loc[done, "pseudonym"]
    given = (cycles["pseudonym"] == pseudonym) & (cycles["course"] == courses.loc[done, "number"])
    courses.loc[done, "planned_cycles"] = str(given.sum() - 1)
    with pytest.raises(ImportRejectedError) as caught:
        import_tables(session=session, caller=SYSTEM, frames=frames)
    after = [p for p in caught.value.problems if "after the end of its course" in p.reason]
    assert len(after) == 1 and after[0].column == "number"
