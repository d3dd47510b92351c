"""POST /admission on one worker at a fixed rate: p50 and p99 of the example AdmissionReview, open loop."""

from __future__ import annotations

import os
import time
from typing import Any

import orjson

from bench.admission import EXAMPLE, measure
from bench.framework import Context, Result, Target, serve, table

TITLE = "Admission webhook: POST /admission at 200 requests/s on one worker"
ORDER = 50

RATE = 200.0
LOW_RATE = 20.0
"""A second, light run: one review at a time, what a single request costs over HTTP on this machine."""
GOAL_MS = 10.0


def _in_process(ctx: Context) -> float:
    """CPU seconds of one review in-process: parse, decide (translate and judge every container), answer."""
    from app.config import Settings
    from app.core.kube.admission import answer, parse_review
    from app.gate import build_gate

    raw = EXAMPLE.read_bytes()
    gate = build_gate(Settings(warm_up=False))

    def once() -> None:
        review = parse_review(raw)
        orjson.dumps(answer(review, gate.decide(review.request)))

    return ctx.best(once)


def run(ctx: Context) -> Result:
    seconds = 2.0 if ctx.quick else ctx.http_seconds
    per_review = _in_process(ctx)
    load = os.getloadavg()[0]
    with serve("app.main:app", ready="/readyz") as server:
        started = time.perf_counter()
        pid = server.worker_pids()[0]
        summary = measure(rate=RATE, seconds=seconds, warmup=100 if ctx.quick else 200, url=server.url, pid=pid)
        light = measure(rate=LOW_RATE, seconds=min(seconds, 5.0), warmup=0, url=server.url, pid=pid)
        wall = time.perf_counter() - started
    metrics: dict[str, Any] = {
        **summary,
        "seconds": seconds,
        "in_process_cpu_ms": per_review * 1e3,
        "light": light,
        "loadavg_1m": load,
        "run_s": wall,
    }
    rows = [
        ["in-process, CPU time (parse, translate, judge, answer)", f"{per_review * 1e3:.2f} ms", "", ""],
        ["server process, CPU time per answered review (HTTP included)", f"{summary.get('server_cpu_ms')} ms", "", ""],
        [
            f"HTTP, {RATE:g} req/s for {seconds:g} s ({summary['ok']}/{summary['requests']} ok)",
            f"{summary['p50_ms']} ms",
            f"{summary['p99_ms']} ms",
            f"{summary['max_ms']} ms",
        ],
        [
            f"HTTP, {LOW_RATE:g} req/s ({light['ok']}/{light['requests']} ok)",
            f"{light['p50_ms']} ms",
            f"{light['p99_ms']} ms",
            f"{light['max_ms']} ms",
        ],
    ]
    markdown = "\n\n".join(
        [
            "`bench/admission.py` sends `tests/data/reference/admissionreview-pod-example.json` (a gVisor Pod, "
            f"two config.json documents to build and judge) to `uvicorn app.main:app --workers 1` at {RATE:g} "
            "requests per second, open loop: each request is timed from when it was due, so a server that falls "
            "behind shows it in the percentiles. At most 64 connections, as an apiserver's pool.",
            table(["what", "p50", "p99", "max"], rows),
            f"Load average when measured: {load:.1f} (the machine has {os.cpu_count()} CPUs). A server needs "
            f"well under {1000 / RATE:g} ms of CPU per review to keep up with {RATE:g} req/s on one core.",
        ]
    )
    p99 = float(summary["p99_ms"])
    target = Target(
        f"/admission p99 at {RATE:g} req/s, one worker",
        f"< {GOAL_MS:g} ms",
        f"{p99:.1f} ms (p50 {summary['p50_ms']} ms, {summary['errors']} errors)",
        p99 < GOAL_MS and not summary["errors"],
    )
    return Result(metrics=metrics, targets=[target], markdown=markdown)
