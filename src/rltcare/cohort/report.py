"""A self-contained HTML cohort report: the page's plots and tables and a methods section.

:func:`render` returns the document as a string (no file I/O). plotly.js from the installed
``plotly`` package is inlined once, so the file opens offline and loads nothing from the
network. The methods section names every criterion's version and reference, the statistics
used and the inputs (file name, rows, patients).
"""

from __future__ import annotations

import datetime as dt

import jinja2
from plotly.offline import get_plotlyjs

from rltcare import __version__
from rltcare.cohort.analysis import CohortAnalysis
from rltcare.cohort.panels import panels
from rltcare.outcomes import ctcae
from rltcare.response import eortc, pcwg3, percist, recip, recist

# (module, the data it reads, reference)
CRITERIA = [
    (pcwg3, "psa", "Scher HI et al. J Clin Oncol 2016;34:1402-18 (PCWG3, Tables 2-3)"),
    (recist, "lesions", "Eisenhauer EA et al. Eur J Cancer 2009;45:228-47 (RECIST 1.1)"),
    (percist, "fdg", "Wahl RL et al. J Nucl Med 2009;50 Suppl 1:122S-150S (PERCIST 1.0)"),
    (eortc, "eortc", "Young H et al. Eur J Cancer 1999;35:1773-82 (EORTC PET 1999)"),
    (recip, "psma", "Gafita A et al. J Nucl Med 2022;63:1651-8 (RECIP 1.0)"),
]
STATISTICS = [
    (
        "Kaplan-Meier",
        "Kaplan EL, Meier P. JASA 1958;53:457-81; lifelines (Davidson-Pilon, "
        "JOSS 2019;4:1317); pointwise log(-log) 95% CI; median CI from the band.",
    ),
    (
        "Cumulative incidence",
        "Aalen OO, Johansen S. Scand J Stat 1978;5:141-50: first grade ≥N "
        "event from the first cycle, death as a competing risk.",
    ),
    (
        "Agreement",
        "Cohen J. Educ Psychol Meas 1960;20:37-46 (kappa); SE under chance "
        "agreement: Fleiss JL, Cohen J, Everitt BS. Psychol Bull 1969;72:323-7.",
    ),
    (
        "Funnel plots",
        "Spiegelhalter DJ. Stat Med 2005;24:1185-1202: exact binomial (or "
        "Poisson for observed/expected) 95% and 99.8% limits with interpolation.",
    ),
]

TEMPLATE = jinja2.Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1b1f24}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}caption{text-align:left;font-weight:600}
td,th{border:1px solid #ccd;padding:.25em .6em;text-align:left}th{background:#f3f4f6}
.note{color:#5b6470}.warn{color:#a40}
</style>
<script>{{ plotly_js | safe }}</script>
</head><body>
<h1>{{ title }}</h1>
<p class="note">rltcare {{ version }}, generated {{ generated }}. Not a medical device.</p>
<h2>Inputs</h2>
<table><thead><tr><th>table</th><th>file</th><th>rows</th><th>patients</th></tr></thead><tbody>
{% for key, s in analysis.inputs.items() %}<tr><td>{{ key }}</td><td>{{ s.name }}</td>
<td>{{ s.rows }}</td><td>{{ s.patients if s.patients is not none else "—" }}</td></tr>{% endfor %}
</tbody></table>
{% if analysis.source_gaps %}
<h2 id="gaps">Registry data gaps</h2>
<p class="note">Registry fields that were empty for the rows shown, and what each leaves not
evaluable (a criterion reported NE for these patients says why).</p>
<table><thead><tr><th>table</th><th>field</th><th>rows</th><th>empty</th><th>consequence</th></tr></thead><tbody>
{% for g in analysis.source_gaps %}<tr><td>{{ g.table }}</td><td>{{ g.field }}</td>
<td>{{ g.scope if g.rows is none else g.scope ~ ": " ~ g.rows }}</td>
<td>{{ "not stored" if g.missing is none else ("no rows" if g.rows == 0 else g.missing) }}</td>
<td>{{ g.consequence }}</td></tr>{% endfor %}
</tbody></table>
{% endif %}
{% for p in panels %}
<section id="{{ p.key }}"><h2>{{ p.title }}</h2><p class="note">{{ p.note }}</p>
{% if p.figure %}{{ plots[p.key] | safe }}{% endif %}
{% for t in p.tables %}{{ t.to_html() | safe }}{% endfor %}
</section>
{% endfor %}
<section id="methods"><h2>Methods</h2>
<p>Every criterion is computed by rltcare from the raw dated measurements; categories are
harmonised to CR/PR/SD/PD/NE for comparison. Options: {{ options }}.</p>
<table><thead><tr><th>criterion</th><th>version</th><th>reference</th><th>applied</th></tr>
</thead><tbody>{% for name, version, ref, used in criteria %}
<tr><td>{{ name }}</td><td>{{ version }}</td><td>{{ ref }}</td><td>{{ used }}</td></tr>
{% endfor %}</tbody></table>
<table><thead><tr><th>analysis</th><th>method and reference</th></tr></thead><tbody>
{% for name, ref in statistics %}<tr><td>{{ name }}</td><td>{{ ref }}</td></tr>{% endfor %}
</tbody></table>
{% if ctcae %}<p{% if ctcae.warning %} class="warn"{% endif %}>CTCAE v{{ ctcae.version }}:
{{ ctcae.source }}{% if ctcae.warning %}. WARNING: {{ ctcae.warning }}{% endif %}</p>{% endif %}
</section>
</body></html>
""")


def render(analysis: CohortAnalysis, *, title: str = "RLT cohort report") -> str:
    """The report as one HTML document with plotly.js inlined (works offline)."""
    shown = panels(analysis)
    config = {"displaylogo": False, "responsive": True}
    plots = {
        p.key: p.figure.to_html(full_html=False, include_plotlyjs=False, config=config)
        for p in shown
        if p.figure is not None
    }
    criteria = [
        (m.CRITERION, m.VERSION, ref, "yes" if table in analysis.inputs else "no (no data)")
        for m, table, ref in CRITERIA
    ]
    ctc = None
    if analysis.toxicity:
        v = ctcae.version(analysis.toxicity.ctcae_version)
        ctc = {"version": v.version, "source": v.source, "warning": analysis.toxicity.warning}
    options = ", ".join(f"{k} = {v}" for k, v in analysis.options.model_dump().items())
    return TEMPLATE.render(
        title=title,
        version=__version__,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        analysis=analysis,
        panels=shown,
        plots=plots,
        criteria=criteria,
        statistics=STATISTICS,
        ctcae=ctc,
        options=options,
        plotly_js=get_plotlyjs(),
    )
