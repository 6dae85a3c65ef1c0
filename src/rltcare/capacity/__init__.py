"""Capacity planner: a stochastic discrete-event simulation of an RLT service.

The chain: a :class:`Scenario` (TOML, validated whole) → :func:`build_model` (checked
against the catalog and the calendars) → :func:`run` (one replication) →
:func:`run_replications` (many, in parallel, identical whatever the workers) → KPIs with
confidence intervals, comparisons and a report.
"""

from rltcare.capacity.engine import RunResult, run
from rltcare.capacity.experiment import (
    paired_differences,
    replications_needed,
    run_replications,
    summarise_kpis,
    sweep,
)
from rltcare.capacity.loader import load_scenario, loads_scenario, scenario_json_schema
from rltcare.capacity.model import ServiceModel, build_model
from rltcare.capacity.scenario import Scenario
from rltcare.capacity.stay import LengthOfStayModel, PhysicsLengthOfStay

__all__ = [
    "LengthOfStayModel",
    "PhysicsLengthOfStay",
    "RunResult",
    "Scenario",
    "ServiceModel",
    "build_model",
    "load_scenario",
    "loads_scenario",
    "paired_differences",
    "replications_needed",
    "run",
    "run_replications",
    "scenario_json_schema",
    "summarise_kpis",
    "sweep",
]
