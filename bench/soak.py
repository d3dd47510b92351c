"""Soak test: a real `specgate serve` on loopback under a fixed request rate, with valid, invalid and malformed bodies.

Run from the repository root: `.venv/bin/python bench/soak.py` (60 s at 100 req/s by default; see --help).

What it checks, and reports as JSON (also written to --out):
- no answer outside 2xx/4xx and no transport error (`failures`, must be 0): every malformed request must get
  its 4xx, every good one its 2xx (`unexpected` counts a 2xx where a 4xx was due or the reverse);
- latency p50/p99/max, counted open loop from when each request was due (no coordinated omission);
- resident memory of the server processes after warm-up and at the end (growth must stay under 10 %);
- a /metrics scrape after the run (saved beside --out), whose request counters must add up to what was sent.

Bounded and self-stopping: a fixed number of requests, a deadline per request and for the run, loopback only;
the server is started here and stopped at the end. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.api.examples import CONFIG  # noqa: E402

REQUEST_TIMEOUT = 10.0
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Case:
    """One kind of request of the mix, and the status class it must get."""

    name: str
    path: str
    body: bytes
    expect: int  # 2 or 4: the first digit of the status
    content_type: str = "application/json"


def _cases() -> list[Case]:
    valid = json.dumps(CONFIG).encode()
    invalid_doc = copy.deepcopy(CONFIG)
    invalid_doc["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"
    invalid_doc["mounts"].append({"destination": "relative", "type": "bind", "source": "/x", "options": ["bogus"]})
    invalid = json.dumps(invalid_doc).encode()
    k8s = (ROOT / "tests" / "data" / "bench" / "k8s.json").read_bytes()
    return [
        Case("valid", "/validate", valid, 2),
        Case("valid-oci", "/validate?profile=oci", valid, 2),
        Case("valid-k8s", "/validate?profile=runsc-2018", k8s, 2),
        Case("invalid", "/validate", invalid, 2),  # an invalid spec is a 200 report
        Case("mounts", "/classify-mounts", k8s, 2),
        Case("normalize", "/normalize?bundle=/run/b", valid, 2),
        Case("normalize-refused", "/normalize?bundle=/run/b", invalid, 4),
        Case("capabilities", "/capabilities", json.dumps(CONFIG["process"]["capabilities"]).encode(), 2),
        Case("not-json", "/validate", b'{"ociVersion": "1.0.0",', 4),
        Case("not-utf8", "/validate", b'{"hostname": "\xc3\x28"}', 4),
        Case("not-object", "/validate", b"[1, 2, 3]", 4),
        Case("duplicate-keys", "/validate", b'{"ociVersion": "1.0.0", "ociVersion": "1.1.0"}', 2),
        Case("too-deep", "/validate", b"[" * 5000 + b"]" * 5000, 4),
        Case("unknown-profile", "/validate?profile=nope", valid, 4),
        Case("wrong-media-type", "/validate", valid, 4, "text/plain"),
        Case("too-large", "/validate", b" " * (2 * 1024 * 1024), 4),
    ]


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    by_case: dict[str, int] = field(default_factory=dict)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


class Connection:
    """One keep-alive HTTP/1.1 connection, reopened when the server closes it (413 carries Connection: close)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, case: Case) -> int:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = (
            f"POST {case.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {case.content_type}\r\n"
            f"Content-Length: {len(case.body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + case.body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        await self.reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def _load(port: int, rate: float, seconds: float, connections: int) -> tuple[Outcome, float]:
    cases = _cases()
    total = int(rate * seconds)
    outcome = Outcome()
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(Connection(port))
    start = time.perf_counter()

    async def one(index: int, case: Case) -> None:
        due = start + index / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        connection = await pool.get()
        try:
            status = await asyncio.wait_for(connection.exchange(case), REQUEST_TIMEOUT)
        except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            connection.close()
            outcome.failures.append(f"{case.name}: {type(exc).__name__}: {exc}")
            return
        finally:
            pool.put_nowait(connection)
        outcome.latencies.append(time.perf_counter() - due)
        outcome.statuses[str(status)] = outcome.statuses.get(str(status), 0) + 1
        outcome.by_case[case.name] = outcome.by_case.get(case.name, 0) + 1
        if status // 100 not in (2, 4):
            outcome.failures.append(f"{case.name}: HTTP {status}")
        elif status // 100 != case.expect:
            outcome.unexpected.append(f"{case.name}: HTTP {status}")

    tasks = [asyncio.create_task(one(i, case)) for i, case in zip(range(total), itertools.cycle(cases), strict=False)]
    _, late = await asyncio.wait(tasks, timeout=seconds + 2 * REQUEST_TIMEOUT)
    for task in late:  # the server fell this far behind: each one counts as a failure
        task.cancel()
    outcome.failures += ["not answered before the end of the run"] * len(late)
    wall = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().close()
    return outcome, wall


def _rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children (the workers), from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(port: int, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status, response.read()


def _start(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPECGATE_", "PROMETHEUS_"))}
    env["SPECGATE_SHUTDOWN_GRACE_SECONDS"] = "0"
    command = [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            raise SystemExit(f"specgate serve exited with {process.returncode}; see {log}")
        try:
            if _get(port, "/readyz")[0] == 200:
                return process
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"specgate serve did not get ready; see {log}")
        time.sleep(0.2)


def _metric_total(text: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the run (default 60)")
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second (default 100)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    parser.add_argument("--connections", type=int, default=16, help="client keep-alive connections (default 16)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before the first RSS reading")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "soak-results.json")
    args = parser.parse_args(argv)

    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix="specgate-soak-")) / "server.log"  # JSON lines, one per request: not kept
    process = _start(port, args.workers, log)
    try:
        # Warm-up at the same rate, so that lazily built state (validators, caches, pools) exists before RSS is read.
        asyncio.run(_load(port, args.rate, args.warmup, args.connections))
        _, before_text = _get(port, "/metrics")
        rss_start = _rss_bytes(process.pid)
        outcome, wall = asyncio.run(_load(port, args.rate, args.seconds, args.connections))
        rss_end = _rss_bytes(process.pid)
        _, scrape = _get(port, "/metrics")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    sent = int(args.rate * args.seconds)
    counted = _metric_total(scrape.decode(), "specgate_http_requests_total") - _metric_total(
        before_text.decode(), "specgate_http_requests_total"
    )
    growth = (rss_end - rss_start) / rss_start
    result: dict[str, Any] = {
        "seconds": args.seconds,
        "rate": args.rate,
        "workers": args.workers,
        "requests": sent,
        "answered": len(outcome.latencies),
        "achieved_rps": round(len(outcome.latencies) / wall, 1),
        "failures": len(outcome.failures),
        "failure_samples": outcome.failures[:10],
        "unexpected": len(outcome.unexpected),
        "unexpected_samples": sorted(set(outcome.unexpected))[:10],
        "statuses": dict(sorted(outcome.statuses.items())),
        "by_case": outcome.by_case,
        "p50_ms": round(_percentile(outcome.latencies, 50) * 1000, 3),
        "p99_ms": round(_percentile(outcome.latencies, 99) * 1000, 3),
        "max_ms": round(max(outcome.latencies, default=float("nan")) * 1000, 3),
        "rss_start_mib": round(rss_start / 2**20, 1),
        "rss_end_mib": round(rss_end / 2**20, 1),
        "rss_growth_percent": round(growth * 100, 2),
        "metrics_counted_requests": counted,  # the run's requests plus the scrape itself
    }
    checks = {
        "no failures": result["failures"] == 0,
        "every answer of the right class": result["unexpected"] == 0,
        "RSS growth under 10%": growth < 0.10,
        "metrics count every request": counted == sent + 1,
    }
    result["checks"] = checks
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".metrics.txt").write_bytes(scrape)
    print(json.dumps(result, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
