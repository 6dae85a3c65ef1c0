"""Patient-page latency on the demo registry: 50 concurrent signed-in clients.

Builds the demo database (600 patients, 5 centres, seed 1) in a temporary folder,
starts ``rltcare serve --workers N`` as a real process, signs each client in as
the editor of one centre (browser session cookie, the argon2 check once per
client) and lets every client ask for pages of its centre's patients, each
request sent as soon as the previous answer has arrived (a closed loop: the
harshest load, no pause between pages). Prints p50, p95, p99 and pages/s.

The clients speak HTTP/1.1 with keep-alive over raw asyncio streams: a full HTTP
client library in Python costs as much CPU per request as the server, on the same
two cores, and would measure itself.

Reference, same run: the previous implementation (``--reference-commit``, by
default the commit before the page was made fast), extracted with ``git archive``
and served the same way on the same database; ratios new/reference are printed.
Usage: python benchmarks/bench_registry_page.py [--clients 50] [--seconds 20] [--workers 2]
       [--pause 1.0]  (each client reads a page for 1 s on average before the next)
       [--reference-commit 4f3201f | --no-reference]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "rltcare-demo-2026"
CENTRES = ("ber", "par", "ams", "lon", "syd")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _make_demo(folder: Path, src: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", "from rltcare.cli import main; main()", "registry", "demo"],
        env={**os.environ, "PYTHONPATH": str(src), "RLTCARE_DATA_DIR": str(folder)},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _start(folder: Path, src: Path, port: int, workers: int | None) -> subprocess.Popen:
    args = ["serve", "--port", str(port)] + ([] if workers is None else ["--workers", str(workers)])
    server = subprocess.Popen(
        [sys.executable, "-c", "from rltcare.cli import main; main()", *args],
        env={**os.environ, "PYTHONPATH": str(src), "RLTCARE_DATA_DIR": str(folder)},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/registry/login")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the server did not start (exit code {server.poll()})")
        time.sleep(0.3)


def _sign_in(port: int, username: str) -> str:
    """The session cookie of ``username`` (one POST to the sign-in form)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode(
        {"username": username, "password": DEMO_PASSWORD, "next": "/registry"}
    )
    connection.request(
        "POST",
        "/registry/login",
        body,
        {"content-type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    cookie = response.getheader("set-cookie") or ""
    if response.status != 303 or not cookie:
        raise SystemExit(f"sign-in as {username} failed: {response.status}")
    return cookie.split(";", 1)[0]


def _patients_of(port: int, cookie: str) -> list[int]:
    """Ids of the patients on the signed-in user's list pages."""
    ids: list[int] = []
    offset = 0
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/registry?offset={offset}", headers={"cookie": cookie})
        text = connection.getresponse().read().decode()
        found = [int(part.split('"', 1)[0]) for part in text.split('href="/registry/patient/')[1:]]
        if not found:
            return ids
        ids += found
        offset += 50


async def _get(connection, port: int, request: bytes) -> bytes:
    """One request on a kept-alive connection (reopened if the server closed it)."""
    for attempt in (1, 2):
        if connection[0] is None:
            connection[:] = await asyncio.open_connection("127.0.0.1", port)
        reader, writer = connection
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            connection[:] = [None, None]  # idle too long for the server's keep-alive
            if attempt == 2:
                raise
            continue
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        return head
    raise AssertionError("unreachable")


async def _client(port, cookie, ids, rng, stop_at, latencies, errors, walk=False, pause=0.0):
    """Pages of random patients until ``stop_at`` (``walk``: each patient once, in order,
    or until ``stop_at``); ``pause``: mean seconds spent reading a page."""
    connection: list = [None, None]
    try:
        for n in range(len(ids)) if walk else iter(int, 1):
            if time.perf_counter() >= stop_at:
                break
            pid = ids[n] if walk else ids[rng.integers(len(ids))]
            request = (
                f"GET /registry/patient/{pid} HTTP/1.1\r\nhost: bench\r\ncookie: {cookie}\r\n\r\n"
            )
            t0 = time.perf_counter()
            head = await _get(connection, port, request.encode())
            latencies.append(time.perf_counter() - t0)
            if not head.startswith(b"HTTP/1.1 200"):
                errors.append(head.split(b"\r\n", 1)[0].decode())
            if pause:  # a reader looking at the page: exponential, mean ``pause``
                await asyncio.sleep(rng.exponential(pause))
    finally:
        if connection[1] is not None:
            connection[1].close()


async def _drive(
    port, sessions, clients, seconds, seed, walk=False, pause=0.0
) -> tuple[list[float], float, list[str]]:
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(clients)]
    latencies: list[float] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    stop_at = t0 + seconds
    await asyncio.gather(
        *(
            _client(
                port, *sessions[i % len(sessions)], rngs[i], stop_at, latencies, errors, walk, pause
            )
            for i in range(clients)
        )
    )
    return latencies, time.perf_counter() - t0, errors


def measure(folder, src, workers, clients, seconds, pause=0.0) -> dict[str, float]:
    port = _free_port()
    server = _start(folder, src, port, workers)
    try:
        sessions = []
        for code in CENTRES:
            cookie = _sign_in(port, f"editor-{code}")
            sessions.append((cookie, _patients_of(port, cookie)))
        # Warm-up: every client walks its centre's patients once (at most 60 s), so that each
        # worker has read (and, where it caches, kept) every page before the clock starts.
        _, warm_s, _ = asyncio.run(_drive(port, sessions, clients, 60, seed=0, walk=True))
        cpu0 = _cpu_s(server.pid)
        latencies, elapsed, errors = asyncio.run(
            _drive(port, sessions, clients, seconds, seed=1, pause=pause)
        )
        server_cpu = _cpu_s(server.pid) - cpu0
    finally:
        server.terminate()
        server.wait(30)
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[0]}")
    ms = np.array(latencies) * 1000
    return {
        "requests": len(ms),
        "pages_s": len(ms) / elapsed,
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
        "warm_up_s": warm_s,
        "cpu_ms": server_cpu * 1000 / len(ms),
    }


