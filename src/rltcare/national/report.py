"""A self-contained HTML country report for a national cancer plan, and the regional map.

Returns a string (no file I/O); plotly.js is embedded once so the file opens offline.
The map plots regions and centres on longitude/latitude axes scaled by cos(latitude):
Plotly's geographic base maps would be fetched from a CDN.
"""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go

from rltcare.catalog.country import Country
from rltcare.national.demand import DemandResult
from rltcare.national.flows import FlowResult
from rltcare.national.gap import Centre, GapResult, activity_text
from rltcare.national.regional import AccessResult
from rltcare.national.supply import SupplyResult

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}.warn{color:#a40}
"""


def demand_map(
    country: Country,
    demand: DemandResult,
    gap: GapResult | None = None,
    centres: list[Centre] | None = None,
) -> go.Figure:
    """Regions sized by cycles in the last year, coloured by rooms to add (or patients per
    100,000 without a gap), and the centres."""
    last = demand.start_year + demand.years - 1
    cycles = {r.code: 0.0 for r in country.regions}
    patients = dict(cycles)
    for row in demand.rows:
        if row.year == last:
            cycles[row.region] += row.cycles
            patients[row.region] += row.patients
    regions = country.regions
    if gap:
        rooms = {g.region: g.add["rooms"] for g in gap.regions}
        colour, label = [rooms[r.code] for r in regions], "rooms to add"
    else:
        colour = [patients[r.code] / r.population * 1e5 for r in regions]
        label = "patients per 100,000"
    top = max(cycles.values()) or 1.0
    figure = go.Figure()
    figure.add_scatter(
        x=[r.lon for r in regions],
        y=[r.lat for r in regions],
        mode="markers+text",
        text=[r.code for r in regions],
        textposition="top center",
        marker={
            "size": [12 + 40 * cycles[r.code] / top for r in regions],
            "color": colour,
            "colorscale": "OrRd",
            "showscale": True,
            "colorbar": {"title": label, "tickformat": ".3~g"},
            "line": {"width": 1, "color": "#333"},
        },
        hovertext=[f"{r.name}: {cycles[r.code]:,.0f} cycles in {last}" for r in regions],
        name="regions",
    )
    if centres:
        figure.add_scatter(
            x=[c.lon for c in centres],
            y=[c.lat for c in centres],
            mode="markers",
            marker={"symbol": "diamond", "size": 9, "color": "#1f3b73"},
            hovertext=[f"{c.name}: {c.rooms} rooms, {c.chairs} chairs" for c in centres],
            name="centres",
        )
    mid = sum(r.lat for r in regions) / len(regions)
    figure.update_layout(
        title=f"{country.name}: demand in {last}",
        # below the plot: at the right the legend would sit on the colour bar's title
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        xaxis={"title": "longitude (°)", "constrain": "domain"},
        yaxis_title="latitude (°)",
        yaxis={"scaleanchor": "x", "scaleratio": 1 / max(0.2, math.cos(math.radians(mid)))},
        height=560,
    )
    return figure


#: Line colours of a flow: within its region, to another region, abroad.
FLOW_COLOURS = {"own": "#7f7f7f", "other": "#1f77b4", "abroad": "#d62728"}


def flow_map(country: Country, flows: FlowResult, centres: list[Centre]) -> go.Figure:
    """Lines from each region's centroid to the centres treating its patients, width by
    cycles; regions sized by demand and coloured by unmet cycles."""
    figure = go.Figure()
    where = {c.id: c for c in centres}
    top = max((f.cycles for f in flows.flows), default=1.0) or 1.0
    regions = {r.code: r for r in country.regions}
    shown: set[str] = set()
    for flow in sorted(flows.flows, key=lambda f: f.cycles):
        kind = "abroad" if flow.abroad else ("own" if flow.destination == flow.origin else "other")
        start, end = regions[flow.origin], where[flow.centre]
        figure.add_scatter(
            x=[start.lon, end.lon],
            y=[start.lat, end.lat],
            mode="lines",
            line={"width": 1 + 9 * flow.cycles / top, "color": FLOW_COLOURS[kind]},
            opacity=0.7,
            hovertext=f"{flow.origin} → {flow.centre}: {flow.cycles:,.0f} cycles, {flow.hours:.1f} h",
            hoverinfo="text",
            name={"own": "within region", "other": "to another region", "abroad": "abroad"}[kind],
            legendgroup=kind,
            showlegend=kind not in shown,
        )
        shown.add(kind)
    demand = {r.region: r for r in flows.regions}
    most = max((r.cycles for r in flows.regions), default=1.0) or 1.0
    figure.add_scatter(
        x=[r.lon for r in country.regions],
        y=[r.lat for r in country.regions],
        mode="markers+text",
        text=[r.code for r in country.regions],
        textposition="top center",
        marker={
            "size": [10 + 30 * demand[r.code].cycles / most for r in country.regions],
            "color": [demand[r.code].unmet for r in country.regions],
            "colorscale": "OrRd",
            "showscale": True,
            "colorbar": {"title": "unmet cycles", "tickformat": ",.0f"},
            "line": {"width": 1, "color": "#333"},
        },
        hovertext=[
            f"{r.name}: {demand[r.code].cycles:,.0f} cycles, {demand[r.code].unmet:,.0f} unmet"
            for r in country.regions
        ],
        hoverinfo="text",
        name="regions",
    )
    away = {c.centre for c in flows.centres if c.abroad}
    for label, colour, group in (
        ("centres", "#1f3b73", [c for c in centres if c.id not in away]),
        ("centres abroad", FLOW_COLOURS["abroad"], [c for c in centres if c.id in away]),
    ):
        if group:
            figure.add_scatter(
                x=[c.lon for c in group],
                y=[c.lat for c in group],
                mode="markers",
                marker={"symbol": "diamond", "size": 9, "color": colour},
                hovertext=[f"{c.name} ({c.region})" for c in group],
                hoverinfo="text",
                name=label,
            )
    mid = sum(r.lat for r in country.regions) / len(country.regions)
    figure.update_layout(
        title=f"{country.name}: where patients are treated in {flows.year}",
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        xaxis={"title": "longitude (°)", "constrain": "domain"},
        yaxis_title="latitude (°)",
        yaxis={"scaleanchor": "x", "scaleratio": 1 / max(0.2, math.cos(math.radians(mid)))},
        height=560,
    )
    return figure


def flow_rows(flows: FlowResult) -> list[list]:
    """One row per region: cycles, at home, elsewhere, abroad, unmet, where they go."""
    return [
        [
            f"{r.region} {r.name}",
            r.cycles,
            r.own_region,
            r.other_regions,
            r.abroad,
            r.unmet,
            ", ".join(
                f"{k} {v:,.0f}"
                for k, v in sorted(flows.between.get(r.region, {}).items(), key=lambda x: -x[1])
                if k != r.region
            )
            or "—",
        ]
        for r in flows.regions
    ]


FLOW_HEADER = ["region", "cycles", "at home", "other regions", "abroad", "unmet", "goes to"]


def _e(x) -> str:
    return html.escape(str(x))


def _cell(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
        return f'<td class="n">{text}</td>'
    return f"<td>{_e(value)}</td>"


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def country_report(
    country: Country,
    demand: DemandResult,
    gap: GapResult | None = None,
    access: AccessResult | None = None,
    supply: SupplyResult | None = None,
    centres: list[Centre] | None = None,
    *,
    flows: FlowResult | None = None,
    abroad: list[Centre] | None = None,
) -> str:
    """The whole report as one HTML document."""
    last = demand.start_year + demand.years - 1
    years = sorted({r.year for r in demand.rows})
    nuclides = sorted({r.nuclide for r in demand.rows})
    by_year = [
        [
            str(year),
            sum(r.patients for r in demand.rows if r.year == year),
            sum(r.cycles for r in demand.rows if r.year == year),
            *(
                sum(r.activity_gbq for r in demand.rows if r.year == year and r.nuclide == n)
                for n in nuclides
            ),
        ]
        for year in years
    ]
    parts = [
        f"<h1>RLT planning report: {_e(country.name)}</h1>",
        f"<p>Regions: {_e(country.region_level)}; population {country.population:,} "
        f"({country.population_year}). Indications: {_e(', '.join(demand.indications))}. "
        f"Horizon {demand.start_year}–{last}, {demand.draws} Monte Carlo draws, seed "
        f"{demand.seed}. Medians; funnel ranges are 95% intervals.</p>",
        "<h2>Demand</h2>",
        _table(["year", "patients", "cycles", *(f"GBq {n}" for n in nuclides)], by_year),
        "<h3>Eligibility funnel (base year)</h3>",
        _table(
            ["indication", "stage", "patients", "2.5%", "97.5%", "source"],
            [[s.indication, s.stage, s.patients, s.low, s.high, s.source] for s in demand.funnel],
        ),
    ]
    figure = demand_map(country, demand, gap, centres)
    parts.append(
        figure.to_html(full_html=False, include_plotlyjs="inline", config={"displaylogo": False})
    )
    if gap:
        parts += [
            f"<h2>Capacity gap in {gap.year} ({_e(gap.quantile)} demand)</h2>",
            _table(
                [
                    "region",
                    "cycles",
                    "GBq",
                    "rooms",
                    "chairs",
                    "scanners",
                    "nurse FTE",
                    "physician FTE",
                    "physicist FTE",
                ],
                [
                    [
                        f"{g.region} {g.name}",
                        g.cycles,
                        activity_text(g.activity_gbq),
                        g.add["rooms"],
                        g.add["chairs"],
                        g.add["scanners"],
                        g.add["nurse_fte"],
                        g.add["physician_fte"],
                        g.add["physicist_fte"],
                    ]
                    for g in gap.regions
                ],
            ),
            "<p>Per-cycle resource use: "
            + "; ".join(
                f"{_e(k)}: {u.bed_days:g} bed-days, {u.chair_hours:g} chair h, "
                f"{u.scanner_slots:g} scans, {u.activity_gbq:g} GBq ({_e(u.source)})"
                for k, u in gap.resource_use.items()
            )
            + "</p>",
            "<p>Assumptions: " + "; ".join(_e(a) for a in gap.assumptions) + "</p>",
        ]
    if flows:
        parts += [
            f"<h2>Where patients are treated in {flows.year}</h2>",
            f"<p>Assignment: {_e(flows.method)}; travel: {_e(flows.travel_time)}. "
            f"{flows.treated_cycles:,.0f} of {flows.cycles:,.0f} cycles treated "
            f"({flows.abroad_cycles:,.0f} abroad), {flows.unmet_cycles:,.0f} unmet. Treated "
            f"cycles travel a median {flows.travel_h['median']:.2f} h "
            f"({flows.road_km['median']:,.0f} km by road), 90th percentile "
            f"{flows.travel_h['p90']:.2f} h; "
            + "; ".join(f"beyond {k} h: {v:.1%}" for k, v in flows.treated_beyond_h.items())
            + ".</p>",
            _table(FLOW_HEADER, flow_rows(flows)),
            flow_map(country, flows, [*(centres or []), *(abroad or [])]).to_html(
                full_html=False, include_plotlyjs=False, config={"displaylogo": False}
            ),
            "<p>Assumptions: " + "; ".join(_e(a) for a in flows.assumptions) + "</p>",
        ]
    if access:
        parts += [
            f"<h2>Geographic access ({_e(access.method)}, {access.catchment_h:g} h)</h2>",
            _table(
                ["region", "places per 100,000", "nearest centre (h)"],
                [
                    [f"{r.region} {r.name}", f"{r.access_per_100k:.3g}", f"{r.nearest_h:.2f}"]
                    for r in access.regions
                ],
            ),
            "<p>"
            + "; ".join(f"beyond {k} h: {v:.1%}" for k, v in access.share_beyond_h.items())
            + f". Travel time: {_e(access.travel_time)}.</p>",
        ]
    if supply:
        parts += [
            "<h2>Isotope supply and patients</h2>",
            _table(["", ""], supply.summary_rows()),
            "<p>Mean and 95% Monte Carlo interval per year. Assumptions: "
            + "; ".join(_e(a) for a in supply.patients.assumptions)
            + "</p>",
        ]
    if demand.warnings:
        parts.append("<h2>Warnings</h2><ul class='warn'>")
        parts += [f"<li>{_e(w)}</li>" for w in demand.warnings]
        parts.append("</ul>")
    parts.append(f"<p>Sources: {_e(country.population_source)}; {_e(country.centroid_source)}.</p>")
    body = "\n".join(parts)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>RLT planning report: {_e(country.name)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
