"""The TOML model file: schema (pydantic), and translation into a :class:`Model`.

Every error names the file and the dotted key (``strategies.lu.utilities.PF``). The
file's layout is documented in docs/economics.md; examples/ holds two full models.
Numbers that are inputs may be written as a number or as the name of an entry under
``[parameters]``; each parameter carries its distribution and its ``source``.
"""

from __future__ import annotations

import tomllib
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rltcare.economics import distributions as dists
from rltcare.economics.background import LifeTable, discount_rates
from rltcare.economics.budget_impact import shares
from rltcare.economics.model import CostItem, CurveSpec, Model, StrategySpec
from rltcare.economics.psm import Settings, TimeGrid
from rltcare.economics.survival_models import FAMILIES
from rltcare.errors import InputError
from rltcare.units import parse_activity, parse_duration

HOURS_PER_YEAR = 8766.0
Ref = float | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Published(_Strict):
    """A published evaluation of the same comparison, to show beside the model's result."""

    icer: float = Field(description="The published ICER, per QALY.")
    currency: str = Field(description="Its currency (may differ from the model's).")
    source: str = Field(min_length=1)
    note: str = Field("", description="Why the model's result differs, in a sentence or two.")

    def caveat(self) -> str:
        """One sentence for the results: the published figure and why ours differs."""
        text = f"Published ICER: {self.icer:,.0f} {self.currency} per QALY ({self.source})."
        return f"{text} {self.note}" if self.note else text


class ModelSection(_Strict):
    title: str
    currency: str = "USD"
    country: str | None = None
    cycle: str = "1 month"
    horizon: str = "20 years"
    correction: Literal["half-cycle", "life-table", "none"] = "half-cycle"
    wtp: float = Field(0.0, ge=0)
    states: list[str] = ["PF", "PD", "dead"]
    endpoints: list[str] = ["pfs", "os"]
    start_age: float | None = None
    discount_costs: float | None = Field(None, ge=0, le=0.2)
    discount_effects: float | None = Field(None, ge=0, le=0.2)
    perspective: str = ""
    population: str = ""
    source: str = ""
    published: Published | None = None


