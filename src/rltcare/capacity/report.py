"""A self-contained HTML report: KPI tables with CIs, plots, warm-up diagnostic and a STRESS-DES section.

The page embeds plotly.js from the installed ``plotly`` package once (no CDN),
so it opens offline. The STRESS-DES headings follow Monks T, Currie CSM,
Onggo BS, et al. "Strengthening the reporting of empirical simulation studies:
Introducing the STRESS guidelines". J Simul 2019;13(1):55-67.
"""

from __future__ import annotations

import datetime as dt
import html
import platform
from collections.abc import Sequence

import numpy as np

from rltcare.capacity.labels import describe, label
from rltcare.capacity.model import ServiceModel
from rltcare.capacity.report_sections import limits_section, waiting_list_note
from rltcare.capacity.report_sections import table as _table
from rltcare.capacity.results import ComparisonResult, SimulationResult

HEADLINE = (
    "referrals_per_year",
    "patients_treated_per_year",
    "cycles_per_year",
    "wait_first_cycle_mean_d",
    "wait_first_cycle_median_d",
    "wait_first_cycle_p90_d",
    "later_cycle_delay_mean_d",
    "bed_days_per_year",
    "doses_wasted_per_year",
    "overruns_per_year",
    "bumped_cycles_per_year",
    "post_therapy_imaging_missed_per_year",
    "follow_up_wait_mean_d",
    "deaths_waiting_per_year",
    "drop_outs_per_year",
)
#: KPIs shown per centre of a group, after the headline.
PER_CENTRE = (
    "referrals_per_year",
    "patients_treated_per_year",
    "wait_first_cycle_mean_d",
    "treated_elsewhere_per_year",
)


