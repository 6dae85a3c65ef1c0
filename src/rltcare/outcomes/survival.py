"""Survival analytics on lifelines: Kaplan-Meier with median and CI, numbers at risk,
reverse-KM follow-up, Cox models with centre strata or clustering and proportional-hazards
diagnostics, restricted mean survival time, and landmark analysis of response.

Times are in days from the first cycle (OS, rPFS, PSA-PFS, time to treatment
discontinuation); ``event`` is 1 for the event and 0 for censoring. Each function returns a
frozen :class:`~rltcare.result.Result`. References: Kaplan & Meier, JASA 1958;53:457-81;
Schemper & Smith, Control Clin Trials 1996;17:343-6 (reverse KM); Cox, JRSS B 1972;34:
187-220; Grambsch & Therneau, Biometrika 1994;81:515-26 (PH test); Royston & Parmar, BMC
Med Res Methodol 2013;13:152 (RMST); Anderson, Cain & Gelber, J Clin Oncol 1983;1:710-9
(landmark analysis).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test, proportional_hazard_test
from lifelines.utils import median_survival_times

from rltcare.errors import InputError
from rltcare.result import Result


def _check(time, event) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(time, dtype=float)
    e = np.asarray(event)
    if t.ndim != 1 or t.shape != e.shape:
        raise InputError("time and event must be 1-D and of equal length", field="time")
    if len(t) == 0:
        raise InputError("no subjects", field="time")
    if np.isnan(t).any() or (t < 0).any():
        raise InputError("times must be non-negative numbers", field="time")
    if not np.isin(e, (0, 1, True, False)).all():
        raise InputError("event must be 0 (censored) or 1 (event)", field="event")
    return t, e.astype(int)


def _finite(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


class KaplanMeier(Result):
    """Survival step function with its pointwise CI, median and numbers at risk."""

    label: str
    n: int
    events: int
    times: list[float]
    survival: list[float]
    lower: list[float]
    upper: list[float]
    median: float | None
    median_lower: float | None
    median_upper: float | None
    at_risk: dict[str, int]

    def at(self, t: float) -> float:
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        return 1.0 if i < 0 else self.survival[i]


def kaplan_meier(
    time, event, *, label: str = "all", alpha: float = 0.05, risk_times: Sequence[float] = ()
) -> KaplanMeier:
    """Kaplan-Meier estimate; median with its (1-alpha) CI (Brookmeyer-Crowley via the
    log(-log) pointwise band, as lifelines computes it); numbers at risk at ``risk_times``."""
    t, e = _check(time, event)
    kmf = KaplanMeierFitter(alpha=alpha).fit(t, e, label=label)
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_survival_function_
    med_ci = median_survival_times(kmf.confidence_interval_)
    at_risk = {f"{r:g}": int((t >= r).sum()) for r in risk_times}
    return KaplanMeier(
        label=label,
        n=len(t),
        events=int(e.sum()),
        times=sf.index.tolist(),
        survival=sf.tolist(),
        lower=ci.iloc[:, 0].tolist(),
        upper=ci.iloc[:, 1].tolist(),
        median=_finite(kmf.median_survival_time_),
        median_lower=_finite(med_ci.iloc[0, 0]),
        median_upper=_finite(med_ci.iloc[0, 1]),
        at_risk=at_risk,
    )


def follow_up(time, event) -> KaplanMeier:
    """Reverse Kaplan-Meier (censoring as the event): median potential follow-up."""
    t, e = _check(time, event)
    return kaplan_meier(t, 1 - e, label="follow-up (reverse KM)")


class Rmst(Result):
    tau: float
    rmst: float
    se: float


def rmst(time, event, tau: float) -> Rmst:
    """Restricted mean survival time up to ``tau``: the area under the KM step function, and
    its standard error ``sqrt(Σ A_j² d_j / (n_j (n_j - d_j)))`` over event times t_j ≤ tau,
    A_j the area from t_j to tau (Klein & Moeschberger, Survival Analysis, 2nd ed., §4.5).
    (lifelines' ``restricted_mean_survival_time(return_variance=True)`` gives the variance of
    min(T, tau), not of the estimate, so it is not used for the SE.)"""
    t, e = _check(time, event)
    if not tau > 0:
        raise InputError("tau must be positive", field="tau", value=tau)
    times = np.unique(t[(e == 1) & (t <= tau)])
    n = np.array([(t >= u).sum() for u in times], dtype=float)
    d = np.array([((t == u) & (e == 1)).sum() for u in times], dtype=float)
    surv = np.cumprod(1 - d / n)
    edges = np.r_[0.0, times, tau]
    heights = np.r_[1.0, surv]
    pieces = heights * np.diff(edges)
    tail = np.cumsum(pieces[::-1])[::-1][1:]  # A_j: area from times[j] to tau
    ok = n > d
    var = float(np.sum(tail[ok] ** 2 * d[ok] / (n[ok] * (n[ok] - d[ok]))))
    return Rmst(tau=tau, rmst=float(pieces.sum()), se=float(np.sqrt(var)))


class CoxTerm(Result):
    covariate: str
    coef: float
    hazard_ratio: float
    lower: float
    upper: float
    p: float
    ph_test_p: float | None


class CoxModel(Result):
    n: int
    events: int
    strata: list[str]
    cluster: str | None
    concordance: float
    terms: list[CoxTerm]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("n / events", f"{self.n} / {self.events}"),
            ("concordance", f"{self.concordance:.3f}"),
        ]
        for t in self.terms:
            ph = "—" if t.ph_test_p is None else f"{t.ph_test_p:.3f}"
            rows.append(
                (
                    t.covariate,
                    f"HR {t.hazard_ratio:.3f} ({t.lower:.3f}-{t.upper:.3f}), "
                    f"p={t.p:.3g}, PH test p={ph}",
                )
            )
        return rows


def cox(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    covariates: Sequence[str],
    strata: Sequence[str] = (),
    cluster: str | None = None,
    alpha: float = 0.05,
) -> CoxModel:
    """Cox proportional-hazards model; centre as ``strata`` (own baseline hazard) or as
    ``cluster`` (robust sandwich SEs). Each term carries the Grambsch-Therneau test of
    proportional hazards (rank time transform) as ``ph_test_p``."""
    cols = [duration, event, *covariates, *strata, *([cluster] if cluster else [])]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise InputError(f"column '{missing[0]}' not in the data", field=missing[0])
    df = data[cols].dropna()
    _check(df[duration], df[event])
    cph = CoxPHFitter(alpha=alpha)
    cph.fit(
        df, duration_col=duration, event_col=event, strata=list(strata) or None, cluster_col=cluster
    )
    ph = proportional_hazard_test(cph, df, time_transform="rank").summary["p"]
    s = cph.summary
    terms = [
        CoxTerm(
            covariate=str(c),
            coef=float(s.loc[c, "coef"]),
            hazard_ratio=float(s.loc[c, "exp(coef)"]),
            lower=float(s.loc[c, f"exp(coef) lower {100 * (1 - alpha):g}%"]),
            upper=float(s.loc[c, f"exp(coef) upper {100 * (1 - alpha):g}%"]),
            p=float(s.loc[c, "p"]),
            ph_test_p=_finite(float(ph.get(c, np.nan))),
        )
        for c in s.index
    ]
    return CoxModel(
        n=len(df),
        events=int(df[event].sum()),
        strata=list(strata),
        cluster=cluster,
        concordance=float(cph.concordance_index_),
        terms=terms,
    )


class Landmark(Result):
    landmark_days: float
    excluded: int
    groups: dict[str, KaplanMeier]
    logrank_p: float | None


def landmark(
    data: pd.DataFrame,
    *,
    landmark_days: float,
    group: str,
    duration: str = "time_days",
    event: str = "event",
) -> Landmark:
    """Landmark analysis: survival from the landmark by the response known at the landmark.

    Patients with the event or censored before the landmark are excluded; times restart at
    the landmark, so no patient's survival before their response is credited to the
    responders (immortal-time bias). ``group`` holds each patient's category *as known at the
    landmark* (e.g. :func:`rltcare.response.discordance.category_at`).
    """
    for c in (duration, event, group):
        if c not in data.columns:
            raise InputError(f"column '{c}' not in the data", field=c)
    at_risk = data[data[duration] > landmark_days]
    if at_risk.empty:
        raise InputError(f"no patient at risk at day {landmark_days:g}", field="landmark_days")
    t = at_risk[duration] - landmark_days
    groups = {
        str(k): kaplan_meier(t[g.index], g[event], label=str(k))
        for k, g in at_risk.groupby(group, sort=True)
    }
    p = None
    if len(groups) > 1:
        p = float(multivariate_logrank_test(t, at_risk[group], at_risk[event]).p_value)
    return Landmark(
        landmark_days=landmark_days, excluded=len(data) - len(at_risk), groups=groups, logrank_p=p
    )
