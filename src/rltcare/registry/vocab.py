"""Controlled vocabularies, laboratory units and plausible ranges of the registry.

Codes are short, stable strings stored as text; an import or a form that uses
another value is rejected with the list of known codes. Laboratory values are
stored in one canonical unit per analyte; ``LAB_UNITS`` converts what centres write.
"""

from __future__ import annotations

from types import MappingProxyType

CODES: dict[str, tuple[str, ...]] = {
    "sex": ("female", "male", "other", "unknown"),
    "cancer_type": ("prostate", "gep-net", "lung-net", "pheochromocytoma", "other"),
    "treatment_category": (
        "arpi",
        "taxane",
        "adt",
        "ssa",
        "prrt",
        "everolimus",
        "sunitinib",
        "chemotherapy",
        "radium-223",
        "parp-inhibitor",
        "radiotherapy",
        "surgery",
        "other",
    ),
    "tracer": (
        "ga68-psma-11",
        "f18-dcfpyl",
        "f18-psma-1007",
        "ga68-dotatate",
        "ga68-dotatoc",
        "cu64-dotatate",
        "fdg",
        "other",
    ),
    "score_system": ("promise", "vision", "krenning", "none"),
    "radiopharmaceutical": (
        "lu177-psma-617",
        "lu177-psma-i&t",
        "lu177-dotatate",
        "ac225-psma-617",
        "other",
    ),
    "care_setting": ("outpatient", "inpatient"),
    "analyte": ("psa", "cga", "hb", "wbc", "anc", "plt", "creatinine", "egfr", "alp", "ldh"),
    "modality": ("ct", "mri", "psma-pet", "sstr-pet", "fdg-pet", "bone-scan", "spect"),
    "lesion_site": (
        "bone",
        "lymph-node",
        "liver",
        "lung",
        "prostate",
        "pancreas",
        "bowel",
        "peritoneum",
        "adrenal",
        "brain",
        "other",
    ),
    "ctcae_version": ("3.0", "4.0", "4.03", "5.0", "6.0"),
    "attribution": ("unrelated", "unlikely", "possible", "probable", "definite"),
    "ps_scale": ("ecog", "karnofsky"),
    "vital": ("alive", "dead", "lost-to-follow-up"),
    "course_end": (
        "completed",
        "progression",
        "toxicity",
        "death",
        "patient-choice",
        "ongoing",
        "other",
    ),
    "role": ("administrator", "centre-editor", "centre-viewer", "analyst", "auditor"),
}

#: What a code means, for pages and form choices, where the code itself does not say it
#: plainly; any other code reads as itself with '-' as a space (``lymph-node``: Lymph node).
LABELS: dict[str, dict[str, str]] = {
    "cancer_type": {
        "prostate": "Prostate cancer",
        "gep-net": "Gastroenteropancreatic NET",
        "lung-net": "Lung NET",
    },
    "treatment_category": {
        "arpi": "Androgen-receptor pathway inhibitor",
        "adt": "Androgen deprivation therapy",
        "ssa": "Somatostatin analogue",
        "prrt": "PRRT",
        "parp-inhibitor": "PARP inhibitor",
        "radium-223": "Radium-223",
    },
    "tracer": {
        "ga68-psma-11": "⁶⁸Ga-PSMA-11",
        "f18-dcfpyl": "¹⁸F-DCFPyL",
        "f18-psma-1007": "¹⁸F-PSMA-1007",
        "ga68-dotatate": "⁶⁸Ga-DOTATATE",
        "ga68-dotatoc": "⁶⁸Ga-DOTATOC",
        "cu64-dotatate": "⁶⁴Cu-DOTATATE",
        "fdg": "¹⁸F-FDG",
    },
    "score_system": {"promise": "PROMISE miPSMA", "vision": "VISION", "krenning": "Krenning"},
    "radiopharmaceutical": {
        "lu177-psma-617": "¹⁷⁷Lu-PSMA-617",
        "lu177-psma-i&t": "¹⁷⁷Lu-PSMA-I&T",
        "lu177-dotatate": "¹⁷⁷Lu-DOTATATE",
        "ac225-psma-617": "²²⁵Ac-PSMA-617",
    },
    "analyte": {
        "psa": "PSA",
        "cga": "Chromogranin A",
        "hb": "Haemoglobin",
        "wbc": "White cells",
        "anc": "Neutrophils",
        "plt": "Platelets",
        "egfr": "eGFR",
        "alp": "Alkaline phosphatase",
        "ldh": "LDH",
    },
    "modality": {
        "ct": "CT",
        "mri": "MRI",
        "psma-pet": "PSMA PET",
        "sstr-pet": "SSTR PET",
        "fdg-pet": "FDG PET",
        "spect": "SPECT",
    },
    "ps_scale": {"ecog": "ECOG"},
    "course_end": {"patient-choice": "Patient's choice"},
}


