"""The PSMA funnel reproduces the figure it is calibrated on.

Reference: K. Herrmann in the IGES "Weißbuch Nuklearmedizin" (2024), as reported by
MTDialog ("Nuklearmedizin: was bringt die Zukunft"): about 10,000 men a year in Germany
are candidates for PSMA radioligand therapy. We compare the German count of men fit for
RLT after ARPI (post-taxane + pre-taxane labels, before reimbursement and uptake, in the
year of the base figure). Tolerance: median within ±15% of 10,000 and 10,000 inside the
95% Monte Carlo interval of the sum.
"""

from __future__ import annotations

import numpy as np

from rltcare.national.demand import Expansion, Scenario, demand


def test_german_psma_candidates_match_herrmann():
    scenario = Scenario(expansions=[Expansion(indication="lu-psma-pre-taxane", from_year=2026)])
    result = demand("de", ["lu-psma-post-taxane"], scenario=scenario, draws=4000, seed=1)
    fit = {s.indication: s for s in result.funnel if s.stage == "fit"}
    total = fit["lu-psma-post-taxane"].patients + fit["lu-psma-pre-taxane"].patients
    assert abs(total - 10_000) / 10_000 < 0.15
    low = fit["lu-psma-post-taxane"].low + fit["lu-psma-pre-taxane"].low
    high = fit["lu-psma-post-taxane"].high + fit["lu-psma-pre-taxane"].high
    assert low < 10_000 < high
    assert np.isfinite(result.patients_first_year)
