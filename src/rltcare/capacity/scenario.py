"""The scenario: everything that describes an RLT service, validated as a whole before a run.

A scenario is frozen; the engine never changes it. Quantities are written with
units in TOML (``interval = "6 weeks"``) and carried in hours (``interval_h``).
Cross-references (an indication's resource or supply, a staff task) are checked
here; checks that need the catalog or the calendars (a product that does not
exist, a resource that never opens) are made when the model is built
(:func:`rltcare.capacity.model.build_model`), and name the same keys.
"""

from __future__ import annotations

import datetime as dt

from pydantic import AliasChoices, Field, model_validator

from rltcare.capacity.pathway import Centre, Pathway, Routing
from rltcare.capacity.sections import (
    Behaviour,
    Frozen,
    Indication,
    Meta,
    Resource,
    Simulation,
    Staff,
    Supply,
)
from rltcare.errors import InputError


class Scenario(Frozen):
    """A whole service: checked together, so a reference to a missing name is an error."""

    meta: Meta = Meta()
    simulation: Simulation = Simulation()
    indications: tuple[Indication, ...] = Field(
        min_length=1, validation_alias=AliasChoices("indication", "indications")
    )
    pathway: Pathway = Pathway()
    resources: tuple[Resource, ...] = Field(
        min_length=1, validation_alias=AliasChoices("resource", "resources")
    )
    supplies: tuple[Supply, ...] = Field(
        default=(), validation_alias=AliasChoices("supply", "supplies")
    )
    staff: tuple[Staff, ...] = ()
    behaviour: Behaviour = Behaviour()
    centres: tuple[Centre, ...] = Field(
        default=(), validation_alias=AliasChoices("centre", "centres")
    )
    routing: Routing = Routing()

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        _unique("indication", [(i.centre or "") + "/" + i.name for i in self.indications])
        _unique("resource", [r.name for r in self.resources])
        _check_centres(self)
        _unique("supply", [s.name for s in self.supplies])
        resources = {r.name: r for r in self.resources}
        supplies = {s.name for s in self.supplies}
        for i, ind in enumerate(self.indications):
            key = f"indication[{i}]"
            res = resources.get(ind.resource)
            if res is None:
                _fail(f"{key}.resource", f"unknown resource '{ind.resource}'{_known(resources)}")
            wanted = "bed" if ind.care == "inpatient" else "chair"
            if res.centre not in (None, ind.centre):
                _fail(
                    f"{key}.resource",
                    f"'{res.name}' belongs to centre '{res.centre}', not '{ind.centre}'",
                )
            if res.kind != wanted:
                _fail(
                    f"{key}.resource",
                    f"{ind.care} care of '{ind.name}' needs a {wanted}; "
                    f"'{res.name}' is a {res.kind}",
                )
            if ind.supply is not None and ind.supply not in supplies:
                _fail(f"{key}.supply", f"unknown supply '{ind.supply}'{_known(supplies)}")
            if ind.supply is None and len(self.supplies) > 1:
                _fail(f"{key}.supply", "several supplies are defined; name one")
            stay = ind.length_of_stay.typical_h()
            if ind.interval_h is not None and stay is not None and stay >= ind.interval_h:
                _fail(
                    f"{key}.interval",
                    f"the interval ({ind.interval_h:g} h) is not longer than the "
                    f"length of stay ({stay:g} h) of '{ind.name}'",
                )
            planned = ind.length_of_stay.planned
            if isinstance(planned, float) and ind.interval_h and planned >= ind.interval_h:
                _fail(
                    f"{key}.length_of_stay.planned",
                    f"the planned stay ({planned:g} h) is not shorter than the interval "
                    f"({ind.interval_h:g} h) of '{ind.name}'",
                )
            stops = ind.stop_probability
            if isinstance(stops, tuple) and ind.cycles is not None and len(stops) != ind.cycles - 1:
                _fail(
                    f"{key}.stop_probability",
                    f"needs {ind.cycles - 1} values (one after each cycle but the last), "
                    f"got {len(stops)}",
                )
        _check_pathway(self.pathway, "pathway", resources)
        for c_i, centre in enumerate(self.centres):
            if centre.pathway is not None:
                _check_pathway(centre.pathway, f"centre[{c_i}].pathway", resources)
        _unique("staff role", [(s.centre or "") + "/" + s.role for s in self.staff])
        start = self.simulation.start_date
        horizon_end = start + dt.timedelta(hours=self.simulation.horizon_h)
        for s_i, s in enumerate(self.supplies):
            for o_i, outage in enumerate(s.outages):
                if outage.start <= start and outage.end >= horizon_end:
                    _fail(
                        f"supply[{s_i}].outages[{o_i}]",
                        f"the outage {outage.start}..{outage.end} covers the whole horizon "
                        f"({start}..{horizon_end}): no patient could ever be treated",
                    )
        return self

    def pathway_of(self, centre: str | None) -> Pathway:
        """The pathway a centre's patients follow (its own, or the scenario's)."""
        own = next((c.pathway for c in self.centres if c.name == centre), None)
        return own or self.pathway

    def travel_h(self, a: str, b: str) -> float:
        """Travel time between two centres (either direction given; inf if not given)."""
        if a == b:
            return 0.0
        times = {c.name: c.travel_h for c in self.centres}
        return min(times.get(a, {}).get(b, float("inf")), times.get(b, {}).get(a, float("inf")))

    def resource(self, name: str) -> Resource:
        return next(r for r in self.resources if r.name == name)

    def supply_for(self, indication: Indication) -> Supply | None:
        if not self.supplies:
            return None
        name = indication.supply or self.supplies[0].name
        return next(s for s in self.supplies if s.name == name)


