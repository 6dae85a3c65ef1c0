"""Demand: incidence → eligibility funnel → patients and cycles per year and region.

For each indication the national count of the base figure (deaths or new cases)
is multiplied by the funnel's base ratio, each step's fraction, the country's
reimbursed and uptake fractions, and grown over the horizon; every factor is drawn
per Monte Carlo replication (beta for fractions, lognormal for ratios), so each
output carries a median and a 95% interval. Regions get the national count in
proportion to their population (or population aged 65+, where the data has it).

Totals add up: a region's share is fixed, so an indication's regional medians add up to
its national median, and the headline totals (``cycles_last_year`` ...) are the sums of
the rows, which the capacity gap and the flows use too. The median of the national total
over draws is a different number (the median of a sum is not the sum of medians); it is
reported separately, labelled, with its 95% interval. Activity is given per nuclide:
GBq of different nuclides are never added.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rltcare.catalog import Catalog, default_catalog
from rltcare.catalog.country import Country, Figure, Fraction, Indication
from rltcare.errors import InputError
from rltcare.national.uncertainty import draw_fraction, draw_ratio, rng_for
from rltcare.result import Result

_STRICT = ConfigDict(frozen=True, extra="forbid")


class Expansion(BaseModel):
    """A label expansion: an indication whose label starts in ``from_year``."""

    model_config = _STRICT

    indication: str
    from_year: int = Field(ge=1990, le=2100)
    reimbursed: float = Field(default=1.0, ge=0, le=1)


class Scenario(BaseModel):
    """How demand changes over the horizon."""

    model_config = _STRICT

    start_year: int = Field(default=2026, ge=1990, le=2100)
    years: int = Field(default=10, ge=1, le=30)
    growth_per_year: float = Field(
        default=0.01, ge=-0.1, le=0.2, description="Growth of the base figure (ageing)."
    )
    uptake_ramp_years: int = Field(
        default=0, ge=0, le=20, description="Years for uptake to reach its value (0: at once)."
    )
    expansions: list[Expansion] = Field(default_factory=list)


class DemandRow(Result):
    region: str
    indication: str
    year: int
    patients: float
    patients_low: float
    patients_high: float
    cycles: float
    cycles_low: float
    cycles_high: float
    nuclide: str
    activity_gbq: float


class FunnelStage(Result):
    indication: str
    stage: str
    patients: float
    low: float
    high: float
    source: str


class DemandResult(Result):
    country: str
    start_year: int
    years: int
    draws: int
    seed: int
    indications: list[str]
    patients_first_year: float = Field(description="Sum of the rows: each indication's median.")
    patients_last_year: float = Field(description="Sum of the rows: each indication's median.")
    cycles_last_year: float = Field(description="Sum of the rows: each indication's median.")
    activity_gbq_last_year: dict[str, float] = Field(
        description="GBq in the last year per nuclide (sum of the rows; never across nuclides)."
    )
    cycles_last_year_total: tuple[float, float, float] = Field(
        description="The national total of cycles in the last year across Monte Carlo draws: "
        "2.5th percentile, median, 97.5th percentile (its median is not the sum of medians)."
    )
    funnel: list[FunnelStage]
    rows: list[DemandRow]
    distributed_by: dict[str, str] = Field(
        default_factory=dict,
        description="How each indication's national count was shared between regions: "
        "population or population_65plus.",
    )
    warnings: list[str]

    def summary_rows(self) -> list[tuple[str, str]]:
        end = self.start_year + self.years - 1
        low, mid, high = self.cycles_last_year_total
        rows = [
            ("country", self.country),
            ("indications", ", ".join(self.indications)),
            (f"patients {self.start_year}", f"{self.patients_first_year:,.0f}"),
            (f"patients {end}", f"{self.patients_last_year:,.0f}"),
            (f"cycles {end}, sum of regions", f"{self.cycles_last_year:,.0f}"),
            (
                f"cycles {end}, national total",
                f"median over draws {mid:,.0f} (95% interval {low:,.0f}–{high:,.0f})",
            ),
        ]
        rows += [
            (f"activity {end}, {nuclide}", f"{gbq:,.0f} GBq")
            for nuclide, gbq in self.activity_gbq_last_year.items()
        ]
        rows += [
            (f"{s.indication}: {s.stage}", f"{s.patients:,.0f} ({s.low:,.0f}–{s.high:,.0f})")
            for s in self.funnel
        ]
        regions: dict[str, list[float]] = {}
        for row in self.rows:
            if row.year == end:
                total = regions.setdefault(row.region, [0.0, 0.0])
                total[0] += row.patients
                total[1] += row.cycles
        rows += [
            (f"{code} {end}", f"{p:,.0f} patients, {c:,.0f} cycles")
            for code, (p, c) in regions.items()
        ]
        rows += [(f"{k}: regions by", v) for k, v in self.distributed_by.items()]
        return rows + [("warning", w) for w in self.warnings]


def default_indications(catalog: Catalog) -> list[str]:
    """The indications demand counts when none are chosen: every approved label.

    The one definition the CLI, the API and the page share."""
    return sorted(i for i, ind in catalog.indications.items() if ind.label == "approved")


def base_count(country: Country, key: str, figures: dict[str, float] | None, year: int) -> Figure:
    """The national figure the funnel starts at; a user's value (for ``year``) wins."""
    if figures and key in figures:
        value = figures[key]
        if not np.isfinite(value) or value < 0:
            raise InputError(f"{key} must be a count ≥ 0, got {value}", field=key)
        return Figure(value=value, year=year, source="user input")
    figure = country.epidemiology.get(key)
    if figure is None or figure.status == "unknown":
        raise InputError(
            f"{country.name} has no figure for {key}",
            field=f"epidemiology.{key}",
            hint=f"give it, e.g. --figure {key}=1234 (per year), or add it to a country file",
        )
    return figure


