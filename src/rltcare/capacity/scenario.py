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

from rltcare.capacity.sections import (
    Behaviour,
    Frozen,
    Indication,
    Meta,
    Pathway,
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

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        _unique("indication", [i.name for i in self.indications])
        _unique("resource", [r.name for r in self.resources])
        _unique("supply", [s.name for s in self.supplies])
        resources = {r.name: r for r in self.resources}
        supplies = {s.name for s in self.supplies}
        for i, ind in enumerate(self.indications):
            key = f"indication[{i}]"
            res = resources.get(ind.resource)
            if res is None:
                _fail(f"{key}.resource", f"unknown resource '{ind.resource}'{_known(resources)}")
            wanted = "bed" if ind.care == "inpatient" else "chair"
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
            stops = ind.stop_probability
            if isinstance(stops, tuple) and ind.cycles is not None and len(stops) != ind.cycles - 1:
                _fail(
                    f"{key}.stop_probability",
                    f"needs {ind.cycles - 1} values (one after each cycle but the last), "
                    f"got {len(stops)}",
                )
        for step, kind in (("eligibility_pet", "scanner"), ("consultation", "clinic")):
            name = getattr(self.pathway, step)
            if name is not None:
                res = resources.get(name)
                if res is None:
                    _fail(f"pathway.{step}", f"unknown resource '{name}'{_known(resources)}")
                if res.kind != kind:
                    _fail(f"pathway.{step}", f"needs a {kind}; '{name}' is a {res.kind}")
        for step, kinds in (
            ("post_therapy_imaging", ("scanner",)),
            ("follow_up", ("scanner", "clinic")),
        ):
            part = getattr(self.pathway, step)
            if part is not None:
                res = resources.get(part.resource)
                key = f"pathway.{step}.resource"
                if res is None:
                    _fail(key, f"unknown resource '{part.resource}'{_known(resources)}")
                if res.kind not in kinds:
                    _fail(key, f"needs a {' or '.join(kinds)}; '{res.name}' is a {res.kind}")
        _unique("staff role", [s.role for s in self.staff])
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

    def resource(self, name: str) -> Resource:
        return next(r for r in self.resources if r.name == name)

    def supply_for(self, indication: Indication) -> Supply | None:
        if not self.supplies:
            return None
        name = indication.supply or self.supplies[0].name
        return next(s for s in self.supplies if s.name == name)


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
