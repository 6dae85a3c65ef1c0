"""RECIST 1.1 for a whole cohort, vectorised (the rules of :mod:`.recist`, default options).

Input: one row per lesion observation with ``patient_id``, ``lesion_id``, ``date``,
``organ``, ``node`` (bool), ``diameter_mm`` (NaN when not measured), ``status``
(``present | absent | progression | not_evaluated`` or empty) and ``new`` (bool).
The baseline is each patient's earliest non-new observation date. Output: one row per
patient with the best overall response (no confirmation; SD needs ``min_sd_weeks``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rltcare.response.cohort import _days, _ge

LEVELS = ["CR", "PR", "SD", "Non-CR/Non-PD", "PD", "NE"]


def recist_cohort(lesions: pd.DataFrame, *, min_sd_weeks: float = 6.0) -> pd.DataFrame:
    f = pd.DataFrame(
        {
            "pid": lesions["patient_id"].to_numpy(),
            "lid": lesions["lesion_id"].to_numpy(),
            "day": _days(lesions["date"]),
            "site": np.where(
                lesions["node"].to_numpy(dtype=bool),
                "lymph node",
                lesions["organ"].str.strip().str.lower().to_numpy(),
            ),
            "node": lesions["node"].to_numpy(dtype=bool),
            "d": lesions["diameter_mm"].to_numpy(dtype=float),
            "status": lesions["status"].fillna("").to_numpy(dtype=object)
            if "status" in lesions
            else "",
            "new": lesions["new"].fillna(False).to_numpy(dtype=bool),
        }
    )
    patients = pd.Index(np.sort(f["pid"].unique()), name="patient_id")
    reason = pd.Series("", index=patients, dtype=object)

    def flag(mask_pids, text):
        idx = pd.Index(pd.unique(mask_pids))
        sel = reason.index.isin(idx) & (reason == "")
        reason[sel] = text

    base_day = f.loc[~f["new"]].groupby("pid")["day"].min()
    flag(patients.difference(base_day.index), "no baseline observation")
    f["base_day"] = f["pid"].map(base_day)
    flag(f.loc[f["day"] < f["base_day"], "pid"], "observation before baseline")
    flag(f.loc[f["new"] & (f["day"] == f["base_day"]), "pid"], "lesion marked new at baseline")
    flag(
        f.loc[f.duplicated(["pid", "lid", "day"]), "pid"],
        "two observations of one lesion on one day",
    )
    base = f[(f["day"] == f["base_day"]) & ~f["new"]]
    later = f[(f["day"] > f["base_day"]) & ~f["new"]]
    orphan = later[
        ~later.set_index(["pid", "lid"]).index.isin(base.set_index(["pid", "lid"]).index)
    ]
    flag(orphan["pid"], "lesion with follow-up but no baseline")

    # measurability and target selection (≤2 per organ, ≤5 in all, largest first)
    d, node, bone = (
        base["d"].to_numpy(),
        base["node"].to_numpy(),
        (base["site"] == "bone").to_numpy(),
    )
    measurable = ~bone & ~np.isnan(d) & np.where(node, _ge(d, 15.0), _ge(d, 10.0))
    followed = bone | np.isnan(d) | ~node | _ge(d, 10.0)
    base = base.assign(measurable=measurable, followed=followed)
    cand = base[base["measurable"]].sort_values(["pid", "d", "lid"], ascending=[True, False, True])
    cand = cand[cand.groupby(["pid", "site"]).cumcount() < 2]
    targets = cand[cand.groupby("pid").cumcount() < 5][["pid", "lid", "node", "d"]]
    tkey = targets.set_index(["pid", "lid"]).index
    non_targets = base[base["followed"] & ~base.set_index(["pid", "lid"]).index.isin(tkey)][
        ["pid", "lid", "node"]
    ]
    has_disease = patients.isin(base.loc[base["followed"], "pid"])
    flag(patients[~has_disease], "no measurable or non-measurable disease at baseline")
    base_sum = targets.groupby("pid")["d"].sum()

    dates = (
        f.loc[f["day"] > f["base_day"], ["pid", "day"]]
        .drop_duplicates()
        .sort_values(["pid", "day"])
    )
    flag(patients.difference(dates["pid"]), "no follow-up after baseline")
    obs = f[["pid", "lid", "day", "d", "status"]].drop_duplicates(["pid", "lid", "day"])

    # target sums per time point, nadir of earlier complete sums (baseline included)
    tt = targets.merge(dates, on="pid").merge(
        obs, on=["pid", "lid", "day"], how="left", suffixes=("_0", "")
    )
    tt["m"] = np.where(tt["status"] == "absent", 0.0, tt["d"])
    tt = tt.sort_values(["pid", "lid", "day"])
    gone = (tt["m"] == 0) & ~tt["node"]
    gone_before = (
        gone.groupby([tt["pid"], tt["lid"]])
        .cummax()
        .groupby([tt["pid"], tt["lid"]])
        .shift(fill_value=False)
    )
    flag(
        tt.loc[gone_before.astype(bool) & (tt["m"] > 0), "pid"], "target disappeared and reappeared"
    )
    tt["small_node"] = ~tt["node"] | ~_ge(tt["m"].to_numpy(), 10.0)
    tt["zero"] = tt["node"] | (tt["m"] == 0)
    agg = (
        tt.groupby(["pid", "day"])
        .agg(
            total=("m", "sum"),
            measured=("m", "count"),
            n=("lid", "size"),
            cr_nodes=("small_node", "all"),
            cr_other=("zero", "all"),
        )
        .reset_index()
    )
    agg["b"] = agg["pid"].map(base_sum)
    complete = (agg["measured"] == agg["n"]).to_numpy()
    s = agg["total"].to_numpy()
    masked = pd.Series(np.where(complete, s, np.inf))
    prev = (
        masked.groupby(agg["pid"].to_numpy())
        .cummin()
        .groupby(agg["pid"].to_numpy())
        .shift(fill_value=np.inf)
    )
    nadir = np.minimum(agg["b"].to_numpy(), prev.to_numpy())
    b = agg["b"].to_numpy()
    pd_ = _ge(s, 1.2 * nadir) & _ge(s - nadir, 5.0) & (s > 0)
    t_cat = np.select(
        [
            ~complete & pd_,
            ~complete,
            pd_,
            agg["cr_nodes"].to_numpy() & agg["cr_other"].to_numpy(),
            _ge(-100 * (s - b) / b, 30.0),
        ],
        ["PD", "NE", "PD", "CR", "PR"],
        "SD",
    )
    agg["t"] = t_cat

    nt = non_targets.merge(dates, on="pid").merge(obs, on=["pid", "lid", "day"], how="left")
    st = nt["status"].fillna("").to_numpy()
    dd = nt["d"].to_numpy()
    state = np.select(
        [
            nt["status"].isna() | (st == "not_evaluated"),
            st == "progression",
            (st == "absent") | (dd == 0) | (nt["node"].to_numpy() & (dd < 10.0)),
            (st == "present") | ~np.isnan(dd),
        ],
        ["NE", "PD", "absent", "present"],
        "NE",
    )
    nt = nt.assign(is_pd=state == "PD", absent=state == "absent", ne=state == "NE")
    ntg = (
        nt.groupby(["pid", "day"])
        .agg(pd_=("is_pd", "any"), cr=("absent", "all"), ne=("ne", "any"))
        .reset_index()
    )
    ntg["nt"] = np.select([ntg["pd_"], ntg["cr"], ntg["ne"]], ["PD", "CR", "NE"], "Non-CR/Non-PD")

    newl = (
        f.loc[f["new"] & (f["status"] != "absent"), ["pid", "day"]]
        .drop_duplicates()
        .assign(new=True)
    )
    tp = dates.merge(agg[["pid", "day", "t"]], on=["pid", "day"], how="left")
    tp = tp.merge(ntg[["pid", "day", "nt"]], on=["pid", "day"], how="left").merge(
        newl, on=["pid", "day"], how="left"
    )
    t, ntc, new = tp["t"].fillna(""), tp["nt"].fillna(""), tp["new"].eq(True)
    tp["cat"] = np.select(
        [
            new | (t == "PD") | (ntc == "PD"),
            (t == "") & (ntc == "CR"),
            (t == "") & (ntc == "Non-CR/Non-PD"),
            t == "",
            (t == "CR") & ntc.isin(["CR", ""]),
            t == "CR",
            t == "PR",
            t == "SD",
        ],
        ["PD", "CR", "Non-CR/Non-PD", "NE", "CR", "PR", "PR", "SD"],
        "NE",
    )
    tp["days"] = tp["day"] - tp["pid"].map(base_day)
    return _bor(tp, patients, reason, round(min_sd_weeks * 7))


def _bor(tp: pd.DataFrame, patients: pd.Index, reason: pd.Series, min_sd_days: int) -> pd.DataFrame:
    is_pd = (tp["cat"] == "PD").to_numpy()
    after = (
        pd.Series(is_pd)
        .groupby(tp["pid"].to_numpy())
        .cumsum()
        .groupby(tp["pid"].to_numpy())
        .shift(fill_value=0)
    )
    seq = tp[after.to_numpy() == 0]
    cat = seq["cat"]
    stable = cat.isin(["CR", "PR", "SD", "Non-CR/Non-PD"]) & (seq["days"] >= min_sd_days)
    per = pd.DataFrame(
        {
            "cr": (cat == "CR").groupby(seq["pid"]).any(),
            "pr": (cat == "PR").groupby(seq["pid"]).any(),
            "st": stable.groupby(seq["pid"]).any(),
            "st_sd": (stable & (cat != "Non-CR/Non-PD")).groupby(seq["pid"]).any(),
            "pd": (cat == "PD").groupby(seq["pid"]).any(),
        }
    ).reindex(patients, fill_value=False)
    bor = np.select(
        [per["cr"], per["pr"], per["st"] & per["st_sd"], per["st"], per["pd"]],
        ["CR", "PR", "SD", "Non-CR/Non-PD", "PD"],
        "NE",
    ).astype(object)
    bor[(reason != "").to_numpy()] = "NE"
    harmonised = np.where(bor == "Non-CR/Non-PD", "SD", bor)
    return pd.DataFrame(
        {"category": bor, "harmonised": harmonised, "reason": reason.to_numpy()}, index=patients
    )
