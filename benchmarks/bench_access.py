"""E2SFCA (gaussian decay, 1 h catchment) for 1,000,000 demand points and 300 centres, and the
ratio to PySAL ``access`` (two_stage_fca with a weight function) on the largest instance it
handles here in reasonable time (same inputs, same travel costs). Run on one core:
``taskset -c 0 python benchmarks/bench_access.py``."""

from __future__ import annotations

import time

import numpy as np

from rltcare.national.access import (
    Decay,
    fca,
    great_circle_km,
    pairs_from_matrix,
    pairs_from_points,
    road_hours,
)


def points(rng, n):
    return rng.uniform(47.3, 55.0, n), rng.uniform(6.0, 15.0, n)


def main() -> None:
    rng = np.random.default_rng(2026)
    lat, lon = points(rng, 1_000_000)
    clat, clon = points(rng, 300)
    pop, cap = rng.uniform(0, 200, lat.size), rng.uniform(1, 10, 300)
    rule = Decay("gaussian", sigma_h=0.5)
    start, cpu = time.perf_counter(), time.process_time()
    pairs = pairs_from_points(lat, lon, clat, clon, 1.0)
    fca(pairs, pop, cap, rule)
    big, big_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"rltcare E2SFCA 1,000,000 × 300: {big:.2f} s wall, {big_cpu:.2f} s CPU "
        f"({len(pairs.time_h):,} pairs in catchment)"
    )

    try:
        import pandas as pd
        from access import fca as pysal_fca
        from access import weights
    except ImportError:
        print("PySAL access not installed: no ratio")
        return
    n = 200_000  # PySAL builds a pandas frame of every pair in the catchment
    cost = road_hours(great_circle_km(lat[:n], lon[:n], clat, clon))
    start = time.perf_counter()
    ours = fca(pairs_from_matrix(cost, 1.0), pop[:n], cap, rule)
    mine = time.perf_counter() - start
    i, j = np.nonzero(cost <= 1.0)
    frame = pd.DataFrame({"origin": i, "dest": j, "cost": cost[i, j]})
    demand = pd.DataFrame({"geoid": np.arange(n), "pop": pop[:n]}).set_index("geoid")
    supply = pd.DataFrame({"geoid": np.arange(300), "cap": cap}).set_index("geoid")
    start = time.perf_counter()
    ref = pysal_fca.two_stage_fca(
        demand,
        supply,
        frame,
        1.0,
        demand_name="pop",
        supply_name="cap",
        weight_fn=weights.gaussian(0.5),
    )
    theirs = time.perf_counter() - start
    agree = np.allclose(ours, ref.reindex(np.arange(n)).fillna(0).to_numpy(), rtol=1e-9)
    print(
        f"{n:,} × 300 (same pairs): rltcare {mine:.3f} s, PySAL access {theirs:.2f} s, "
        f"ratio {theirs / mine:.0f}×, results agree: {agree}"
    )


if __name__ == "__main__":
    main()
