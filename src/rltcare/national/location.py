"""Where to open new centres: the maximal covering location problem (Church & ReVelle 1974).

Choose ``p`` new sites among candidates (existing centres stay open) to maximise
the population within ``coverage_h`` of an open centre:

    max Σᵢ wᵢ yᵢ   s.t.  yᵢ ≤ Σ_{j ∈ Nᵢ} xⱼ,  Σ_{j new} xⱼ = p,  xⱼ = 1 for existing j,
    xⱼ ∈ {0, 1}, 0 ≤ yᵢ ≤ 1,

solved as a mixed-integer programme with HiGHS through :func:`scipy.optimize.milp`
(yᵢ may stay continuous: at an optimum it is 1 exactly when i is covered).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, identity

from rltcare.errors import InputError
from rltcare.result import Result


class CoverageResult(Result):
    chosen: list[int]
    covered_population: float
    covered_share: float
    covered_before: float
    coverage_h: float
    optimal: bool
    solver: str = "HiGHS (scipy.optimize.milp)"

    def summary_rows(self) -> list[tuple[str, str]]:
        return [
            ("new sites (candidate index)", ", ".join(map(str, self.chosen)) or "—"),
            (f"population within {self.coverage_h:g} h before", f"{self.covered_before:,.0f}"),
            ("after", f"{self.covered_population:,.0f} ({self.covered_share:.1%})"),
            ("proved optimal", "yes" if self.optimal else "no"),
            ("solver", self.solver),
        ]


def coverage_matrix(time_h: np.ndarray, coverage_h: float) -> csr_array:
    return csr_array(np.asarray(time_h) <= coverage_h, dtype=float)


def maximal_coverage(
    time_h: np.ndarray,
    weight: np.ndarray,
    p: int,
    coverage_h: float,
    *,
    existing: np.ndarray | None = None,
    time_limit_s: float = 60.0,
) -> CoverageResult:
    """Pick ``p`` of the candidate columns of ``time_h`` (demand × candidates, h).

    ``existing`` (demand × existing centres, h) counts as already open.
    """
    time_h = np.asarray(time_h, dtype=float)
    weight = np.asarray(weight, dtype=float)
    n, m = time_h.shape
    if weight.shape != (n,) or (weight < 0).any():
        raise InputError(f"need {n} weights ≥ 0", field="population")
    if not 0 <= p <= m:
        raise InputError(f"p must be between 0 and {m} candidates, got {p}", field="p")
    covered_already = np.zeros(n, bool)
    if existing is not None and np.size(existing):
        covered_already = (np.asarray(existing, float) <= coverage_h).any(axis=1)
    free = ~covered_already
    a = coverage_matrix(time_h[free], coverage_h)
    k = int(free.sum())
    # variables: x (m), y (k); maximise Σ w y → minimise −Σ w y
    cost = np.concatenate([np.zeros(m), -weight[free]])
    link = LinearConstraint(hstack([-a, identity(k, format="csr")]), -np.inf, 0)
    count = LinearConstraint(np.concatenate([np.ones(m), np.zeros(k)])[None, :], p, p)
    integrality = np.concatenate([np.ones(m), np.zeros(k)])
    solution = milp(
        cost,
        constraints=[link, count],
        integrality=integrality,
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit_s},
    )
    if solution.x is None:
        raise InputError(f"the solver found no solution: {solution.message}", field="p")
    chosen = sorted(int(j) for j in np.flatnonzero(solution.x[:m] > 0.5))
    covered = covered_already | (time_h[:, chosen] <= coverage_h).any(axis=1)
    total = weight.sum()
    return CoverageResult(
        chosen=chosen,
        covered_population=float(weight[covered].sum()),
        covered_share=float(weight[covered].sum() / total) if total else 0.0,
        covered_before=float(weight[covered_already].sum()),
        coverage_h=coverage_h,
        optimal=solution.status == 0,
    )
