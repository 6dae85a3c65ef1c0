"""The RLT service as the engine sees it: a scenario compiled to arrays, checked against the catalog.

Building the model is where a scenario meets the catalog (products, their
cycles, interval and shelf life) and its calendars, so this is where a resource
that never opens, or a supply that can never meet an admission, is reported,
naming the patients who could never be served.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from rltcare.capacity.calendar import open_days, treatment_calendar, weekly_times
from rltcare.capacity.scenario import Scenario
from rltcare.capacity.sections import LIMITED_TASKS, STAFF_TASKS, clock_h
from rltcare.capacity.stages import CentreModel, compile_centres
from rltcare.capacity.stay import LengthOfStayModel, stay_model_from
from rltcare.errors import InputError, NotAchievableError

HOURS_PER_YEAR = 8766.0
#: Bookings may reach this far past the horizon before a patient counts as never served.
BOOKING_MARGIN_H = 26 * 168.0


@dataclass(frozen=True)
class IndicationModel:
    name: str
    index: int
    product: str | None
    rate_per_h: float
    growth_per_year: float
    monthly_profile: np.ndarray | None
    regular: bool
    screen_failure: float
    cycles: int
    interval_h: float
    tolerance_h: float
    stop_probability: np.ndarray  # after cycle j (j = 0 .. cycles-2)
    deferral_probability: float
    deferral_h: float
    resource: int
    supply: int | None
    stay: LengthOfStayModel
    planned_stay_h: float  # what the scheduler books (nan: each patient's actual stay)
    discharge_clock_h: tuple[float, ...]
    earliest_after_consultation_h: float
    inpatient: bool
    centre: int  # index in ServiceModel.centres
    alternatives: tuple[int, ...] = ()  # other centres' indications it may be routed to


@dataclass(frozen=True)
class TreatmentResource:
    name: str
    kind: str
    units: int
    capacity: np.ndarray  # units per grid cell
    admit_cells: np.ndarray  # sorted cells where a treatment may start


@dataclass(frozen=True)
class SupplyModel:
    name: str
    deliveries_h: np.ndarray
    lead_h: float
    shelf_h: float
    max_per_delivery: int | None
    continuing_first: bool
    outages: tuple[tuple[float, float, float], ...]  # (known at, start, end) in hours
    random_per_h: float
    random_mean_h: float
    calibration_h: float  # after delivery, when a dose holds its activity (nan: at administration)
    half_life_h: float  # inf: no decay
    last_delivery: np.ndarray  # per grid cell: index of the latest delivery at or before it


@dataclass(frozen=True)
class ServiceModel:
    """Everything the engine needs, in hours and grid cells."""

    scenario: Scenario
    start: dt.date
    step_h: float
    horizon_h: float
    warm_up_h: float
    n_cells: int
    indications: tuple[IndicationModel, ...]
    resources: tuple[TreatmentResource, ...]
    centres: tuple[CentreModel, ...]  # one (named "") when the scenario declares none
    supplies: tuple[SupplyModel, ...]
    staff_roles: tuple[str, ...]
    staff_minutes: np.ndarray  # (roles, tasks) in STAFF_TASKS order
    staff_fte_hours: np.ndarray  # available hours a year per role (nan if fte not given)
    staff_day_minutes: np.ndarray  # (roles, days) minutes a limiting role has (inf: not limiting)
    staff_centres: tuple[str | None, ...]  # each role's centre (None: every centre)
    death_rate_per_h: float
    drop_out_h: float


def build_model(scenario: Scenario, catalog=None, *, file: str | None = None) -> ServiceModel:
    """Compile ``scenario``; ``catalog`` supplies products (default: the packaged catalog)."""
    sim = scenario.simulation
    step = sim.step_h
    max_interval = max((i.interval_h or 0.0) for i in scenario.indications)
    grid_h = sim.horizon_h + max(max_interval * 2, 0) + BOOKING_MARGIN_H
    n_cells = int(np.ceil(grid_h / step))
    treat_names = [r.name for r in scenario.resources if r.kind in ("bed", "chair")]
    resources = []
    for name in treat_names:
        res = scenario.resource(name)
        cap, admit = treatment_calendar(res, sim.start_date, n_cells, step)
        resources.append(TreatmentResource(name, res.kind, res.units, cap, admit))
    supplies = tuple(
        _supply(scenario, i, catalog, n_cells, step, grid_h, file)
        for i in range(len(scenario.supplies))
    )
    indications = tuple(
        _indication(scenario, i, catalog, treat_names, supplies, file)
        for i in range(len(scenario.indications))
    )
    centres = compile_centres(scenario, grid_h, file)
    model = ServiceModel(
        scenario=scenario,
        start=sim.start_date,
        step_h=step,
        horizon_h=sim.horizon_h,
        warm_up_h=sim.warm_up_h,
        n_cells=n_cells,
        indications=indications,
        resources=tuple(resources),
        centres=centres,
        supplies=supplies,
        staff_roles=tuple(f"{s.centre}/{s.role}" if s.centre else s.role for s in scenario.staff),
        staff_minutes=np.array(
            [[s.minutes.get(t, 0.0) for t in STAFF_TASKS] for s in scenario.staff]
        ).reshape(len(scenario.staff), len(STAFF_TASKS)),
        staff_fte_hours=np.array(
            [s.fte * s.yearly_hours if s.fte is not None else np.nan for s in scenario.staff]
        ),
        staff_day_minutes=_staff_days(scenario, int(np.ceil(n_cells * step / 24.0))),
        staff_centres=tuple(s.centre for s in scenario.staff),
        death_rate_per_h=scenario.behaviour.death_rate_per_year / HOURS_PER_YEAR,
        drop_out_h=scenario.behaviour.drop_out_after_h or np.inf,
    )
    for ind in indications:
        _check_servable(model, ind, file)
    return model


def _staff_days(scenario: Scenario, n_days: int) -> np.ndarray:
    """Minutes each role has on each day: fte × hours on its working days; inf if not limiting."""
    out = np.full((len(scenario.staff), n_days), np.inf)
    for k, s in enumerate(scenario.staff):
        if s.limiting:
            working = open_days(s, scenario.simulation.start_date, n_days)
            out[k] = np.where(working, s.fte * s.daily_hours * 60.0, 0.0)
    return out


def staff_need(model: ServiceModel, task: str, centre: str | None = None) -> np.ndarray:
    """Minutes per role one ``task`` on a resource of ``centre`` draws from the limiting roles' days.

    Roles that are not limiting, or work for another centre, give 0 (a shared resource,
    ``centre`` None, draws on the shared roles only).
    """
    if task not in LIMITED_TASKS:
        raise ValueError(f"'{task}' does not draw on daily staff minutes")
    column = model.staff_minutes[:, STAFF_TASKS.index(task)]
    if not column.size:
        return column
    serves = np.array([c is None or c == centre for c in model.staff_centres])
    return np.where(np.isfinite(model.staff_day_minutes[:, 0]) & serves, column, 0.0)


def _product(catalog, key: str, field: str, file):
    from rltcare.catalog import default_catalog

    catalog = catalog or default_catalog()
    try:
        return catalog.radiopharmaceutical(key)
    except InputError as exc:
        exc.file, exc.field = file, field
        raise


def _supply(scenario, i, catalog, n_cells, step, grid_h, file) -> SupplyModel:
    s = scenario.supplies[i]
    shelf = s.shelf_life_h
    users = [
        (k, ind) for k, ind in enumerate(scenario.indications) if scenario.supply_for(ind) is s
    ]
    products = [(k, ind.product) for k, ind in users if ind.product]
    half_life = s.half_life_h
    if half_life is None and products:
        from rltcare.catalog import default_catalog

        cat = catalog or default_catalog()
        half_life = min(
            cat.nuclide(_product(cat, p, f"indication[{k}].product", file).nuclide).half_life_h
            for k, p in products
        )
    if shelf is None:
        if not products:
            raise InputError(
                "needs shelf_life (or an indication with a catalog product that has one)",
                file=file,
                field=f"supply[{i}].shelf_life",
            )
        shelf = min(
            _product(catalog, p, f"indication[{k}].product", file).shelf_life_h for k, p in products
        )
    sim = scenario.simulation
    deliveries = weekly_times(s.delivery_days, s.delivery_time, sim.start_date, grid_h)
    last = np.searchsorted(deliveries, np.arange(n_cells) * step + 1e-9, side="right") - 1
    outages = []
    for outage in s.outages:
        start_h = (outage.start - sim.start_date).days * 24.0
        end_h = ((outage.end - sim.start_date).days + 1) * 24.0
        outages.append((max(start_h - outage.notice_h, 0.0), start_h, end_h))
    rnd = s.random_outages
    return SupplyModel(
        name=s.name,
        deliveries_h=deliveries,
        lead_h=s.lead_time_h,
        shelf_h=shelf,
        max_per_delivery=s.max_doses_per_delivery,
        continuing_first=s.priority == "continuing-first",
        outages=tuple(outages),
        random_per_h=(rnd.per_year / HOURS_PER_YEAR) if rnd else 0.0,
        random_mean_h=rnd.mean_duration_h if rnd else 0.0,
        calibration_h=np.nan if s.calibration == "administration" else float(s.calibration),
        half_life_h=np.inf if half_life is None else float(half_life),
        last_delivery=last.astype(np.int64),
    )


def _alternatives(scenario: Scenario, i: int) -> tuple[int, ...]:
    """Other centres' indications of the same name within the travel limit, nearest first."""
    if scenario.routing.rule == "home":
        return ()
    ind = scenario.indications[i]
    limit = scenario.routing.travel_limit_h or np.inf
    near = [
        (scenario.travel_h(ind.centre, other.centre), k)
        for k, other in enumerate(scenario.indications)
        if k != i and other.name == ind.name
    ]
    return tuple(k for travel, k in sorted(near) if travel <= limit)


