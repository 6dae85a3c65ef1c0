"""The registry as a cohort source: its rows mapped to the tables of :mod:`rltcare.cohort.tables`.

Everything is read through :func:`rltcare.registry.exporters.export_frames`, so the cohort is
the caller's: a centre user sees only their centres' patients, an analyst every centre under
keyed pseudonyms. ``patient_id`` is the (possibly keyed) pseudonym. Day 0 of every patient is
the **first cycle** (earliest ``treatment_cycle.administered_at``; else the first course's
``started_on``). The mappings:

- ``psa``: ``lab_result`` rows with analyte ``psa`` (stored in ng/mL); ``start_date`` = day 0.
- ``lesions`` (RECIST 1.1): CT/MRI ``imaging_assessment`` rows; ``diameter`` = short axis for
  lymph nodes, long axis otherwise; ``target``, ``organ`` = site. A row flagged
  ``new_lesion`` under a label seen on an earlier scan keeps its measurement and adds a
  new-lesion row ``<label>:new`` (the registry flags "new lesions at this scan" on a lesion).
- ``fdg`` (PERCIST 1.0): FDG-PET rows per scan; ``sul_peak`` of the hottest lesion, new
  lesions if any row says so, the liver reference (``liver_sul_mean``/``liver_sul_sd``,
  one value per scan: from the hottest lesion's row, else the scan's first row that has
  it) and ``lesions`` (every lesion's label, site and SULpeak, for PERCIST's secondary
  sum of up to five lesions). The registry holds no TLG or uptake time: PERCIST reports
  the uptake-time gate as not checked.
- ``psma`` (RECIP 1.0): PSMA-PET rows per scan; total volume = sum of ``psma_tv_ml``.
- ``bone_scans`` (PCWG3 2+2): bone-scan rows per scan; ``new_lesions`` = rows flagged new.
- ``survival``: overall survival from day 0 to death (event 1) or last contact (0), with
  ``centre`` and ``radiopharmaceutical`` to split by; ``follow_up``: the same as dates.
- ``labs`` (CTCAE): hb, plt, anc, wbc, creatinine, eGFR and ALP, with the lab's reference
  range as ``lln``/``uln`` and ``baseline`` = the last value on or before day 0; only
  patients with follow-up (toxicity needs it). A value without a reference range cannot be
  graded where the grade needs the limit (the engine leaves it ungraded).
- ``centres``: per centre, patients evaluable for PCWG3 (``n``) and PSA50 responders.

Not in the registry: EORTC 1999 (no SUV per scan with its cycle count), PSMA-PET visual
readings, PSA detection limits, rPFS/PSA-PFS event dates (derived by the response engines
instead), ALT/AST/GGT/bilirubin. :meth:`RegistryCohort.absent` says why each missing table
is missing; the cohort's ``gaps`` (:mod:`rltcare.cohort.registry_gaps`) list the registry
tables and fields that were empty, and what each leaves not evaluable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from rltcare.cohort.assess import assess_psa
from rltcare.cohort.registry_gaps import registry_gaps
from rltcare.cohort.source import Cohort
from rltcare.cohort.tables import LINE
from rltcare.errors import InputError
from rltcare.registry import auth
from rltcare.registry.access import Caller
from rltcare.registry.accounts import User
from rltcare.registry.exporters import export_frames

#: Registry analyte → CTCAE term key (rltcare.outcomes.ctcae).
CTCAE_TERMS = {
    "hb": "anemia",
    "plt": "platelet_count_decreased",
    "anc": "neutrophil_count_decreased",
    "wbc": "white_blood_cell_decreased",
    "creatinine": "creatinine_increased",
    "egfr": "egfr_decreased",
    "alp": "alp_increased",
}
CROSS_SECTIONAL = ("ct", "mri")
ALWAYS_ABSENT = {
    "eortc": "the registry stores SULpeak per lesion, not the SUV and cycle count EORTC 1999 needs"
}


def caller_named(session: Session, username: str) -> Caller:
    """The caller for an account (command line ``--as USER``); unknown names are an error."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise InputError(f"no active registry account '{username}'", field="as", value=username)
    return auth.caller_for(user)


