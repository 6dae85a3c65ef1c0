"""Where the criteria disagree: categories at a landmark and pairwise agreement.

For a cohort assessed under several criteria, :func:`landmark_table` takes each patient's
harmonised category (CR/PR/SD/PD/NE) at a landmark (e.g. 12 weeks), and :func:`agreement`
counts each criterion's categories and computes, for every pair of criteria, the percent
agreement and Cohen's kappa over the patients evaluable by both:

    kappa = (p_o - p_e) / (1 - p_e),  p_o = Σ n_kk / n,  p_e = Σ n_k. n_.k / n²

(Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37-46).
The standard error is the large-sample one under the null hypothesis of chance agreement
(Fleiss, Cohen & Everitt, Psychol Bull 1969;72:323-7).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np
import pandas as pd

from rltcare.errors import InputError
from rltcare.response.base import HARMONISED, Response
from rltcare.result import Result


def category_at(response: Response, landmark_days: int, window_days: int = 28) -> str:
    """The harmonised category at ``landmark_days``.

    Progression at or before the end of the window carries forward (PD); otherwise the time
    point nearest the landmark within ±``window_days`` gives the category; NE if none.
    """
    if not response.evaluable:
        return "NE"
    tps = [t for t in response.timepoints if t.days <= landmark_days + window_days]
    if any(t.harmonised == "PD" for t in tps):
        return "PD"
    near = [t for t in tps if abs(t.days - landmark_days) <= window_days]
    if not near:
        return "NE"
    return min(near, key=lambda t: (abs(t.days - landmark_days), -t.days)).harmonised


def landmark_table(
    responses: Iterable[Response], landmark_days: int = 84, window_days: int = 28
) -> pd.DataFrame:
    """One row per patient, one column per criterion, harmonised category at the landmark."""
    rows = [
        {
            "patient_id": r.patient_id,
            "criterion": r.criterion,
            "category": category_at(r, landmark_days, window_days),
        }
        for r in responses
    ]
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    dup = frame.duplicated(["patient_id", "criterion"])
    if dup.any():
        first = frame[dup].iloc[0]
        raise InputError(
            f"patient {first.patient_id} assessed twice under {first.criterion}",
            field="patient_id",
            value=first.patient_id,
        )
    return frame.pivot(index="patient_id", columns="criterion", values="category")


class PairAgreement(Result):
    a: str
    b: str
    n: int
    percent_agreement: float | None
    kappa: float | None
    kappa_se: float | None
    table: dict[str, dict[str, int]]


class Discordance(Result):
    landmark_days: int | None
    criteria: list[str]
    counts: dict[str, dict[str, int]]
    pairs: list[PairAgreement]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            (c, ", ".join(f"{k} {v}" for k, v in self.counts[c].items())) for c in self.criteria
        ]
        for p in self.pairs:
            k = "—" if p.kappa is None else f"{p.kappa:.3f}"
            pa = "—" if p.percent_agreement is None else f"{p.percent_agreement:.1f}%"
            rows.append((f"{p.a} vs {p.b}", f"n={p.n}, agreement {pa}, kappa {k}"))
        return rows


def cohen_kappa(a: Iterable[str], b: Iterable[str]) -> tuple[float | None, float | None, float]:
    """(kappa, its standard error under H0, percent agreement) for paired labels.

    Kappa is None when chance agreement is 1 (both raters use one and the same category).
    """
    a, b = np.asarray(list(a), dtype=object), np.asarray(list(b), dtype=object)
    if len(a) != len(b):
        raise InputError(f"paired ratings differ in length: {len(a)} and {len(b)}", field="ratings")
    n = len(a)
    if n == 0:
        return None, None, float("nan")
    cats = sorted(set(a) | set(b))
    pos = {c: i for i, c in enumerate(cats)}
    m = np.zeros((len(cats), len(cats)))
    np.add.at(m, ([pos[x] for x in a], [pos[x] for x in b]), 1)
    m /= n
    po = float(np.trace(m))
    rows, cols = m.sum(axis=1), m.sum(axis=0)
    pe = float(rows @ cols)
    if np.isclose(pe, 1.0):
        return None, None, 100.0 * po
    kappa = (po - pe) / (1 - pe)
    se = float(
        np.sqrt(pe + pe**2 - float(np.sum(rows * cols * (rows + cols)))) / ((1 - pe) * np.sqrt(n))
    )
    return float(kappa), se, 100.0 * po


def agreement(
    table: pd.DataFrame, *, exclude_ne: bool = True, landmark_days: int | None = None
) -> Discordance:
    """Counts per criterion and pairwise agreement from a :func:`landmark_table`."""
    criteria = [str(c) for c in table.columns]
    counts = {c: {k: int((table[c] == k).sum()) for k in HARMONISED} for c in criteria}
    pairs = []
    for a, b in combinations(criteria, 2):
        both = table[[a, b]].dropna()
        if exclude_ne:
            both = both[(both[a] != "NE") & (both[b] != "NE")]
        kappa, se, pa = cohen_kappa(both[a], both[b])
        cross = pd.crosstab(both[a], both[b])
        pairs.append(
            PairAgreement(
                a=a,
                b=b,
                n=len(both),
                percent_agreement=None if len(both) == 0 else pa,
                kappa=kappa,
                kappa_se=se,
                table={
                    str(i): {str(j): int(cross.loc[i, j]) for j in cross.columns}
                    for i in cross.index
                },
            )
        )
    return Discordance(landmark_days=landmark_days, criteria=criteria, counts=counts, pairs=pairs)
