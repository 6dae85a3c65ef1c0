"""The demand options the ``national`` commands share, defined once.

:func:`demand_options` adds the options to a command's signature (Typer reads the
signature) and hands the command one :class:`DemandOptions` instead of nine arguments.
A command may leave some out (``exclude``) and then gets the defaults for them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import get_type_hints

import typer

from rltcare.errors import InputError
from rltcare.national.demand import DemandResult, Expansion, Scenario, demand


@dataclass(frozen=True)
class DemandOptions:
    """The demand scenario a command was given."""

    indication: list[str] | None = None
    years: int = 10
    start_year: int = 2026
    growth: float = 0.01
    ramp_years: int = 0
    expand: list[str] | None = None
    figure: list[str] | None = None
    draws: int = 1000
    seed: int = 0

    def scenario(self) -> Scenario:
        expansions = []
        for text in self.expand or []:
            name, sep, year = text.partition("@")
            if not sep or not year.strip().isdigit():
                raise InputError(f"expected INDICATION@YEAR, got {text!r}", field="expand")
            expansions.append(Expansion(indication=name.strip(), from_year=int(year)))
        return Scenario(
            start_year=self.start_year,
            years=self.years,
            growth_per_year=self.growth,
            uptake_ramp_years=self.ramp_years,
            expansions=expansions,
        )

    def figures(self) -> dict[str, float]:
        out = {}
        for text in self.figure or []:
            key, sep, value = text.partition("=")
            try:
                out[key.strip()] = float(value)
            except ValueError:
                sep = ""
            if not sep:
                raise InputError(f"expected KEY=COUNT, got {text!r}", field="figure")
        return out

    def demand(self, country: str, catalog, indications: list[str] | None = None) -> DemandResult:
        """The demand result; ``indications`` replaces ``--indication`` where given."""
        return demand(
            country,
            indications if indications is not None else (self.indication or None),
            scenario=self.scenario(),
            figures=self.figures(),
            draws=self.draws,
            seed=self.seed,
            catalog=catalog,
        )


D = DemandOptions
#: One Typer option per field of DemandOptions, with its type.
OPTIONS: dict[str, tuple[type, typer.models.OptionInfo]] = {
    "indication": (
        list[str],
        typer.Option(
            None,
            "--indication",
            "-i",
            help="Indication id (repeatable; default: every approved one, as the web page).",
        ),
    ),
    "years": (int, typer.Option(D.years, "--years", help="Years projected (1-30).")),
    "start_year": (int, typer.Option(D.start_year, "--start-year", help="First year projected.")),
    "growth": (
        float,
        typer.Option(D.growth, "--growth", help="Yearly growth of incidence, e.g. 0.01."),
    ),
    "ramp_years": (
        int,
        typer.Option(D.ramp_years, "--ramp-years", help="Years for uptake to reach its value."),
    ),
    "expand": (
        list[str],
        typer.Option(
            None,
            "--expand",
            help="Label expansion INDICATION@YEAR (repeatable), e.g. lu-psma-pre-taxane@2027.",
        ),
    ),
    "figure": (
        list[str],
        typer.Option(
            None,
            "--figure",
            help="National figure KEY=COUNT a year, e.g. thyroid_cancer_incidence=4100.",
        ),
    ),
    "draws": (int, typer.Option(D.draws, "--draws", help="Monte Carlo draws.")),
    "seed": (int, typer.Option(D.seed, "--seed", help="Seed of the Monte Carlo.")),
}


def demand_options(exclude: tuple[str, ...] = ()) -> Callable:
    """Decorate a command taking ``options: DemandOptions``: Typer sees the options instead."""
    unknown = set(exclude) - set(OPTIONS)
    if unknown:
        raise ValueError(f"unknown demand options {sorted(unknown)}")
    mine = {name: spec for name, spec in OPTIONS.items() if name not in exclude}

    def decorate(command: Callable) -> Callable:
        signature = inspect.signature(command)
        hints = get_type_hints(command)
        kept = [p for p in signature.parameters.values() if p.name != "options"]
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=info, annotation=kind)
            for name, (kind, info) in mine.items()
        ]
        # Typer lists options in signature order: the command's own first, as before
        tail = [p for p in kept if p.name in ("catalog", "as_json")]
        head = [p for p in kept if p not in tail]
        parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in head + added + tail]

        @functools.wraps(command)
        def wrapper(**kwargs):
            chosen = {name: kwargs.pop(name) for name in mine}
            return command(options=DemandOptions(**chosen), **kwargs)

        wrapper.__signature__ = signature.replace(parameters=parameters)
        wrapper.__annotations__ = {
            **{p.name: hints[p.name] for p in kept if p.name in hints},
            **{name: kind for name, (kind, _) in mine.items()},
        }
        return wrapper

    return decorate
