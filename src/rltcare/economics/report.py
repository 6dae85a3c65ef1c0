"""A self-contained HTML report of a model run: results, plots and a CHEERS 2022 section.

Returns a string (no file I/O). plotly.js is embedded once, so the file opens offline.
CHEERS 2022: Husereau D et al. Value Health 2022;25:3-9 (28-item checklist); the items a
model run can fill are filled from the model, the rest are listed for the analyst.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from rltcare.economics.analysis import Run
from rltcare.economics.distributions import Fixed, MultivariateNormal

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}.warn{color:#a40}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _table(header: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{_e(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _money(x: float | None, cur: str) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:,.0f} {cur}"


def _distribution(d) -> str:
    if isinstance(d, Fixed):
        return "fixed"
    if isinstance(d, MultivariateNormal):
        return f"multivariate normal (k = {d.mean.size})"
    lo, hi = d.interval(0.95)
    return f"{type(d).__name__.lower()} (95%: {lo:.4g}–{hi:.4g})"


def figures(run: Run) -> list[tuple[str, go.Figure]]:
    m, cur = run.model, run.model.currency
    figs = []
    out = m.evaluate(m.base_values(), 1, warn=False, keep_membership=True)
    t = m.settings.grid.times
    fig = go.Figure()
    for j, name in enumerate(out.strategies):
        for k, state in enumerate(m.states[:-1]):
            fig.add_scatter(x=t, y=out.membership[0, j, k], name=f"{name}: {state}", mode="lines")
        fig.add_scatter(
            x=t,
            y=1 - out.membership[0, j, -1],
            name=f"{name}: alive (OS)",
            mode="lines",
            line={"dash": "dot"},
        )
    fig.update_layout(
        title="State membership (base case)", xaxis_title="years", yaxis_title="proportion"
    )
    figs.append(("State membership", fig))
    if run.tornado and run.tornado.bars:
        bars = run.tornado.bars[:15][::-1]
        fig = go.Figure()
        fig.add_bar(
            y=[b.parameter for b in bars],
            x=[b.outcome_at_low - run.tornado.base for b in bars],
            base=run.tornado.base,
            orientation="h",
            name="low value",
        )
        fig.add_bar(
            y=[b.parameter for b in bars],
            x=[b.outcome_at_high - run.tornado.base for b in bars],
            base=run.tornado.base,
            orientation="h",
            name="high value",
        )
        fig.update_layout(
            barmode="overlay", title=f"Tornado: incremental NMB, {run.tornado.comparison} ({cur})"
        )
        figs.append(("Tornado", fig))
    if run.psa is not None and run.psa_summary is not None:
        p, s = run.psa, run.psa_summary
        keep = min(p.n, 2000)
        fig = go.Figure()
        for j in range(1, len(p.strategies)):
            fig.add_scatter(
                x=p.qalys[:keep, j] - p.qalys[:keep, 0],
                y=p.costs[:keep, j] - p.costs[:keep, 0],
                mode="markers",
                marker={"size": 3, "opacity": 0.4},
                name=f"{p.strategies[j]} vs {p.strategies[0]}",
            )
        lim = (
            float(np.nanmax(np.abs(p.qalys[:, 1:] - p.qalys[:, :1])))
            if len(p.strategies) > 1
            else 1.0
        )
        fig.add_scatter(
            x=[-lim, lim],
            y=[-lim * m.wtp, lim * m.wtp],
            mode="lines",
            name=f"WTP {m.wtp:,.0f}",
            line={"dash": "dash"},
        )
        fig.update_layout(
            title="Cost-effectiveness plane (PSA)",
            xaxis_title="incremental QALYs",
            yaxis_title=f"incremental cost ({cur})",
        )
        figs.append(("CE plane", fig))
        fig = go.Figure()
        ceac = np.array(s.ceac)
        for j, name in enumerate(p.strategies):
            fig.add_scatter(x=s.wtp_grid, y=ceac[:, j], name=name, mode="lines")
        fig.add_scatter(
            x=s.wtp_grid,
            y=s.frontier_probability,
            name="frontier (optimal)",
            mode="markers",
            marker={"size": 5, "symbol": "x"},
        )
        fig.update_layout(
            title="Acceptability curves and frontier",
            xaxis_title=f"WTP ({cur}/QALY)",
            yaxis_title="P(cost-effective)",
        )
        figs.append(("CEAC", fig))
        fig = go.Figure()
        fig.add_scatter(x=s.wtp_grid, y=s.evpi, mode="lines", name="EVPI per patient")
        fig.update_layout(
            title="Expected value of perfect information (per patient)",
            xaxis_title=f"WTP ({cur}/QALY)",
            yaxis_title=cur,
        )
        figs.append(("EVPI", fig))
    return figs


def _cheers(run: Run) -> str:
    m, meta = run.model, run.model.meta
    labels = meta.get("labels", "")
    psa = f"PSA, {run.psa.n} iterations, seed {run.psa.seed}" if run.psa else "no PSA run"
    rows = [
        ("5 Health economic analysis plan", "to be completed by the analyst"),
        ("6 Study population", meta.get("population") or "to be completed"),
        ("7 Setting and location", f"country {meta.get('country') or 'not stated'}"),
        ("8 Comparators", labels),
        ("9 Perspective", meta.get("perspective") or "to be completed"),
        ("10 Time horizon", meta.get("horizon")),
        (
            "11 Discount rate",
            f"costs {meta.get('discount_costs')}, effects {meta.get('discount_effects')} per year, (1 + r)^-t",
        ),
        ("12 Selection of outcomes", "QALYs, life years (undiscounted), costs"),
        (
            "13 Measurement of outcomes",
            f"partitioned survival: states {', '.join(m.states)}; source: {meta.get('source') or 'see parameters'}",
        ),
        ("14 Valuation of outcomes", "utility per state (parameters table)"),
        (
            "15 Measurement and valuation of resources and costs",
            "per-state, per-dose, one-off and end-of-life costs (parameters table)",
        ),
        (
            "16 Currency, price date and conversion",
            f"{m.currency}; price year to be stated by the analyst",
        ),
        (
            "17 Rationale and description of model",
            f"partitioned survival model, cycle {meta.get('cycle')}, {meta.get('correction')} correction; background mortality: {meta.get('background_mortality') or 'none'}",
        ),
        (
            "18 Analytics and assumptions",
            "inner curves capped by OS where they cross (warnings below); PH for hazard-ratio curves",
        ),
        ("19 Characterising heterogeneity", "not modelled (single cohort)"),
        ("20 Characterising distributional effects", "not modelled"),
        ("21 Characterising uncertainty", f"one-way (95% intervals) and {psa}"),
        ("22 Approach to engagement with patients and others", "to be completed by the analyst"),
        ("23 Study parameters", "parameters table below (value, distribution, source)"),
        ("24 Summary of main results", "results tables above"),
        ("25 Effect of uncertainty", "tornado, CE plane, CEAC, EVPI above"),
        ("26 Effect of engagement", "to be completed by the analyst"),
    ]
    return _table(["CHEERS 2022 item", "this model"], [list(r) for r in rows])


def render(run: Run) -> str:
    """The report as one HTML document."""
    m, b, cur = run.model, run.base, run.model.currency
    parts = [f"<h1>{_e(m.title)}</h1>"]
    if b.warnings:
        parts.append("".join(f"<p class=warn>warning: {_e(w)}</p>" for w in b.warnings))
    parts.append("<h2>Base case</h2>")
    parts.append(
        _table(
            ["strategy", f"cost ({cur})", "QALYs", "life years", f"NMB at {m.wtp:,.0f}"],
            [
                [
                    s.strategy,
                    f"{s.cost:,.0f}",
                    f"{s.qalys:.3f}",
                    f"{s.life_years:.3f}",
                    f"{s.net_monetary_benefit:,.0f}",
                ]
                for s in b.strategies
            ],
            {1, 2, 3, 4},
        )
    )
    parts.append(
        _table(
            ["strategy", "status", "vs", "Δ cost", "Δ QALYs", f"ICER ({cur}/QALY)"],
            [
                [
                    r.strategy,
                    r.status + (f" (by {r.dominated_by})" if r.dominated_by else ""),
                    r.compared_with or "",
                    _money(r.incremental_cost, ""),
                    "" if r.incremental_effect is None else f"{r.incremental_effect:.3f}",
                    _money(r.icer, ""),
                ]
                for r in b.incremental.rows
            ],
            {3, 4, 5},
        )
    )
    if run.psa_summary:
        s = run.psa_summary
        parts.append(f"<h2>Probabilistic analysis ({s.iterations} iterations, seed {s.seed})</h2>")
        parts.append(
            _table(
                [
                    "strategy",
                    f"mean cost ({cur})",
                    "95% interval",
                    "mean QALYs",
                    "95% interval",
                    f"P(CE) at {m.wtp:,.0f}",
                ],
                [
                    [
                        x.strategy,
                        f"{x.cost_mean:,.0f}",
                        f"{x.cost_low:,.0f}–{x.cost_high:,.0f}",
                        f"{x.qalys_mean:.3f}",
                        f"{x.qalys_low:.3f}–{x.qalys_high:.3f}",
                        f"{x.prob_cost_effective:.1%}",
                    ]
                    for x in s.strategies
                ],
                {1, 3, 5},
            )
        )
        parts.append(
            f"<p>EVPI per patient at {m.wtp:,.0f} {cur}/QALY: {s.evpi_at_wtp:,.0f} {cur}</p>"
        )
    if run.budget:
        bi = run.budget
        parts.append("<h2>Budget impact (undiscounted)</h2>")
        parts.append(
            _table(
                ["year", "eligible", f"current ({cur})", f"new ({cur})", "difference"],
                [
                    [
                        y.year,
                        f"{y.eligible:,.0f}",
                        f"{y.current:,.0f}",
                        f"{y.new:,.0f}",
                        f"{y.difference:+,.0f}",
                    ]
                    for y in bi.years
                ],
                {1, 2, 3, 4},
            )
        )
        parts.append(f"<p>Eligible population: {_e(bi.source)}</p>")
    for i, (title, fig) in enumerate(figures(run)):
        parts.append(f"<h3>{_e(title)}</h3>")
        parts.append(
            fig.to_html(
                full_html=False,
                include_plotlyjs="inline" if i == 0 else False,
                config={"displaylogo": False},
            )
        )
    parts.append("<h2>Parameters</h2>")
    parts.append(
        _table(
            ["parameter", "base value", "distribution", "source"],
            [
                [
                    k,
                    np.array2string(np.asarray(d.mean), precision=4)
                    if isinstance(d, MultivariateNormal)
                    else f"{d.mean:.6g}",
                    _distribution(d),
                    m.sources.get(k, ""),
                ]
                for k, d in m.parameters.items()
            ],
        )
    )
    parts.append("<h2>Reporting (CHEERS 2022)</h2>")
    parts.append(_cheers(run))
    body = "\n".join(parts)
    return f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{_e(m.title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"


def kaplan_meier(time, event) -> tuple[np.ndarray, np.ndarray]:
    """Product-limit estimate: step times (with 0) and survival just after each."""
    t = np.asarray(time, dtype=float)
    d = np.asarray(event, dtype=int)
    times = np.unique(t[d == 1])
    at_risk = (t[None, :] >= times[:, None]).sum(axis=1)
    deaths = ((t[None, :] == times[:, None]) & (d[None, :] == 1)).sum(axis=1)
    return np.r_[0.0, times], np.r_[1.0, np.cumprod(1 - deaths / at_risk)]


def fits_page(time, event, fits, title: str = "Parametric fits") -> str:
    """An HTML page with the KM curve, each fitted curve over it, and the AIC/BIC table."""
    km_t, km_s = kaplan_meier(time, event)
    fig = go.Figure()
    fig.add_scatter(
        x=km_t, y=km_s, mode="lines", line={"shape": "hv", "color": "black"}, name="Kaplan-Meier"
    )
    grid = np.linspace(0, 1.5 * float(np.max(time)), 300)
    for f in fits:
        fig.add_scatter(
            x=grid,
            y=f.curve().survival(grid)[0],
            mode="lines",
            name=f"{f.family} (AIC {f.aic:.1f})",
        )
    unit = fits[0].time_unit if fits else ""
    fig.update_layout(title=title, xaxis_title=unit, yaxis_title="survival")
    rows = [
        [
            f.family,
            f"{f.aic:.1f}",
            f"{f.bic:.1f}",
            f"{f.curve().median()[0]:.3g}",
            ", ".join(f"{k} {v:.4g}" for k, v in f.params.items()),
        ]
        for f in fits
    ]
    body = _table(["family", "AIC", "BIC", f"median ({unit})", "parameters"], rows, {1, 2, 3})
    plot = fig.to_html(full_html=False, include_plotlyjs="inline", config={"displaylogo": False})
    return f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{_e(title)}</title><style>{_STYLE}</style></head><body><h1>{_e(title)}</h1>{body}{plot}</body></html>"
