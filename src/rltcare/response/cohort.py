"""The criteria for a whole cohort at once: the same rules as the per-patient engines,
vectorised over long tables with numpy and pandas (100,000 patients in seconds).

Each function takes a long table (one row per value, scan or lesion observation) in
canonical units and returns one row per patient with ``category``, ``harmonised`` and
the key numbers; a patient who cannot be assessed gets ``NE`` and a short ``reason``.
Dates may be ``datetime64`` or integer days. The per-patient engines remain the reference
(they explain every decision); tests/response/test_cohort*.py check that both agree.

RECIST is in :mod:`.cohort_recist` (default options: no confirmation, no PCWG3 option;
diameters in mm).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rltcare.response import pcwg3, percist
from rltcare.response.base import EPS

RANK = {"NE": 0, "PD": 1, "SD": 2, "PR": 3, "CR": 4}
NAMES = np.array(["NE", "PD", "SD", "PR", "CR"], dtype=object)


def _ge(x, thr):
    thr = np.asarray(thr, dtype=float)
    return x >= thr - EPS * np.maximum(1.0, np.abs(thr))


def _gt(x, thr):
    thr = np.asarray(thr, dtype=float)
    return x > thr + EPS * np.maximum(1.0, np.abs(thr))


def _days(s: pd.Series) -> np.ndarray:
    if np.issubdtype(s.dtype, np.integer):
        return s.to_numpy(dtype=np.int64)
    return pd.to_datetime(s).to_numpy().astype("datetime64[D]").astype(np.int64)


def _codes(frame: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(frame["patient_id"], sort=True)
    return codes, pd.Index(uniques, name="patient_id")


def _first_true(group: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Row index of the first True per group (rows sorted by group), -1 if none."""
    out = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(mask)
    g = group[rows]
    first = np.unique(g, return_index=True)
    out[first[0]] = rows[first[1]]
    return out


def _confirmer(group: np.ndarray, day: np.ndarray, min_days: int) -> np.ndarray:
    """Index of the first row of the same group dated ≥ min_days later, -1 if none."""
    key = group.astype(np.int64) * (1 << 32) + day
    j = np.searchsorted(key, key + min_days, side="left")
    ok = j < len(key)
    ok[ok] &= group[j[ok]] == group[ok]
    return np.where(ok, j, -1)


def _best(group: np.ndarray, harmonised: np.ndarray, n: int) -> np.ndarray:
    """Best harmonised category up to and including each group's first PD."""
    rank = np.vectorize(RANK.get, otypes=[np.int64])(harmonised) if len(harmonised) else harmonised
    is_pd = harmonised == "PD"
    first_pd = _first_true(group, is_pd, n)
    idx = np.arange(len(group))
    keep = (first_pd[group] < 0) | (idx <= first_pd[group])
    best = np.zeros(n, dtype=np.int64)
    np.maximum.at(best, group[keep], rank[keep])
    return NAMES[best]


