"""Load-test POST /admission at a fixed request rate on one uvicorn worker, and report latency percentiles.

Run from the repository root: `.venv/bin/python bench/admission.py` (see bench/README.md).

Open loop: request i is due at start + i / rate whatever happened to the ones before, and its latency is
counted from when it was due, not from when a connection was free to send it; so a stall shows up in
the percentiles (no coordinated omission). The server is a separate `uvicorn app.main:app --workers 1`
process on 127.0.0.1 (started here, stopped at the end); the client is a few lines of asyncio on
keep-alive connections, so that it costs the 2-core machine as little as possible. Everything is
bounded: a fixed number of requests, a deadline per request and for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "reference" / "admissionreview-pod-example.json"
STARTUP_SECONDS = 60.0
REQUEST_TIMEOUT = 10.0
MAX_CONNECTIONS = 64
"""Like an apiserver's pool of connections to a webhook: more requests in flight wait for a free one."""


@dataclass
class Result:
    """What a run measured; latencies in seconds, in the order requests were due."""

    rate: float
    sent: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    connections: int = 0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]  # nearest rank

    def summary(self) -> dict[str, float | int]:
        ms = 1000.0
        return {
            "rate": self.rate,
            "requests": self.sent,
            "ok": len(self.latencies),
            "errors": len(self.errors),
            "achieved_rps": round(len(self.latencies) / self.wall, 1) if self.wall else 0.0,
            "p50_ms": round(self.percentile(50) * ms, 3),
            "p90_ms": round(self.percentile(90) * ms, 3),
            "p99_ms": round(self.percentile(99) * ms, 3),
            "max_ms": round(max(self.latencies, default=float("nan")) * ms, 3),
            "mean_ms": round(statistics.fmean(self.latencies) * ms, 3) if self.latencies else float("nan"),
            "connections": self.connections,
        }


def _request(body: bytes, path: str) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length)
    if status == 200 and b'"response"' not in body:
        raise RuntimeError(f"200 without an AdmissionReview: {body[:200]!r}")
    return status


async def load(host: str, port: int, body: bytes, *, rate: float, requests: int, path: str) -> Result:
    """Send `requests` reviews at `rate` per second, open loop, and time each from when it was due."""
    result = Result(rate=rate, sent=requests)
    request = _request(body, path)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    opened: list[asyncio.StreamWriter] = []
    slots = asyncio.Semaphore(MAX_CONNECTIONS)  # a stalled server makes requests queue here, still timed from `due`

    async def one(due: float) -> None:
        async with slots:
            await exchange(due)

    async def exchange(due: float) -> None:
        if idle:
            reader, writer = idle.pop()
        else:
            reader, writer = await asyncio.open_connection(host, port)
            opened.append(writer)
        try:
            status = await asyncio.wait_for(_exchange(reader, writer, request), REQUEST_TIMEOUT)
        except Exception as exc:  # every failure is counted, none stops the run
            result.errors.append(f"{type(exc).__name__}: {exc}")
            writer.close()
            return
        if status != 200:
            result.errors.append(f"HTTP {status}")
        else:
            result.latencies.append(time.perf_counter() - due)
        idle.append((reader, writer))

    loop_start = time.perf_counter()
    tasks = []
    for i in range(requests):
        due = loop_start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.wait_for(asyncio.gather(*tasks), REQUEST_TIMEOUT * 2 + requests / rate)
    result.wall = time.perf_counter() - loop_start
    result.connections = len(opened)
    for writer in opened:
        writer.close()
    return result


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc), 0.0 where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    """`uvicorn app.main:app` with one worker on 127.0.0.1:port, ready when this returns."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [
        sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the server did not become ready")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def measure(
    *,
    rate: float = 200.0,
    seconds: float = 10.0,
    warmup: int = 200,
    review: Path = EXAMPLE,
    url: str | None = None,
    pid: int | None = None,
) -> dict[str, float | int]:
    """Start a server (unless `url` names one, served by process `pid`), warm it up, load it, stop it; the
    summary of the loaded run. `server_cpu_ms` is the server's CPU time per answered review: what the machine
    must give it, whatever else runs there (200 req/s needs it well under 5 ms).

    The function the `make bench` target and other scripts call; numbers are in milliseconds.
    """
    body = review.read_bytes()
    server = None
    if url is None:
        port = _free_port()
        server = start_server(port)
        pid = server.pid
        host = "127.0.0.1"
    else:
        host, _, port_text = url.removeprefix("http://").partition(":")
        port = int(port_text.rstrip("/") or 80)
    try:
        if warmup:
            asyncio.run(load(host, port, body, rate=max(rate, 500.0), requests=warmup, path="/admission"))
        requests = max(1, int(rate * seconds))
        cpu_before = cpu_seconds(pid) if pid else 0.0
        result = asyncio.run(load(host, port, body, rate=rate, requests=requests, path="/admission?timeout=10s"))
        cpu_used = cpu_seconds(pid) - cpu_before if pid else 0.0
    finally:
        if server is not None:
            stop_server(server)
    summary = result.summary()
    if pid and result.latencies:
        summary["server_cpu_ms"] = round(cpu_used / len(result.latencies) * 1000, 3)
    summary["loadavg_1m"] = round(os.getloadavg()[0], 2)
    if result.errors:
        summary["first_error"] = result.errors[0]  # type: ignore[assignment]
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (default 200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the measured run (default 10)")
    parser.add_argument("--warmup", type=int, default=200, help="requests sent before measuring (default 200)")
    parser.add_argument("--review", type=Path, default=EXAMPLE, help="the AdmissionReview to send")
    parser.add_argument("--url", default=None, help="load a running server (http://127.0.0.1:PORT) instead")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= 5000 or not 0 < args.seconds <= 300:
        parser.error("--rate must be in (0, 5000] and --seconds in (0, 300]")
    summary = measure(rate=args.rate, seconds=args.seconds, warmup=args.warmup, review=args.review, url=args.url)
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"POST /admission ({args.review.name}), 1 worker, {summary['rate']:g} req/s open loop for "
            f"{args.seconds:g} s: {summary['ok']}/{summary['requests']} ok, {summary['errors']} errors, "
            f"p50 {summary['p50_ms']} ms, p90 {summary['p90_ms']} ms, p99 {summary['p99_ms']} ms, "
            f"max {summary['max_ms']} ms ({summary['achieved_rps']} req/s achieved, "
            f"{summary['connections']} connections; server CPU {summary.get('server_cpu_ms', '?')} ms per review, "
            f"load average {summary['loadavg_1m']})"
        )
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
