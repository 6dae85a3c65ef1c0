"""Patient dose rate for many sampled patients: the vectorised engine against a per-patient loop.

Prints patients per second for ``patient_dose_rate_usv_h`` on 1,000,000 patients with sampled
kinetics, for a plain Python loop over 20,000 of the same patients, and their ratio.
"""

from __future__ import annotations

import math
import time

import numpy as np

from rltcare.catalog import default_catalog
from rltcare.physics.dose_rate import (
    distance_factor,
    dose_rate_coefficient,
    patient_dose_rate_usv_h,
)
from rltcare.physics.retention import Kinetics

N, N_LOOP = 1_000_000, 20_000


def main() -> None:
    catalog = default_catalog()
    product = catalog.radiopharmaceutical("lu177-psma-617")
    half_life_h = catalog.nuclide(product.nuclide).half_life_h
    rng = np.random.default_rng(np.random.SeedSequence(42))
    kinetics = Kinetics.sample(product.retention, half_life_h, N, rng)
    activity = rng.uniform(6660.0, 8140.0, N)
    time_h = rng.uniform(0.0, 96.0, N)

    start = time.perf_counter()
    rates = patient_dose_rate_usv_h(
        product, activity, time_h, 2.0, kinetics=kinetics, catalog=catalog
    )
    vectorised = time.perf_counter() - start

    start = time.perf_counter()
    k = dose_rate_coefficient(product, catalog).usv_h_per_mbq_at_1m
    f = float(distance_factor(2.0))
    loop = []
    for i in range(N_LOOP):
        retained = sum(
            fraction * math.exp(-math.log(2) * time_h[i] / half_life)
            for fraction, half_life in zip(
                kinetics.fractions[i], kinetics.half_lives_h[i], strict=True
            )
        )
        loop.append(k * activity[i] * retained * f)
    looped = time.perf_counter() - start
    assert np.allclose(loop, rates[:N_LOOP])

    engine_rate, loop_rate = N / vectorised, N_LOOP / looped
    print(f"vectorised: {N:,} patients in {vectorised:.3f} s = {engine_rate:,.0f} patients/s")
    print(f"Python loop: {N_LOOP:,} patients in {looped:.3f} s = {loop_rate:,.0f} patients/s")
    print(f"ratio: {engine_rate / loop_rate:,.0f}x")


if __name__ == "__main__":
    main()