def pcwg3_cohort(
    psa: pd.DataFrame, *, confirm_weeks=3.0, flare_weeks=12.0, landmark_weeks=12.0, window_weeks=3.0
) -> pd.DataFrame:
    """PCWG3 PSA for a cohort. Columns: ``patient_id``, ``start_date``, ``date``,
    ``value`` (ng/mL; a value below detection given as its limit)."""
    f = pd.DataFrame(
        {
            "patient_id": psa["patient_id"].to_numpy(),
            "day": _days(psa["date"]) - _days(psa["start_date"]),
            "v": psa["value"].to_numpy(dtype=float),
        }
    )
    f = f.sort_values(["patient_id", "day"], kind="stable", ignore_index=True)
    g, patients = _codes(f)
    n = len(patients)
    day, v = f["day"].to_numpy(), f["v"].to_numpy()
    reason = np.full(n, "", dtype=object)
    dup = np.zeros(len(g), bool)
    dup[1:] = (g[1:] == g[:-1]) & (day[1:] == day[:-1])
    reason[np.unique(g[dup])] = "two PSA values on one day"
    # baseline: last value on or before the start; keep it and the values after the start
    pre = day <= 0
    last_pre = np.full(n, -1)
    np.maximum.at(last_pre, g[pre], np.flatnonzero(pre))
    keep = (day > 0) | (np.arange(len(g)) == last_pre[g])
    reason[(last_pre < 0) & (reason == "")] = "no PSA value on or before treatment start"
    g, day, v = g[keep], day[keep], v[keep]
    base_idx = _first_true(g, np.ones(len(g), bool), n)
    has_base = last_pre >= 0
    b = np.where(has_base, v[np.maximum(base_idx, 0)], np.nan)
    counts = np.bincount(g, minlength=n)
    reason[has_base & (counts < 2) & (reason == "")] = "only one PSA value"
    reason[has_base & (b <= 0) & (reason == "")] = "baseline PSA is zero"
    follow = (day > 0) & has_base[g]
    pct = 100.0 * (v - b[g]) / np.where(b[g] > 0, b[g], np.nan)
    cm = pd.Series(v).groupby(g).cummin().to_numpy()
    nadir = np.where(np.r_[True, g[1:] != g[:-1]], v, np.r_[v[:1], cm[:-1]])
    j = _confirmer(g, day, round(confirm_weeks * 7))
    jj = np.maximum(j, 0)
    out = {}
    for thr in (50.0, 90.0):
        q = follow & _ge(-pct, thr)
        out[f"psa{thr:g}"] = np.bincount(g[q], minlength=n) > 0
        conf = q & (j >= 0) & _ge(-pct[jj], thr)
        out[f"psa{thr:g}_confirmed"] = np.bincount(g[conf], minlength=n) > 0
    up = 1 + pcwg3.PROGRESSION_PCT / 100
    qual = follow & _ge(v, up * nadir) & _ge(v - nadir, pcwg3.PROGRESSION_NG_ML)
    conf = (
        qual
        & (day >= flare_weeks * 7)
        & (j >= 0)
        & _ge(v[jj], up * nadir)
        & _ge(v[jj] - nadir, pcwg3.PROGRESSION_NG_ML)
    )
    first = _first_true(g, conf, n)
    prog = first >= 0
    near = follow & (np.abs(day - landmark_weeks * 7) <= window_weeks * 7)
    order = np.lexsort((-day, np.abs(day - landmark_weeks * 7), g))
    order = order[near[order]]
    at12 = _first_true(g[order], np.ones(len(order), bool), n)
    change12 = np.where(at12 >= 0, pct[order[np.maximum(at12, 0)]], np.nan)
    maxdec = np.full(n, np.inf)
    np.minimum.at(maxdec, g[follow], pct[follow])
    cat = np.where(prog, "PD", np.where(out["psa50_confirmed"], "PR", "SD")).astype(object)
    cat[reason != ""] = "NE"
    return pd.DataFrame(
        {
            "category": cat,
            "harmonised": cat,
            **out,
            "progression": prog & (reason == ""),
            "progression_day": np.where(prog, day[np.maximum(first, 0)], -1),
            "change_12w_pct": change12,
            "max_decline_pct": np.where(np.isinf(maxdec), np.nan, maxdec),
            "reason": reason,
        },
        index=patients,
    )


def _scan_frame(scans: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.Index, np.ndarray]:
    f = scans.assign(day=_days(scans["date"])).sort_values(
        ["patient_id", "day"], kind="stable", ignore_index=True
    )
    g, patients = _codes(f)
    n = len(patients)
    reason = np.full(n, "", dtype=object)
    day = f["day"].to_numpy()
    dup = np.zeros(len(g), bool)
    dup[1:] = (g[1:] == g[:-1]) & (day[1:] == day[:-1])
    reason[np.unique(g[dup])] = "two scans on one day"
    counts = np.bincount(g, minlength=n)
    reason[(counts < 2) & (reason == "")] = "a baseline and a follow-up are needed"
    return f, g, patients, reason


