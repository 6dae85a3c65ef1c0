"""The slot-served steps of each centre, compiled: MDT, eligibility PET, consultation, SPECT/CT, follow-up.

A centre without a pathway of its own uses the scenario's; a resource named by
several centres' pathways is one :class:`SlotResource` (same name), so its slots
are shared first-come first-served.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rltcare.capacity.calendar import slot_times, weekly_times
from rltcare.capacity.pathway import Pathway
from rltcare.capacity.scenario import Scenario
from rltcare.errors import NotAchievableError

#: Steps before treatment, in order, with the staff task each one is.
BEFORE = (("mdt", "mdt_case"), ("pet", "pet_scan"), ("consultation", "consultation"))
#: Steps after treatment, in order, with their staff task.
AFTER = (("post_imaging", "spect_scan"), ("follow_up", "follow_up"))


@dataclass(frozen=True)
class SlotResource:
    name: str
    times_h: np.ndarray
    units: np.ndarray
    centre: str | None = None  # whose staff serve it (None: the shared staff)


@dataclass(frozen=True)
class PostTreatmentStep:
    """Post-therapy SPECT/CT after each cycle, or the follow-up after the last one."""

    slots: SlotResource
    after_h: float
    window_h: float  # inf: no limit


@dataclass(frozen=True)
class CentreModel:
    name: str  # "" for a scenario without centres
    index: int
    mdt: SlotResource | None
    pet: SlotResource | None
    consultation: SlotResource | None
    post_imaging: PostTreatmentStep | None
    follow_up: PostTreatmentStep | None


def compile_centres(scenario: Scenario, grid_h: float, file: str | None) -> tuple[CentreModel, ...]:
    named = [(c.name, c.pathway, f"centre[{i}].pathway") for i, c in enumerate(scenario.centres)]
    out = []
    for index, (name, own, key) in enumerate(named or [("", None, "pathway")]):
        pathway = own or scenario.pathway
        where = key if own else "pathway"
        mdt_centre = name if own else None
        out.append(_centre(scenario, name, index, pathway, where, mdt_centre, grid_h, file))
    return tuple(out)


def _centre(scenario, name, index, pathway: Pathway, key, mdt_centre, grid_h, file) -> CentreModel:
    start = scenario.simulation.start_date
    mdt = None
    if pathway.mdt is not None:
        times = weekly_times(pathway.mdt.days, pathway.mdt.time, start, grid_h)
        label = f"mdt@{mdt_centre}" if mdt_centre else "mdt"
        mdt = SlotResource(label, times, np.full(times.size, pathway.mdt.capacity), mdt_centre)
    after = [
        None
        if part is None
        else PostTreatmentStep(
            _slots(scenario, part.resource, grid_h, f"{key}.{step}.resource", file),
            part.after_h,
            np.inf if part.window_h is None else part.window_h,
        )
        for step, part in (
            ("post_therapy_imaging", pathway.post_therapy_imaging),
            ("follow_up", pathway.follow_up),
        )
    ]
    return CentreModel(
        name=name,
        index=index,
        mdt=mdt,
        pet=_slots(scenario, pathway.eligibility_pet, grid_h, f"{key}.eligibility_pet", file),
        consultation=_slots(scenario, pathway.consultation, grid_h, f"{key}.consultation", file),
        post_imaging=after[0],
        follow_up=after[1],
    )


def _slots(scenario, name, grid_h, field, file) -> SlotResource | None:
    if name is None:
        return None
    res = scenario.resource(name)
    times, units = slot_times(res, scenario.simulation.start_date, grid_h)
    if times.size == 0 or res.units == 0:
        raise NotAchievableError(
            f"'{name}' never offers a slot, so no patient can pass this step",
            file=file,
            field=field,
            hint="give it units, opening days and hours longer than one slot",
        )
    return SlotResource(name, times, units, res.centre)