def _check_pathway(pathway: Pathway, key: str, resources: dict[str, Resource]) -> None:
    for step, kind in (("eligibility_pet", "scanner"), ("consultation", "clinic")):
        name = getattr(pathway, step)
        if name is not None:
            res = resources.get(name)
            if res is None:
                _fail(f"{key}.{step}", f"unknown resource '{name}'{_known(resources)}")
            if res.kind != kind:
                _fail(f"{key}.{step}", f"needs a {kind}; '{name}' is a {res.kind}")
    for step, kinds in (
        ("post_therapy_imaging", ("scanner",)),
        ("follow_up", ("scanner", "clinic")),
    ):
        part = getattr(pathway, step)
        if part is not None:
            res = resources.get(part.resource)
            field = f"{key}.{step}.resource"
            if res is None:
                _fail(field, f"unknown resource '{part.resource}'{_known(resources)}")
            if res.kind not in kinds:
                _fail(field, f"needs a {' or '.join(kinds)}; '{res.name}' is a {res.kind}")


def _check_centres(scenario: Scenario) -> None:
    """Every centre named exists; with centres, every indication has a home centre."""
    names = [c.name for c in scenario.centres]
    _unique("centre", names)
    items = (
        [("indication", i, x.centre) for i, x in enumerate(scenario.indications)]
        + [("resource", i, x.centre) for i, x in enumerate(scenario.resources)]
        + [("staff", i, x.centre) for i, x in enumerate(scenario.staff)]
    )
    for kind, i, centre in items:
        if centre is None:
            if kind == "indication" and names:
                _fail(f"indication[{i}].centre", f"needs its home centre ({', '.join(names)})")
            continue
        if not names:
            _fail(f"{kind}[{i}].centre", "no [[centre]] is declared; declare the centres first")
        if centre not in names:
            _fail(f"{kind}[{i}].centre", f"unknown centre '{centre}'{_known(names)}")
    for c_i, centre in enumerate(scenario.centres):
        for other in centre.travel_h:
            if other not in names or other == centre.name:
                _fail(f"centre[{c_i}].travel", f"'{other}' is not another centre{_known(names)}")
    if scenario.routing.rule != "home" and len(names) < 2:
        _fail("routing.rule", f"'{scenario.routing.rule}' needs two or more centres")


def _fail(field: str, message: str) -> None:
    """Raise inside a validator, keeping the key (the loader reads ``field`` back)."""
    raise InputError(message, field=field)


def _unique(kind: str, names: list[str]) -> None:
    seen = set()
    for name in names:
        if name in seen:
            _fail(kind, f"two {kind}s are named '{name}'")
        seen.add(name)


def _known(names) -> str:
    return f" (known: {', '.join(sorted(names))})" if names else ""
