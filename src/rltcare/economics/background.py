"""Background mortality and per-country discount rates: the model's population inputs.

``background_survival`` turns a life table (probability of death qₓ within each year of
age) into general-population survival from the cohort's starting age, assuming a
constant hazard μₓ = −ln(1 − qₓ) within each year of age; ages past the table keep the
last hazard.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from rltcare.errors import InputError, UnknownNameError


@dataclass(frozen=True)
class LifeTable:
    """qₓ by single year of age, with its source."""

    ages: np.ndarray
    qx: np.ndarray
    source: str

    def __post_init__(self) -> None:
        ages = np.asarray(self.ages, dtype=float)
        qx = np.asarray(self.qx, dtype=float)
        if ages.shape != qx.shape or ages.size == 0:
            raise InputError("life table needs one qx per age", field="qx")
        if np.any(np.diff(ages) != 1):
            raise InputError("life table ages must be consecutive single years", field="ages")
        if np.any((qx < 0) | (qx > 1)):
            raise InputError("qx must lie in [0, 1]", field="qx", value=qx[(qx < 0) | (qx > 1)][0])
        if not self.source:
            raise InputError("a life table needs its source", field="source")
        object.__setattr__(self, "ages", ages)
        object.__setattr__(self, "qx", qx)

    def survival(self, start_age: float, t_years: np.ndarray) -> np.ndarray:
        """G(t): probability a person aged ``start_age`` survives t more years."""
        if not self.ages[0] <= start_age <= self.ages[-1]:
            raise InputError(
                f"start age {start_age} is outside the life table ({self.ages[0]:.0f}–{self.ages[-1]:.0f})",
                field="start_age",
            )
        mu = -np.log1p(-np.minimum(self.qx, 1 - 1e-12))
        edges = np.r_[self.ages, self.ages[-1] + 1.0]
        cum = np.r_[0.0, np.cumsum(mu)]  # cumulative hazard at each integer age edge

        def h(age):
            a = np.clip(age, edges[0], None)
            i = np.clip(np.floor(a - edges[0]).astype(int), 0, len(mu) - 1)
            return cum[i] + mu[i] * (a - edges[i])

        t = np.asarray(t_years, dtype=float)
        return np.exp(-(h(start_age + t) - h(start_age)))


@dataclass(frozen=True)
class DiscountRates:
    costs: float
    effects: float
    source: str


DISCOUNT_RATES = MappingProxyType(
    {
        "GB-ENG": DiscountRates(
            0.035, 0.035, "NICE health technology evaluations: the manual (PMG36, 2022), 4.5"
        ),
        "GB-SCT": DiscountRates(
            0.035, 0.035, "Scottish Medicines Consortium, guidance to submitting companies (2022)"
        ),
        "US": DiscountRates(
            0.03,
            0.03,
            "Second Panel on Cost-Effectiveness in Health and Medicine, Sanders et al. JAMA 2016;316:1093",
        ),
        "NL": DiscountRates(
            0.04,
            0.015,
            "Zorginstituut Nederland, guideline for economic evaluations in healthcare (2016)",
        ),
        "CA": DiscountRates(
            0.015,
            0.015,
            "CADTH guidelines for the economic evaluation of health technologies, 4th ed. (2017)",
        ),
        "AU": DiscountRates(0.05, 0.05, "PBAC guidelines v5.0 (2016), section 3A.1"),
        "DE": DiscountRates(
            0.03, 0.03, "IQWiG General Methods, version 7.0 (2023), health economic evaluation"
        ),
        "SE": DiscountRates(
            0.03, 0.03, "TLV general guidelines for economic evaluations (LFNAR 2017:1)"
        ),
    }
)


def discount_rates(country: str) -> DiscountRates:
    """Guideline discount rates for costs and effects of a country (ISO 3166 code)."""
    try:
        return DISCOUNT_RATES[country.upper()]
    except KeyError:
        raise UnknownNameError(
            "country for discount rates", country, DISCOUNT_RATES, field="country"
        ) from None