def _scan_result(f, g, patients, reason, native, harmonised, at_best=None) -> pd.DataFrame:
    """One row per patient; ``at_best``: per-scan values reported at the deciding scan."""
    n = len(patients)
    is_base = np.r_[True, g[1:] != g[:-1]]
    fu = ~is_base
    best = _best(g[fu], harmonised[fu], n)
    best[reason != ""] = "NE"
    # the deciding scan: the first follow-up scan with the best harmonised category
    pick = np.full(n, -1, dtype=np.int64)
    for h in ("CR", "PR", "SD", "PD"):
        first = _first_true(g[fu], harmonised[fu] == h, n)
        sel = (best == h) & (first >= 0)
        pick[sel] = first[sel]
    nat = np.where(pick >= 0, native[fu][np.maximum(pick, 0)], "NE").astype(object)
    extra = {
        name: np.where(pick >= 0, values[fu][np.maximum(pick, 0)], np.nan)
        for name, values in (at_best or {}).items()
    }
    return pd.DataFrame(
        {"category": nat, "harmonised": best, "reason": reason, **extra}, index=patients
    )


def recip_cohort(scans: pd.DataFrame) -> pd.DataFrame:
    """RECIP 1.0 (quantitative). Columns: ``patient_id``, ``date``, ``tumour_volume_ml``,
    ``new_lesions``."""
    f, g, patients, reason = _scan_frame(scans)
    vol, new = f["tumour_volume_ml"].to_numpy(dtype=float), f["new_lesions"].to_numpy(dtype=bool)
    base = vol[_first_true(g, np.ones(len(g), bool), len(patients))]
    reason[~(base > 0) & (reason == "")] = "baseline has no positive PSMA-positive tumour volume"
    pct = 100 * (vol - base[g]) / np.where(base[g] > 0, base[g], np.nan)
    cat = np.select(
        [np.isnan(vol), (vol == 0) & ~new, _ge(pct, 20.0) & new, _ge(-pct, 30.0) & ~new],
        ["NE", "CR", "PD", "PR"],
        "SD",
    ).astype(object)
    return _scan_result(f, g, patients, reason, cat, cat)


def eortc_cohort(scans: pd.DataFrame, *, one_cycle_pmr_pct: float = 15.0) -> pd.DataFrame:
    """EORTC 1999. Columns: ``patient_id``, ``date``, ``suv``, ``cycles_given``,
    ``new_lesions``; optional ``extent_increase``, ``complete_resolution``,
    ``longest_dimension_mm``."""
    f, g, patients, reason = _scan_frame(scans)
    if not 15.0 <= one_cycle_pmr_pct <= 25.0:
        reason[:] = f"one_cycle_pmr_pct {one_cycle_pmr_pct:g} outside the 15-25% of EORTC"
    n, rows = len(patients), len(g)
    suv = f["suv"].to_numpy(dtype=float)
    flag = {
        c: (f[c].fillna(False).to_numpy(dtype=bool) if c in f else np.zeros(rows, bool))
        for c in ("new_lesions", "extent_increase", "complete_resolution")
    }
    cycles = f["cycles_given"].fillna(0).to_numpy(dtype=np.int64)
    base = suv[_first_true(g, np.ones(rows, bool), n)]
    reason[~(base > 0) & (reason == "")] = "baseline has no positive tumour SUV"
    pct = 100 * (suv - base[g]) / np.where(base[g] > 0, base[g], np.nan)
    pmr = np.where(cycles == 1, _ge(-pct, one_cycle_pmr_pct), _gt(-pct, 25.0))
    size = f["longest_dimension_mm"].to_numpy(dtype=float) if "longest_dimension_mm" in f else None
    grown = np.zeros(rows, bool)
    if size is not None:  # a measured increase in extent: longest dimension up >20%
        base_size = size[_first_true(g, np.ones(rows, bool), n)][g]
        base_size = np.where(base_size > 0, base_size, np.nan)
        grown = _gt(100 * (size - base_size) / base_size, 20.0)
    native = np.select(
        [
            flag["new_lesions"] | flag["extent_increase"] | grown,
            flag["complete_resolution"],
            np.isnan(suv),
            _gt(pct, 25.0),
            cycles == 0,
            pmr,
        ],
        ["PMD", "CMR", "NE", "PMD", "NE", "PMR"],
        "SMD",
    ).astype(object)
    harmonised = np.vectorize(
        {"CMR": "CR", "PMR": "PR", "SMD": "SD", "PMD": "PD", "NE": "NE"}.get, otypes=[object]
    )(native)
    return _scan_result(f, g, patients, reason, native, harmonised)


