"""Benchmark: every response criterion for 100,000 patients on one core.

Times the vectorised cohort functions (rltcare.response.cohort, cohort_recist) on
synthetic long tables — 2,000,000 PSA values, ~1,200,000 lesion observations and 300,000
scans for each PET criterion — and, in the same process, the straightforward per-patient
path (group the table by patient, build the engine's input model, call ``evaluate``) on a
sample of patients, extrapolated linearly to the full cohort. Prints both rates and the
ratio; then two variants outside the five-criteria total: RECIST with 1% of patients whose
lesions split or coalesce (those go to the per-patient engine) and PERCIST with lesion lists
(the secondary sum). Usage: ``python benchmarks/bench_response.py [--patients 100000] [--sample 1000]``.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from rltcare.response import cohort, cohort_recist, eortc, pcwg3, percist, recip, recist, synthetic


def timed(func, *args, **kwargs):
    t0 = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t0


def per_patient(module, series_iter) -> int:
    return sum(1 for s in series_iter if module.evaluate(s).category)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1_000)
    args = parser.parse_args()
    n, sample = args.patients, args.sample
    rng = np.random.default_rng(np.random.SeedSequence(2024))
    psa = synthetic.psa_frame(n, rng, values=20)
    lesions = synthetic.lesion_frame(n, rng, lesions=4, visits=3)
    scans = synthetic.scan_frames(n, rng, scans=3)
    split = synthetic.lesion_frame(
        n, rng, lesions=4, visits=3, split_share=0.005, merge_share=0.005
    )
    listed = synthetic.pet_lesion_lists(scans["percist"], rng)
    print(
        f"python {platform.python_version()} on {platform.machine()}, {n:,} patients: "
        f"{len(psa):,} PSA values, {len(lesions):,} lesion observations, "
        f"{sum(len(f) for f in scans.values()):,} PET scans"
    )

    jobs = [
        ("PCWG3", psa, cohort.pcwg3_cohort, pcwg3, lambda f: synthetic.psa_series(f)),
        (
            "RECIST 1.1",
            lesions,
            cohort_recist.recist_cohort,
            recist,
            lambda f: synthetic.lesion_series(f),
        ),
        (
            "PERCIST 1.0",
            scans["percist"],
            cohort.percist_cohort,
            percist,
            lambda f: synthetic.scan_series("percist", f),
        ),
        (
            "EORTC 1999",
            scans["eortc"],
            cohort.eortc_cohort,
            eortc,
            lambda f: synthetic.scan_series("eortc", f),
        ),
        (
            "RECIP 1.0",
            scans["recip"],
            cohort.recip_cohort,
            recip,
            lambda f: synthetic.scan_series("recip", f),
        ),
    ]
    variants = [
        (
            "RECIST split",
            split,
            cohort_recist.recist_cohort,
            recist,
            lambda f: synthetic.lesion_series(f),
        ),
        (
            "PERCIST sum",
            listed,
            cohort.percist_cohort,
            percist,
            lambda f: synthetic.scan_series("percist", f),
        ),
    ]
    total_fast = total_ref = 0.0
    print(
        f"{'criterion':<12} {'rows':>10} {'vectorised s':>13} {'patients/s':>12} "
        f"{'per-patient s (extrap.)':>24} {'patients/s':>11} {'ratio':>7}"
    )
    for i, (name, frame, fast, module, series) in enumerate(jobs + variants):
        if i == len(jobs):
            print(
                f"{'all five':<12} {'':>10} {total_fast:>13.2f} {'':>12} {total_ref:>24.1f} "
                f"{'':>11} {total_ref / total_fast:>7.0f}"
            )
        out, t_fast = timed(fast, frame)
        assert len(out) == n
        sub = frame[frame["patient_id"] < sample]
        _, t_ref = timed(per_patient, module, series(sub))
        t_ref_full = t_ref * n / sample
        if i < len(jobs):
            total_fast += t_fast
            total_ref += t_ref_full
        print(
            f"{name:<12} {len(frame):>10,} {t_fast:>13.2f} {n / t_fast:>12,.0f} "
            f"{t_ref_full:>24.1f} {sample / t_ref:>11,.0f} {t_ref_full / t_fast:>7.0f}"
        )
        if i >= len(jobs) and "assessed_by" in out:
            engine = int((out["assessed_by"] == "per-patient").sum())
            print(f"  ({engine:,} patients with split or coalesced lesions: per-patient engine)")
    print("under 30 s" if total_fast < 30 else "OVER the 30 s target")


if __name__ == "__main__":
    main()
