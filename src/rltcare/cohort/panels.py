"""The cohort analysis as panels that the page and the report show in the same order.

A :class:`Panel` is a titled figure with the tables that belong under it (the numbers at
risk under the Kaplan-Meier curves, the kappa table beside the matrix). Tables render
themselves to escaped HTML, so the page and the report share one rendering.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import plotly.graph_objects as go

from rltcare.cohort.analysis import CohortAnalysis, SurvivalResult
from rltcare.cohort.figures import (
    SWIMMER_LANES,
    funnel_figure,
    incidence_figure,
    kappa_figure,
    km_figure,
    swimmer_figure,
    waterfall_figure,
)
from rltcare.response.base import HARMONISED


@dataclass(frozen=True)
class Table:
    """A small table: caption, header, rows of cells (formatted here, escaped on output)."""

    caption: str
    header: list[str]
    rows: list[list]

    def to_html(self) -> str:
        def cell(x) -> str:
            if x is None:
                return "—"
            return html.escape(f"{x:.3g}" if isinstance(x, float) else str(x))

        head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in self.rows
        )
        return (
            f'<table class="data"><caption>{html.escape(self.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    note: str
    figure: go.Figure | None = None
    tables: list[Table] = field(default_factory=list)


def risk_table(result: SurvivalResult) -> Table:
    header = ["group", *[f"{t:g}" for t in result.risk_times]]
    rows = [[name, *km.at_risk.values()] for name, km in result.curves.items()]
    return Table("Numbers at risk (day)", header, rows)


def median_table(result: SurvivalResult) -> Table:
    def num(x):
        return "not reached" if x is None else f"{x:g}"

    rows = [
        [n, km.n, km.events, num(km.median), f"{num(km.median_lower)}–{num(km.median_upper)}"]
        for n, km in result.curves.items()
    ]
    return Table(
        "Median survival (Kaplan-Meier)", ["group", "n", "events", "median (d)", "95% CI"], rows
    )


def panels(a: CohortAnalysis) -> list[Panel]:
    """The analysis as titled panels, in reading order; sections without data are left out."""
    out = []
    if a.best:
        rows = [[c, *counts.values(), a.criteria[c]] for c, counts in a.best.items()]
        ne = [[c, p, why] for c, d in a.not_evaluable.items() for p, why in d.items()]
        tables = [
            Table(
                "Best response per criterion (harmonised)",
                ["criterion", *HARMONISED, "version"],
                rows,
            )
        ]
        if ne:
            tables.append(Table("Not evaluable", ["criterion", "patient", "reason"], ne))
        out.append(
            Panel(
                "best",
                "Best response",
                "Best response up to the first progression, "
                "each criterion computed from the raw measurements.",
                None,
                tables,
            )
        )
    if a.waterfall:
        out.append(
            Panel(
                "waterfall",
                "Waterfall: maximal PSA change (PCWG3)",
                "Each bar is one patient's largest change from baseline; colour is "
                "the PCWG3 category; dashed lines at −30% and −50% (PSA50); bars above "
                "+100% are cut at +100%.",
                waterfall_figure(a.waterfall),
            )
        )
    if a.swimmer:
        shown = "" if len(a.swimmer) <= SWIMMER_LANES else f" (the {SWIMMER_LANES} longest)"
        out.append(
            Panel(
                "swimmer",
                "Swimmer plot",
                "Time on study per patient"
                + shown
                + ", with the first response and first progression under each criterion.",
                swimmer_figure(a.swimmer),
            )
        )
    if a.survival:
        s = a.survival
        by = f" by {s.group_column}" if s.group_column else ""
        out.append(
            Panel(
                "survival",
                f"Kaplan-Meier{by}",
                f"{s.time_column} with event {s.event_column}; shaded: pointwise 95% CI (log-log).",
                km_figure(s),
                [risk_table(s), median_table(s)],
            )
        )
    if a.discordance:
        d = a.discordance.agreement
        crit = d.criteria
        rows = [
            [p, *(cats.get(c, "—") for c in crit)] for p, cats in a.discordance.patients.items()
        ]
        pairs = [
            [f"{p.a} vs {p.b}", p.n, p.percent_agreement, p.kappa, p.kappa_se] for p in d.pairs
        ]
        counts = [[c, *d.counts[c].values()] for c in crit]
        out.append(
            Panel(
                "discordance",
                f"Discordance at week {d.landmark_days / 7:g}",
                "Harmonised category at the landmark per criterion; agreement over patients "
                "evaluable by both (NE excluded), Cohen's kappa with its SE under chance agreement.",
                kappa_figure(a.discordance),
                [
                    Table("Categories at the landmark", ["criterion", *HARMONISED], counts),
                    Table(
                        "Pairwise agreement", ["pair", "n", "agreement (%)", "kappa", "SE"], pairs
                    ),
                    Table("Each patient", ["patient", *crit], rows),
                ],
            )
        )
    if a.toxicity:
        t = a.toxicity
        flag = f" — WARNING: {t.warning}" if t.warning else ""
        at = [[k, *v.values()] for k, v in t.at.items()]
        out.append(
            Panel(
                "toxicity",
                f"Cumulative incidence of grade ≥{t.min_grade} toxicity",
                f"CTCAE v{t.ctcae_version}{flag}; Aalen-Johansen, death as a competing risk; "
                f"{t.patients} patients, {t.events['toxicity']} events, "
                f"{t.events['death first']} deaths first.",
                incidence_figure(t),
                [
                    Table("Cumulative incidence", ["time", *t.incidence.cif], at),
                    Table(
                        "Graded lab values",
                        ["term and grade", "count"],
                        [[k, v] for k, v in t.grade_counts.items()],
                    ),
                ],
            )
        )
    if a.funnel:
        f = a.funnel
        rows = [
            [c.centre, c.n, c.observed, c.value, *c.limits["0.998"], c.signal] for c in f.centres
        ]
        out.append(
            Panel(
                "funnel",
                f"Funnel plot: {f.indicator}",
                f"Each centre against 95% and 99.8% limits around {f.target:.3g} ({f.measure}).",
                funnel_figure(f),
                [
                    Table(
                        "Centres",
                        ["centre", "n", "events", "value", "99.8% lower", "99.8% upper", "signal"],
                        rows,
                    )
                ],
            )
        )
    return out
