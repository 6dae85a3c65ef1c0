"""Excel, REDCap and FHIR: export, import into an empty registry, get the same rows back;
bad files rejected with a located problem and nothing written."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from rltcare.registry import migrate
from rltcare.registry.access import SYSTEM
from rltcare.registry.db import make_engine, make_sessionmaker
from rltcare.registry.demo import generate
from rltcare.registry.exporters import WORKBOOK, export_files, export_frames
from rltcare.registry.exporters.fhir import to_bundle
from rltcare.registry.importers import ImportRejectedError, import_tables
from rltcare.registry.importers.redcap_layout import DICTIONARY_COLUMNS, REPEATING
from rltcare.registry.importers.sources import read_files
from rltcare.registry.models import CLINICAL, Patient
from rltcare.settings import Settings

FHIR_COVERED = ("centre", "patient", "lab_result")  # tables a bundle carries whole


@pytest.fixture
def exported(session):
    frames = generate(patients=12, centres=2, seed=11)
    import_tables(session=session, caller=SYSTEM, frames=frames)
    return export_frames(session=session, caller=SYSTEM)


@pytest.fixture
def empty(tmp_path):
    engine = make_engine(Settings(data_dir=tmp_path / "empty"))
    migrate.upgrade(engine)
    with make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()


def _import(session, files, fmt=None, dry_run=False):
    source = read_files(list(files.items()), fmt)
    return import_tables(
        session=session,
        caller=SYSTEM,
        frames=source.frames,
        problems=source.problems,
        origin=source.origin,
        dry_run=dry_run,
    )


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.reset_index(drop=True).equals(b.reset_index(drop=True))


def _patients(session) -> int:
    return session.scalar(select(func.count()).select_from(Patient))


def test_workbook_round_trip_reproduces_every_row(exported, empty):
    files = export_files(exported, "xlsx")
    sheets = openpyxl.load_workbook(io.BytesIO(files[WORKBOOK])).sheetnames
    assert sheets == [m.__tablename__ for m in CLINICAL]
    report = _import(empty, files)
    assert report.rows["lab_result"] == len(exported["lab_result"])
    again = export_frames(session=empty, caller=SYSTEM)
    for table, frame in exported.items():
        assert _same(frame, again[table]), table


def test_workbook_missing_a_sheet_and_a_misnamed_sheet_write_nothing(exported, empty):
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for table in ("centre", "patient", "treatment_cycle"):  # no treatment_course sheet
            exported[table].astype(str).to_excel(writer, sheet_name=table, index=False)
        exported["vital_status"].to_excel(writer, sheet_name="vital", index=False)
    with pytest.raises(ImportRejectedError) as caught:
        _import(empty, {"cohort.xlsx": buffer.getvalue()})
    reasons = [str(p) for p in caught.value.problems]
    assert any("cohort.xlsx[vital]: no table 'vital'" in r for r in reasons)
    assert any("treatment_cycle" in r and "no such course" in r for r in reasons)
    assert _patients(empty) == 0


def test_redcap_dictionary_has_the_data_dictionary_layout(exported):
    files = export_files(exported, "redcap")
    dictionary = pd.read_csv(io.BytesIO(files["dictionary.csv"]), dtype=str, keep_default_na=False)
    assert tuple(dictionary.columns) == DICTIONARY_COLUMNS
    first = dictionary.iloc[0]
    assert (first["Variable / Field Name"], first["Form Name"]) == ("record_id", "patient")
    by_name = dictionary.set_index("Variable / Field Name")
    assert by_name.loc["pt_sex", "Field Type"] == "dropdown"
    assert by_name.loc["pt_sex", "Choices, Calculations, OR Slider Labels"].startswith(
        "1, female | 2, male"
    )
    assert by_name.loc["cy_administered_at", "Text Validation Type OR Show Slider Number"] == (
        "datetime_seconds_ymd"
    )
    assert by_name.loc["lab_sampled_on", "Text Validation Type OR Show Slider Number"] == (
        "date_ymd"
    )
    assert by_name.loc["cy_administered_activity_mbq", "Text Validation Max"] == "15000"
    assert by_name.loc["el_positive", "Field Type"] == "yesno"
    assert dictionary["Variable / Field Name"].str.fullmatch(r"[a-z][a-z0-9_]*").all()


def test_redcap_records_are_flat_with_repeating_instruments(exported):
    records = pd.read_csv(
        io.BytesIO(export_files(exported, "redcap")["records.csv"]),
        dtype=str,
        keep_default_na=False,
    )
    assert list(records.columns[:3]) == [
        "record_id",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
    ]
    plain = records[records["redcap_repeat_instrument"] == ""]
    assert len(plain) == len(exported["patient"]) and (plain["redcap_repeat_instance"] == "").all()
    assert set(records["redcap_repeat_instrument"]) - {""} <= set(REPEATING)
    cycles = records[records["redcap_repeat_instrument"] == "treatment_cycle"]
    assert len(cycles) == len(exported["treatment_cycle"])
    first = cycles.iloc[0]
    assert first["redcap_repeat_instance"] == "1" and first["pt_sex"] == ""
    assert first["cy_setting"] in ("1", "2")  # raw dropdown values


def test_redcap_round_trip_reproduces_every_patient_row(exported, empty):
    _import(empty, {"centre.csv": export_files(exported, "csv")["centre.csv"]})
    report = _import(empty, export_files(exported, "redcap"))
    assert report.rows["treatment_cycle"] == len(exported["treatment_cycle"])
    again = export_frames(session=empty, caller=SYSTEM)
    for table, frame in exported.items():
        assert _same(frame, again[table]), table


def _redcap_with(exported, change) -> dict[str, bytes]:
    files = export_files(exported, "redcap")
    rows = list(csv.reader(io.StringIO(files["records.csv"].decode())))
    change(rows)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return {**files, "records.csv": out.getvalue().encode()}


def test_redcap_problems_name_record_instrument_instance_and_field(exported, empty):
    _import(empty, {"centre.csv": export_files(exported, "csv")["centre.csv"]})

    def bad_psa(rows):
        header = rows[0]
        row = next(r for r in rows if r[1] == "lab_result")
        row[header.index("lab_value")] = "-1"

    with pytest.raises(ImportRejectedError) as caught:
        _import(empty, _redcap_with(exported, bad_psa))
    problem = caught.value.problems[0]
    assert problem.file == "records.csv" and problem.column == "lab_value"
    assert (
        problem.where.startswith("record ") and "instrument lab_result, instance" in problem.where
    )
    assert problem.row > 2 and "implausible" in problem.reason
    assert _patients(empty) == 0


def test_redcap_unknown_field_is_rejected(exported, empty):
    def rename(rows):
        rows[0][rows[0].index("pt_notes")] = "pt_height"

    with pytest.raises(ImportRejectedError, match="unknown field"):
        _import(empty, _redcap_with(exported, rename))
    with pytest.raises(ImportRejectedError, match="data dictionary is missing"):
        _import(empty, {"records.csv": export_files(exported, "redcap")["records.csv"]})
    assert _patients(empty) == 0


def test_fhir_round_trip_gives_the_same_bundle_and_rows(exported, empty):
    files = export_files(exported, "fhir")
    report = _import(empty, files)
    assert report.rows["treatment_cycle"] == len(exported["treatment_cycle"])
    again = export_frames(session=empty, caller=SYSTEM)
    assert to_bundle(again) == json.loads(files["bundle.json"])
    for table in FHIR_COVERED:
        frame = exported[table].drop(columns=["notes"], errors="ignore")
        assert _same(frame, again[table].drop(columns=["notes"], errors="ignore")), table
    cycles = ["pseudonym", "course", "number", "administered_at", "setting"]
    assert _same(exported["treatment_cycle"][cycles], again["treatment_cycle"][cycles])


def test_fhir_import_refers_to_centres_the_registry_has(exported, empty):
    _import(empty, {"centre.csv": export_files(exported, "csv")["centre.csv"]})
    report = _import(empty, export_files(exported, "fhir"), dry_run=True)
    assert "centre" not in report.rows and report.rows["patient"] == len(exported["patient"])


def _bundle_with(exported, change) -> dict[str, bytes]:
    bundle = json.loads(export_files(exported, "fhir")["bundle.json"])
    change(bundle["entry"])
    return {"bundle.json": json.dumps(bundle).encode()}


def _first(entries, kind):
    return next(i for i, e in enumerate(entries) if e["resource"]["resourceType"] == kind)


def test_fhir_unknown_resource_type_and_bad_unit_name_entry_and_element(exported, empty):
    where = {}

    def spoil(entries):
        where["procedure"] = _first(entries, "Observation")
        entries[where["procedure"]]["resource"]["resourceType"] = "Procedure"
        where["dose"] = _first(entries, "MedicationAdministration")
        entries[where["dose"]]["resource"]["dosage"]["dose"] = {"value": 7.4, "unit": "Gy"}
        psa = next(
            i
            for i, e in enumerate(entries)
            if e["resource"]["resourceType"] == "Observation"
            and e["resource"]["code"]["text"] == "psa"
        )
        where["psa"] = psa
        entries[psa]["resource"]["valueQuantity"] |= {"unit": "mmol/L", "code": "mmol/L"}

    with pytest.raises(ImportRejectedError) as caught:
        _import(empty, _bundle_with(exported, spoil))
    found = {(p.where, p.column): p.reason for p in caught.value.problems}
    assert "is not imported" in found[(f"entry[{where['procedure']}]", "resourceType")]
    assert "Gy" in found[(f"entry[{where['dose']}]", "MedicationAdministration.dosage.dose")]
    assert "not accepted" in found[(f"entry[{where['psa']}]", "Observation.valueQuantity.unit")]
    assert _patients(empty) == 0


@pytest.mark.parametrize(
    ("files", "fmt", "reason"),
    [
        ({"patient.csv": b"centre,pseudonym\n"}, "fhir", "not a fhir file"),
        ({"bundle.json": b"{"}, None, "not a FHIR JSON file"),
        ({"bundle.json": b'{"resourceType": "Patient"}'}, None, "not a FHIR Bundle"),
        ({"bundle.json": b'{"resourceType": "Bundle", "type": "searchset"}'}, None, "Bundle.type"),
        ({"registry.xlsx": b"PK not really"}, None, "not an Excel workbook"),
        ({"patient.csv": b"x"}, "pdf", "unknown import format"),
    ],
)
def test_wrong_format_is_a_clear_problem(files, fmt, reason):
    problems = read_files(list(files.items()), fmt).problems
    assert problems and reason in str(problems[0])


def test_a_transaction_bundle_from_elsewhere_imports(empty):
    """Relative and urn:uuid references, SNOMED/LOINC codes only, no cycle identifiers, an
    activity in mCi: the shapes another system may send."""
    from pathlib import Path

    path = Path(__file__).parents[2] / "docs" / "examples" / "registry" / "transaction-bundle.json"
    report = _import(empty, {path.name: path.read_bytes()})
    assert report.rows == {
        "centre": 1,
        "patient": 1,
        "diagnosis": 1,
        "treatment_course": 1,
        "treatment_cycle": 2,
        "lab_result": 1,
    }
    rows = export_frames(session=empty, caller=SYSTEM)
    cycles = rows["treatment_cycle"]
    assert list(cycles["number"]) == [1, 2] and list(cycles["course"]) == [1, 1]
    assert list(cycles["administered_activity_mbq"]) == [7400.0, 7400.0]  # 7.4 GBq, 200 mCi
    assert str(cycles["administered_at"].iloc[0]) == "2024-03-04 09:15:00+00:00"
    assert rows["diagnosis"]["cancer_type"].iloc[0] == "prostate"
    assert rows["lab_result"][["analyte", "value", "unit"]].iloc[0].tolist() == [
        "psa",
        38.2,
        "ng/mL",
    ]
    assert rows["treatment_course"]["started_on"].astype(str).iloc[0] == "2024-03-04"


def test_redcap_label_export_imports_too(exported, empty):
    """REDCap can export labels instead of raw codes; the labels are the registry's codes."""
    from rltcare.registry.importers.redcap_layout import BY_NAME

    def labels(rows):
        header = rows[0]
        for row in rows[1:]:
            for i, name in enumerate(header):
                field = BY_NAME.get(name)
                if field is not None and field.codes and row[i]:
                    row[i] = field.codes[int(row[i]) - 1]

    _import(empty, {"centre.csv": export_files(exported, "csv")["centre.csv"]})
    report = _import(empty, _redcap_with(exported, labels), dry_run=True)
    assert report.rows["adverse_event"] == len(exported["adverse_event"])


def test_documented_redcap_example_imports(empty):
    """docs/examples/registry/redcap, as docs/registry.md shows it."""
    from pathlib import Path

    folder = Path(__file__).parents[2] / "docs" / "examples" / "registry" / "redcap"
    centre = b"code,name,country\nBER,Berlin University Hospital,DE\n"
    _import(empty, {"centre.csv": centre})
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    report = _import(empty, files, dry_run=True)
    assert (report.rows["patient"], report.rows["prior_treatment"]) == (2, 3)


def test_redcap_rows_for_patients_the_registry_has_are_added_to_them(exported, empty):
    """A record whose plain-instrument fields are empty adds its instances to a known patient."""
    _import(empty, {"centre.csv": export_files(exported, "csv")["centre.csv"]})
    _import(empty, export_files(exported, "redcap"))

    def only_labs(rows):
        header = rows[0]
        keep = [rows[0]]
        for row in rows[1:]:
            if row[1] == "":
                keep.append([row[0]] + [""] * (len(header) - 1))  # the record, nothing else
            elif row[1] == "lab_result":
                keep.append(row)
        rows[:] = keep

    report = _import(empty, _redcap_with(exported, only_labs))
    assert report.rows == {"lab_result": len(exported["lab_result"])}