def _cpu_s(pid: int) -> float:
    """CPU seconds used so far by a process and its children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return own + sum(_cpu_s(int(child)) for child in children)


def _reference_src(commit: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def _line(label: str, r: dict[str, float]) -> str:
    return (
        f"{label:<34} {r['requests']:>7.0f} pages {r['pages_s']:>7.0f} pages/s   "
        f"p50 {r['p50']:>7.1f} ms   p95 {r['p95']:>7.1f} ms   p99 {r['p99']:>7.1f} ms"
        f"   server CPU {r['cpu_ms']:.2f} ms/page (warm-up {r['warm_up_s']:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="mean seconds a client reads a page before the next (0: none, a closed loop)",
    )
    parser.add_argument("--reference-commit", default="4f3201f")
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        run(args, Path(scratch))


def run(args, scratch: Path) -> None:
    folder = scratch / "data"
    src = REPO / "src"
    _make_demo(folder, src)
    loop = f"a pause of {args.pause} s on average between pages" if args.pause else "closed loop"
    print(f"{args.clients} concurrent signed-in clients, {loop}, {args.seconds:.0f} s each")
    new = measure(folder, src, args.workers, args.clients, args.seconds, args.pause)
    print(_line(f"this tree, {args.workers} workers", new))
    if args.no_reference:
        return
    (scratch / "reference").mkdir()
    old_src = _reference_src(args.reference_commit, scratch / "reference")
    old = measure(folder, old_src, None, args.clients, args.seconds, args.pause)
    print(_line(f"reference {args.reference_commit}, 1 process", old))
    print(
        f"ratios this/reference: pages/s {new['pages_s'] / old['pages_s']:.1f}, "
        f"p95 {new['p95'] / old['p95']:.3f}, server CPU per page {new['cpu_ms'] / old['cpu_ms']:.2f}"
    )


if __name__ == "__main__":
    main()