def _indication(scenario, i, catalog, treat_names, supplies, file) -> IndicationModel:
    ind = scenario.indications[i]
    key = f"indication[{i}]"
    product = _product(catalog, ind.product, f"{key}.product", file) if ind.product else None
    cycles = ind.cycles or (product.cycles if product else None)
    if cycles is None:
        raise InputError("needs cycles (or a catalog product)", file=file, field=f"{key}.cycles")
    interval = ind.interval_h or (product.interval_h if product else None)
    if interval is None and cycles > 1:
        raise InputError(
            "needs interval (or a catalog product)", file=file, field=f"{key}.interval"
        )
    stay_spec = ind.length_of_stay
    typical = stay_spec.typical_h()
    if interval is not None and typical is not None and typical >= interval:
        raise InputError(
            f"the interval ({interval:g} h) is not longer than the length of stay ({typical:g} h)",
            file=file,
            field=f"{key}.interval",
        )
    if ind.screen_failure > 0 and scenario.pathway_of(ind.centre).eligibility_pet is None:
        raise InputError(
            "screen_failure needs an eligibility PET step (pathway.eligibility_pet)",
            file=file,
            field=f"{key}.screen_failure",
        )
    stop = ind.stop_probability
    stop = np.array(stop if isinstance(stop, tuple) else [stop] * (cycles - 1), dtype=float)
    if stop.size != cycles - 1:
        raise InputError(
            f"needs {cycles - 1} values (one after each cycle but the last), got {stop.size}",
            file=file,
            field=f"{key}.stop_probability",
        )
    stay = stay_model_from(
        stay_spec,
        product=ind.product,
        jurisdiction=scenario.simulation.jurisdiction,
        cycles_per_year=min(52, max(1, round(HOURS_PER_YEAR / interval))) if interval else 1,
        catalog=catalog,
        field=f"{key}.length_of_stay",
    )
    supply = scenario.supply_for(ind)
    planned = stay_spec.planned
    if planned == "typical":
        planned = float(np.median(stay.sample(1001, np.random.default_rng(0))))
    centres = [c.name for c in scenario.centres]
    return IndicationModel(
        name=f"{ind.centre}/{ind.name}" if ind.centre else ind.name,
        index=i,
        product=ind.product,
        rate_per_h=ind.referrals_per_week / 168.0,
        growth_per_year=ind.growth_per_year,
        monthly_profile=np.array(ind.monthly_profile) if ind.monthly_profile else None,
        regular=ind.arrivals == "regular",
        screen_failure=ind.screen_failure,
        cycles=cycles,
        interval_h=interval or 0.0,
        tolerance_h=ind.tolerance_h,
        stop_probability=stop,
        deferral_probability=ind.deferral_probability,
        deferral_h=ind.deferral_h,
        resource=treat_names.index(ind.resource),
        supply=None if supply is None else scenario.supplies.index(supply),
        stay=stay,
        planned_stay_h=np.nan if planned == "actual" else float(planned),
        discharge_clock_h=tuple(sorted(clock_h(c) for c in stay_spec.round_to)),
        earliest_after_consultation_h=ind.earliest_after_consultation_h,
        inpatient=ind.care == "inpatient",
        centre=centres.index(ind.centre) if ind.centre else 0,
        alternatives=_alternatives(scenario, i),
    )


