"""CLI: 1,000 files judged by one `specgate validate` call against one call per file."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.framework import DATA, PYTHON, Context, Result, Target, table

TITLE = "CLI: one call for 1,000 files against one call per file"
ORDER = 40

FILES = 1_000
GOAL = 0.1  # one call for all files at most this fraction of one call per file


def _specgate() -> list[str]:
    script = Path(PYTHON).with_name("specgate")
    return [str(script)] if script.exists() else [PYTHON, "-m", "app"]


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, timeout=600)
    if completed.returncode not in (0, 1):  # 1: some file is invalid, which is an answer
        raise RuntimeError(f"{' '.join(command)} exited {completed.returncode}: {completed.stderr[-400:]!r}")
    return time.perf_counter() - start


def run(ctx: Context) -> Result:
    calls = 3 if ctx.quick else 6  # the many-calls arm, extrapolated to FILES (each call costs the same)
    raw = (DATA / "k8s.json").read_bytes()
    specgate = _specgate()
    folder = Path(tempfile.mkdtemp(prefix="specgate-bench-"))
    try:
        for i in range(FILES):
            (folder / f"{i:04d}.json").write_bytes(raw)
        one = _timed([*specgate, "validate", "-f", "json", "-o", "/dev/null", str(folder)])
        files = sorted(folder.iterdir())[:calls]
        each = [_timed([*specgate, "validate", "-f", "json", "-o", "/dev/null", str(f)]) for f in files]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    per_call = sorted(each)[len(each) // 2]  # the median call
    many = per_call * FILES
    ratio = one / many
    metrics: dict[str, Any] = {
        "files": FILES,
        "one_call_s": one,
        "per_file_call_s": per_call,
        "calls_timed": calls,
        "many_calls_s_extrapolated": many,
        "ratio": ratio,
    }
    rows = [
        [f"`specgate validate DIR` ({FILES:,} files, one call)", f"{one:.2f} s", f"{one / FILES * 1e3:.2f} ms"],
        [
            f"`specgate validate FILE` x {FILES:,} (median of {calls} calls, x {FILES:,})",
            f"{many:.1f} s",
            f"{per_call * 1e3:.0f} ms",
        ],
    ]
    markdown = "\n\n".join(
        [
            f"{FILES:,} copies of `k8s.json` in one directory, judged with the default profile and written as "
            f"JSON lines to /dev/null. The one-file-per-call arm runs {calls} calls and multiplies the median "
            f"by {FILES:,} (every call pays the same interpreter start-up and imports), to keep `make bench` "
            "within its few minutes.",
            table(["how", "total", "per file"], rows),
            f"One call takes **{ratio:.3f}** of the time of one call per file.",
        ]
    )
    target = Target(f"CLI {FILES:,} files: one call vs {FILES:,} calls", f"< {GOAL:g}x", f"{ratio:.3f}x", ratio < GOAL)
    return Result(metrics=metrics, targets=[target], markdown=markdown)
