"""Per-cycle resource use from a capacity-planner run (:mod:`rltcare.capacity`).

The planner reports yearly totals for a simulated service (bed-days, chair hours,
staff hours by role) and its cycles a year; dividing one by the other gives the use
per cycle, averaged over the service's indications. The planner's staff roles are
free text ("nuclear-medicine physician"); they are matched to the national roles
by keyword, or through ``roles``. Scanner slots per cycle are not a planner KPI and
keep the documented default for the product.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rltcare.catalog import Catalog, default_catalog
from rltcare.errors import InputError
from rltcare.national.resources import PER_CYCLE, ROLES, ResourceUse

#: Keyword in a planner role → national role (first match wins).
ROLE_KEYWORDS = (
    ("radiopharm", "radiopharmacist"),
    ("physicist", "physicist"),
    ("physician", "physician"),
    ("technolog", "technologist"),
    ("radiographer", "technologist"),
    ("nurse", "nurse"),
)


def national_role(role: str, roles: Mapping[str, str] | None = None) -> str:
    if roles and role in roles:
        if roles[role] not in ROLES:
            raise InputError(f"unknown role '{roles[role]}'", field="roles", hint=", ".join(ROLES))
        return roles[role]
    lowered = role.lower()
    for keyword, name in ROLE_KEYWORDS:
        if keyword in lowered:
            return name
    raise InputError(
        f"the planner's staff role '{role}' matches no national role",
        field="roles",
        hint=f"map it to one of {', '.join(ROLES)}",
    )


def mean_kpis(replications: list[Mapping[str, float]]) -> dict[str, float]:
    """The mean of each KPI over replications (NaN-aware)."""
    keys = set().union(*replications) if replications else set()
    return {k: float(np.nanmean([r.get(k, np.nan) for r in replications])) for k in keys}


def resource_use_from_kpis(
    kpis: Mapping[str, float],
    product_id: str,
    *,
    roles: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    source: str = "capacity planner",
) -> ResourceUse:
    """Per-cycle use of a service the planner simulated, for cycles of ``product_id``."""
    catalog = catalog or default_catalog()
    product = catalog.radiopharmaceutical(product_id)
    cycles = kpis.get("cycles_per_year", 0.0)
    if not cycles or not np.isfinite(cycles):
        raise InputError("the planner run gave no cycles in its window", field="cycles_per_year")
    staff: dict[str, float] = {}
    for key, hours in kpis.items():
        if key.startswith("staff_hours_per_year[") and np.isfinite(hours):
            role = national_role(key[len("staff_hours_per_year[") : -1], roles)
            staff[role] = staff.get(role, 0.0) + hours / cycles
    defaults = PER_CYCLE.get(product.id, PER_CYCLE["lu177-psma-617"])
    return ResourceUse(
        bed_days=kpis.get("bed_days_per_year", 0.0) / cycles,
        chair_hours=kpis.get("chair_hours_per_year", 0.0) / cycles,
        scanner_slots=defaults["scanner_slots"],
        staff_hours=staff,
        activity_gbq=product.typical_activity_mbq / 1000,
        source=(
            f"{source}: {cycles:,.0f} cycles a year; bed-days, chair and staff hours per cycle "
            "averaged over the simulated service; scanner slots: rltcare default"
        ),
    )