def headline_names(names) -> list[str]:
    """The headline KPIs present, then (for a group of centres) each centre's, then utilisation."""
    names = list(names)
    centres = [
        k[len("treated_elsewhere_per_year[") : -1]
        for k in names
        if k.startswith("treated_elsewhere_per_year[")
    ]
    per_centre = [f"{kpi}[{c}]" for c in centres for kpi in PER_CENTRE]
    return (
        [k for k in HEADLINE if k in names]
        + [k for k in per_centre if k in names]
        + [k for k in names if k.startswith("wait_step_mean_d[")]
        + [k for k in names if "utilisation" in k]
    )


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:.3em .8em;text-align:left}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
h2{border-bottom:2px solid #2a6f97;padding-bottom:.2em}pre{background:#f6f8fa;padding:1em;overflow:auto}
"""


def _versions() -> list[tuple[str, str]]:
    import plotly
    import scipy

    from rltcare import __version__

    return [
        ("rltcare", __version__),
        ("Python", platform.python_version()),
        ("numpy", np.__version__),
        ("scipy", scipy.__version__),
        ("plotly", plotly.__version__),
        ("platform", platform.platform()),
    ]


def _figures(results: Sequence[SimulationResult]) -> list[str]:
    import plotly.graph_objects as go

    weeks = np.arange(len(next(iter(results[0].weekly_mean.values()))))
    names = list(results[0].weekly_mean)
    figs = []
    for name in names:
        fig = go.Figure()
        for r in results:
            fig.add_scatter(x=weeks, y=r.weekly_mean[name], mode="lines", name=r.title)
        warm = results[0].warm_up_h / 168
        if warm:
            fig.add_vline(x=warm, line_dash="dash", annotation_text="end of warm-up")
        fig.update_layout(
            title=f"{describe(name)[0]}, each week (mean of replications)",
            xaxis_title="week",
            height=320,
            margin={"l": 50, "r": 20, "t": 50, "b": 40},
        )
        figs.append(fig)
    figs.append(_warm_up_figure(results[0]))
    return [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        for i, fig in enumerate(figs)
    ]


def _warm_up_figure(result: SimulationResult):
    """Welch's method: the moving average of the weekly waiting list, averaged over replications."""
    import plotly.graph_objects as go

    y = np.array([np.nan if v is None else v for v in result.weekly_mean["waiting_list"]])
    fig = go.Figure()
    fig.add_scatter(y=y, mode="lines", name="weekly mean", opacity=0.4)
    for window in (4, 13):
        if y.size > 2 * window:
            smooth = np.convolve(y, np.ones(2 * window + 1) / (2 * window + 1), mode="valid")
            fig.add_scatter(
                x=np.arange(window, window + smooth.size),
                y=smooth,
                name=f"moving average ±{window} w",
            )
    if result.warm_up_h:
        fig.add_vline(x=result.warm_up_h / 168, line_dash="dash", annotation_text="warm-up")
    fig.update_layout(
        title="Warm-up diagnostic (Welch): waiting list, moving averages",
        xaxis_title="week",
        height=340,
    )
    return fig


def _stress(
    model: ServiceModel, result: SimulationResult, source_text: str | None, heading: str = ""
) -> str:
    s = model.scenario
    steps = _steps(s.pathway)
    # The scenario's pathway, unless every centre of a group has its own.
    used = not s.centres or any(c.pathway is None for c in s.centres)
    shared = f"<p>{' → '.join(html.escape(x) for x in steps)}.</p>" if used else ""
    centres = "".join(
        f"<li>centre '{html.escape(c.name)}': "
        f"{' → '.join(html.escape(x) for x in _steps(c.pathway))}</li>"
        for c in s.centres
        if c.pathway is not None
    )
    if s.centres:
        rule = s.routing.rule
        limit = s.routing.travel_limit_h
        centres += (
            f"<li>{len(s.centres)} centres ({', '.join(html.escape(c.name) for c in s.centres)}); "
            f"referrals are treated {'at their home centre' if rule == 'home' else 'at the centre offering the earliest first cycle'}"
            f"{f' within {limit:g} h of travel' if limit and rule != 'home' else ''}; "
            "steps before treatment stay at the home centre</li>"
        )
    staff = [x.role for x in s.staff if x.limiting]
    staff_text = (
        f"Limiting staff roles ({html.escape(', '.join(staff))}) have minutes per working day; a "
        "cycle or scan that would exceed them moves to the next day that has them (steps "
        "before treatment take their minutes first, then the cycles, then the steps after)."
        if staff
        else "Staff are counted, not constraining."
    )
    indications = "".join(
        f"<li>{html.escape((i.centre + '/' if i.centre else '') + i.name)}: "
        f"{i.referrals_per_week:g} referrals/week, {i.care}, "
        f"resource '{html.escape(i.resource)}', stay model {i.length_of_stay.model}</li>"
        for i in s.indications
    )
    sources = "".join(f"<li>{html.escape(x)}</li>" for x in s.meta.sources) or "<li>not stated</li>"
    versions = _table(("software", "version"), _versions())
    scenario = f"<pre>{html.escape(source_text)}</pre>" if source_text else ""
    return f"""
<h2>Reporting (STRESS-DES){html.escape(heading)}</h2>
<h3>1. Objectives</h3><p>{
        html.escape(
            s.meta.description
            or "Estimate waits, throughput, utilisation, staff time and dose use of the RLT service described below."
        )
    }</p>
<h3>2. Logic</h3>{shared}
<ul>{indications}{centres}</ul>
<p>Steps before and after treatment serve patients first-come first-served through fixed slots
(a post-therapy scan missed if no slot is free within its window). Each cycle is booked at the
earliest time at which a dose can be delivered (lead time, delivery days, shelf life, known
outages; the freshest in-date delivery with room) and a bed or chair is free for the whole
<em>planned</em> stay. The actual stay is revealed at discharge: a patient who stays longer
bumps the booking that needed the bed or chair, which is rebooked (keeping its dose if still in
date). A dose decays from its calibration to its administration, and a physics-based stay follows
the administered activity. Waiting patients may die (constant hazard) or drop out after a limit;
patients unfit on the day waste their dose and are rebooked. {staff_text} Booking grid:
{result.step_h:g} h.</p>
<h3>3. Data sources</h3><ul>{sources}</ul>
<h3>4. Experimentation</h3>
{
        _table(
            ("item", "value"),
            [
                ("run length", f"{result.horizon_h / 8766:g} years ({result.horizon_h:g} h)"),
                (
                    "warm-up",
                    f"{result.warm_up_h / 168:g} weeks; statistics collected from then to the horizon",
                ),
                ("replications", str(result.replications)),
                (
                    "seed",
                    f"{result.seed}; stream of replication r, source k, part j: SeedSequence({result.seed}, spawn_key=(r, k, j))",
                ),
                ("events simulated", f"{result.events:,}"),
                ("run time", f"{result.runtime_s:g} s"),
            ],
        )
    }
<h3>5. Implementation</h3>{versions}
<h3>6. Scenario</h3>{scenario}
"""


def _steps(pathway) -> list[str]:
    steps = ["referral"]
    if pathway.mdt:
        steps.append(f"MDT review ({', '.join(pathway.mdt.days)}, {pathway.mdt.capacity} cases)")
    if pathway.eligibility_pet:
        steps.append(f"eligibility PET/CT on '{pathway.eligibility_pet}' (screen failures leave)")
    if pathway.consultation:
        steps.append(f"consultation on '{pathway.consultation}'")
    steps.append("treatment cycles booked against beds/chairs, staff and isotope deliveries")
    if pathway.post_therapy_imaging:
        p = pathway.post_therapy_imaging
        steps.append(f"SPECT/CT on '{p.resource}' {p.after_h:g} h after each cycle")
    if pathway.follow_up:
        p = pathway.follow_up
        steps.append(f"follow-up on '{p.resource}' {p.after_h / 168:g} weeks after the last cycle")
    return steps


def render_report(
    model: ServiceModel, result: SimulationResult, *, source_text: str | None = None
) -> str:
    """The HTML report of one scenario."""
    headline = [
        (label(k), result.kpis[k].text())
        for k in headline_names(result.kpis)
        if "utilisation" not in k and not k.startswith("wait_step_mean_d[")
    ]
    every = [(label(k), k, v.text(), str(v.n)) for k, v in result.kpis.items()]
    figures = "".join(_figures([result]))
    return _page(
        result.title,
        f"""
<p>{html.escape(model.scenario.meta.description)}</p>
<h2>Key results</h2><p>Mean over {result.replications} replications (95 % confidence interval).</p>
{_table(("indicator", "value"), headline)}
{limits_section(result)}
{waiting_list_note(result)}
<h2>Over time</h2>{figures}
<h2>Every indicator</h2>{_table(("indicator", "identifier (JSON)", "mean (95 % CI)", "n"), every)}
{_stress(model, result, source_text)}""",
    )


def render_comparison(models: Sequence[ServiceModel], comparison: ComparisonResult) -> str:
    """Scenarios side by side, paired differences from the first, and their STRESS sections."""
    results = comparison.scenarios
    names = list(results[0].kpis)
    side = [[label(k)] + [r.kpis[k].text() if k in r.kpis else "—" for r in results] for k in names]
    diffs = [
        [label(k)] + [comparison.differences[r.title][k].text() for r in results[1:]]
        for k in names
        if all(k in comparison.differences[r.title] for r in results[1:])
    ]
    stresses = "".join(
        _stress(m, r, None, f": {r.title}") for m, r in zip(models, results, strict=True)
    )
    return _page(
        "Scenario comparison",
        f"""
<h2>Side by side</h2>{_table(["indicator"] + [r.title for r in results], side)}
<h2>Paired differences from '{html.escape(results[0].title)}'</h2>
<p>Common random numbers: replication r of every scenario uses the same streams, so the
differences are paired (mean and 95 % CI of the per-replication difference).</p>
{_table(["indicator"] + [f"{r.title} − baseline" for r in results[1:]], diffs)}
<h2>Over time</h2>{"".join(_figures(results))}
{stresses}""",
    )


def _page(title: str, body: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{html.escape(title)}</h1><p>rltcare capacity planner report, generated {stamp}.</p>
{body}
</body></html>"""
