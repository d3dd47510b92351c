"""What every benchmark section uses: its context, its result, targets, timers, servers and load generators.

A section is a module in bench/sections/ defining `TITLE: str`, `ORDER: int` and `run(ctx: Context) -> Result`
(bench/README.md). The runner imports them in ORDER, gives each the same Context, and writes one
bench/results.json and one docs/performance.md from the Results.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "bench"
DOCUMENTS = ("small", "k8s", "big")
PYTHON = sys.executable
TIMERS = {"wall": time.perf_counter, "cpu": time.process_time}


@dataclass
class Target:
    """One goal of docs/performance.md: what is measured, the goal in words, the measured value, met or not."""

    name: str
    goal: str
    value: str
    met: bool | None  # None: not measured in this run (say why in `value`)


@dataclass
class Result:
    """What a section hands back: numbers for results.json, targets, and its Markdown for docs/performance.md."""

    metrics: dict[str, Any] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    markdown: str = ""


@dataclass
class Context:
    """Shared by every section of one run."""

    quick: bool = False  # smaller loops (a smoke run, e.g. in tests); numbers are then only indicative
    clock: str = "cpu"  # in-process timings: this process's CPU time (steadier on a busy machine) or wall
    repeat: int = 5  # in-process timings keep the best of `repeat` runs
    budget: float = 0.1  # CPU seconds per in-process timing run
    http_seconds: float = 6.0  # length of each load-generator run
    notes: list[str] = field(default_factory=list)  # caveats any section wants printed under the machine

    def document(self, name: str) -> bytes:
        """The bytes of tests/data/bench/<name>.json."""
        return (DATA / f"{name}.json").read_bytes()

    def best(self, func: Callable[[], object], *, repeat: int | None = None, budget: float | None = None) -> float:
        """Seconds per call, best of `repeat` runs of about `budget` seconds each (warmed up first)."""
        return best(func, repeat or self.repeat, budget or self.budget, self.clock)

    def best_of(
        self, funcs: Mapping[str, Callable[[], object]], *, repeat: int | None = None, collector: bool = False
    ) -> dict[str, float]:
        """Seconds per call of each function, measured in turns (see best_of): for ratios between them."""
        return best_of(funcs, repeat or self.repeat, self.budget, self.clock, collector=collector)


def best_of(
    funcs: Mapping[str, Callable[[], object]],
    repeat: int,
    budget: float,
    clock: str = "cpu",
    *,
    collector: bool = False,
) -> dict[str, float]:
    """`best` of several functions measured in turns: each run of one is followed by a run of the next, so a burst
    of load on a shared machine falls on one run of each rather than on all runs of one (ratios stay fair).

    timeit turns the garbage collector off while it times; `collector` keeps it on (timeit's own recipe)."""
    setup = "import gc; gc.enable()" if collector else "pass"
    timers = {name: timeit.Timer(func, setup=setup, timer=TIMERS[clock]) for name, func in funcs.items()}
    numbers = {}
    for name, timer in timers.items():
        timer.timeit(number=1)  # warm-up
        numbers[name] = max(1, int(budget / max(timer.timeit(number=1), 1e-7)))
    found = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeat):
        for name, timer in timers.items():
            found[name] = min(found[name], timer.timeit(number=numbers[name]) / numbers[name])
    return found


def best(func: Callable[[], object], repeat: int, budget: float, clock: str = "cpu") -> float:
    """Best time of one call, in seconds: warm up, size the loop to `budget` seconds, keep the best of `repeat`.

    Calibrated from one timed call rather than timeit's autorange (which spends at least 0.2 s per
    measurement), so that the whole benchmark stays within its few minutes on a busy machine.
    """
    timer = timeit.Timer(func, timer=TIMERS[clock])
    timer.timeit(number=1)  # warm-up: compiles validators, fills the profile's tables
    one = timer.timeit(number=1)
    number = max(1, int(budget / max(one, 1e-7)))
    return min(timer.repeat(repeat=repeat, number=number)) / number


def us(seconds: float) -> str:
    """Seconds as microseconds (or milliseconds when large), for tables."""
    return f"{seconds * 1e3:.1f} ms" if seconds >= 0.01 else f"{seconds * 1e6:.1f} us"


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table; the first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# Servers -------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A uvicorn serving an app on loopback, in its own process."""

    url: str
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        """The process serving requests (with --workers N, the children of the supervisor)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(p) for p in children.read_text().split()] if children.exists() else []
        # uvicorn --workers N forks a supervisor's children; with one worker it serves in the process itself.
        return [p for p in pids if _is_python(p)] or [self.process.pid]

    def rss_mib(self) -> list[float]:
        """Resident memory of each serving process, in MiB."""
        return [rss_mib(pid) for pid in self.worker_pids()]


def _is_python(pid: int) -> bool:
    """A worker: a Python child, not multiprocessing's resource tracker."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return "python" in command and "resource_tracker" not in command


