"""Draws for funnel inputs: beta for fractions, mean-preserving lognormal for ratios.

A value is written as a mean with an optional 95% interval (low, high); the
standard deviation is taken as (high − low) / 3.92, as for a normal interval.
"""

from __future__ import annotations

import zlib

import numpy as np

from rltcare.catalog.country import Fraction, Ratio

Z95 = 3.919927969080108  # 2 × 1.959964


def rng_for(seed: int, *keys: str) -> np.random.Generator:
    """A generator for one stream, keyed by names so results do not depend on order."""
    entropy = [int(seed), *(zlib.crc32(key.encode()) for key in keys)]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def beta_params(mean: float, low: float, high: float) -> tuple[float, float]:
    """Beta(α, β) with the given mean and sd (high − low)/3.92 (concentration at least 2)."""
    sd = (high - low) / Z95
    concentration = max(mean * (1 - mean) / sd**2 - 1, 2.0)
    return mean * concentration, (1 - mean) * concentration


def draw_fraction(value: Fraction, n: int, rng: np.random.Generator) -> np.ndarray:
    if value.low is None or value.high == value.low or value.mean in (0.0, 1.0):
        return np.full(n, value.mean)
    a, b = beta_params(value.mean, value.low, value.high)
    return rng.beta(a, b, n)


def draw_ratio(value: Ratio, n: int, rng: np.random.Generator) -> np.ndarray:
    if value.low is None or value.high == value.low:
        return np.full(n, value.mean)
    sigma = (np.log(value.high) - np.log(value.low)) / Z95
    return rng.lognormal(np.log(value.mean) - sigma**2 / 2, sigma, n)