@dataclass
class RegistryCohort:
    """The cohort the caller may read (a :class:`~rltcare.cohort.source.CohortSource`).

    ``user`` is a :class:`Caller` or a registry :class:`User`.
    """

    session: Session
    user: Caller | User
    _absent: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    @property
    def caller(self) -> Caller:
        return self.user if isinstance(self.user, Caller) else auth.caller_for(self.user)

    def absent(self) -> dict[str, str]:
        """Tables the registry could not supply (after :meth:`load`), with the reason."""
        return dict(self._absent)

    def load(self) -> Cohort:
        frames = export_frames(session=self.session, caller=self.caller)
        if frames["patient"].empty:
            raise InputError("the registry has no patients in your centres", field="registry")
        patients = frames["patient"].set_index("pseudonym")
        day0 = _first_cycle(frames)
        built = {
            "psa": _psa(frames["lab_result"], day0),
            **_imaging(frames["imaging_assessment"]),
            **_survival(frames, patients, day0),
        }
        built["labs"] = _labs(frames["lab_result"], day0, set(built["follow_up"].patient_id))
        if not built["psa"].empty:
            built["centres"] = _centres(built["psa"], patients["centre"])
        self._absent = dict(ALWAYS_ABSENT)
        for table, reason in REASONS.items():
            if built.get(table) is None or built[table].empty:
                self._absent[table] = reason
        tables = {t: _text(f) for t, f in built.items() if t not in self._absent}
        gaps = tuple(registry_gaps(frames))
        return Cohort(tables, {t: f"registry: {t}" for t in tables}, gaps)


REASONS = {
    "psa": "no PSA values with a first cycle",
    "lesions": "no CT/MRI lesion measurements",
    "fdg": "no FDG PET lesion SULpeak",
    "psma": "no PSMA PET tumour volumes",
    "bone_scans": "no bone scans",
    "survival": "no vital status with a first cycle",
    "follow_up": "no vital status with a first cycle",
    "labs": "no graded analytes (hb, plt, anc, wbc, creatinine, eGFR, ALP) with follow-up",
    "centres": "no patient evaluable for PCWG3",
}


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce").dt.normalize()


def _first_cycle(frames: dict[str, pd.DataFrame]) -> pd.Series:
    """Day 0 per pseudonym: the first administration, else the first course's start."""
    cycles = frames["treatment_cycle"]
    given = _dates(cycles["administered_at"].dt.tz_convert(None)).groupby(cycles["pseudonym"])
    courses = frames["treatment_course"]
    started = _dates(courses["started_on"]).groupby(courses["pseudonym"]).min()
    return given.min().combine_first(started).dropna()


def _psa(labs: pd.DataFrame, day0: pd.Series) -> pd.DataFrame:
    psa = labs[(labs["analyte"] == "psa") & labs["pseudonym"].isin(day0.index)]
    return pd.DataFrame(
        {
            "patient_id": psa["pseudonym"],
            "start_date": psa["pseudonym"].map(day0),
            "date": _dates(psa["sampled_on"]),
            "value": psa["value"],
            "unit": psa["unit"],
        }
    ).sort_values(["patient_id", "date"], kind="stable")


