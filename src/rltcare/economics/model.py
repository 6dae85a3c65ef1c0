"""A cost-effectiveness model: named parameters (with distributions) and strategies that use them.

Every numeric input of a strategy is a *reference*: a number, or the name of a
parameter. ``Model.sample`` draws every parameter at once, ``Model.evaluate`` turns
parameter values (arrays of shape ``(n,)``, or ``(n, k)`` for coefficient vectors) into
:class:`~rltcare.economics.psm.Outcomes`. The deterministic run, the PSA and the one-way
analysis are all ``evaluate`` on different value sets.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rltcare.economics import psm
from rltcare.economics.distributions import Distribution, Fixed, MultivariateNormal
from rltcare.economics.survival_models import Curve, ProportionalHazards, SurvivalCurve
from rltcare.errors import InputError

Ref = float | str
UTILITY_RANGE = (-0.6, 1.0)


class CurveCrossingWarning(UserWarning):
    """An inner survival curve (e.g. PFS) rose above an outer one (OS) and was capped."""


@dataclass(frozen=True)
class CurveSpec:
    """A parametric curve (natural-scale ``params`` or a coefficient-vector parameter
    ``coef``), or another strategy's curve (``of``) with a hazard ratio ``hr``."""

    family: str | None = None
    params: Mapping[str, Ref] = field(default_factory=dict)
    coef: str | None = None
    time_unit: str = "months"
    of: str | None = None
    hr: Ref | None = None


@dataclass(frozen=True)
class CostItem:
    """``quantity × unit_cost × factor`` (factor converts a per-period cost to per year)."""

    label: str
    unit_cost: Ref
    quantity: Ref = 1.0
    factor: float = 1.0


@dataclass(frozen=True)
class StrategySpec:
    name: str
    curves: Mapping[str, CurveSpec]
    utilities: Mapping[str, Ref]
    state_costs: Mapping[str, tuple[CostItem, ...]] = field(default_factory=dict)
    upfront: tuple[CostItem, ...] = ()
    per_dose: tuple[CostItem, ...] = ()
    doses: Ref = 0.0
    dose_interval_years: float = 0.0
    death_cost: tuple[CostItem, ...] = ()
    qaly_adjustment: Ref = 0.0


