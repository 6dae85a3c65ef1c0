"""Import 100,000 patients, 500,000 cycles and 2,000,000 lab values (SQLite; PostgreSQL too).

Times the registry's importer (validation of every cell and link, bulk inserts,
hash-chained audit entries) against a reference in the same process: a plain
executemany of the already-typed rows with no validation and no audit trail.
With ``--reference-commit``, the importer of that commit (extracted with ``git
archive``) imports the same files in a child process right after, and the ratio
of the two times is printed.
Usage: python benchmarks/bench_registry_import.py [--scale 0.1] [--postgres URL]
       [--skip-sqlite] [--reference-commit 4f3201f]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, insert, text

from rltcare.registry import migrate
from rltcare.registry.access import SYSTEM
from rltcare.registry.db import make_engine, make_sessionmaker
from rltcare.registry.importers import import_tables
from rltcare.registry.models import LabResult
from rltcare.settings import Settings


def frames(patients: int, seed: int = 1) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"B-{i:07d}" for i in range(patients)])
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, patients), unit="D")
    days = lambda s: s.strftime("%Y-%m-%d")  # noqa: E731
    out = {
        "centre": pd.DataFrame(
            {"code": ["C1", "C2", "C3", "C4", "C5"], "name": [f"Centre {i}" for i in range(1, 6)]}
        )
    }
    out["patient"] = pd.DataFrame(
        {
            "centre": rng.choice(out["centre"]["code"], patients),
            "pseudonym": ids,
            "birth_year": rng.integers(1935, 1970, patients).astype(str),
            "sex": "male",
        }
    )
    out["diagnosis"] = pd.DataFrame(
        {
            "pseudonym": ids,
            "cancer_type": "prostate",
            "diagnosed_on": days(start - pd.Timedelta(days=1500)),
        }
    )
    out["treatment_course"] = pd.DataFrame(
        {
            "pseudonym": ids,
            "number": "1",
            "radiopharmaceutical": "lu177-psma-617",
            "started_on": days(start),
        }
    )
    rep = np.repeat(np.arange(patients), 5)
    k = np.tile(np.arange(5), patients)
    when = start[rep] + pd.to_timedelta(k * 42, unit="D") + pd.Timedelta(hours=9)
    out["treatment_cycle"] = pd.DataFrame(
        {
            "pseudonym": ids[rep],
            "course": "1",
            "number": (k + 1).astype(str),
            "administered_at": when.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "administered_activity_mbq": rng.normal(7400, 100, len(rep)).round().astype(str),
            "setting": "outpatient",
        }
    )
    rep = np.repeat(np.arange(patients), 20)
    k = np.tile(np.arange(20), patients)
    out["lab_result"] = pd.DataFrame(
        {
            "pseudonym": ids[rep],
            "analyte": np.where(k % 2, "psa", "hb"),
            "value": np.where(k % 2, rng.lognormal(3, 1, len(rep)), rng.normal(12, 1, len(rep)))
            .round(2)
            .astype(str),
            "unit": np.where(k % 2, "ng/mL", "g/dL"),
            "sampled_on": days(start[rep] + pd.to_timedelta(k * 21, unit="D")),
        }
    )
    return out


def reference(engine, typed_labs: list[dict]) -> float:
    """Plain executemany of typed lab rows: the floor for inserting without checks or audit."""
    t0 = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(LabResult.__table__), typed_labs)
    return time.perf_counter() - t0


def import_only(settings: Settings, data: dict[str, pd.DataFrame]) -> tuple[float, float, dict]:
    """Wall and CPU seconds of one import (CPU: this process only, not a database server)."""
    engine = make_engine(settings)
    migrate.upgrade(engine)
    t0, c0 = time.perf_counter(), time.process_time()
    with make_sessionmaker(engine)() as session:
        report = import_tables(session=session, caller=SYSTEM, frames=data)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    engine.dispose()
    return elapsed, cpu, report.to_dict()


def run(settings: Settings, data: dict[str, pd.DataFrame], label: str) -> tuple[float, float]:
    total = sum(len(f) for f in data.values())
    elapsed, cpu, report = import_only(settings, data)
    engine = make_engine(settings)
    n = len(data["lab_result"])
    labs = [
        {
            "patient_id": 1 + i % len(data["patient"]),
            "analyte": "psa",
            "value": 1.0,
            "unit": "ng/mL",
            "sampled_on": dt.date(2024, 1, 1),
            "version": 1,
        }
        for i in range(n)
    ]
    ref = reference(engine, labs)
    print(
        f"{label}: imported {report['total']:,} rows ({total:,} in files) in {elapsed:.1f} s = {total / elapsed:,.0f} rows/s ({cpu:.1f} s CPU)"
    )
    print(
        f"{label}: reference executemany of {n:,} typed lab rows, no checks, no audit: {ref:.1f} s = {n / ref:,.0f} rows/s"
    )
    print(f"{label}: importer rate / reference rate = {(total / elapsed) / (n / ref):.2f}")
    engine.dispose()
    return elapsed, cpu


def _old_src(commit: str, folder: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parents[1]), "archive", commit, "src"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def _reference_commit(commit: str, args, backend: str, new: tuple[float, float]) -> None:
    """The same import with the importer of ``commit``, in a child process."""
    argv = [sys.executable, __file__, "--scale", str(args.scale), "--import-only", backend]
    if backend == "postgres":
        argv += ["--postgres", args.postgres]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPATH": str(_old_src(commit, Path(folder)))}
        out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    old = [float(x) for x in out.strip().splitlines()[-1].split()]
    print(
        f"{backend}: importer of {commit}: {old[0]:.1f} s ({old[1]:.1f} s CPU); "
        f"this tree / {commit}: wall {new[0] / old[0]:.2f}, CPU {new[1] / old[1]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 patients")
    parser.add_argument("--postgres", help="PostgreSQL URL (a throw-away schema is used)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--reference-commit", help="also time the importer of this commit")
    parser.add_argument("--import-only", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = frames(int(100_000 * args.scale))
    if args.import_only:  # the child process of --reference-commit: wall and CPU seconds
        with _settings(args.import_only, args.postgres) as settings:
            elapsed, cpu, _ = import_only(settings, data)
            print(elapsed, cpu)
        return
    print({t: len(f) for t, f in data.items()})
    for backend in ["sqlite"] * (not args.skip_sqlite) + ["postgres"] * bool(args.postgres):
        with _settings(backend, args.postgres) as settings:
            new = run(settings, data, {"sqlite": "SQLite", "postgres": "PostgreSQL"}[backend])
        if args.reference_commit:
            _reference_commit(args.reference_commit, args, backend, new)


@contextlib.contextmanager
def _settings(backend: str, postgres: str | None):
    """Settings for an empty registry: a temporary SQLite file or a throw-away schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield Settings(data_dir=Path(folder))
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(postgres).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield Settings(database_url=f"{postgres}?options=-csearch_path%3D{schema}")
    finally:
        with create_engine(postgres).begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
