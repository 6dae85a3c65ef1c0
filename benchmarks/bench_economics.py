"""PSA speed: 10,000 iterations of a 3-strategy, 3-state model, monthly cycles over 20 years.

Times the vectorised engine (``run_psa``) and, in the same process, a per-iteration
Python loop that evaluates the same sampled inputs one iteration at a time; checks the
two agree and prints both rates and the ratio. Wall and CPU time are both shown because
the machine may be shared. Run: ``python benchmarks/bench_economics.py``.
"""

from __future__ import annotations

import platform
import time
import warnings
from pathlib import Path

import numpy as np

from rltcare.economics import model_from_toml, run_psa
from rltcare.economics.model import CurveCrossingWarning
from rltcare.economics.psa import CHUNK

MODEL = (
    Path(__file__).resolve().parents[1] / "tests" / "economics" / "data" / "three_strategies.toml"
)
N, LOOP_N = 10_000, 1_000


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def loop(model, n, seed):
    """Reference: same draws as run_psa's first chunk, evaluated one iteration at a time."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    values = model.sample(n, rng)
    costs = np.empty((n, len(model.names)))
    for i in range(n):
        out = model.evaluate({k: v[i : i + 1] for k, v in values.items()}, 1, warn=False)
        costs[i] = out.costs[0]
    return costs


def main() -> None:
    warnings.simplefilter("ignore", CurveCrossingWarning)
    model = model_from_toml(MODEL.read_text(), file=str(MODEL))
    grid = model.settings.grid
    print(
        f"model: {len(model.names)} strategies, {len(model.states)} states, {grid.n_cycles} cycles"
    )
    print(f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}")
    run_psa(model, 200, seed=9)  # warm-up
    psa, wall, cpu = timed(lambda: run_psa(model, N, seed=1))
    print(
        f"vectorised: {N} iterations in {wall:.2f} s wall, {cpu:.2f} s CPU ({N / wall:,.0f} it/s wall)"
    )
    assert LOOP_N <= CHUNK
    ref, lwall, lcpu = timed(lambda: loop(model, LOOP_N, seed=1))
    assert np.allclose(ref, psa.costs[:LOOP_N], rtol=1e-10), "loop and vectorised results differ"
    print(
        f"per-iteration loop: {LOOP_N} iterations in {lwall:.2f} s wall, {lcpu:.2f} s CPU ({LOOP_N / lwall:,.0f} it/s)"
    )
    print(
        f"ratio (iterations per second, vectorised / loop): {(N / wall) / (LOOP_N / lwall):.0f}x wall, {(N / cpu) / (LOOP_N / lcpu):.0f}x CPU"
    )
    print(
        f"target < 2 s for {N} iterations: {'met' if wall < 2 else 'NOT met'} (wall), {'met' if cpu < 2 else 'NOT met'} (CPU)"
    )


if __name__ == "__main__":
    main()
