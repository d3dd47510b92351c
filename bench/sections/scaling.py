"""Scaling: 10 to 10,000 mounts, env entries and seccomp syscall rules; time per document and the slope."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import orjson

from bench.framework import Context, Result, Target, table, us

TITLE = "Scaling: mounts, env entries and seccomp syscalls"
ORDER = 20

SIZES = (10, 100, 1_000, 10_000)
PROFILES = ("runsc", "oci")
LINEAR = 1.15  # the log-log slope between 1,000 and 10,000 items; 1.0 is linear, 2.0 quadratic


def _mounts(doc: dict[str, Any], n: int) -> None:
    doc["mounts"] = doc["mounts"][:6] + [
        {"destination": f"/data/{i}", "type": "bind", "source": f"/srv/volumes/{i}", "options": ["rbind", "ro"]}
        for i in range(n)
    ]


def _env(doc: dict[str, Any], n: int) -> None:
    doc["process"]["env"] = doc["process"]["env"][:2] + [f"VARIABLE_{i}=value-{i}" for i in range(n)]


def _syscalls(doc: dict[str, Any], n: int) -> None:
    names = doc["linux"]["seccomp"]["syscalls"][0]["names"]
    doc["linux"]["seccomp"]["syscalls"] = [
        {"names": [names[i % len(names)]], "action": "SCMP_ACT_ALLOW"} for i in range(n)
    ]


DIMENSIONS: dict[str, Callable[[dict[str, Any], int], None]] = {
    "mounts": _mounts,
    "env entries": _env,
    "seccomp syscalls": _syscalls,
}


def slope(small: float, large: float, ratio: float) -> float:
    """Exponent b of t ~ n^b between two sizes `ratio` apart."""
    return math.log(large / small) / math.log(ratio) if small > 0 and large > 0 else float("nan")


def run(ctx: Context) -> Result:
    from app.core import validate

    base = orjson.loads(ctx.document("k8s"))
    metrics: dict[str, Any] = {}
    rows = []
    targets = []
    for dimension, grow in DIMENSIONS.items():
        cell: dict[str, Any] = {}
        for n in SIZES:
            doc = orjson.loads(orjson.dumps(base))
            grow(doc, n)
            raw = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
            # Shorter runs than the core section: 36 measurements, the largest tens of milliseconds per call.
            budget, repeat = ctx.budget / 4, max(2, ctx.repeat - 2)
            point: dict[str, Any] = {
                "bytes": len(raw),
                "orjson_loads_s": ctx.best(partial(orjson.loads, raw), repeat=repeat, budget=budget),
            }
            for profile in PROFILES:
                point[profile] = ctx.best(partial(validate, raw, profile=profile), repeat=repeat, budget=budget)
            cell[str(n)] = point
        for profile in PROFILES:
            times = [cell[str(n)][profile] for n in SIZES]
            exponent = slope(times[2], times[3], SIZES[3] / SIZES[2])
            per_item = (times[3] - times[2]) / (SIZES[3] - SIZES[2])
            cell[f"{profile}_slope"] = exponent
            cell[f"{profile}_per_item_s"] = per_item
            rows.append([f"{dimension}, {profile}", *(us(t) for t in times), f"{exponent:.2f}", us(per_item)])
            targets.append(
                Target(
                    f"scaling {profile}, {dimension}",
                    f"linear: slope 1,000 -> 10,000 <= {LINEAR}",
                    f"{exponent:.2f} ({us(per_item)}/item)",
                    exponent <= LINEAR,
                )
            )
        floors = [cell[str(n)]["orjson_loads_s"] for n in SIZES]
        rows.append(
            [
                f"{dimension}, orjson.loads",
                *(us(t) for t in floors),
                f"{slope(floors[2], floors[3], 10):.2f}",
                us((floors[3] - floors[2]) / 9000),
            ]
        )
        metrics[dimension] = cell
    markdown = "\n\n".join(
        [
            "`k8s.json` with its mounts, its environment or its seccomp rules replaced by N generated ones "
            "(bind mounts with options, `NAME=value` entries, one syscall name per rule), judged in full. "
            "The slope is the exponent b of t ~ N^b between 1,000 and 10,000 items (1.0: linear, 2.0: "
            "quadratic); per item is the added time per added entry over that range.",
            table(["document grows in", *(f"N={n:,}" for n in SIZES), "slope", "per item"], rows),
        ]
    )
    return Result(metrics=metrics, targets=targets, markdown=markdown)
