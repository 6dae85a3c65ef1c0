"""Expected value of perfect information from PSA draws.

EVPI(λ) = E[max_s NMB_s] − max_s E[NMB_s], per patient (Claxton 1999, J Health Econ
18:341; Briggs, Claxton & Sculpher 2006, ch. 7). Multiply by the discounted population
affected for a population EVPI.
"""

from __future__ import annotations

import numpy as np


def evpi(costs: np.ndarray, qalys: np.ndarray, wtp) -> np.ndarray:
    """Per-patient EVPI for each willingness-to-pay value; costs and qalys are (n, S)."""
    lam = np.atleast_1d(np.asarray(wtp, dtype=float))[:, None, None]
    nmb = lam * qalys[None] - costs[None]  # (L, n, S)
    gap = nmb.max(axis=2).mean(axis=1) - nmb.mean(axis=1).max(axis=1)
    return np.maximum(gap, 0.0)  # ≥ 0 by Jensen's inequality; clears rounding noise


def population_evpi(
    per_patient: np.ndarray, patients_per_year: float, years: int, rate: float
) -> np.ndarray:
    """Per-patient EVPI × the discounted number of patients over the decision's lifetime."""
    factor = np.sum((1.0 + rate) ** -np.arange(years)) * patients_per_year
    return np.asarray(per_patient) * factor
