"""What the patient page shows of each table: its columns as readable text, and the marker plot.

Codes read as their vocabulary's words, timestamps as date and time with their zone
(stored in UTC), and lesions by the axis RECIST 1.1 measures (short axis for lymph
nodes, long axis otherwise). Every table of a patient's record is a section with an
edit link per row and an add link, for the roles that write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from rltcare.registry.vocab import LAB_UNITS, label

Cell = Callable[[Any], Any]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _field(name: str) -> Cell:
    return lambda row: _text(getattr(row, name))


def _code(name: str, vocabulary: str) -> Cell:
    return lambda row: label(vocabulary, getattr(row, name))


def _axis(name: str) -> Cell:
    """A lesion's axis, in bold where RECIST 1.1 measures it (nodes: short, others: long)."""
    measured = "short_axis_mm" if name == "short_axis_mm" else "long_axis_mm"

    def cell(row) -> Any:
        text = _text(getattr(row, name))
        nodal = row.site == "lymph-node"
        if text and (measured == "short_axis_mm") == nodal:
            return Markup("<strong>{}</strong>").format(text)
        return text

    return cell


def _sites(row) -> str:
    """``bone;lymph-node`` as ``Bone, lymph node``: the lesion sites' words."""
    sites = [s.strip() for s in (row.metastatic_sites or "").split(";") if s.strip()]
    return ", ".join(label("lesion_site", s) for s in sites)


def _reference(row) -> str:
    if row.ref_low is None and row.ref_high is None:
        return ""
    return f"{_text(row.ref_low)}–{_text(row.ref_high)}"


#: (table, heading, "add" wording, [(column header, cell)]) in the order of the page.
SECTIONS: list[tuple[str, str, str, list[tuple[str, Cell]]]] = [
    (
        "diagnosis",
        "Diagnosis",
        "diagnosis",
        [
            ("Diagnosed", _field("diagnosed_on")),
            ("Cancer", _code("cancer_type", "cancer_type")),
            ("Histology", _field("histology")),
            ("Grade", _field("grade")),
            ("Ki-67 (%)", _field("ki67_pct")),
            ("Gleason", _field("gleason")),
            ("Metastatic since", _field("metastatic_on")),
            ("Metastatic sites", _sites),
        ],
    ),
    (
        "prior_treatment",
        "Prior treatments",
        "prior treatment",
        [
            ("Line", _field("line")),
            ("Treatment", _code("category", "treatment_category")),
            ("Agent", _field("agent")),
            ("Started", _field("started_on")),
            ("Ended", _field("ended_on")),
        ],
    ),
    (
        "eligibility_imaging",
        "Eligibility PET",
        "eligibility scan",
        [
            ("Date", _field("scanned_on")),
            ("Tracer", _code("tracer", "tracer")),
            ("Positive", _field("positive")),
            ("Score", lambda r: f"{label('score_system', r.score_system)} {_text(r.score)}"),
            ("SUVmax", _field("suv_max")),
        ],
    ),
    (
        "treatment_course",
        "Courses",
        "course",
        [
            ("Course", _field("number")),
            ("Radiopharmaceutical", _code("radiopharmaceutical", "radiopharmaceutical")),
            ("Started", _field("started_on")),
            ("Planned cycles", _field("planned_cycles")),
            ("Ended", _code("end_reason", "course_end")),
        ],
    ),
    (
        "treatment_cycle",
        "Cycles",
        "cycle",
        [
            ("Cycle", _field("number")),
            ("Given", _field("administered_at")),
            ("Activity (MBq)", lambda r: f"{r.administered_activity_mbq:.0f}"),
            ("Setting", _code("setting", "care_setting")),
            ("Kidney (Gy)", _field("kidney_gy")),
        ],
    ),
    (
        "lab_result",
        "Laboratory",
        "lab result",
        [
            ("Date", _field("sampled_on")),
            ("Analyte", _code("analyte", "analyte")),
            ("Value", _field("value")),
            ("Unit", _field("unit")),
            ("Reference", _reference),
        ],
    ),
    (
        "imaging_assessment",
        "Imaging",
        "lesion measurement",
        [
            ("Date", _field("scanned_on")),
            ("Modality", _code("modality", "modality")),
            ("Lesion", _field("lesion")),
            ("Site", _code("site", "lesion_site")),
            ("Target", _field("target")),
            ("Long axis (mm)", _axis("long_axis_mm")),
            ("Short axis (mm)", _axis("short_axis_mm")),
            ("SULpeak", _field("sul_peak")),
            ("New", lambda r: "new" if r.new_lesion else ""),
        ],
    ),
    (
        "adverse_event",
        "Adverse events",
        "adverse event",
        [
            ("Term", _field("term")),
            ("Grade", lambda r: f"{r.grade} (CTCAE {r.ctcae_version})"),
            ("Onset", _field("onset_on")),
            ("Resolved", _field("resolved_on")),
            ("Attribution", _code("attribution", "attribution")),
            ("Notes", _field("notes")),
        ],
    ),
    (
        "performance_status",
        "Performance status",
        "performance status",
        [
            ("Date", _field("assessed_on")),
            ("Scale", _code("scale", "ps_scale")),
            ("Score", _field("score")),
        ],
    ),
    (
        "vital_status",
        "Vital status",
        "vital status",
        [
            ("Status", _code("status", "vital")),
            ("Last contact", _field("last_contact_on")),
            ("Died", _field("died_on")),
            ("Cause", _field("cause")),
        ],
    ),
]
#: Tables that hold at most one row per patient: no add link once it exists.
ONE_PER_PATIENT = {"vital_status"}


