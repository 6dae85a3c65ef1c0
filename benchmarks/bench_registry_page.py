"""Patient-page latency on the demo registry: 50 concurrent clients, p50 and p95.

Starts the web app (one uvicorn process) on a fresh demo database (600 patients,
5 centres), then 50 clients request random patients' pages for a fixed number of
requests each. The reference, in the same process, is the same page's data read
straight from the service layer (no HTTP, no rendering), timed serially.
Usage: python benchmarks/bench_registry_page.py [--clients 50] [--requests 20]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import select

from rltcare.registry import auth, migrate, service
from rltcare.registry.accounts import User
from rltcare.registry.db import make_engine, make_sessionmaker
from rltcare.registry.demo import load_demo
from rltcare.registry.models import Patient
from rltcare.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()


def _serve(folder: str, port: int) -> None:
    import uvicorn

    from rltcare.web.app import create_app

    uvicorn.run(
        create_app(Settings(data_dir=Path(folder))),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


async def _client(token: str, ids: list[int], latencies: list[float]) -> None:
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{PORT}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    ) as client:
        for pid in ids:
            t0 = time.perf_counter()
            response = await client.get(f"/registry/patient/{pid}")
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code


async def _load(
    token: str, patients: list[int], clients: int, requests: int
) -> tuple[list[float], float]:
    rng = np.random.default_rng(1)
    latencies: list[float] = []
    t0 = time.perf_counter()
    await asyncio.gather(
        *(_client(token, list(rng.choice(patients, requests)), latencies) for _ in range(clients))
    )
    return latencies, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="per client")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    engine = make_engine(Settings(data_dir=Path(folder)))
    migrate.upgrade(engine)
    with make_sessionmaker(engine)() as session:
        load_demo(session=session)
        user = session.scalar(select(User).where(User.username == "admin"))
        token = auth.issue_token(session=session, user=user)
        patients = [int(p) for p in session.scalars(select(Patient.id))]
        caller = auth.caller_for(user)
        t0 = time.perf_counter()
        for pid in patients[:200]:
            service.timeline(session=session, caller=caller, patient_id=pid)
        reference = (time.perf_counter() - t0) / 200
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(folder, PORT), daemon=True
    )
    server.start()
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{PORT}/", timeout=2, trust_env=False)
            break
        except httpx.HTTPError:
            if not server.is_alive() or time.monotonic() > deadline:
                raise SystemExit(
                    f"the server did not start (exit code {server.exitcode})"
                ) from None
            time.sleep(0.5)
    try:
        asyncio.run(_load(token, patients, 5, 4))  # warm-up
        latencies, elapsed = asyncio.run(_load(token, patients, args.clients, args.requests))
    finally:
        server.terminate()
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[int(0.95 * len(ms)) - 1]
    print(
        f"{len(ms)} page requests, {args.clients} concurrent clients: {len(ms) / elapsed:.0f} pages/s, p50 {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms"
    )
    print(f"reference: service.timeline alone, serial: {reference * 1000:.1f} ms per patient")
    print(f"page p50 / reference = {statistics.median(ms) / (reference * 1000):.1f}")


if __name__ == "__main__":
    main()