def demand(
    country: Country | str,
    indications: list[str] | None = None,
    *,
    scenario: Scenario | None = None,
    figures: dict[str, float] | None = None,
    overrides: dict[str, dict[str, Fraction]] | None = None,
    draws: int = 1000,
    seed: int = 0,
    catalog: Catalog | None = None,
) -> DemandResult:
    """Patients and cycles per region and year, with 95% Monte Carlo intervals.

    ``figures`` gives national base counts the data lacks (``{"thyroid_cancer_incidence":
    4100}``); ``overrides[indication][step]`` replaces a funnel step, ``reimbursed`` or
    ``uptake``. Label-expansion indications count only through ``scenario.expansions``.
    """
    catalog = catalog or default_catalog()
    country = catalog.country(country) if isinstance(country, str) else country
    scenario = scenario or Scenario()
    if not 10 <= draws <= 100_000:
        raise InputError(f"draws must be 10 to 100000, got {draws}", field="draws")
    expansions = {e.indication: e for e in scenario.expansions}
    for name in expansions:
        catalog.indication(name)
    wanted = indications or default_indications(catalog)
    wanted = list(dict.fromkeys([*wanted, *(n for n in expansions if n not in wanted)]))
    warnings: list[str] = []
    years = np.arange(scenario.years)
    calendar = scenario.start_year + years
    rows: list[DemandRow] = []
    funnel: list[FunnelStage] = []
    distributed_by: dict[str, str] = {}
    national_cycles = np.zeros((draws, scenario.years))
    for name in wanted:
        ind = catalog.indication(name)
        product = catalog.radiopharmaceutical(ind.product)
        patients, cycles, stages = _national(
            country, ind, scenario, expansions.get(name), figures, overrides, draws, seed, warnings
        )
        funnel += stages
        shares, distributed_by[name], note = _shares(country, ind)
        if note:
            warnings.append(note)
        gbq = cycles * product.typical_activity_mbq / 1000
        national_cycles += cycles
        for region, share in zip(country.regions, shares, strict=True):
            rows += _rows(
                region.code,
                name,
                product.nuclide,
                calendar,
                patients * share,
                cycles * share,
                gbq * share,
            )
    first, last = scenario.start_year, scenario.start_year + scenario.years - 1
    activity: dict[str, float] = {}
    for row in rows:
        if row.year == last:
            activity[row.nuclide] = activity.get(row.nuclide, 0.0) + row.activity_gbq
    return DemandResult(
        country=country.id,
        start_year=scenario.start_year,
        years=scenario.years,
        draws=draws,
        seed=seed,
        indications=wanted,
        patients_first_year=sum(r.patients for r in rows if r.year == first),
        patients_last_year=sum(r.patients for r in rows if r.year == last),
        cycles_last_year=sum(r.cycles for r in rows if r.year == last),
        activity_gbq_last_year=activity,
        cycles_last_year_total=tuple(np.percentile(national_cycles[:, -1], [2.5, 50, 97.5])),
        funnel=funnel,
        rows=rows,
        distributed_by=distributed_by,
        warnings=list(dict.fromkeys(warnings)),
    )