def sections(found: dict[str, Any]) -> list[dict[str, Any]]:
    """Each table of a timeline as a heading, column headers and rows of cell text."""
    courses = {c.id: c.number for c in found["treatment_course"]}
    out = []
    for table, heading, adds, columns in SECTIONS:
        rows = found[table]
        if table == "lab_result":  # entry order is an accident of imports: read by date
            rows = sorted(rows, key=lambda r: (r.sampled_on, r.analyte))
        headers = [h for h, _ in columns]
        cells = [[cell(r) for _, cell in columns] for r in rows]
        if table == "treatment_cycle":  # a cycle is read as "course 1, cycle 3"
            headers.insert(0, "Course")
            for r, line in zip(rows, cells, strict=True):
                line.insert(0, _text(courses.get(r.course_id)))
        out.append(
            {
                "table": table,
                "heading": heading,
                "adds": adds,
                "headers": headers,
                "rows": [(r.id, line) for r, line in zip(rows, cells, strict=True)],
                "can_add": not (table in ONE_PER_PATIENT and rows),
            }
        )
    return out


MARKERS = ("psa", "cga")


def marker_traces(labs: list) -> list[dict[str, Any]]:
    """PSA and chromogranin A series as Plotly traces, drawn in the browser.

    A plain trace list rendered by plotly.js costs microseconds; building a
    ``go.Figure`` on the server costs about 25 ms, most of a page's budget.
    """
    traces = []
    for analyte in sorted({r.analyte for r in labs if r.analyte in MARKERS}):
        points = sorted((r.sampled_on.isoformat(), r.value) for r in labs if r.analyte == analyte)
        traces.append(
            {
                "x": [p[0] for p in points],
                "y": [p[1] for p in points],
                "mode": "lines+markers",
                "name": label("analyte", analyte),
            }
        )
    return traces


def marker_axis(labs: list) -> str:
    """The y axis title: the markers plotted and their unit, e.g. ``PSA (ng/mL)``."""
    shown = sorted({r.analyte for r in labs if r.analyte in MARKERS})
    units = sorted({LAB_UNITS[a][0] for a in shown})
    return f"{', '.join(label('analyte', a) for a in shown)} ({', '.join(units)}, log scale)"