class ParameterSpec(_Strict):
    source: Annotated[str, Field(min_length=1)]
    dist: Literal["fixed", "normal", "beta", "gamma", "lognormal", "uniform", "mvnormal"] = "fixed"
    value: float | None = None
    se: float | None = Field(None, gt=0)
    ci: tuple[float, float] | None = None
    ci_level: float = 0.95
    low: float | None = None
    high: float | None = None
    mean: list[float] | None = None
    cov: list[list[float]] | None = None
    owsa: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _needs(self):
        need = {
            "fixed": ("value",),
            "normal": ("value", "se"),
            "beta": ("value", "se"),
            "gamma": ("value", "se"),
            "lognormal": ("value",),
            "uniform": ("value", "low", "high"),
            "mvnormal": ("mean", "cov"),
        }[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if self.dist == "lognormal" and self.se is None and self.ci is None:
            missing.append("se or ci")
        if missing:
            raise ValueError(f"a {self.dist} parameter needs {', '.join(missing)}")
        return self

    def distribution(self) -> dists.Distribution:
        v = self.value
        if self.dist == "fixed":
            return dists.Fixed(v)
        if self.dist == "normal":
            return dists.Normal(v, self.se)
        if self.dist == "beta":
            return dists.Beta(v, self.se)
        if self.dist == "gamma":
            return dists.Gamma(v, self.se)
        if self.dist == "lognormal":
            return (
                dists.LogNormal.from_ci(v, *self.ci, self.ci_level)
                if self.ci
                else dists.LogNormal(v, self.se)
            )
        if self.dist == "uniform":
            return dists.Uniform(v, self.low, self.high)
        return dists.MultivariateNormal(np.array(self.mean), np.array(self.cov))


class CurveModel(_Strict):
    dist: str | None = None
    params: dict[str, Ref] = {}
    coef: str | None = None
    time_unit: Literal["days", "weeks", "months", "years"] = "months"
    of: str | None = None
    hr: Ref | None = None
    source: str = ""

    @model_validator(mode="after")
    def _one_kind(self):
        if self.of is not None:
            if self.hr is None:
                raise ValueError("a curve given 'of' another strategy needs 'hr'")
            return self
        if self.dist not in FAMILIES:
            raise ValueError(f"dist must be one of {', '.join(FAMILIES)} (or give 'of' and 'hr')")
        if (self.coef is None) == (not self.params):
            raise ValueError(
                "give either 'params' (natural scale) or 'coef' (a mvnormal parameter)"
            )
        return self

    def spec(self) -> CurveSpec:
        return CurveSpec(self.dist, self.params, self.coef, self.time_unit, self.of, self.hr)


class CostModel(_Strict):
    unit_cost: Ref | None = None
    quantity: Ref = 1.0
    per: str | None = None
    activity: str | float | None = None
    price_per_gbq: Ref | None = None
    source: str = ""

    @model_validator(mode="after")
    def _priced(self):
        if (self.unit_cost is None) == (self.price_per_gbq is None):
            raise ValueError("give unit_cost, or activity with price_per_gbq")
        if self.price_per_gbq is not None and self.activity is None:
            raise ValueError("price_per_gbq needs the activity per dose, e.g. activity = '7.4 GBq'")
        return self


Cost = Ref | CostModel


class Treatment(_Strict):
    doses: Ref = 1.0
    interval: str = "0 h"
    per_dose: dict[str, Cost] = {}


class StrategyModel(_Strict):
    label: str = ""
    curves: dict[str, CurveModel]
    utilities: dict[str, Ref]
    state_costs: dict[str, dict[str, Cost]] = {}
    treatment: Treatment | None = None
    upfront: dict[str, Cost] = {}
    end_of_life: dict[str, Cost] = {}
    qaly_adjustment: Ref = 0.0


class BackgroundMortality(_Strict):
    source: Annotated[str, Field(min_length=1)]
    first_age: int
    qx: list[float]


class BudgetSection(_Strict):
    source: Annotated[str, Field(min_length=1)]
    eligible: list[Annotated[float, Field(ge=0)]]
    current: dict[str, list[float]]
    new: dict[str, list[float]]


class ModelFile(_Strict):
    model: ModelSection
    parameters: dict[str, ParameterSpec] = {}
    strategies: dict[str, StrategyModel]
    background_mortality: BackgroundMortality | None = None
    budget_impact: BudgetSection | None = None


def _years(text: str, field: str) -> float:
    return parse_duration(text, field=field) / HOURS_PER_YEAR


def _cost_items(items: dict[str, Cost], where: str, per_year: bool = False) -> tuple[CostItem, ...]:
    out = []
    for label, c in items.items():
        if not isinstance(c, CostModel):
            c = CostModel(unit_cost=c)
        factor = 1.0
        if per_year:
            if c.per is None:
                raise InputError(
                    "a state cost needs 'per' (e.g. per = '1 month')", field=f"{where}.{label}.per"
                )
            factor = 1.0 / _years(c.per, f"{where}.{label}.per")
        if c.price_per_gbq is not None:
            gbq = parse_activity(c.activity, field=f"{where}.{label}.activity") / 1000.0
            out.append(
                CostItem(label, c.price_per_gbq, gbq if c.quantity == 1.0 else c.quantity, factor)
            )
            if c.quantity != 1.0:
                raise InputError("give activity or quantity, not both", field=f"{where}.{label}")
        else:
            out.append(CostItem(label, c.unit_cost, c.quantity, factor))
    return tuple(out)


def _build(f: ModelFile) -> Model:
    m = f.model
    try:
        grid = TimeGrid(_years(m.cycle, "model.cycle"), _years(m.horizon, "model.horizon"))
    except InputError as exc:
        if exc.field and not exc.field.startswith("model."):
            exc.field = f"model.{exc.field}"
        raise
    rates = discount_rates(m.country) if m.country else None
    dc = m.discount_costs if m.discount_costs is not None else (rates.costs if rates else 0.0)
    de = m.discount_effects if m.discount_effects is not None else (rates.effects if rates else 0.0)
    background = None
    if f.background_mortality is not None:
        if m.start_age is None:
            raise InputError("background mortality needs model.start_age", field="model.start_age")
        b = f.background_mortality
        table = LifeTable(np.arange(b.first_age, b.first_age + len(b.qx)), np.array(b.qx), b.source)
        background = table.survival(m.start_age, grid.times)
    if m.states[-1].lower() not in ("dead", "death"):
        raise InputError("the last state must be 'dead'", field="model.states")
    strategies = []
    for name, s in f.strategies.items():
        where = f"strategies.{name}"
        t = s.treatment
        strategies.append(
            StrategySpec(
                name=name,
                curves={k: v.spec() for k, v in s.curves.items()},
                utilities=s.utilities,
                state_costs={
                    st: _cost_items(items, f"{where}.state_costs.{st}", per_year=True)
                    for st, items in s.state_costs.items()
                },
                upfront=_cost_items(s.upfront, f"{where}.upfront"),
                per_dose=_cost_items(t.per_dose, f"{where}.treatment.per_dose") if t else (),
                doses=t.doses if t else 0.0,
                dose_interval_years=_years(t.interval, f"{where}.treatment.interval") if t else 0.0,
                death_cost=_cost_items(s.end_of_life, f"{where}.end_of_life"),
                qaly_adjustment=s.qaly_adjustment,
            )
        )
    params = {}
    for k, p in f.parameters.items():
        try:
            params[k] = p.distribution()
        except InputError as exc:
            exc.field = f"parameters.{k}.{exc.field}" if exc.field else f"parameters.{k}"
            raise
    budget = f.budget_impact.model_dump() if f.budget_impact else None
    if budget:
        for mix in ("current", "new"):
            shares(
                budget[mix], tuple(f.strategies), len(budget["eligible"]), f"budget_impact.{mix}"
            )
    return Model(
        budget_inputs=budget,
        title=m.title,
        states=tuple(m.states),
        endpoints=tuple(m.endpoints),
        strategies=tuple(strategies),
        parameters=params,
        settings=Settings(grid, dc, de, m.correction, background),
        currency=m.currency,
        wtp=m.wtp,
        sources={k: p.source for k, p in f.parameters.items()},
        meta={
            "country": m.country or "",
            "perspective": m.perspective,
            "population": m.population,
            "source": m.source,
            "cycle": m.cycle,
            "horizon": m.horizon,
            "correction": m.correction,
            "discount_costs": f"{dc:.3g}",
            "discount_effects": f"{de:.3g}",
            "background_mortality": f.background_mortality.source if f.background_mortality else "",
            "labels": "; ".join(f"{k}={v.label or k}" for k, v in f.strategies.items()),
            "published": m.published.caveat() if m.published else "",
        },
    )


def model_from_dict(data: dict, file: str | None = None) -> Model:
    """Validate a parsed model file and build the model; errors name ``file`` and the key."""
    try:
        parsed = ModelFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"] if not str(x).startswith(("function-", "union[")))
        raise InputError(
            err["msg"].removeprefix("Value error, "),
            file=file,
            field=loc or None,
            value=err.get("input") if not isinstance(err.get("input"), dict) else None,
        ) from None
    try:
        return _build(parsed)
    except InputError as exc:
        exc.file = exc.file or file
        raise


def model_from_toml(text: str, file: str | None = None) -> Model:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=file) from None
    return model_from_dict(data, file)