def rss_mib(pid: int) -> float:
    """VmRSS of a process, in MiB (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


@contextmanager
def serve(app: str, *, workers: int = 1, env: dict[str, str] | None = None, ready: str = "/") -> Iterator[Server]:
    """Run `uvicorn APP --workers N` on a free loopback port, as `make serve` runs it; stop it on exit.

    `ready` is a path polled until it answers 2xx; the server's output goes to /dev/null, access log
    included, the same for every app served, so comparisons stay fair.
    """
    port = free_port()
    command = [PYTHON, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{app} exited with {process.returncode} before serving")
            try:
                urllib.request.urlopen(url + ready, timeout=1).close()
                break  # 2xx: ready (specgate's /readyz answers 503 until every profile is warmed up)
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{app} did not answer 2xx on {url + ready} within 60 s") from None
                time.sleep(0.1)
        yield Server(url, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# Load generation -----------------------------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    """The path of wrk, installing Debian's package when it is missing and we may (root); None if unavailable."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, timeout=180)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=180)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, timeout=180)
    return shutil.which("wrk")


_WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*all")
f:close()
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write("BENCH-JSON {")
  local e = summary.errors
  io.write(string.format('"requests": %d, "seconds": %f, "errors": %d, ',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.status + e.timeout))
  io.write(string.format('"p50_ms": %f, "p90_ms": %f, "p99_ms": %f, "max_ms": %f, "mean_ms": %f}\\n',
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000))
end
"""


def wrk_post(
    url: str, body: Path, *, connections: int = 64, threads: int = 1, seconds: float = 8.0
) -> dict[str, float]:
    """POST `body` to `url` with wrk for `seconds`; requests/s and latency percentiles (ms), errors counted.

    wrk is an event-driven C load generator: one thread drives 64 connections at well over the rate a Python
    server answers, so on a 2-core machine it leaves the other core to the server.
    """
    wrk = ensure_wrk()
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    script = ROOT / "bench" / ".wrk-post.lua"
    script.write_text(_WRK_SCRIPT)
    try:
        completed = subprocess.run(
            [
                wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                url,
            ],
            env={**os.environ, "BENCH_BODY": str(body)},
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        script.unlink(missing_ok=True)
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    import json

    numbers: dict[str, float] = json.loads(line.removeprefix("BENCH-JSON "))
    numbers["rps"] = numbers["requests"] / numbers["seconds"] if numbers["seconds"] else 0.0
    return numbers


def ensure_h2load() -> str | None:
    """The path of h2load, installing Debian's nghttp2-client when it is missing and we may (root)."""
    found = shutil.which("h2load")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "nghttp2-client"]
    subprocess.run(install, env=env, capture_output=True, timeout=180)
    if not shutil.which("h2load"):
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=180)
        subprocess.run(install, env=env, capture_output=True, timeout=180)
    return shutil.which("h2load")


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of processes so far, in seconds (from /proc; 0 for a process that is gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def h2load(
    url: str,
    body: Path,
    *,
    connections: int,
    streams: int = 1,
    seconds: float,
    headers: list[str],
    http1: bool = False,
    warm_up: float = 1.0,
    server: Server | None = None,
) -> dict[str, float]:
    """POST `body` to `url` for `seconds` after `warm_up` seconds; calls/s and latency percentiles (ms) of each call.

    The warm-up runs on the same connections as the measured phase (h2load's --warm-up-time), so the numbers
    are those of a server under a steady load, not of the connections being opened: `warm_up=0` measures from
    the first connection on. With `server`, `cpu_us` is the server's CPU time per call in the measured phase,
    a number the rest of a shared machine disturbs much less than calls/s.
    """
    tool = ensure_h2load()
    if tool is None:
        raise RuntimeError("h2load is not installed (apt-get install nghttp2-client)")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "requests.log"
        command = [
            tool,
            *(["--h1"] if http1 else ["-m", str(streams)]),
            "-c",
            str(connections),
            "-D",
            str(max(1, round(seconds))),
            *([f"--warm-up-time={warm_up:g}"] if warm_up else []),
            "-d",
            str(body),
            f"--log-file={log}",
            *(arg for header in headers for arg in ("-H", header)),
            url,
        ]
        load = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cpu_before = 0.0
        if server is not None:
            time.sleep(warm_up)
            cpu_before = cpu_seconds(server.worker_pids())
        try:
            stdout, stderr = load.communicate(timeout=warm_up + seconds + 60)
        finally:
            if load.poll() is None:
                load.kill()
                load.wait()
        cpu = cpu_seconds(server.worker_pids()) - cpu_before if server is not None else 0.0
        if load.returncode != 0:
            raise RuntimeError(f"h2load failed: {stdout[-500:]} {stderr[-500:]}")
        # One line per call of the measured phase: start time (us), HTTP status, duration (us); status 0 is a
        # call still running when the time was up, which is neither counted nor timed.
        rows = [line.split("\t") for line in log.read_text().splitlines() if line.strip()]
    finished = [row for row in rows if row[1] != "0"]
    durations = sorted(int(row[2]) / 1000 for row in finished)
    errors = sum(1 for row in finished if not row[1].startswith("2"))
    if not durations:
        raise RuntimeError(f"h2load completed no call: {stdout[-500:]}")
    quantiles = statistics.quantiles(durations, n=100, method="inclusive")
    return {
        "calls": len(durations),
        "seconds": seconds,
        "rps": len(durations) / max(1, round(seconds)),
        "errors": errors,
        "p50_ms": quantiles[49],
        "p90_ms": quantiles[89],
        "p99_ms": quantiles[98],
        "max_ms": durations[-1],
        "cpu_us": cpu / len(durations) * 1e6,
    }
