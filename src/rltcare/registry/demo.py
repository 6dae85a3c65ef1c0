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

Measurements (PSA, CT lesions, labs, PET) come from :mod:`rltcare.registry.demo_series`,
bounded to what registries see; the module says where each number comes from.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from rltcare.registry import auth
from rltcare.registry.access import SYSTEM
from rltcare.registry.demo_series import imaging, iso, labs, markers, pet
from rltcare.registry.importers import ImportReport, import_tables

CUTOFF = dt.date(2025, 12, 31)  # data cut-off: fixed, so a seed always gives the same cohort
MONTH = 30.4375
FIRST_CT_D = 70  # first follow-up CT (demo_series.imaging: every 84 days from day -14)
PSMA = {"os": 15.3, "pfs": 8.7, "psa50": 0.46, "interval_d": 42, "cycles": 6}
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
        "diagnosed_on": iso(diagnosed),
        "metastatic_on": iso(diagnosed + (start - diagnosed) * rng.uniform(0.2, 0.8)),
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
                "started_on": iso(begun),
                "ended_on": iso(begun + dt.timedelta(days=120)),
            }
        )
    rows["eligibility_imaging"].append(
        {
            "pseudonym": pseudonym,
            "tracer": "ga68-psma-11" if prostate else "ga68-dotatate",
            "scanned_on": iso(start - dt.timedelta(days=21)),
            "positive": "yes",
            "score_system": "promise" if prostate else "krenning",
            "score": int(rng.choice([2, 3])) if prostate else int(rng.choice([3, 4])),
            "suv_max": round(float(rng.lognormal(3, 0.4)), 1),
        }
    )
    rows["performance_status"].append(
        {
            "pseudonym": pseudonym,
            "assessed_on": iso(start - dt.timedelta(days=7)),
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
            "started_on": iso(start),
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
        labs(rows, rng, pseudonym, when.date() - dt.timedelta(days=1), k, marrow, female)
    markers(rows, rng, pseudonym, start, prostate, pfs_d, min(os_d, follow), PSMA["psa50"])
    # a response shows only if the patient is progression-free at the first follow-up CT:
    # drawn that much more often, so that the cohort's response rate is the trial's
    orr = 0.3 if prostate else NET["orr"]
    reach = np.exp(-FIRST_CT_D * np.log(2) / (p["pfs"] * MONTH))
    respond = rng.random() < orr / reach
    imaging(rows, rng, pseudonym, start, prostate, pfs_d, min(os_d, follow), respond)
    if prostate and rng.random() < PET_SHARE:
        pet(rows, rng, pseudonym, start, pfs_d, min(os_d, follow), respond)
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
                        "onset_on": iso(onset),
                        "resolved_on": iso(resolved) if resolved < CUTOFF else "",
                        "attribution": str(rng.choice(["possible", "probable"])),
                    }
                )
    dead = os_d < follow
    last = start + dt.timedelta(days=int(min(os_d, follow)))
    rows["vital_status"].append(
        {
            "pseudonym": pseudonym,
            "status": "dead" if dead else "alive",
            "last_contact_on": iso(last),
            "died_on": iso(last) if dead else "",
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
