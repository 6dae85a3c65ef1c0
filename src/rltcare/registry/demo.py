"""A synthetic multi-centre RLT cohort whose outcomes follow published trials.

Lu-177-PSMA-617 patients (mCRPC) follow VISION (Sartor et al., N Engl J Med
2021;385:1091-1103): median overall survival 15.3 months, median radiographic
PFS 8.7 months, PSA decline of 50 % or more in 46 %; 7.4 GBq every 6 weeks, up to
6 cycles. Lu-177-DOTATATE patients (midgut NET) follow NETTER-1 (Strosberg et al.,
N Engl J Med 2017;376:125-135): PFS 65.2 % at 20 months, objective response 18 %,
7.4 GBq every 8 weeks, 4 cycles; overall survival median 48.0 months (final
analysis, Strosberg et al., Lancet Oncol 2021;22:1752-1763). Times are exponential
with those medians; adverse-event rates are the trials' any-grade rates. The data
are generated text in the import template and go through the importer's checks.

Measurements are bounded to what registries see:

- baseline PSA is log-normal with the VISION Lu-PSMA arm's median, 77.5 ng/mL (TheraP:
  93.5; both as tabulated in Curr Oncol 2024;31:1400-15, Table 1); the spread (log-SD 1.2)
  and the 1-5000 ng/mL bounds are estimates. PSA is sampled every 6 weeks until 24 weeks
  after progression (next line of therapy), doubling every 3 months after progression;
- RECIST: a lymph-node target has a short axis of 15-30 mm (measurable), bone lesions
  are non-targets; NET patients have a liver and a nodal target;
- labs (hb, plt, anc, wbc, creatinine) carry typical adult reference ranges (estimates:
  each laboratory sets its own), with a marrow dose-response per patient (estimate);
- a third of prostate patients have FDG PET (baseline and 12 weeks; TheraP screened with FDG PET)
  with per-scan liver reference (SULmean about 1.8, SD 0.2: estimates) and PSMA PET
  tumour volumes (RECIP 1.0).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from rltcare.registry import auth
from rltcare.registry.access import SYSTEM
from rltcare.registry.importers import ImportReport, import_tables

CUTOFF = dt.date(2025, 12, 31)  # data cut-off: fixed, so a seed always gives the same cohort
MONTH = 30.4375
PSMA = {"os": 15.3, "pfs": 8.7, "psa50": 0.46, "interval_d": 42, "cycles": 6}
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
PET_SHARE = 1 / 3  # prostate patients with FDG and PSMA PET at baseline and 12 weeks
NET = {
    "os": 48.0,
    "pfs": 20 * np.log(2) / -np.log(0.652),
    "orr": 0.18,
    "interval_d": 56,
    "cycles": 4,
}
#: Any-grade rate and the share of grade >= 3, per arm (VISION Table 3; NETTER-1 Table 3).
AE_PSMA = {
    "Fatigue": (0.431, 0.06),
    "Dry mouth": (0.388, 0.0),
    "Nausea": (0.353, 0.04),
    "Anemia": (0.318, 0.41),
    "Thrombocytopenia": (0.172, 0.46),
}
AE_NET = {
    "Nausea": (0.59, 0.07),
    "Vomiting": (0.47, 0.15),
    "Fatigue": (0.40, 0.05),
    "Diarrhea": (0.29, 0.1),
    "Lymphocyte count decreased": (0.18, 0.5),
}
CENTRES = [
    ("BER", "Berlin University Hospital", "DE", "inpatient"),
    ("PAR", "Paris Cancer Institute", "FR", "outpatient"),
    ("AMS", "Amsterdam Medical Centre", "NL", "outpatient"),
    ("LON", "London Royal Hospital", "GB", "outpatient"),
    ("SYD", "Sydney Nuclear Medicine", "AU", "outpatient"),
    ("MIL", "Milan Oncology Institute", "IT", "inpatient"),
    ("VIE", "Vienna General Hospital", "AT", "inpatient"),
]
DEMO_PASSWORD = "rltcare-demo-2026"


def _day(d: dt.date) -> str:
    return d.isoformat()


def generate(patients: int = 600, centres: int = 5, seed: int = 1) -> dict[str, pd.DataFrame]:
    """The cohort as import-template tables of text."""
    if not 1 <= centres <= len(CENTRES):
        raise ValueError(f"centres must be 1 to {len(CENTRES)}")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    rows: dict[str, list[dict]] = {
        k: []
        for k in (
            "centre",
            "patient",
            "diagnosis",
            "prior_treatment",
            "eligibility_imaging",
            "treatment_course",
            "treatment_cycle",
            "lab_result",
            "imaging_assessment",
            "adverse_event",
            "performance_status",
            "vital_status",
        )
    }
    effect = np.exp(rng.normal(0, 0.1, centres))  # between-centre hazard heterogeneity
    for code, name, country, _ in CENTRES[:centres]:
        rows["centre"].append({"code": code, "name": name, "country": country})
    for i in range(patients):
        c = int(rng.integers(centres))
        _patient(
            rows,
            rng,
            f"{CENTRES[c][0]}-{i + 1:05d}",
            CENTRES[c],
            effect[c],
            prostate=rng.random() < 0.7,
        )
    return {t: pd.DataFrame(r).fillna("").astype(str) for t, r in rows.items() if r}


def _patient(rows, rng, pseudonym, centre, hazard, prostate) -> None:
    p = PSMA if prostate else NET
    start = CUTOFF - dt.timedelta(days=int(rng.uniform(180, 6 * 365)))
    age = int(np.clip(rng.normal(70 if prostate else 63, 8), 40, 90))
    rows["patient"].append(
        {
            "centre": centre[0],
            "pseudonym": pseudonym,
            "birth_year": start.year - age,
            "sex": "male" if prostate or rng.random() < 0.5 else "female",
        }
    )
    diagnosed = start - dt.timedelta(days=int(rng.uniform(1.5, 9) * 365))
    dx = {
        "pseudonym": pseudonym,
        "diagnosed_on": _day(diagnosed),
        "metastatic_on": _day(diagnosed + (start - diagnosed) * rng.uniform(0.2, 0.8)),
    }
    if prostate:
        dx |= {
            "cancer_type": "prostate",
            "histology": "adenocarcinoma",
            "gleason": int(rng.choice([7, 8, 9, 10])),
            "metastatic_sites": "bone;lymph-node" + (";liver" if rng.random() < 0.12 else ""),
        }
        prior = [("arpi", "enzalutamide"), ("taxane", "docetaxel")] + (
            [("taxane", "cabazitaxel")] if rng.random() < 0.4 else []
        )
    else:
        dx |= {
            "cancer_type": "gep-net",
            "histology": "well-differentiated midgut NET",
            "grade": int(rng.choice([1, 2])),
            "ki67_pct": round(float(rng.uniform(1, 20)), 1),
            "metastatic_sites": "liver;lymph-node",
        }
        prior = [("ssa", "octreotide LAR")]
    rows["diagnosis"].append(dx)
    for line, (category, agent) in enumerate(prior, 1):
        begun = diagnosed + (start - diagnosed) * (line / (len(prior) + 1))
        rows["prior_treatment"].append(
            {
                "pseudonym": pseudonym,
                "line": line,
                "category": category,
                "agent": agent,
                "started_on": _day(begun),
                "ended_on": _day(begun + dt.timedelta(days=120)),
            }
        )
    rows["eligibility_imaging"].append(
        {
            "pseudonym": pseudonym,
            "tracer": "ga68-psma-11" if prostate else "ga68-dotatate",
            "scanned_on": _day(start - dt.timedelta(days=21)),
            "positive": "yes",
            "score_system": "promise" if prostate else "krenning",
            "score": int(rng.choice([2, 3])) if prostate else int(rng.choice([3, 4])),
            "suv_max": round(float(rng.lognormal(3, 0.4)), 1),
        }
    )
    rows["performance_status"].append(
        {
            "pseudonym": pseudonym,
            "assessed_on": _day(start - dt.timedelta(days=7)),
            "scale": "ecog",
            "score": int(rng.choice([0, 1, 2], p=[0.4, 0.53, 0.07])),
        }
    )
    os_d = rng.exponential(p["os"] / np.log(2) * MONTH) / hazard
    pfs_d = min(rng.exponential(p["pfs"] / np.log(2) * MONTH) / hazard, os_d)
    follow = (CUTOFF - start).days
    cycles = [k for k in range(p["cycles"]) if k * p["interval_d"] < min(pfs_d, os_d, follow)]
    rows["treatment_course"].append(
        {
            "pseudonym": pseudonym,
            "number": 1,
            "radiopharmaceutical": "lu177-psma-617" if prostate else "lu177-dotatate",
            "started_on": _day(start),
            "planned_cycles": p["cycles"],
            "end_reason": "completed" if len(cycles) == p["cycles"] else "progression",
        }
    )
    setting = centre[3]
    female = rows["patient"][-1]["sex"] == "female"
    marrow = rng.beta(1.0, 12.0)  # fall of blood counts per cycle: most small, a few marked
    for k in cycles:
        when = dt.datetime.combine(
            start + dt.timedelta(days=k * p["interval_d"]), dt.time(9, 30), dt.UTC
        )
        rows["treatment_cycle"].append(
            {
                "pseudonym": pseudonym,
                "course": 1,
                "number": k + 1,
                "administered_at": when.isoformat(),
                "prescribed_activity_mbq": 7400,
                "administered_activity_mbq": round(float(rng.normal(7400, 150))),
                "setting": setting,
                "stay_h": 48 if setting == "inpatient" else 5,
                "kidney_gy": round(float(rng.normal(3.0 if prostate else 4.0, 0.8)), 2),
            }
        )
        _labs(rows, rng, pseudonym, when.date() - dt.timedelta(days=1), k, marrow, female)
    _markers(rows, rng, pseudonym, start, prostate, pfs_d, min(os_d, follow))
    respond = rng.random() < (0.3 if prostate else NET["orr"])
    _imaging(rows, rng, pseudonym, start, prostate, pfs_d, min(os_d, follow), respond)
    if prostate and rng.random() < PET_SHARE:
        _pet(rows, rng, pseudonym, start, pfs_d, min(os_d, follow), respond)
    for term, (rate, severe) in (AE_PSMA if prostate else AE_NET).items():
        if cycles and rng.random() < rate:
            onset = start + dt.timedelta(days=int(rng.uniform(3, 30 + 40 * len(cycles))))
            if onset < CUTOFF:
                grade = 3 if rng.random() < severe else int(rng.choice([1, 2]))
                resolved = onset + dt.timedelta(days=int(rng.uniform(7, 90)))
                rows["adverse_event"].append(
                    {
                        "pseudonym": pseudonym,
                        "term": term,
                        "ctcae_version": "5.0",
                        "grade": grade,
                        "onset_on": _day(onset),
                        "resolved_on": _day(resolved) if resolved < CUTOFF else "",
                        "attribution": str(rng.choice(["possible", "probable"])),
                    }
                )
    dead = os_d < follow
    last = start + dt.timedelta(days=int(min(os_d, follow)))
    rows["vital_status"].append(
        {
            "pseudonym": pseudonym,
            "status": "dead" if dead else "alive",
            "last_contact_on": _day(last),
            "died_on": _day(last) if dead else "",
        }
    )


def _labs(rows, rng, pseudonym, sampled: dt.date, cycle: int, marrow: float, female) -> None:
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
                "sampled_on": _day(sampled),
            }
        )


def _markers(rows, rng, pseudonym, start, prostate, pfs_d, until_d) -> None:
    """PSA (or chromogranin A) every 6 weeks: towards a nadir, then rising after progression."""
    if prostate:
        low, high = PSA_BASELINE["bounds"]
        drawn = rng.lognormal(np.log(PSA_BASELINE["median"]), PSA_BASELINE["log_sd"])
        baseline = float(np.clip(drawn, low, high))
    else:
        baseline = float(rng.lognormal(np.log(300), 1.0))
    responder = rng.random() < PSMA["psa50"] if prostate else rng.random() < 0.3
    nadir = rng.uniform(0.6, 0.98) if responder else rng.uniform(-0.6, 0.4)
    for day in np.arange(-7, min(until_d, pfs_d + PSA_AFTER_PROGRESSION_D), 42):
        fall = nadir * (1 - np.exp(-max(day, 0) / 20))
        rise = np.exp(max(day - pfs_d, 0) / 90 * np.log(2))  # doubling every 3 months
        value = max(baseline * (1 - fall) * rise * rng.normal(1, 0.05), 0.01)
        rows["lab_result"].append(
            {
                "pseudonym": pseudonym,
                "analyte": "psa" if prostate else "cga",
                "value": round(value, 2),
                "unit": "ng/mL" if prostate else "µg/L",
                "sampled_on": _day(start + dt.timedelta(days=int(day))),
            }
        )


def _imaging(rows, rng, pseudonym, start, prostate, pfs_d, until_d, respond) -> None:
    """CT every 12 weeks: targets shrinking in responders, growing at progression.

    Prostate: a nodal target (short axis 15-30 mm) and a bone non-target; NET: a liver and
    a nodal target.
    """
    sizes = rng.uniform(15, 30, 2)
    lesions = (
        (("lymph-node", True), ("bone", False))
        if prostate
        else (
            ("liver", True),
            ("lymph-node", True),
        )
    )
    for scan, day in enumerate(np.arange(-14, until_d, 84)):
        factor = (0.55 if respond else rng.uniform(0.85, 1.1)) if 0 < day < pfs_d else 1.0
        if day >= pfs_d:
            factor = 1.35
        for n, (site, target) in enumerate(lesions):
            size = float(sizes[n] * factor)
            node = site == "lymph-node"
            rows["imaging_assessment"].append(
                {
                    "pseudonym": pseudonym,
                    "scanned_on": _day(start + dt.timedelta(days=int(day))),
                    "modality": "ct",
                    "reader": "R1",
                    "lesion": f"L{n + 1}",
                    "site": site,
                    "target": "yes" if target else "no",
                    "long_axis_mm": round(size * (1.4 if node else 1.0), 1) if target else "",
                    "short_axis_mm": round(size, 1) if node else "",
                    "new_lesion": "yes" if day >= pfs_d and n == 0 and scan else "no",
                }
            )


def _pet(rows, rng, pseudonym, start, pfs_d, until_d, respond) -> None:
    """FDG PET (SULpeak per lesion, liver reference) and PSMA PET (tumour volume): baseline
    and 12 weeks."""
    peaks = rng.lognormal(np.log(6.0), 0.4, 2)
    volume = rng.lognormal(np.log(150), 0.8)
    for day in (-10, 84):
        if day >= until_d:
            break
        factor = 1.0 if day < 0 else (0.5 if respond else 1.5 if day >= pfs_d else 1.05)
        when = _day(start + dt.timedelta(days=day))
        liver = round(float(rng.normal(1.8, 0.15)), 2)
        for n, peak in enumerate(peaks):
            lesion = {"pseudonym": pseudonym, "scanned_on": when, "reader": "R1"}
            lesion |= {"lesion": f"P{n + 1}", "site": "bone", "target": "no"}
            rows["imaging_assessment"].append(
                lesion
                | {
                    "modality": "fdg-pet",
                    "sul_peak": round(float(peak * factor * rng.normal(1, 0.05)), 2),
                    "liver_sul_mean": liver,
                    "liver_sul_sd": round(float(rng.uniform(0.15, 0.3)), 2),
                    "new_lesion": "no",
                }
            )
            rows["imaging_assessment"].append(
                lesion
                | {
                    "modality": "psma-pet",
                    "psma_tv_ml": round(float(volume / 2 * factor), 1),
                    "new_lesion": "yes" if day >= pfs_d and n == 0 else "no",
                }
            )


def demo_accounts(centre_codes: list[str]) -> list[tuple[str, str, list[str]]]:
    accounts = [
        ("admin", "administrator", []),
        ("analyst", "analyst", []),
        ("auditor", "auditor", []),
    ]
    for code in centre_codes:
        accounts += [
            (f"editor-{code.lower()}", "centre-editor", [code]),
            (f"viewer-{code.lower()}", "centre-viewer", [code]),
        ]
    return accounts


def load_demo(
    *, session: Session, patients: int = 600, centres: int = 5, seed: int = 1
) -> tuple[ImportReport, list[tuple[str, str, list[str]]]]:
    """Import the cohort and create the demo accounts (password :data:`DEMO_PASSWORD`)."""
    frames = generate(patients, centres, seed)
    report = import_tables(session=session, caller=SYSTEM, frames=frames)
    accounts = demo_accounts(list(frames["centre"]["code"]))
    for username, role, codes in accounts:
        auth.create_user(
            session=session,
            actor=SYSTEM,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            centres=codes,
        )
    return report, accounts