def percist_cohort(scans: pd.DataFrame, *, enforce_quality: bool = True) -> pd.DataFrame:
    """PERCIST 1.0. Columns: ``patient_id``, ``date``, ``sul_peak``, ``liver_sul_mean``,
    ``liver_sul_sd``, ``new_lesions``; optional ``blood_pool_sul_mean``,
    ``blood_pool_sul_sd``, ``tlg``, ``uptake_time_min``, ``unequivocal_progression`` and
    ``lesions`` (``label@organ=SULpeak;…``: the hottest is the SULpeak when that is empty,
    and the secondary sum is reported as ``baseline_sum_sul_peak`` and ``sum_change_pct``
    at the deciding scan)."""
    f, g, patients, reason = _scan_frame(scans)
    n, rows = len(patients), len(g)
    col = lambda c: f[c].to_numpy(dtype=float) if c in f else np.full(rows, np.nan)  # noqa: E731
    peak, liver, sd, tlg, up, pool, pool_sd = (
        col(c)
        for c in (
            "sul_peak",
            "liver_sul_mean",
            "liver_sul_sd",
            "tlg",
            "uptake_time_min",
            "blood_pool_sul_mean",
            "blood_pool_sul_sd",
        )
    )
    lesions = _pet_lesions(f["lesions"]) if "lesions" in f else None
    listed = np.zeros(rows, bool)
    if lesions is not None:
        listed[lesions["scan"].to_numpy()] = True
        hottest = np.full(rows, -np.inf)
        np.maximum.at(hottest, lesions["scan"].to_numpy(), lesions["sul"].to_numpy())
        peak = np.where(np.isnan(peak) & listed, hottest, peak)
    new = f["new_lesions"].fillna(False).to_numpy(dtype=bool)
    uneq = (
        f["unequivocal_progression"].fillna(False).to_numpy(dtype=bool)
        if "unequivocal_progression" in f
        else np.zeros(rows, bool)
    )
    b = _first_true(g, np.ones(rows, bool), n)
    bpeak, bliver, btlg, bup = peak[b], liver[b], tlg[b], up[b]
    liver_thr = 1.5 * bliver + 2 * sd[b]
    thr = np.where(np.isnan(liver_thr), 2 * pool[b] + 2 * pool_sd[b], liver_thr)
    reason[np.isnan(bpeak) & (reason == "")] = "baseline has no SULpeak"
    reason[np.isnan(thr) & (reason == "")] = "baseline has neither liver nor blood-pool reference"
    reason[~_ge(bpeak, thr) & (reason == "")] = "baseline not measurable"
    d_liver = liver - bliver[g]
    gate = _gt(np.abs(d_liver), 0.3) | _gt(np.abs(100 * d_liver / bliver[g]), 20.0)
    both_up = ~np.isnan(up) & ~np.isnan(bup[g])
    gate |= both_up & (
        (up < 50) | (up > 70) | (bup[g] < 50) | (bup[g] > 70) | _gt(np.abs(up - bup[g]), 15.0)
    )
    gate &= enforce_quality
    p = np.where(np.isnan(peak), 0.0, peak)
    dpct, dabs = 100 * (p - bpeak[g]) / bpeak[g], p - bpeak[g]
    tlg_pmd = (
        (btlg[g] > 0)
        & ~np.isnan(tlg)
        & _gt(100 * (tlg - btlg[g]) / np.where(btlg[g] > 0, btlg[g], np.nan), 75.0)
    )
    ref_liver = np.where(np.isnan(liver), bliver[g], liver)
    native = np.select(
        [
            gate,
            new | (_gt(dpct, 30.0) & _gt(dabs, 0.8)) | tlg_pmd | uneq,
            np.isnan(peak) | (p < ref_liver),
            _ge(-dpct, 30.0) & _ge(-dabs, 0.8),
        ],
        ["NE", "PMD", "CMR", "PMR"],
        "SMD",
    ).astype(object)
    harmonised = np.vectorize(
        {"CMR": "CR", "PMR": "PR", "SMD": "SD", "PMD": "PD", "NE": "NE"}.get, otypes=[object]
    )(native)
    if lesions is None:
        return _scan_result(f, g, patients, reason, native, harmonised)
    is_base = np.r_[True, g[1:] != g[:-1]]
    total = _hottest_sums(lesions, np.where(is_base, thr[g], 0.0), rows)
    total = np.where(listed, total, np.where(np.isnan(peak), 0.0, np.nan))
    base_sum = np.where(reason == "", total[b], np.nan)
    bs = base_sum[g]
    bs = np.where(bs > 0, bs, np.nan)  # a zero or missing baseline sum gives no change
    change = 100 * (total - bs) / bs
    out = _scan_result(
        f,
        g,
        patients,
        reason,
        native,
        harmonised,
        {"sum_change_pct": change},
    )
    return out.assign(baseline_sum_sul_peak=base_sum)


