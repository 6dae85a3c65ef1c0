"""Human labels and units of the capacity KPIs: one table for the report, the CLI and the pages.

JSON keeps the identifiers (``wait_first_cycle_mean_d``, ``utilisation[rooms]``); people
read ``Wait to first cycle, mean (days)``. A bracketed part names a resource, role,
indication, centre or step and is appended to the label.
"""

from __future__ import annotations

#: identifier (without its ``[...]`` part) → (label, unit); "share" is a fraction of 1.
LABELS: dict[str, tuple[str, str]] = {
    "referrals_per_year": ("Referrals", "per year"),
    "patients_treated_per_year": ("Patients treated", "per year"),
    "cycles_per_year": ("Cycles", "per year"),
    "wait_first_cycle_mean_d": ("Wait to first cycle, mean", "days"),
    "wait_first_cycle_median_d": ("Wait to first cycle, median", "days"),
    "wait_first_cycle_p90_d": ("Wait to first cycle, 90th centile", "days"),
    "later_cycle_delay_mean_d": ("Later cycles' delay, mean", "days"),
    "later_cycle_delay_p90_d": ("Later cycles' delay, 90th centile", "days"),
    "deaths_waiting_per_year": ("Deaths while waiting", "per year"),
    "drop_outs_per_year": ("Drop-outs while waiting", "per year"),
    "screen_failures_per_year": ("Screen failures", "per year"),
    "never_booked": ("Never booked by the end of the run", "patients"),
    "doses_ordered_per_year": ("Doses ordered", "per year"),
    "doses_given_per_year": ("Doses given", "per year"),
    "doses_wasted_per_year": ("Doses wasted", "per year"),
    "doses_not_delivered_per_year": ("Doses not delivered", "per year"),
    "utilisation": ("Utilisation", "share"),
    "bed_days_per_year": ("Bed-days", "per year"),
    "chair_hours_per_year": ("Chair hours", "per year"),
    "treated_elsewhere_per_year": ("Treated at another centre", "per year"),
    "post_therapy_imaging_wait_mean_h": ("SPECT/CT wait after due, mean", "hours"),
    "post_therapy_imaging_per_year": ("SPECT/CT scans", "per year"),
    "post_therapy_imaging_missed_per_year": ("SPECT/CT scans missed", "per year"),
    "follow_up_wait_mean_d": ("Follow-up wait, mean", "days"),
    "follow_up_wait_median_d": ("Follow-up wait, median", "days"),
    "follow_up_wait_p90_d": ("Follow-up wait, 90th centile", "days"),
    "follow_ups_per_year": ("Follow-ups seen", "per year"),
    "follow_ups_missed_per_year": ("Follow-ups not seen", "per year"),
    "overruns_per_year": ("Stays longer than booked", "per year"),
    "bumped_cycles_per_year": ("Cycles bumped by overruns", "per year"),
    "dose_age_at_administration_mean_h": ("Dose age at administration, mean", "hours"),
    "activity_at_administration_mean_fraction": ("Activity given / prescribed, mean", "share"),
    "staff_hours_per_year": ("Staff hours", "per year"),
    "staff_utilisation": ("Staff utilisation", "share"),
    "waiting_list_mean": ("Waiting list, mean after warm-up", "patients"),
    "little_L": ("Little's law: waiting list L, whole run", "patients"),
    "little_lambda_W": ("Little's law: λW, whole run", "patients"),
    "admissions_per_year": ("Admissions", "per year"),
    "bookable_admissions_per_year": ("Admissions the calendar allows", "per year"),
    "bookable_utilisation": ("Bookable admissions used", "share"),
    "wait_step_mean_d": ("Wait before", "days"),
    # weekly series of the report's plots
    "waiting_list": ("Waiting list", "patients"),
    "cycles": ("Cycles started", "per week"),
}

#: how the steps of the pathway are named in ``wait_step_mean_d[...]``
STEP_LABELS = {
    "mdt": "MDT review",
    "pet": "eligibility PET/CT",
    "consultation": "consultation",
    "first_cycle": "first cycle",
}


def split(name: str) -> tuple[str, str | None]:
    """``'utilisation[rooms]'`` → ``('utilisation', 'rooms')``."""
    if name.endswith("]") and "[" in name:
        base, _, rest = name.partition("[")
        return base, rest[:-1]
    return name, None


def _parts(name: str) -> tuple[str, str, str | None]:
    base, part = split(name)
    text, unit = LABELS.get(base, (base.replace("_", " "), ""))
    if part is not None and base == "wait_step_mean_d":
        part = STEP_LABELS.get(part, part)
    return text, unit, part


def describe(name: str) -> tuple[str, str]:
    """(label, unit) of a KPI identifier; an unknown one is shown as it is, without a unit."""
    text, unit, part = _parts(name)
    return (text if part is None else f"{text}: {part}"), unit


def label(name: str) -> str:
    """``'Wait to first cycle, mean (days)'``, ``'Cycles per year: mCRPC'``: label and unit."""
    text, unit, part = _parts(name)
    if unit.startswith("per "):
        text = f"{text} {unit}"
    elif unit:
        text = f"{text} ({unit})" if part is None else f"{text}: {part} ({unit})"
        part = None
    return text if part is None else f"{text}: {part}"
