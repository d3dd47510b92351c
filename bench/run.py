"""Time app.core.validate against orjson.loads on the bench documents, for every profile.

Run from the repository root: `.venv/bin/python bench/run.py` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
import timeit
from collections.abc import Callable
from functools import partial
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core import validate  # noqa: E402
from app.core.profiles import profile_names  # noqa: E402

DOCUMENTS = ("small", "k8s", "big")
DATA = ROOT / "tests" / "data" / "bench"


TIMERS = {"wall": time.perf_counter, "cpu": time.process_time}


def best(func: Callable[[], object], repeat: int, budget: float, clock: str = "wall") -> float:
    """Best time of one call, in seconds: warm up, size the loop to `budget` seconds, keep the best of `repeat`."""
    timer = timeit.Timer(func, timer=TIMERS[clock])
    number, spent = timer.autorange()  # also the warm-up: compiles validators, fills the profile's tables
    number = max(1, int(number * budget / max(spent, 1e-9)))
    return min(timer.repeat(repeat=repeat, number=number)) / number


def report(documents: list[str], profiles: list[str], repeat: int, budget: float, clock: str = "wall") -> None:
    """One line per document: orjson.loads, then each profile's validate time and its ratio to orjson.loads."""
    print(f"{'document':<8} {'bytes':>7} {'orjson.loads':>13}  " + "  ".join(f"{p:>20}" for p in profiles))
    for name in documents:
        raw = (DATA / f"{name}.json").read_bytes()
        base = best(partial(orjson.loads, raw), repeat, budget, clock)
        cells = []
        for profile in profiles:
            spent = best(partial(validate, raw, profile=profile), repeat, budget, clock)
            cells.append(f"{spent * 1e6:>8.1f} us {spent / base:>5.1f}x")
        print(f"{name:<8} {len(raw):>7} {base * 1e6:>10.1f} us  " + "  ".join(f"{c:>20}" for c in cells))


def profile_calls(document: str, profile: str, calls: int) -> None:
    """cProfile `calls` validations and print the functions that spent the most time themselves."""
    raw = (DATA / f"{document}.json").read_bytes()
    validate(raw, profile=profile)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        validate(raw, profile=profile)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time app.core.validate against orjson.loads.")
    parser.add_argument("--repeat", type=int, default=7, help="best of N timing runs (default 7)")
    parser.add_argument("--budget", type=float, default=0.2, help="seconds per timing run (default 0.2)")
    parser.add_argument(
        "--clock",
        choices=sorted(TIMERS),
        default="wall",
        help="wall time, or this process's CPU time (steadier on a busy machine)",
    )
    parser.add_argument("--doc", action="append", choices=DOCUMENTS, help="only this document (repeatable)")
    parser.add_argument("--profile", action="append", help="only this profile (repeatable)")
    parser.add_argument(
        "--cprofile", type=int, metavar="CALLS", help="instead of timing, cProfile CALLS validations of each pair"
    )
    args = parser.parse_args(argv)
    documents = args.doc or list(DOCUMENTS)
    profiles = args.profile or profile_names()
    if args.cprofile:
        for document in documents:
            for profile in profiles:
                print(f"== {document} / {profile}")
                profile_calls(document, profile, args.cprofile)
        return 0
    report(documents, profiles, args.repeat, args.budget, args.clock)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
