"""CLI output formats on big.json (2,000 mounts, ~4,000 findings): SARIF, JUnit and text against JSON."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import time
from functools import partial
from pathlib import Path
from typing import Any

from bench.framework import DATA, PYTHON, Context, Result, Target, table, us

TITLE = "CLI formats: SARIF, JUnit and text against JSON on big.json"
ORDER = 45

FORMATS = ("json", "sarif", "junit", "text")
GOAL = 3.0  # SARIF at most this many times the JSON time (issue #14); it was ~800x when each finding rescanned


def _specgate() -> list[str]:
    script = Path(PYTHON).with_name("specgate")
    return [str(script)] if script.exists() else [PYTHON, "-m", "app"]


def _arguments(output_format: str) -> list[str]:
    # Every finding reported (the text format hides infos by default), written to /dev/null.
    return ["validate", str(DATA / "big.json"), "-f", output_format, "--min-severity", "info", "-o", os.devnull]


def _in_process(output_format: str) -> None:
    from app.cli import main

    with contextlib.redirect_stderr(io.StringIO()):  # the summary line of the machine formats
        main([*_arguments(output_format), "--no-progress"])


def _command(output_format: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*_specgate(), *_arguments(output_format)], capture_output=True, timeout=600)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"specgate -f {output_format} exited {done.returncode}: {done.stderr[-400:]!r}")
        best = min(best, time.perf_counter() - start)
    return best


def run(ctx: Context) -> Result:
    runs = 1 if ctx.quick else 3
    inside = {f: ctx.best(partial(_in_process, f), repeat=3 if ctx.quick else ctx.repeat) for f in FORMATS}
    whole = {f: _command(f, runs) for f in FORMATS}
    metrics: dict[str, Any] = {
        "document": "big.json",
        "in_process_s": inside,
        "command_s": whole,
        "sarif_to_json_in_process": inside["sarif"] / inside["json"],
        "sarif_to_json_command": whole["sarif"] / whole["json"],
    }
    rows = [
        [
            f"`-f {f}`",
            us(inside[f]),
            f"{inside[f] / inside['json']:.2f}x",
            f"{whole[f]:.2f} s",
            f"{whole[f] / whole['json']:.2f}x",
        ]
        for f in FORMATS
    ]
    markdown = "\n\n".join(
        [
            "`specgate validate big.json -f FORMAT --min-severity info -o /dev/null` (runsc: 1 warning and 3,998 "
            "infos). *In-process* is `app.cli.main` called in this process (best of several runs, the run's clock): "
            "judging plus the reporter. *Command* is the whole `specgate` process (best of "
            f"{runs} by wall clock), start-up included. Before the locator read each document once for all "
            "findings, SARIF took about 250 s here (each finding scanned the text from its first byte).",
            table(["format", "in-process", "vs JSON", "command", "vs JSON"], rows),
        ]
    )
    ratio = metrics["sarif_to_json_command"]
    targets = [
        Target("SARIF vs JSON on big.json (whole command)", f"< {GOAL:g}x", f"{ratio:.2f}x", ratio < GOAL),
        Target(
            "SARIF vs JSON on big.json (in-process)",
            f"< {GOAL:g}x",
            f"{metrics['sarif_to_json_in_process']:.2f}x",
            metrics["sarif_to_json_in_process"] < GOAL,
        ),
    ]
    return Result(metrics=metrics, targets=targets, markdown=markdown)