def _national(country, ind: Indication, scenario, expansion, figures, overrides, n, seed, warn):
    """Draws of national patients and cycles, shape (n, years), and the funnel's stages."""
    figure = base_count(country, ind.base, figures, scenario.start_year)
    if figure.status == "estimate":
        warn.append(f"{ind.base} for {country.name} is an estimate: {figure.source}")
    count = figure.value if figure.value is not None else figure.per_100k * country.population / 1e5
    rng = rng_for(seed, country.id, ind.id)
    mine = (overrides or {}).get(ind.id, {})
    unknown = set(mine) - {s.name for s in ind.steps} - {"reimbursed", "uptake"}
    if unknown:
        raise InputError(
            f"indication {ind.id} has no step {sorted(unknown)[0]}",
            field="overrides",
            hint="steps: " + ", ".join([s.name for s in ind.steps] + ["reimbursed", "uptake"]),
        )
    stage = count * draw_ratio(ind.base_ratio, n, rng)
    stages = [_stage(ind.id, "entering", stage, ind.base_ratio.source)]
    for step in ind.steps:
        value = mine.get(step.name, step)
        stage = stage * draw_fraction(value, n, rng)
        stages.append(_stage(ind.id, step.name, stage, value.source))
    for kind, table in (("reimbursed", country.reimbursed), ("uptake", country.uptake)):
        value = mine.get(kind) or table.get(ind.id)
        if kind == "reimbursed" and expansion is not None and kind not in mine:
            value = Fraction(mean=expansion.reimbursed, source="label-expansion scenario")
        if value is None:
            raise InputError(
                f"{country.name} has no {kind} fraction for {ind.id}",
                field=f"{kind}.{ind.id}",
                hint="add it to the country file or override it",
            )
        stage = stage * draw_fraction(value, n, rng)
        stages.append(_stage(ind.id, kind, stage, value.source))
    cycles_each = draw_ratio(ind.cycles_per_patient, n, rng)
    years = np.arange(scenario.years)
    growth = (1 + scenario.growth_per_year) ** (scenario.start_year - figure.year + years)
    ramp = np.minimum(1.0, (years + 1) / max(scenario.uptake_ramp_years, 1))
    active = np.ones(scenario.years)
    if ind.label == "expansion":
        start = expansion.from_year if expansion else np.inf
        active = (scenario.start_year + years >= start).astype(float)
    patients = stage[:, None] * (growth * ramp * active)[None, :]
    return patients, patients * cycles_each[:, None], stages


def _stage(indication: str, name: str, values: np.ndarray, source: str) -> FunnelStage:
    low, mid, high = np.percentile(values, [2.5, 50, 97.5])
    return FunnelStage(
        indication=indication, stage=name, patients=mid, low=low, high=high, source=source
    )


def _shares(country: Country, ind: Indication) -> tuple[np.ndarray, str, str]:
    """Each region's share of an indication's national count, the basis used, and a note.

    An age-dependent indication is shared by population aged 65+ when every region has
    that figure (and it is not all zero), by total population otherwise."""
    older = [r.population_65plus for r in country.regions]
    if (
        ind.distribute_by == "population_65plus"
        and all(v is not None for v in older)
        and sum(older) > 0
    ):
        weights = np.array(older, dtype=float)
        return weights / weights.sum(), "population_65plus", ""
    note = ""
    if ind.distribute_by == "population_65plus":
        lacking = [r.code for r in country.regions if r.population_65plus is None]
        if not lacking:
            which = "is 0 in every region"
        elif len(lacking) == len(country.regions):
            which = "is not given"
        else:
            which = f"is missing for {', '.join(lacking)}"
        note = f"{country.name}: population aged 65+ {which}; {ind.id} shared by total population"
    weights = np.array([r.population for r in country.regions], dtype=float)
    return weights / weights.sum(), "population", note


def _rows(region, indication, nuclide, calendar, patients, cycles, gbq) -> list[DemandRow]:
    p = np.percentile(patients, [2.5, 50, 97.5], axis=0)
    c = np.percentile(cycles, [2.5, 50, 97.5], axis=0)
    g = np.median(gbq, axis=0)
    return [
        DemandRow(
            region=region,
            indication=indication,
            year=int(year),
            patients=p[1, t],
            patients_low=p[0, t],
            patients_high=p[2, t],
            cycles=c[1, t],
            cycles_low=c[0, t],
            cycles_high=c[2, t],
            nuclide=nuclide,
            activity_gbq=g[t],
        )
        for t, year in enumerate(calendar)
    ]