def _check_servable(model: ServiceModel, ind: IndicationModel, file) -> None:
    """Fail early, naming the patients, when a calendar or the supply can never admit them."""
    res = model.resources[ind.resource]
    field = f"indication[{ind.index}].resource"
    who = f"patients of '{ind.name}' can never be treated"
    if res.admit_cells.size == 0 or res.units == 0:
        raise NotAchievableError(
            f"{who}: '{res.name}' never admits (no units, or no opening day and hour)",
            file=file,
            field=field,
        )
    stays = ind.stay.sample(256, np.random.default_rng(0))
    if ind.cycles > 1 and np.median(stays) >= ind.interval_h:
        raise InputError(
            f"the interval ({ind.interval_h:g} h) is not longer than the median length of stay "
            f"({np.median(stays):.3g} h) of '{ind.name}'",
            file=file,
            field=f"indication[{ind.index}].interval",
        )
    if res.kind == "chair":
        hours = model.scenario.resource(res.name)
        session = float(np.max(stays))
        if session > hours.close_h - hours.open_h + 1e-9:
            raise NotAchievableError(
                f"{who}: a {session:g} h chair session does not fit in '{res.name}' "
                f"opening hours ({hours.open} to {hours.close})",
                file=file,
                field=field,
            )
    if ind.supply is None:
        return
    supply = model.supplies[ind.supply]
    cells = res.admit_cells[res.admit_cells * model.step_h < 28 * 24.0 * 4]
    last = supply.last_delivery[cells]
    age = cells * model.step_h - supply.deliveries_h[np.maximum(last, 0)]
    if not np.any((last >= 0) & (age <= supply.shelf_h)):
        raise NotAchievableError(
            f"{who}: no admission time of '{res.name}' falls within the shelf life "
            f"({supply.shelf_h:g} h) of a delivery from supply '{supply.name}'",
            file=file,
            field=f"supply[{ind.supply}].delivery_days",
            hint="deliver on the ward's admission days or admit on delivery days",
        )
