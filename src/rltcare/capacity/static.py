"""The static bed-day calculation that published capacity plans use, for comparison with the simulation.

Zippel C, Giesel FL, Kratochwil C, et al. "PSMA radioligand therapy could pose
infrastructural challenges for nuclear medicine: results of a basic calculation
for the capacity planning of nuclear medicine beds in the German hospital
sector". Nuklearmedizin 2021;60(3):216-223, doi:10.1055/a-1351-0030. The paper
sets the bed-days nuclear-medicine wards can offer (about 234,000 a year in
Germany) against the bed-days Lu-PSMA patients would need (patients × cycles ×
days per stay) and turns the difference into beds (a reserve of about 19,000
bed-days, "63 beds", i.e. about 300 bed-days per bed and year).

With arrivals, cycles and stays fixed (no variability) and enough beds, the
simulation reproduces these bed-days exactly; with variability it shows the
queue that the static arithmetic cannot.
"""

from __future__ import annotations

from rltcare.result import Result


class StaticBedDays(Result):
    """Demand, capacity and reserve in bed-days a year, and the reserve in beds."""

    demand_bed_days: float
    capacity_bed_days: float
    reserve_bed_days: float
    reserve_beds: float
    beds_needed: float


def static_bed_days(
    *,
    patients_per_year: float,
    cycles_per_patient: float,
    days_per_stay: float,
    beds: float,
    bed_days_per_bed_year: float,
) -> StaticBedDays:
    """Bed-day arithmetic: demand = patients × cycles × days; capacity = beds × bed-days per bed.

    ``bed_days_per_bed_year`` is what one bed can deliver in a year (365 × target
    occupancy, or operating days); beds needed = demand / bed-days per bed.
    """
    demand = patients_per_year * cycles_per_patient * days_per_stay
    capacity = beds * bed_days_per_bed_year
    reserve = capacity - demand
    return StaticBedDays(
        demand_bed_days=demand,
        capacity_bed_days=capacity,
        reserve_bed_days=reserve,
        reserve_beds=reserve / bed_days_per_bed_year,
        beds_needed=demand / bed_days_per_bed_year,
    )