def label(vocabulary: str, code: str | None) -> str:
    """The words for a code (``gep-net``: Gastroenteropancreatic NET); empty for None."""
    if code is None:
        return ""
    known = LABELS.get(vocabulary, {}).get(code)
    return known or code.replace("-", " ").capitalize()


# Spellings of the two units several analytes share, with their factor to the canonical one.
_NG_PER_ML = {"ng/ml": 1.0, "µg/l": 1.0, "ug/l": 1.0, "μg/l": 1.0}  # 1 ng/mL = 1 µg/L
_CELLS_PER_L = {  # counts in 10^9/L ("g/l" is giga per litre here, as labs print G/L)
    "10^9/l": 1.0,
    "g/l": 1.0,
    "/nl": 1.0,
    "10^3/µl": 1.0,
    "10^3/ul": 1.0,
    "/µl": 1e-3,
    "/ul": 1e-3,
}

#: Canonical unit per analyte, the factor from each accepted spelling to it, and the
#: plausible range in the canonical unit (outside it a value is rejected, not stored).
LAB_UNITS: MappingProxyType[str, tuple[str, dict[str, float], tuple[float, float]]] = (
    MappingProxyType(
        {
            # PSA and chromogranin A: 1 ng/mL = 1 µg/L.
            "psa": ("ng/mL", _NG_PER_ML, (0.0, 100_000.0)),
            "cga": ("ng/mL", _NG_PER_ML, (0.0, 1_000_000.0)),
            # Haemoglobin: 1 mmol/L (monomer) = 1.611 g/dL.
            "hb": ("g/dL", {"g/dl": 1.0, "g/l": 0.1, "mmol/l": 1.611}, (2.0, 25.0)),
            "wbc": ("10^9/L", _CELLS_PER_L, (0.0, 500.0)),
            "anc": ("10^9/L", _CELLS_PER_L, (0.0, 200.0)),
            "plt": ("10^9/L", _CELLS_PER_L, (0.0, 3000.0)),
            # Creatinine: 1 mg/dL = 88.42 µmol/L.
            "creatinine": (
                "µmol/L",
                {"µmol/l": 1.0, "umol/l": 1.0, "μmol/l": 1.0, "mg/dl": 88.42},
                (5.0, 3000.0),
            ),
            "egfr": (
                "mL/min/1.73m2",
                {"ml/min/1.73m2": 1.0, "ml/min/1.73m²": 1.0, "ml/min": 1.0},
                (0.0, 250.0),
            ),
            "alp": ("U/L", {"u/l": 1.0, "iu/l": 1.0}, (0.0, 20_000.0)),
            "ldh": ("U/L", {"u/l": 1.0, "iu/l": 1.0}, (0.0, 50_000.0)),
        }
    )
)

#: Largest activity accepted for one administration (MBq). The largest approved
#: Lu-177 schedules give 7.4 GBq per cycle; 15 GBq leaves room for dosimetry-led
#: escalation and still rejects typing slips such as 740 GBq.
MAX_CYCLE_ACTIVITY_MBQ = 15_000.0
EARLIEST_DATE_YEAR = 1950


def unit_key(unit: str) -> str:
    """A unit spelling reduced for lookup: case and spaces do not matter."""
    return unit.strip().lower().replace(" ", "").replace("·", "")


def lab_factor(analyte: str, unit: str) -> float | None:
    """The factor to the analyte's canonical unit, or None if the unit is not accepted."""
    return LAB_UNITS[analyte][1].get(unit_key(unit))
