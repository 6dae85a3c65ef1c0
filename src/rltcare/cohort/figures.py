"""The cohort's plots as Plotly figures (arranged with their tables by :mod:`.panels`)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rltcare.cohort.analysis import (
    DiscordanceResult,
    SurvivalResult,
    SwimmerLane,
    ToxicityResult,
    WaterfallBar,
)
from rltcare.outcomes.benchmarking import Funnel
from rltcare.response.base import Response

COLOURS = {"CR": "#1e7b34", "PR": "#0b5cad", "SD": "#8a939c", "PD": "#b3261e", "NE": "#d9dde3"}
SYMBOLS = {"response": "triangle-right", "progression": "x", "death": "square"}
PALETTE = ["#0b5cad", "#d9730d", "#1e7b34", "#8e3ab5", "#b3261e", "#0f2a44", "#5b6470"]
SWIMMER_LANES = 80  # more lanes than this are unreadable; the longest are shown


def _layout(fig: go.Figure, **kwargs) -> go.Figure:
    fig.update_layout(template="plotly_white", margin={"l": 60, "r": 20, "t": 30, "b": 50})
    fig.update_layout(**kwargs)
    return fig


def waterfall_figure(bars: list[WaterfallBar]) -> go.Figure:
    """Maximal PSA change per patient, bars above +100% cut at +100% (labelled)."""
    shown = [min(b.change_pct, 100.0) for b in bars]
    fig = go.Figure(
        go.Bar(
            x=[b.patient_id for b in bars],
            y=shown,
            marker_color=[COLOURS.get(b.category, "#8a939c") for b in bars],
            customdata=[[b.change_pct, b.category] for b in bars],
            hovertemplate="%{x}: %{customdata[0]:+.1f}% (PCWG3 %{customdata[1]})<extra></extra>",
        )
    )
    for level in (-30, -50):
        fig.add_hline(
            y=level,
            line_dash="dash",
            annotation_text=f"{level}%",
            annotation_position="bottom left",
        )
    return _layout(
        fig,
        xaxis={"title": "patient", "type": "category", "showticklabels": len(bars) <= 60},
        yaxis={"title": "maximal PSA change from baseline (%)", "range": [-105, 105]},
        bargap=0.15,
    )


def swimmer_figure(lanes: list[SwimmerLane]) -> go.Figure:
    lanes = lanes[:SWIMMER_LANES][::-1]  # longest at the top
    names = [lane.patient_id for lane in lanes]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=[lane.days for lane in lanes],
            orientation="h",
            marker_color="#c9d6e3",
            name="on study",
            hovertemplate="%{y}: %{x} days<extra></extra>",
        )
    )
    kinds = sorted({(e.kind, e.criterion) for lane in lanes for e in lane.events})
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted({c for _, c in kinds}))}
    for kind, criterion in kinds:
        points = [
            (e.day, lane.patient_id)
            for lane in lanes
            for e in lane.events
            if (e.kind, e.criterion) == (kind, criterion)
        ]
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in points],
                y=[p[1] for p in points],
                mode="markers",
                marker={"symbol": SYMBOLS[kind], "size": 9, "color": colour[criterion]},
                name=f"{kind} ({criterion})" if kind != "death" else "death",
                hovertemplate=f"%{{y}}: {kind} ({criterion}) day %{{x}}<extra></extra>",
            )
        )
    return _layout(
        fig,
        xaxis={"title": "days from first cycle (or imaging baseline)"},
        yaxis={"title": "patient", "type": "category", "tickmode": "array", "tickvals": names},
        height=max(300, 18 * len(lanes) + 140),
        legend={"orientation": "h", "y": -0.15},
    )


def km_figure(result: SurvivalResult) -> go.Figure:
    fig = go.Figure()
    for i, (name, km) in enumerate(result.curves.items()):
        colour = PALETTE[i % len(PALETTE)]
        t = [0.0, *km.times]
        s, lo, hi = [1.0, *km.survival], [1.0, *km.lower], [1.0, *km.upper]
        band = {"mode": "lines", "showlegend": False, "hoverinfo": "skip", "legendgroup": name}
        fig.add_trace(go.Scatter(x=t, y=hi, line={"width": 0, "shape": "hv"}, **band))
        fig.add_trace(
            go.Scatter(
                x=t,
                y=lo,
                line={"width": 0, "shape": "hv"},
                fill="tonexty",
                fillcolor=colour + "22",
                **band,
            )
        )
        median = "not reached" if km.median is None else f"{km.median:g} d"
        fig.add_trace(
            go.Scatter(
                x=t,
                y=s,
                mode="lines",
                line={"shape": "hv", "color": colour},
                legendgroup=name,
                name=f"{name} (n={km.n}, median {median})",
            )
        )
    return _layout(
        fig,
        xaxis={"title": f"days ({result.time_column})", "tickvals": result.risk_times},
        yaxis={"title": "survival probability", "range": [0, 1.02]},
        legend={"orientation": "h", "y": -0.2},
    )


def funnel_figure(f: Funnel) -> go.Figure:
    fig = go.Figure()
    styles = {"0.95": "dash", "0.998": "dot"}
    for level, (lo, hi) in f.curve.items():
        for y, side in ((lo, "lower"), (hi, "upper")):
            fig.add_trace(
                go.Scatter(
                    x=f.curve_n,
                    y=y,
                    mode="lines",
                    line={"dash": styles.get(level), "color": "#5b6470"},
                    name=f"{100 * float(level):g}% limits",
                    legendgroup=level,
                    showlegend=side == "lower",
                    hoverinfo="skip",
                )
            )
    fig.add_hline(y=f.target, line_color="#0f2a44", annotation_text=f"target {f.target:.3g}")
    sizes = [c.expected if c.expected is not None else c.n for c in f.centres]
    fig.add_trace(
        go.Scatter(
            x=sizes,
            y=[c.value for c in f.centres],
            mode="markers+text",
            text=[c.centre for c in f.centres],
            textposition="top center",
            name="centres",
            marker={
                "size": 10,
                "color": [
                    "#b3261e" if "limit" in c.signal and "within" not in c.signal else "#0b5cad"
                    for c in f.centres
                ],
            },
            customdata=[c.signal for c in f.centres],
            hovertemplate="%{text}: %{y:.3f} (size %{x}) %{customdata}<extra></extra>",
        )
    )
    x_title = "expected events" if f.measure == "observed/expected" else "patients (n)"
    return _layout(fig, xaxis={"title": x_title}, yaxis={"title": f"{f.indicator} ({f.measure})"})


def kappa_figure(d: DiscordanceResult) -> go.Figure:
    crit = d.agreement.criteria
    k = np.full((len(crit), len(crit)), np.nan)
    text = [["" for _ in crit] for _ in crit]
    for i in range(len(crit)):
        k[i, i], text[i][i] = 1.0, "—"
    for p in d.agreement.pairs:
        i, j = crit.index(p.a), crit.index(p.b)
        if p.kappa is not None:
            k[i, j] = k[j, i] = p.kappa
        pa = "—" if p.percent_agreement is None else f"{p.percent_agreement:.0f}%"
        kap = "—" if p.kappa is None else f"{p.kappa:.2f}"
        text[i][j] = text[j][i] = f"κ {kap}<br>{pa} (n={p.n})"
    fig = go.Figure(
        go.Heatmap(
            z=k,
            x=crit,
            y=crit,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            text=text,
            texttemplate="%{text}",
            hoverinfo="skip",
            colorbar={"title": "kappa"},
        )
    )
    return _layout(fig, yaxis={"autorange": "reversed"}, height=120 + 70 * len(crit))


def incidence_figure(t: ToxicityResult) -> go.Figure:
    fig = go.Figure()
    for cause, values in t.incidence.cif.items():
        fig.add_trace(
            go.Scatter(
                x=[0.0, *t.incidence.times],
                y=[0.0, *values],
                name=cause,
                mode="lines",
                line={"shape": "hv"},
            )
        )
    return _layout(
        fig,
        xaxis={"title": "days from first cycle"},
        yaxis={"title": "cumulative incidence", "range": [0, 1]},
    )


# the quantity each criterion follows: (time-point number, baseline metric, axis title)
QUANTITY = {
    "PCWG3": ("psa_ng_ml", "baseline_ng_ml", "PSA (ng/mL)"),
    "RECIST": ("sum_mm", "baseline_sum_mm", "sum of target diameters (mm)"),
    "PERCIST": ("sul_peak", "baseline_sul_peak", "SULpeak of the hottest lesion"),
    "EORTC PET": ("suv", "baseline_suv", "tumour SUV"),
    "RECIP": ("volume_ml", "baseline_volume_ml", "PSMA-positive tumour volume (mL)"),
}


def timeline_figure(r: Response) -> go.Figure | None:
    """One patient's measured quantity over time, each time point coloured by its category."""
    key, base, title = QUANTITY.get(r.criterion.split(" (")[0], (None, None, ""))
    points = [(t.days, t.numbers.get(key), t.harmonised, t.category) for t in r.timepoints]
    points = [p for p in points if p[1] is not None]
    if key is None or not points or r.metrics.get(base) is None:
        return None
    x, y = [0, *(p[0] for p in points)], [r.metrics[base], *(p[1] for p in points)]
    fig = go.Figure(go.Scatter(x=x, y=y, mode="lines", line={"color": "#8a939c"}, name=title))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers+text",
            text=["baseline", *(p[3] for p in points)],
            textposition="top center",
            marker={"size": 11, "color": ["#0f2a44", *(COLOURS[p[2]] for p in points)]},
            showlegend=False,
        )
    )
    start = "first cycle" if r.criterion == "PCWG3" else "baseline scan"
    return _layout(fig, xaxis={"title": f"days from {start}"}, yaxis={"title": title}, height=340)
