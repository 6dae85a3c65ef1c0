"""Synthetic cohorts in the long-table formats of :mod:`.cohort`, and their conversion to
the per-patient engine inputs — for tests, benchmarks and demonstrations (not for analysis).

Every generator takes a ``numpy.random.Generator``; trajectories are plausible, not
calibrated: PSA falls or rises log-linearly with noise; lesions shrink or grow with
measurement noise, some disappear, some patients develop new lesions.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from rltcare.response import cohort_recist, eortc, pcwg3, percist, recip, recist

START = np.datetime64("2024-01-01")


def psa_frame(n: int, rng: np.random.Generator, values: int = 20) -> pd.DataFrame:
    """``values`` PSA results per patient, the first at baseline, then every ~3 weeks."""
    pid = np.repeat(np.arange(n), values)
    k = np.tile(np.arange(values), n)
    day = np.where(k == 0, 0, k * 21 + rng.integers(-3, 4, n * values))
    base = np.exp(rng.normal(3.5, 1.2, n))
    slope = rng.normal(-0.004, 0.012, n)  # per day, log scale
    rebound = rng.integers(60, 300, n)
    log_v = (
        np.log(base)[pid]
        + slope[pid] * day
        + np.where(day > rebound[pid], 0.01 * (day - rebound[pid]), 0)
    )
    value = np.round(np.exp(log_v + rng.normal(0, 0.08, n * values)), 2)
    return pd.DataFrame(
        {
            "patient_id": pid,
            "start_date": START,
            "date": START + day.astype("timedelta64[D]"),
            "value": np.maximum(value, 0.01),
        }
    )


def lesion_frame(
    n: int,
    rng: np.random.Generator,
    lesions: int = 3,
    visits: int = 3,
    *,
    split_share: float = 0.0,
    merge_share: float = 0.0,
) -> pd.DataFrame:
    """``lesions`` lesions per patient at baseline and ``visits - 1`` follow-ups; new lesions
    in some patients at the last visit (≈ n·lesions·visits rows).

    With ``split_share`` (``merge_share``) > 0, that share of patients has lesion "0" split
    into "0a" and "0b" (lesion "1" coalesced into "2") at the last visit, in the columns
    ``split_from`` and ``merged_into``.
    """
    pid = np.repeat(np.arange(n), lesions)
    lid = np.tile(np.arange(lesions), n)
    organs = np.array(["liver", "lung", "lymph node", "bone", "adrenal"])
    organ = organs[rng.integers(0, len(organs), n * lesions)]
    node = organ == "lymph node"
    d0 = np.round(rng.uniform(8, 45, n * lesions), 1)
    trend = rng.normal(-0.1, 0.25, n)[pid]
    rows = []
    for v in range(visits):
        d = d0 * np.exp(trend * v + rng.normal(0, 0.05, len(d0)))
        d = np.where(~node & (d < 6), 0.0, np.round(d, 1))
        rows.append(
            pd.DataFrame(
                {
                    "patient_id": pid,
                    "lesion_id": lid.astype(str),
                    "date": START + np.timedelta64(56 * v, "D"),
                    "organ": organ,
                    "node": node,
                    "diameter_mm": np.where(organ == "bone", np.nan, d),
                    "status": np.where(organ == "bone", "present", ""),
                    "new": False,
                }
            )
        )
    gone = rows[1]["diameter_mm"].to_numpy() == 0  # once gone, stays gone (reappearance is NE)
    for r in rows[2:]:
        r.loc[gone, "diameter_mm"] = 0.0
    newp = np.flatnonzero(rng.random(n) < 0.1)
    rows.append(
        pd.DataFrame(
            {
                "patient_id": newp,
                "lesion_id": "new",
                "date": START + np.timedelta64(56 * (visits - 1), "D"),
                "organ": "liver",
                "node": False,
                "diameter_mm": 12.0,
                "status": "",
                "new": True,
            }
        )
    )
    frame = pd.concat(rows, ignore_index=True)
    if split_share > 0 or merge_share > 0:
        frame = _split_and_merge(frame, rng, n, visits, split_share, merge_share)
    return frame


def _split_and_merge(frame, rng, n, visits, split_share, merge_share) -> pd.DataFrame:
    last = frame["date"].eq(START + np.timedelta64(56 * (visits - 1), "D")) & ~frame["new"]
    split = np.flatnonzero(rng.random(n) < split_share)
    merge = np.flatnonzero(rng.random(n) < merge_share)
    frame = frame.assign(split_from=None, merged_into=None)
    whole = last & frame["patient_id"].isin(split) & (frame["lesion_id"] == "0")
    parts = [
        frame[whole].assign(
            lesion_id=name, split_from="0", diameter_mm=share * frame["diameter_mm"]
        )
        for name, share in (("0a", 0.6), ("0b", 0.5))
    ]
    into = last & frame["patient_id"].isin(merge)
    one, two = into & (frame["lesion_id"] == "1"), into & (frame["lesion_id"] == "2")
    merged = frame.loc[one, ["patient_id", "diameter_mm"]].set_index("patient_id")["diameter_mm"]
    frame.loc[two, "diameter_mm"] += frame.loc[two, "patient_id"].map(merged).to_numpy()
    frame.loc[one, ["diameter_mm", "merged_into"]] = [np.nan, "2"]
    return pd.concat([frame[~whole], *parts], ignore_index=True)


def scan_frames(n: int, rng: np.random.Generator, scans: int = 3) -> dict[str, pd.DataFrame]:
    """PERCIST, EORTC and RECIP scan tables, ``scans`` per patient (the first at baseline)."""
    pid = np.repeat(np.arange(n), scans)
    k = np.tile(np.arange(scans), n)
    date = START + (k * 42).astype("timedelta64[D]")
    f = np.exp(rng.normal(-0.1, 0.4, n * scans) * k)
    new = (k > 0) & (rng.random(n * scans) < 0.08)
    base_peak = rng.uniform(3, 15, n)[pid]
    liver = np.round(rng.normal(2.0, 0.08, n * scans), 2)
    return {
        "percist": pd.DataFrame(
            {
                "patient_id": pid,
                "date": date,
                "sul_peak": np.round(base_peak * f, 2),
                "liver_sul_mean": liver,
                "liver_sul_sd": 0.25,
                "tlg": np.round(50 * base_peak * f, 1),
                "uptake_time_min": 60.0,
                "new_lesions": new,
            }
        ),
        "eortc": pd.DataFrame(
            {
                "patient_id": pid,
                "date": date,
                "suv": np.round(base_peak * f * 1.2, 2),
                "cycles_given": k,
                "new_lesions": new,
            }
        ),
        "recip": pd.DataFrame(
            {
                "patient_id": pid,
                "date": date,
                "tumour_volume_ml": np.round(rng.uniform(20, 800, n)[pid] * f**1.5, 1),
                "new_lesions": new,
            }
        ),
    }


def pet_lesion_lists(percist: pd.DataFrame, rng: np.random.Generator, per_scan: int = 4):
    """The PERCIST table with ``lesions`` (``L0@organ=SULpeak;…``, the hottest first, at the
    scan's SULpeak) instead of ``sul_peak``: input for the secondary sum."""
    rows = len(percist)
    organs = np.array(["liver", "bone", "lymph node", "lung"])
    peak = percist["sul_peak"].to_numpy()
    share = np.c_[np.ones(rows), rng.uniform(0.2, 1.0, (rows, per_scan - 1))]
    cells = pd.Series("", index=percist.index)
    for i in range(per_scan):
        organ = pd.Series(organs[rng.integers(0, len(organs), rows)], index=percist.index)
        sul = pd.Series(np.round(peak * share[:, i], 2), index=percist.index).astype(str)
        cells += ("" if i == 0 else ";") + f"L{i}@" + organ + "=" + sul
    return percist.assign(sul_peak=np.nan, lesions=cells)


def _iso(value) -> str:
    return str(np.datetime64(value, "D"))


def psa_series(frame: pd.DataFrame) -> Iterator[pcwg3.PsaSeries]:
    for pid, g in frame.groupby("patient_id", sort=True):
        values = [
            pcwg3.PsaValue(date=_iso(d), value=v)
            for d, v in zip(g["date"], g["value"], strict=True)
        ]
        yield pcwg3.PsaSeries(
            patient_id=str(pid), start_date=_iso(g["start_date"].iloc[0]), values=values
        )


def lesion_series(frame: pd.DataFrame) -> Iterator[recist.LesionSeries]:
    return (series for _, series in cohort_recist.lesion_series(frame))


def scan_series(criterion: str, frame: pd.DataFrame) -> Iterator:
    scan, series = {
        "percist": (percist.PetScan, percist.PetSeries),
        "eortc": (eortc.EortcScan, eortc.EortcSeries),
        "recip": (recip.PsmaScan, recip.PsmaSeries),
    }[criterion]
    fields = [c for c in frame.columns if c in scan.model_fields and c != "date"]
    for pid, g in frame.groupby("patient_id", sort=True):
        rows = g.to_dict("records")
        scans = [
            scan(date=_iso(r["date"]), **{c: (None if pd.isna(r[c]) else r[c]) for c in fields})
            for r in rows
        ]
        yield series(patient_id=str(pid), scans=scans)
