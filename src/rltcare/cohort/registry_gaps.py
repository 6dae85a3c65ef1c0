"""Which registry tables and fields were empty, and what that leaves not evaluable.

A cohort report built from the registry lists these gaps, so that a reader knows why a
criterion is ``NE`` (no liver reference, no nodal short axis, no reference ranges ...)
rather than guessing. :func:`registry_gaps` reads the same export frames as
:class:`~rltcare.cohort.registry_source.RegistryCohort`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from rltcare.cohort.source import SourceGap

CROSS_SECTIONAL = ("ct", "mri")
#: Registry analytes the CTCAE grading reads (see registry_source.CTCAE_TERMS).
GRADED = ("hb", "plt", "anc", "wbc", "creatinine", "egfr", "alp")

Rows = Callable[[pd.DataFrame], pd.Series]


def _modality(*names: str) -> Rows:
    return lambda f: f["modality"].isin(names)


def _analyte(name: str) -> Rows:
    return lambda f: f["analyte"] == name


def _all(f: pd.DataFrame) -> pd.Series:
    return pd.Series(True, index=f.index)


# (table, field, which rows, selector, what an empty field leaves out)
CHECKS: list[tuple[str, str, str, Rows, str]] = [
    (
        "lab_result",
        "value",
        "analyte psa",
        _analyte("psa"),
        "PCWG3 (PSA response, PSA-PFS) not evaluable",
    ),
    (
        "treatment_cycle",
        "administered_at",
        "all cycles",
        _all,
        "day 0 falls back to the course start",
    ),
    (
        "vital_status",
        "last_contact_on",
        "all patients",
        _all,
        "no survival curves, no toxicity follow-up",
    ),
    (
        "imaging_assessment",
        "long_axis_mm",
        "CT/MRI target rows, not lymph nodes",
        lambda f: (
            f["modality"].isin(CROSS_SECTIONAL)
            & f["target"].astype(bool)
            & (f["site"] != "lymph-node")
        ),
        "RECIST 1.1: targets not measured (NE at that scan)",
    ),
    (
        "imaging_assessment",
        "short_axis_mm",
        "CT/MRI lymph-node rows",
        lambda f: f["modality"].isin(CROSS_SECTIONAL) & (f["site"] == "lymph-node"),
        "RECIST 1.1: nodes are measured by short axis; without it nodal targets are not measurable (NE)",
    ),
    (
        "imaging_assessment",
        "sul_peak",
        "FDG PET rows",
        _modality("fdg-pet"),
        "PERCIST 1.0 not evaluable",
    ),
    (
        "imaging_assessment",
        "liver_sul_mean",
        "FDG PET rows",
        _modality("fdg-pet"),
        "PERCIST 1.0: no liver reference, baseline measurability unknown (NE) and the liver quality gate unchecked",
    ),
    (
        "imaging_assessment",
        "liver_sul_sd",
        "FDG PET rows",
        _modality("fdg-pet"),
        "PERCIST 1.0: measurability threshold (1.5 × liver mean + 2 SD) cannot be formed (NE)",
    ),
    (
        "imaging_assessment",
        "psma_tv_ml",
        "PSMA PET rows",
        _modality("psma-pet"),
        "RECIP 1.0 not evaluable",
    ),
    (
        "imaging_assessment",
        "new_lesion",
        "bone-scan rows",
        _modality("bone-scan"),
        "PCWG3 bone 2+2 progression not assessed",
    ),
    (
        "lab_result",
        "ref_low",
        f"analytes {', '.join(GRADED)}",
        lambda f: f["analyte"].isin(GRADED),
        "CTCAE grades that need the lab's LLN (e.g. anemia, platelets grade 1) left ungraded",
    ),
    (
        "lab_result",
        "ref_high",
        f"analytes {', '.join(GRADED)}",
        lambda f: f["analyte"].isin(GRADED),
        "CTCAE grades that need the lab's ULN (creatinine, ALP) left ungraded",
    ),
]
CHECKS += [
    (
        "lab_result",
        "value",
        f"analyte {a}",
        _analyte(a),
        f"no CTCAE grading of {a}",
    )
    for a in GRADED
]
#: Fields recorded once per scan (any row of the scan may hold them).
PER_SCAN = ("liver_sul_mean", "liver_sul_sd")
#: What the registry does not store at all.
NOT_STORED = [
    (
        "imaging_assessment",
        "TLG, uptake time",
        "PERCIST 1.0: TLG rule not applied, uptake-time gate not checked",
    ),
    ("imaging_assessment", "SUV with cycles given", "EORTC 1999 not evaluable"),
    ("lab_result", "ALT, AST, GGT, bilirubin", "no CTCAE hepatic grading beyond ALP"),
    ("lab_result", "PSA detection limit", "values below detection taken as measured"),
]


def registry_gaps(frames: dict[str, pd.DataFrame]) -> list[SourceGap]:
    """Every checked field whose rows are missing or partly empty, and the fields never stored."""
    out = []
    for table, field, scope, rows, consequence in CHECKS:
        frame = frames[table]
        chosen = frame[rows(frame)] if len(frame) else frame
        if field in PER_SCAN:  # one value per scan, on any of its rows
            chosen = chosen.groupby(["pseudonym", "scanned_on"])[field].max()
            scope = scope.replace("rows", "scans")
        missing = int(chosen.isna().sum() if field in PER_SCAN else chosen[field].isna().sum())
        if len(chosen) == 0 or missing:
            out.append(
                SourceGap(
                    table=table,
                    field=field,
                    scope=scope,
                    rows=len(chosen),
                    missing=missing,
                    consequence=consequence,
                )
            )
    out += [
        SourceGap(table=t, field=f, scope="not stored", rows=None, missing=None, consequence=c)
        for t, f, c in NOT_STORED
    ]
    return out