def _pet_lesions(cells: pd.Series) -> pd.DataFrame:
    """One row per listed lesion: ``scan`` (row of ``cells``), ``organ`` (a code per organ
    name, stripped and lower-cased) and ``sul``."""
    scan, organs, suls = [], [], []
    for i, cell in enumerate(cells.tolist()):
        if isinstance(cell, str):
            for _label, organ, sul in percist.lesion_items(cell):
                scan.append(i)
                organs.append(organ)
                suls.append(sul)
    codes, names = pd.factorize(pd.Series(organs, dtype=object))
    same = pd.factorize(pd.Series([str(x).strip().lower() for x in names], dtype=object))[0]
    return pd.DataFrame(
        {
            "scan": np.asarray(scan, dtype=np.int64),
            "organ": same[codes] if len(codes) else codes,
            "sul": np.asarray(suls, dtype=float),
        }
    )


def _hottest_sums(lesions: pd.DataFrame, minimum: np.ndarray, rows: int) -> np.ndarray:
    """Per scan: the sum of SULpeaks of up to 5 hottest lesions ≥ ``minimum``, ≤2 per organ
    (the rule of :func:`.percist.hottest_sum`, hottest first; which of two equally hot lesions
    comes first does not change the sum, so labels are not needed)."""
    scan, sul, organ = (lesions[c].to_numpy() for c in ("scan", "sul", "organ"))
    order = np.lexsort((-sul, scan))
    order = order[_ge(sul[order], minimum[scan[order]])]
    by_organ = scan[order] * (organ.max(initial=0) + 1) + organ[order]
    rank = pd.Series(by_organ).groupby(by_organ).cumcount().to_numpy()
    order = order[rank < percist.SUM_PER_ORGAN]
    rank = pd.Series(scan[order]).groupby(scan[order]).cumcount().to_numpy()
    order = order[rank < percist.SUM_LESIONS]
    return np.bincount(scan[order], weights=sul[order], minlength=rows)
