"""Panels: tables escape what they show; a section appears only with its tables."""

from rltcare.cohort.analysis import analyse
from rltcare.cohort.panels import Table, panels
from rltcare.cohort.source import CsvCohort
from rltcare.cohort.tables import CsvFile


def test_table_escapes_and_formats():
    html = Table("<b>cap</b>", ["a&b"], [["<script>x</script>", 0.123456, None]]).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;cap&lt;/b&gt;" in html and "a&amp;b" in html
    assert "<td>0.123</td>" in html and "<td>—</td>" in html


def test_only_sections_with_data():
    centres = CsvFile("c.csv", "centre,n,events\nA,40,20\nB,60,48\n")
    keys = [p.key for p in panels(analyse(CsvCohort({"centres": centres}).load()))]
    assert keys == ["funnel"]
