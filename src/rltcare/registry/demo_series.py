"""Measurement series of the synthetic registry cohort (:mod:`rltcare.registry.demo`).

Bounded to what registries see:

- baseline PSA is log-normal with the VISION Lu-PSMA arm's median, 77.5 ng/mL (TheraP:
  93.5; both as tabulated in Curr Oncol 2024;31:1400-15, Table 1); the spread (log-SD 1.2)
  and the 1-5000 ng/mL bounds are estimates. PSA is sampled every 6 weeks until 24 weeks
  after progression (next line of therapy), doubling every 3 months after progression;
- RECIST: CT every 12 weeks until the scan that shows progression; a lymph-node target
  has a short axis of 15-30 mm (measurable; nodes carry the short axis only), bone
  lesions are non-targets; NET patients have a liver and a nodal target. Sizes change
  smoothly with measurement noise (estimates); progression adds a new lesion under its
  own label;
- labs (hb, plt, anc, wbc, creatinine) carry typical adult reference ranges (estimates:
  each laboratory sets its own), with a marrow dose-response per patient (estimate);
- FDG PET (SULpeak per lesion, per-scan liver reference: SULmean about 1.8, SD 0.15-0.3,
  estimates) and PSMA PET tumour volumes (RECIP 1.0) at baseline and 12 weeks; progression
  by then adds a new lesion (its own label) on both.

Each function appends import-template rows (text cells) to ``rows[table]``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

PSA_BASELINE = {"median": 77.5, "log_sd": 1.2, "bounds": (1.0, 5000.0)}  # see module doc
PSA_AFTER_PROGRESSION_D = 168  # sampling stops 24 weeks after progression
#: (analyte, unit, reference range for men, for women, mean at baseline, marrow
#: sensitivity): estimates. A count falls by sensitivity × the patient's marrow hit per cycle.
LABS = (
    ("hb", "g/dL", (13.5, 17.5), (12.0, 15.5), 12.3, 0.8),
    ("plt", "10^9/L", (150, 400), (150, 400), 230, 1.6),
    ("anc", "10^9/L", (1.8, 7.5), (1.8, 7.5), 4.2, 0.8),
    ("wbc", "10^9/L", (4.0, 11.0), (4.0, 11.0), 6.5, 0.8),
    ("creatinine", "µmol/L", (62, 106), (44, 80), 85, 0.0),
)


def iso(d: dt.date) -> str:
    return d.isoformat()


def labs(rows, rng, pseudonym, sampled: dt.date, cycle: int, marrow: float, female) -> None:
    """Blood counts falling by ``marrow`` per cycle given (creatinine rising slowly)."""
    for analyte, unit, male_range, female_range, mean, sensitivity in LABS:
        low, high = female_range if female else male_range
        trend = max((1 - sensitivity * marrow) ** cycle, 0.15)
        if analyte == "creatinine":
            trend = 1 + 0.02 * cycle
        rows["lab_result"].append(
            {
                "pseudonym": pseudonym,
                "analyte": analyte,
                # transfusion keeps haemoglobin above about 5 g/dL
                "value": round(float(max(mean * trend * rng.normal(1, 0.08), 0.4 * mean)), 2)
                if analyte == "hb"
                else round(float(mean * trend * rng.normal(1, 0.08)), 2),
                "unit": unit,
                "ref_low": low,
                "ref_high": high,
                "sampled_on": iso(sampled),
            }
        )


def markers(rows, rng, pseudonym, start, prostate, pfs_d, until_d, psa50) -> None:
    """PSA (or chromogranin A) every 6 weeks: towards a nadir, then rising after progression."""
    if prostate:
        low, high = PSA_BASELINE["bounds"]
        drawn = rng.lognormal(np.log(PSA_BASELINE["median"]), PSA_BASELINE["log_sd"])
        baseline = float(np.clip(drawn, low, high))
    else:
        baseline = float(rng.lognormal(np.log(300), 1.0))
    responder = rng.random() < psa50 if prostate else rng.random() < 0.3
    # a responder's fall is nearly complete by the first value on treatment (day 35), so
    # every responder with a value on treatment shows the decline, and nobody else does
    nadir = rng.uniform(0.55, 0.98) if responder else rng.uniform(-0.6, 0.4)
    for day in np.arange(-7, min(until_d, pfs_d + PSA_AFTER_PROGRESSION_D), 42):
        fall = nadir * (1 - np.exp(-max(day, 0) / 10))
        rise = np.exp(max(day - pfs_d, 0) / 90 * np.log(2))  # doubling every 3 months
        value = max(baseline * (1 - fall) * rise * rng.normal(1, 0.05), 0.01)
        rows["lab_result"].append(
            {
                "pseudonym": pseudonym,
                "analyte": "psa" if prostate else "cga",
                "value": round(value, 2),
                "unit": "ng/mL" if prostate else "µg/L",
                "sampled_on": iso(start + dt.timedelta(days=int(day))),
            }
        )


def imaging(rows, rng, pseudonym, start, prostate, pfs_d, until_d, respond) -> None:
    """CT every 12 weeks until the scan that shows progression (response assessment of the
    RLT course ends there).

    Prostate: a nodal target and a bone non-target; NET: a liver and a nodal target. Targets
    move smoothly towards the patient's level (responders: 40-70 % smaller, so PR by the
    first follow-up; the others: -15 % to +5 %, SD) with 2 % measurement noise per lesion;
    at progression they are 20-50 % larger than before it and a new liver lesion (its own
    label, 10-20 mm) appears. Nodes carry their short axis only (RECIST 1.1 measures nodes
    by it); other lesions their long axis.
    """
    sizes = rng.uniform(15, 30, 2)
    lesions = (
        (("lymph-node", True), ("bone", False))
        if prostate
        else (("liver", True), ("lymph-node", True))
    )
    level = 1 - rng.uniform(0.4, 0.7) if respond else rng.uniform(0.85, 1.05)
    growth = rng.uniform(1.2, 1.5)
    for day in np.arange(-14, until_d, 84):
        progressed = day >= pfs_d
        factor = 1 + (level - 1) * (1 - np.exp(-max(min(day, pfs_d), 0) / 21))
        when = iso(start + dt.timedelta(days=int(day)))
        scan = {"pseudonym": pseudonym, "scanned_on": when, "modality": "ct", "reader": "R1"}
        for n, (site, target) in enumerate(lesions):
            size = round(
                float(sizes[n] * factor * (growth if progressed else 1) * rng.normal(1, 0.02)), 1
            )
            node = site == "lymph-node"
            rows["imaging_assessment"].append(
                scan
                | {
                    "lesion": f"L{n + 1}",
                    "site": site,
                    "target": "yes" if target else "no",
                    "long_axis_mm": size if target and not node else "",
                    "short_axis_mm": size if node else "",
                    "new_lesion": "no",
                }
            )
        if progressed:
            rows["imaging_assessment"].append(
                scan
                | {
                    "lesion": f"L{len(lesions) + 1}",
                    "site": "liver",
                    "target": "no",
                    "long_axis_mm": round(float(rng.uniform(10, 20)), 1),
                    "short_axis_mm": "",
                    "new_lesion": "yes",
                }
            )
            break


def pet(rows, rng, pseudonym, start, pfs_d, until_d, respond) -> None:
    """FDG PET (SULpeak per lesion, liver reference) and PSMA PET (tumour volume): baseline
    and 12 weeks. Progression by 12 weeks shows as uptake rising and a new lesion (its own
    label, P3) on both scans."""
    peaks = rng.lognormal(np.log(6.0), 0.4, 2)
    volume = rng.lognormal(np.log(150), 0.8)
    for day in (-10, 84):
        if day >= until_d:
            break
        progressed = day >= pfs_d
        factor = 1.0 if day < 0 else (1.5 if progressed else 0.5 if respond else 1.05)
        when = iso(start + dt.timedelta(days=day))
        liver = round(float(rng.normal(1.8, 0.15)), 2)
        found = [(peak * factor, volume / 2 * factor, "no") for peak in peaks]
        if progressed:
            found.append((float(rng.lognormal(np.log(5.0), 0.3)), float(rng.uniform(2, 15)), "yes"))
        for n, (peak, tv_ml, new) in enumerate(found):
            lesion = {"pseudonym": pseudonym, "scanned_on": when, "reader": "R1"}
            lesion |= {"lesion": f"P{n + 1}", "site": "bone", "target": "no", "new_lesion": new}
            rows["imaging_assessment"].append(
                lesion
                | {
                    "modality": "fdg-pet",
                    "sul_peak": round(float(peak * rng.normal(1, 0.05)), 2),
                    "liver_sul_mean": liver,
                    "liver_sul_sd": round(float(rng.uniform(0.15, 0.3)), 2),
                }
            )
            rows["imaging_assessment"].append(
                lesion | {"modality": "psma-pet", "psma_tv_ml": round(float(tv_ml), 1)}
            )