@dataclass(frozen=True)
class Model:
    """Strategies over ``states`` (alive states then dead; one endpoint curve per alive state)."""

    title: str
    states: tuple[str, ...]
    endpoints: tuple[str, ...]
    strategies: tuple[StrategySpec, ...]
    parameters: Mapping[str, Distribution]
    settings: psm.Settings
    currency: str = ""
    wtp: float = 0.0
    sources: Mapping[str, str] = field(default_factory=dict)
    meta: Mapping[str, str] = field(default_factory=dict)
    # keyword arguments of budget_impact.budget_impact (eligible, current, new, source)
    budget_inputs: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if len(self.endpoints) != len(self.states) - 1:
            raise InputError("need one survival curve per alive state", field="states")
        if len(self.strategies) < 1:
            raise InputError("a model needs at least one strategy", field="strategies")
        for s in self.strategies:
            self._check_strategy(s)

    # ---- checks ---------------------------------------------------------------------
    def _bounds(self, ref: Ref) -> tuple[float, float]:
        if not isinstance(ref, str):
            return float(ref), float(ref)
        dist = self.parameters.get(ref)
        if dist is None:
            raise InputError(
                f"unknown parameter '{ref}'", field=ref, hint="define it under [parameters]"
            )
        if isinstance(dist, MultivariateNormal):
            raise InputError(f"parameter '{ref}' is a coefficient vector, not a number", field=ref)
        lo, hi = dist.interval(0.999)
        return min(lo, dist.mean), max(hi, dist.mean)

    def _check_strategy(self, s: StrategySpec) -> None:
        where = f"strategies.{s.name}"
        if set(s.curves) != set(self.endpoints):
            raise InputError(f"needs curves {', '.join(self.endpoints)}", field=f"{where}.curves")
        alive = self.states[:-1]
        for state in alive:
            if state not in s.utilities:
                raise InputError(f"no utility for state '{state}'", field=f"{where}.utilities")
            lo, hi = self._bounds(s.utilities[state])
            if lo < UTILITY_RANGE[0] or hi > UTILITY_RANGE[1]:
                raise InputError(
                    f"utility of '{state}' ranges over [{lo:.3g}, {hi:.3g}], outside [−0.6, 1]",
                    field=f"{where}.utilities.{state}",
                    hint="utilities are QALY weights; use a beta distribution for values in (0, 1)",
                )
        unknown = (set(s.utilities) | set(s.state_costs)) - set(alive)
        if unknown:
            raise InputError(
                f"unknown state '{sorted(unknown)[0]}'",
                field=where,
                hint=f"states: {', '.join(alive)}",
            )
        groups = {
            "upfront": s.upfront,
            "treatment.per_dose": s.per_dose,
            "end_of_life": s.death_cost,
        }
        groups |= {f"state_costs.{k}": v for k, v in s.state_costs.items()}
        for group, items in groups.items():
            for item in items:
                for ref in (item.unit_cost, item.quantity):
                    if self._bounds(ref)[0] < 0:
                        raise InputError(
                            "cost inputs cannot be negative",
                            field=f"{where}.{group}.{item.label}",
                            hint="use a gamma distribution for costs",
                        )
        if self._bounds(s.doses)[0] < 0:
            raise InputError("number of doses cannot be negative", field=f"{where}.treatment.doses")
        for name, c in s.curves.items():
            if c.of is not None and c.of not in {x.name for x in self.strategies}:
                raise InputError(f"unknown strategy '{c.of}'", field=f"{where}.curves.{name}.of")

    # ---- values ---------------------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.strategies)

    def base_values(self) -> dict[str, np.ndarray]:
        """The deterministic (base-case) value of every parameter, as arrays of one draw."""
        return {k: np.asarray(d.mean, dtype=float)[None, ...] for k, d in self.parameters.items()}

    def sample(self, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """``n`` draws of every parameter, in name order (so a seed gives the same draws)."""
        return {k: self.parameters[k].sample(n, rng) for k in sorted(self.parameters)}

    def varied(self) -> list[str]:
        """Scalar parameters with uncertainty: those the one-way analysis varies."""
        return [
            k for k, d in self.parameters.items() if not isinstance(d, Fixed | MultivariateNormal)
        ]

    # ---- evaluation -----------------------------------------------------------------
    def _curve(self, strategy: str, endpoint: str, values, built: dict) -> Curve:
        key = (strategy, endpoint)
        if key not in built:
            spec = next(s for s in self.strategies if s.name == strategy).curves[endpoint]
            if spec.of is not None:
                if spec.of == strategy:
                    raise InputError(
                        "a curve cannot refer to itself",
                        field=f"strategies.{strategy}.curves.{endpoint}.of",
                    )
                base = self._curve(spec.of, endpoint, values, built)
                built[key] = ProportionalHazards(base, _value(spec.hr, values))
            elif spec.coef is not None:
                built[key] = SurvivalCurve.from_coef(spec.family, values[spec.coef], spec.time_unit)
            else:
                params = {p: _value(r, values) for p, r in spec.params.items()}
                built[key] = SurvivalCurve(spec.family, params, spec.time_unit)
        return built[key]

    def strategy_inputs(self, values: Mapping[str, np.ndarray]) -> list[psm.StrategyInputs]:
        built: dict = {}
        alive = self.states[:-1]
        out = []
        for s in self.strategies:
            out.append(
                psm.StrategyInputs(
                    name=s.name,
                    curves=tuple(self._curve(s.name, e, values, built) for e in self.endpoints),
                    state_cost_per_year=np.stack(
                        np.broadcast_arrays(
                            *(_items(s.state_costs.get(st, ()), values) for st in alive)
                        ),
                        axis=-1,
                    ),
                    utility=np.stack(
                        np.broadcast_arrays(*(_value(s.utilities[st], values) for st in alive)),
                        axis=-1,
                    ),
                    upfront_cost=_items(s.upfront, values),
                    scheduled=(
                        (
                            _items(s.per_dose, values),
                            _value(s.doses, values),
                            s.dose_interval_years,
                        ),
                    )
                    if s.per_dose
                    else (),
                    death_cost=_items(s.death_cost, values),
                    qaly_adjustment=_value(s.qaly_adjustment, values),
                )
            )
        return out

    def evaluate(
        self,
        values: Mapping[str, np.ndarray],
        n: int,
        warn: bool = True,
        keep_membership: bool = False,
        keep_cycle_costs: bool = False,
    ) -> psm.Outcomes:
        """Costs, QALYs and life years for ``n`` value sets; warns when curves crossed."""
        out = psm.run(
            self.strategy_inputs(values), self.settings, n, keep_membership, keep_cycle_costs
        )
        if warn:
            for j, name in enumerate(out.strategies):
                share = out.crossed[:, j].mean()
                if share > 0:
                    where = f"in {share:.1%} of draws" if n > 1 else "in the base case"
                    warnings.warn(
                        f"strategy '{name}': an inner curve (e.g. PFS) exceeded overall survival "
                        f"{where}; it was capped at the outer curve "
                        "(rltcare.economics.psm: C_j ← min(C_j, C_j+1))",
                        CurveCrossingWarning,
                        stacklevel=2,
                    )
        return out


def _value(ref: Ref | None, values: Mapping[str, np.ndarray]) -> np.ndarray:
    if ref is None:
        return np.ones(1)
    if isinstance(ref, str):
        return np.asarray(values[ref], dtype=float)
    return np.asarray([float(ref)])


def _items(items: tuple[CostItem, ...], values) -> np.ndarray:
    total = np.zeros(1)
    for item in items:
        total = total + _value(item.unit_cost, values) * _value(item.quantity, values) * item.factor
    return total
