"""Individual patient data from a published Kaplan-Meier curve (Guyot et al. 2012).

Guyot P, Ades AE, Ouwens MJNM, Welton NJ. Enhanced secondary analysis of survival data:
reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res
Methodol 2012;12:9. Implemented here from the paper's description:

1. The digitised points (tₖ, Sₖ) are sorted, made non-increasing and split into the
   intervals of the numbers-at-risk table.
2. In each interval the number censored is first guessed from the drop in S and in the
   numbers at risk, nc = round(nᵢ S(start of next interval) / S(start) − nᵢ₊₁); the
   censoring times are spread evenly over the interval.
3. Events at each point follow from the KM product: dₖ = round(n̂ₖ (1 − Sₖ / Ŝ_last)),
   where Ŝ_last is the reconstructed survival at the last event; n̂ₖ₊₁ = n̂ₖ − dₖ − cₖ.
4. If the reconstructed number at risk at the next interval differs from the published
   one, nc is corrected by the difference and steps 2–3 repeat until they agree.
5. In the last interval, with the total number of events known, nc is chosen so the total
   matches; otherwise censoring continues at the average rate of the earlier intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rltcare.errors import InputError


@dataclass(frozen=True)
class IPD:
    """Reconstructed individual data: one row per patient (time, event 1 or censored 0)."""

    time: np.ndarray
    event: np.ndarray

    @property
    def n(self) -> int:
        return len(self.time)


def _clean(km_time, km_surv) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(km_time, dtype=float)
    s = np.asarray(km_surv, dtype=float)
    if t.ndim != 1 or t.shape != s.shape or len(t) < 2:
        raise InputError("need at least two digitised (time, survival) points", field="km")
    if np.any(t < 0) or np.any((s < 0) | (s > 1.0 + 1e-9)):
        raise InputError("digitised times must be ≥ 0 and survival within [0, 1]", field="km")
    order = np.argsort(t, kind="stable")
    t, s = t[order], np.minimum.accumulate(np.minimum(s[order], 1.0))
    if t[0] > 0:
        t, s = np.r_[0.0, t], np.r_[1.0, s]
    return t, s


def reconstruct(km_time, km_surv, risk_time, n_risk, total_events: int | None = None) -> IPD:
    """Reconstruct IPD from digitised KM points and the numbers-at-risk table.

    Parameters
    ----------
    km_time, km_surv : digitised points of the KM curve (any order; survival as a fraction).
    risk_time, n_risk : the table under the figure; ``risk_time[0]`` must be 0.
    total_events : total events in the arm, if the paper reports it.
    """
    t, s = _clean(km_time, km_surv)
    rt = np.asarray(risk_time, dtype=float)
    nr = np.asarray(n_risk, dtype=int)
    if rt.shape != nr.shape or rt[0] != 0 or np.any(np.diff(rt) <= 0) or np.any(np.diff(nr) > 0):
        raise InputError(
            "numbers at risk need increasing times starting at 0 and non-increasing counts",
            field="n_risk",
        )
    rt, nr = rt[rt <= t[-1]], nr[rt <= t[-1]]
    n_int = len(rt)
    lower = np.searchsorted(t, rt, side="left")
    upper = np.r_[lower[1:] - 1, len(t) - 1]
    if np.any(upper < lower):
        raise InputError(
            "every numbers-at-risk interval needs at least one digitised point", field="km"
        )

    n_hat = np.zeros(len(t) + 1)
    d = np.zeros(len(t), dtype=int)
    cen = np.zeros(len(t), dtype=int)
    km_hat = np.ones(len(t))
    censor_times: list[np.ndarray] = []
    last = 0
    rates = []

    def run_interval(i: int, ncens: int, last: int):
        lo, hi = lower[i], upper[i]
        end = rt[i + 1] if i + 1 < n_int else t[-1]
        ct = rt[i] + np.arange(1, ncens + 1) * (end - rt[i]) / (ncens + 1)
        seg = np.clip(np.searchsorted(t, ct, side="right") - 1, lo, hi)
        cen[lo : hi + 1] = np.bincount(seg - lo, minlength=hi - lo + 1)
        n_hat[lo] = nr[i]
        for k in range(lo, hi + 1):
            if k == 0:
                d[k] = 0
            else:
                d[k] = round(n_hat[k] * (1 - s[k] / km_hat[last])) if km_hat[last] > 0 else 0
                d[k] = int(np.clip(d[k], 0, max(n_hat[k], 0)))
            km_hat[k] = km_hat[last] * (1 - d[k] / n_hat[k]) if n_hat[k] > 0 else km_hat[last]
            if d[k] > 0:
                last = k
            n_hat[k + 1] = n_hat[k] - d[k] - cen[k]
        return ct, last

    for i in range(n_int):
        lo, hi = lower[i], upper[i]
        start_last = last
        if i + 1 < n_int:
            ratio = s[lower[i + 1]] / s[lo] if s[lo] > 0 else 0.0
            ncens = max(round(nr[i] * ratio - nr[i + 1]), 0)
            for _ in range(100):
                ct, last = run_interval(i, ncens, start_last)
                diff = round(n_hat[hi + 1] - nr[i + 1])
                if diff == 0 or (ncens == 0 and diff < 0):
                    break
                ncens = max(ncens + diff, 0)
            rates.append(ncens / (rt[i + 1] - rt[i]))
        else:
            span = t[-1] - rt[i]
            guess = round(np.mean(rates) * span) if rates else 0
            ncens = int(min(max(guess, 0), nr[i]))
            ct, last = run_interval(i, ncens, start_last)
            if total_events is not None:
                for _ in range(100):
                    extra = int(d.sum() - total_events)
                    if extra == 0:
                        break
                    new = int(np.clip(ncens + extra, 0, nr[i]))
                    if new == ncens:
                        break
                    ncens = new
                    ct, last = run_interval(i, ncens, start_last)
        censor_times.append(ct)

    times = [np.repeat(t, d), *censor_times]
    events = [np.ones(d.sum(), dtype=int), *(np.zeros(len(c), dtype=int) for c in censor_times)]
    remaining = int(max(n_hat[len(t)], 0))
    times.append(np.full(remaining, t[-1]))
    events.append(np.zeros(remaining, dtype=int))
    time = np.concatenate(times)
    order = np.argsort(time, kind="stable")
    return IPD(time[order], np.concatenate(events)[order])
