"""The shared CSV reader: every rejection names the file, line and column."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rltcare
from rltcare.cohort.source import DEMO, CsvCohort, demo_source
from rltcare.cohort.tables import MAX_BYTES, TABLES, CsvFile, read_table, typed
from rltcare.errors import InputError


def test_reads_strings_with_source_lines():
    frame = read_table(CsvFile("c.csv", "centre,n,events\nA, 40 ,20\nB,60,48\n"), "centres")
    assert frame["n"].tolist() == ["40", "60"]
    assert frame["_line"].tolist() == [2, 3]
    assert typed(frame, "centres", "c.csv")["n"].tolist() == [40, 60]


@pytest.mark.parametrize(
    ("text", "table", "expected"),
    [
        ("centre,n\nA,4\n", "centres", "c.csv, line 1, field 'events': missing column 'events'"),
        (
            "patient_id,start_date,date,valeu\n",
            "psa",
            "c.csv, line 1, field 'valeu': unknown column",
        ),
        ("centre,n,events\n", "centres", "c.csv: no data rows"),
        ("", "centres", "c.csv, line 1: empty file: no header row"),
    ],
)
def test_header_problems(text, table, expected):
    with pytest.raises(InputError) as info:
        read_table(CsvFile("c.csv", text), table)
    assert info.value.one_line().startswith(expected)


@pytest.mark.parametrize(
    ("table", "text", "expected"),
    [
        (
            "centres",
            "centre,n,events\nA,40,20\nB,forty,3\n",
            "line 3, field 'n': 'forty' is not a number",
        ),
        (
            "follow_up",
            "patient_id,start_date,end_date,died\nA,2024-01-01,2024-13-01,no\n",
            "line 2, field 'end_date': '2024-13-01' is not a date",
        ),
        (
            "follow_up",
            "patient_id,start_date,end_date,died\nA,2024-01-01,2024-02-01,perhaps\n",
            "line 2, field 'died': 'perhaps' is not true/false",
        ),
    ],
)
def test_bad_cells_name_line_and_column(table, text, expected):
    with pytest.raises(InputError) as info:
        typed(read_table(CsvFile("f.csv", text), table), table, "f.csv")
    assert expected in info.value.one_line()


def test_upload_limits():
    with pytest.raises(InputError, match="limit is 2 MB"):
        CsvFile.from_bytes("big.csv", b"x" * (MAX_BYTES + 1))
    with pytest.raises(InputError, match="not UTF-8"):
        CsvFile.from_bytes("latin.csv", "centre\nK\xf8benhavn\n".encode("latin-1"))
    assert CsvFile.from_bytes("bom.csv", b"\xef\xbb\xbfa,b\n").text == "a,b\n"


def test_csv_cohort_rejects_an_unknown_table():
    with pytest.raises(InputError, match="unknown table 'psaa'"):
        CsvCohort({"psaa": CsvFile("x.csv", "a\n1\n")}).load()


def test_demo_cohort_loads_every_table():
    cohort = demo_source().load()
    assert set(cohort.tables) == {
        "psa",
        "lesions",
        "fdg",
        "psma",
        "survival",
        "labs",
        "follow_up",
        "centres",
    }
    assert cohort.name("psa") == "demo/cohort_psa.csv"


def test_demo_files_are_package_data():
    """demo_source() and the /assess examples read files that a wheel carries: every file
    under DEMO matches a package-data glob of pyproject.toml."""
    pyproject = Path(__file__).parents[2] / "pyproject.toml"
    globs = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"]["rltcare"]
    package = Path(rltcare.__file__).parent
    declared = {path for glob in globs for path in package.glob(glob)}
    demo = {path for path in Path(DEMO).rglob("*") if path.is_file()}
    assert len(demo) == 13
    assert demo <= declared


@settings(max_examples=150, deadline=None)
@given(
    table=st.sampled_from(["centres", "follow_up", "labs", "survival"]),
    body=st.text(alphabet=st.sampled_from(list('ab1-.,"\n x')), max_size=60),
)
def test_any_upload_is_read_or_rejected_with_an_input_error(table, body):
    header = ",".join(TABLES[table].required)
    problem = None
    try:
        typed(read_table(CsvFile("u.csv", header + "\n" + body), table), table, "u.csv")
    except InputError as exc:
        problem = exc
    assert problem is None or problem.file == "u.csv"
