"""RECIST 1.1 for a whole cohort (the rules of :mod:`.recist`, default options).

Input: one row per lesion observation with ``patient_id``, ``lesion_id``, ``date``,
``organ``, ``node`` (bool), ``diameter_mm`` (NaN when not measured), ``status``
(``present | absent | progression | not_evaluated`` or empty) and ``new`` (bool);
optionally ``split_from``, ``merged_into``, ``target`` and ``baseline_date``. Output: one
row per patient with the best overall response (no confirmation; SD needs
``min_sd_weeks``), the reason when ``NE`` (the per-patient engine's own text) and which
path assessed the patient.

Most patients are assessed by vectorised rules. The rare patient whose rows use what those
rules do not read (a lesion that split or coalesced, reader-marked targets, a stated
baseline date) is assessed by :func:`.recist.evaluate` itself, so every patient gets
exactly the per-patient result (tests/response/test_cohort_recist.py checks it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd

from rltcare.response import recist
from rltcare.response.cohort import _days, _ge

# columns whose use sends a patient to the per-patient engine
ENGINE_COLUMNS = ("split_from", "merged_into", "target", "baseline_date")
REAPPEARED = "RECIST 1.1 needs a reader decision on reappearing lesions"


def recist_cohort(lesions: pd.DataFrame, *, min_sd_weeks: float = 6.0) -> pd.DataFrame:
    """One row per patient: ``category``, ``harmonised``, ``reason``, ``assessed_by``."""
    by_engine = lesions["patient_id"].isin(lesions.loc[_engine_rows(lesions), "patient_id"])
    if not by_engine.any():
        return _vectorised(lesions, min_sd_weeks)
    parts = [_per_patient(lesions[by_engine], min_sd_weeks)]
    if not by_engine.all():
        parts.append(_vectorised(lesions[~by_engine], min_sd_weeks))
    return pd.concat(parts).sort_index()


def _engine_rows(lesions: pd.DataFrame) -> np.ndarray:
    rows = np.zeros(len(lesions), bool)
    for c in ENGINE_COLUMNS:
        if c in lesions:
            v = lesions[c]
            rows |= (v.eq(True) if c == "target" else _given(v)).to_numpy()
    return rows


def _given(values: pd.Series) -> pd.Series:
    return values.notna() & (values.astype(str).str.strip() != "")


def _cell(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _text(value) -> str | None:
    value = _cell(value)
    return None if value is None or str(value).strip() == "" else str(value)


def _date(day) -> str:
    """ISO date of a day number (days since 1970-01-01, as :func:`.cohort._days` gives)."""
    return str(np.datetime64(int(day), "D"))


def _as_date(value) -> dt.date:
    if isinstance(value, int | np.integer):
        return np.datetime64(int(value), "D").astype(dt.date)
    return pd.Timestamp(value).date()


def lesion_series(lesions: pd.DataFrame) -> Iterator[tuple[object, recist.LesionSeries]]:
    """(patient id, the engine's input) per patient of a long lesion table; integer days
    become dates counted from 1970-01-01 (only differences matter)."""
    cols = set(lesions.columns)
    for pid, g in lesions.groupby("patient_id", sort=True):
        obs = []
        for r in g.to_dict("records"):
            extra = {c: _text(r[c]) for c in ("split_from", "merged_into", "status") if c in cols}
            if "target" in cols and _cell(r["target"]) is not None:
                extra["target"] = bool(r["target"])
            obs.append(
                recist.LesionObservation(
                    lesion_id=str(r["lesion_id"]),
                    date=_as_date(r["date"]),
                    organ=r["organ"],
                    node=bool(_cell(r.get("node")) or False),
                    diameter=_cell(r["diameter_mm"]),
                    new=bool(_cell(r.get("new")) or False),
                    **extra,
                )
            )
        stated = [_cell(v) for v in g["baseline_date"]] if "baseline_date" in cols else []
        stated = [v for v in stated if v is not None and str(v).strip()]
        yield (
            pid,
            recist.LesionSeries(
                patient_id=str(pid),
                observations=obs,
                baseline_date=_as_date(stated[0]) if stated else None,
            ),
        )


def _per_patient(lesions: pd.DataFrame, min_sd_weeks: float) -> pd.DataFrame:
    pids, rows = [], []
    for pid, series in lesion_series(lesions):
        r = recist.evaluate(series, min_sd_weeks=min_sd_weeks)
        pids.append(pid)
        rows.append((r.category, r.harmonised, r.reason or "", "per-patient"))
    return pd.DataFrame(
        rows,
        columns=["category", "harmonised", "reason", "assessed_by"],
        index=pd.Index(pids, name="patient_id"),
    )


def _vectorised(lesions: pd.DataFrame, min_sd_weeks: float) -> pd.DataFrame:
    node = lesions["node"].fillna(False).to_numpy(dtype=bool)
    organ = lesions["organ"].str.strip().str.lower().to_numpy()
    f = pd.DataFrame(
        {
            "pid": lesions["patient_id"].to_numpy(),
            "lid": lesions["lesion_id"].astype(str).to_numpy(),
            "day": _days(lesions["date"]),
            "site": np.where(node, "lymph node", organ),
            "bone": organ == "bone",
            "node": node,
            "d": lesions["diameter_mm"].to_numpy(dtype=float),
            "status": lesions["status"].fillna("").to_numpy(dtype=object)
            if "status" in lesions
            else "",
            "new": lesions["new"].fillna(False).to_numpy(dtype=bool),
        }
    )
    patients = pd.Index(np.sort(f["pid"].unique()), name="patient_id")
    reason = pd.Series("", index=patients, dtype=object)

    def flag(rows: pd.DataFrame, texts) -> None:
        """Give each patient of ``rows`` (its first row) its text, unless it has a reason."""
        texts = pd.Series(list(texts), index=rows["pid"].to_numpy(), dtype=object)
        texts = texts[~texts.index.duplicated()]
        free = texts.index[(reason.loc[texts.index] == "").to_numpy()]
        reason.loc[free] = texts.loc[free]

    base_day = f.loc[~f["new"]].groupby("pid")["day"].min()
    lost = pd.DataFrame({"pid": patients.difference(base_day.index)})
    flag(lost, ["no baseline observation (every lesion is marked new)"] * len(lost))
    f["base_day"] = f["pid"].map(base_day)
    _flag_rows(f, flag)
    base = f[(f["day"] == f["base_day"]) & ~f["new"]]
    later = f[(f["day"] > f["base_day"]) & ~f["new"]]
    orphan = later[
        ~later.set_index(["pid", "lid"]).index.isin(base.set_index(["pid", "lid"]).index)
    ]
    flag(
        orphan,
        (
            f"lesion {lid} has follow-up on {_date(day)} but no baseline and is not marked new"
            for lid, day in zip(orphan["lid"], orphan["day"], strict=True)
        ),
    )

    # measurability and target selection (≤2 per organ, ≤5 in all, largest first)
    d, node, bone = base["d"].to_numpy(), base["node"].to_numpy(), base["bone"].to_numpy()
    measurable = ~bone & ~np.isnan(d) & np.where(node, _ge(d, 15.0), _ge(d, 10.0))
    followed = bone | np.isnan(d) | ~node | _ge(d, 10.0)
    base = base.assign(measurable=measurable, followed=followed)
    cand = base[base["measurable"]].sort_values(["pid", "d", "lid"], ascending=[True, False, True])
    cand = cand[cand.groupby(["pid", "site"]).cumcount() < 2]
    targets = cand[cand.groupby("pid").cumcount() < 5][["pid", "lid", "node", "d"]]
    targets = targets.assign(rank=targets.groupby("pid").cumcount())
    tkey = targets.set_index(["pid", "lid"]).index
    non_targets = base[base["followed"] & ~base.set_index(["pid", "lid"]).index.isin(tkey)][
        ["pid", "lid", "node"]
    ]
    no_disease = pd.DataFrame({"pid": patients[~patients.isin(base.loc[base["followed"], "pid"])]})
    flag(no_disease, ["no measurable or non-measurable disease at baseline"] * len(no_disease))
    base_sum = targets.groupby("pid")["d"].sum()

    dates = (
        f.loc[f["day"] > f["base_day"], ["pid", "day"]]
        .drop_duplicates()
        .sort_values(["pid", "day"])
    )
    once = pd.DataFrame({"pid": patients.difference(dates["pid"])})
    flag(once, (f"no follow-up after baseline {_date(base_day.get(p, 0))}" for p in once["pid"]))
    obs = f[["pid", "lid", "day", "d", "status"]].drop_duplicates(["pid", "lid", "day"])

    # target sums per time point, nadir of earlier complete sums (baseline included)
    tt = targets.merge(dates, on="pid").merge(
        obs, on=["pid", "lid", "day"], how="left", suffixes=("_0", "")
    )
    tt["m"] = np.where(tt["status"] == "absent", 0.0, tt["d"])
    tt = tt.sort_values(["pid", "lid", "day"])
    _flag_reappeared(tt, flag)
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


def _flag_rows(f: pd.DataFrame, flag) -> None:
    """The engine's row checks, in its order: per row (in input order) a new lesion before
    or at baseline, then a second observation of a lesion on one day."""
    kind = np.select(
        [
            (f["day"] < f["base_day"]).to_numpy(),
            (f["new"] & (f["day"] == f["base_day"])).to_numpy(),
            f.duplicated(["pid", "lid", "day"]).to_numpy(),
        ],
        ["before", "new at baseline", "twice"],
        "",
    )
    bad = f[kind != ""]
    rows = zip(kind[kind != ""], bad["lid"], bad["day"], bad["base_day"], strict=True)
    flag(bad, (_row_text(*row) for row in rows))


def _row_text(kind: str, lid: str, day: int, base: float) -> str:
    if kind == "before":
        return f"lesion {lid} observed on {_date(day)}, before baseline {_date(base)}"
    if kind == "new at baseline":
        return f"lesion {lid} is marked new at baseline {_date(base)}"
    return f"lesion {lid} has two observations on {_date(day)}"  # base may be missing


def _flag_reappeared(tt: pd.DataFrame, flag) -> None:
    """A non-nodal target at 0 mm measured again later (the engine's first: by date, then in
    target order)."""
    gone = (tt["m"] == 0) & ~tt["node"]
    keys = [tt["pid"], tt["lid"]]
    gone_before = gone.groupby(keys).cummax().groupby(keys).shift(fill_value=False)
    back = tt[gone_before.astype(bool) & (tt["m"] > 0)].sort_values(["pid", "day", "rank"])
    first_gone = tt[gone].groupby(["pid", "lid"])["day"].min()
    flag(
        back,
        (
            f"target {lid} disappeared on {_date(first_gone[(pid, lid)])} and reappeared on "
            f"{_date(day)} ({m:g} mm); {REAPPEARED}"
            for pid, lid, day, m in zip(
                back["pid"], back["lid"], back["day"], back["m"], strict=True
            )
        ),
    )


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
        {
            "category": bor,
            "harmonised": harmonised,
            "reason": reason.to_numpy(),
            "assessed_by": "vectorised",
        },
        index=patients,
    )