def _imaging(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    rows = rows.assign(date=_dates(rows["scanned_on"]), new=rows["new_lesion"].astype(bool))
    rows = rows.sort_values(["pseudonym", "date"], kind="stable")
    per_scan = ["pseudonym", "date"]
    out: dict[str, pd.DataFrame] = {"lesions": _lesions(rows[rows.modality.isin(CROSS_SECTIONAL)])}
    fdg = rows[(rows.modality == "fdg-pet") & rows["sul_peak"].notna()]
    if len(fdg):
        hottest = fdg.loc[fdg.groupby(per_scan)["sul_peak"].idxmax()].set_index(per_scan)
        scans = fdg.groupby(per_scan).agg(
            new_lesions=("new", "any"),
            liver_sul_mean=("liver_sul_mean", "first"),
            liver_sul_sd=("liver_sul_sd", "first"),
        )
        scans["sul_peak"], scans["hottest_lesion"] = hottest["sul_peak"], hottest["lesion"]
        for ref in ("liver_sul_mean", "liver_sul_sd"):  # the hottest lesion's row wins
            scans[ref] = hottest[ref].combine_first(scans[ref])
        scans["lesions"] = (
            fdg.assign(
                item=fdg["lesion"] + "@" + fdg["site"] + "=" + fdg["sul_peak"].map("{:g}".format)
            )
            .groupby(per_scan)["item"]
            .agg(";".join)
        )
        out["fdg"] = _scans(scans)
    psma = rows[rows.modality == "psma-pet"]
    if len(psma):
        out["psma"] = _scans(
            psma.groupby(per_scan).agg(
                tumour_volume_ml=("psma_tv_ml", lambda v: v.sum(min_count=1)),
                new_lesions=("new", "any"),
            )
        )
    bone = rows[rows.modality == "bone-scan"]
    if len(bone):
        out["bone_scans"] = _scans(bone.groupby(per_scan).agg(new_lesions=("new", "sum")))
    return out


def _scans(per_scan: pd.DataFrame) -> pd.DataFrame:
    return per_scan.reset_index().rename(columns={"pseudonym": "patient_id"})


def _lesions(rows: pd.DataFrame) -> pd.DataFrame:
    node = rows["site"] == "lymph-node"
    seen_before = rows.groupby(["pseudonym", "lesion"])["date"].transform("min") < rows["date"]
    new_at_first = rows["new"] & ~seen_before
    # A lesion that appeared as new stays new at every later scan: it has no baseline to be
    # measured against, and RECIST counts it among the new lesions, never as a non-target.
    born_new = new_at_first.groupby([rows["pseudonym"], rows["lesion"]]).transform("max")
    new = new_at_first | (born_new & seen_before)
    lesions = pd.DataFrame(
        {
            "patient_id": rows["pseudonym"],
            "lesion_id": rows["lesion"],
            "date": rows["date"],
            "organ": rows["site"],
            "node": node,
            "diameter": rows["short_axis_mm"].where(node, rows["long_axis_mm"]),
            "unit": "mm",
            "new": new,
            "target": rows["target"].astype(bool) & ~new,
        }
    )
    lesions["status"] = np.where(
        lesions["diameter"].isna() & ~lesions["target"], "present", ""
    )  # a non-target lesion without a measurement is present
    # A lesion followed from baseline but flagged new later stands for a new lesion beside it.
    flagged = rows[rows["new"] & seen_before & ~born_new]
    extra = pd.DataFrame(
        {
            "patient_id": flagged["pseudonym"],
            "lesion_id": flagged["lesion"] + ":new",
            "date": flagged["date"],
            "organ": flagged["site"],
            "node": flagged["site"] == "lymph-node",
            "unit": "mm",
            "status": "present",
            "new": True,
            "target": False,
        }
    )
    return pd.concat([lesions, extra]).sort_values(["patient_id", "date"], kind="stable")


def _survival(
    frames: dict[str, pd.DataFrame], patients: pd.DataFrame, day0: pd.Series
) -> dict[str, pd.DataFrame]:
    vital = frames["vital_status"]
    vital = vital[vital["pseudonym"].isin(day0.index)]
    died = vital["status"].eq("dead")
    end = _dates(vital["died_on"]).where(died).fillna(_dates(vital["last_contact_on"]))
    start = vital["pseudonym"].map(day0)
    early = end < start
    if early.any():
        i = int(early.to_numpy().argmax())
        raise InputError(
            f"patient {vital['pseudonym'].iloc[i]}: death or last contact "
            f"({end.iloc[i]:%Y-%m-%d}) is before the first cycle ({start.iloc[i]:%Y-%m-%d})",
            file="registry: vital_status",
            field="last_contact_on",
        )
    courses = frames["treatment_course"].sort_values("number").drop_duplicates("pseudonym")
    drug = courses.set_index("pseudonym")["radiopharmaceutical"]
    survival = pd.DataFrame(
        {
            "patient_id": vital["pseudonym"],
            "time_days": (end - start).dt.days,
            "event": died.astype(int),
            "centre": vital["pseudonym"].map(patients["centre"]),
            "radiopharmaceutical": vital["pseudonym"].map(drug),
        }
    )
    follow_up = pd.DataFrame(
        {"patient_id": vital["pseudonym"], "start_date": start, "end_date": end, "died": died}
    )
    return {"survival": survival, "follow_up": follow_up}


def _labs(labs: pd.DataFrame, day0: pd.Series, followed: set[str]) -> pd.DataFrame:
    labs = labs[labs["analyte"].isin(CTCAE_TERMS) & labs["pseudonym"].isin(followed)]
    labs = labs.assign(date=_dates(labs["sampled_on"])).sort_values("date", kind="stable")
    before = labs[labs["date"] <= labs["pseudonym"].map(day0)]
    baseline = before.groupby(["pseudonym", "analyte"])["value"].last()
    keys = pd.MultiIndex.from_arrays([labs["pseudonym"], labs["analyte"]])
    return pd.DataFrame(
        {
            "patient_id": labs["pseudonym"],
            "date": labs["date"],
            "term": labs["analyte"].map(CTCAE_TERMS),
            "value": labs["value"],
            "unit": labs["unit"],
            "lln": labs["ref_low"],
            "uln": labs["ref_high"],
            "baseline": baseline.reindex(keys).to_numpy(),
        }
    ).sort_values(["patient_id", "date"], kind="stable")


def _centres(psa: pd.DataFrame, centre_of: pd.Series) -> pd.DataFrame:
    """PSA50 (PCWG3, unconfirmed) among the evaluable patients of each centre."""
    responses = [r for r in assess_psa(_text(psa), "registry: psa") if r.evaluable]
    frame = pd.DataFrame(
        {
            "centre": [centre_of[r.patient_id] for r in responses],
            "psa50": [bool(r.metrics["psa50"]) for r in responses],
        }
    )
    return frame.groupby("centre").agg(n=("psa50", "size"), events=("psa50", "sum")).reset_index()


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as the text a CSV would hold (``""`` when empty), and the row number as line."""
    out = pd.DataFrame(index=range(len(frame)))
    for col in frame.columns:
        values = frame[col].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(values):
            text = values.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(values):
            text = values.map(lambda x: f"{x:.10g}")
        else:
            text = values.astype(object).map(lambda x: "" if pd.isna(x) else str(x))
        out[col] = text.where(values.notna(), "")
    out[LINE] = np.arange(len(out)) + 1
    return out
