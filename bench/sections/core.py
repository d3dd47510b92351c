"""In-process: orjson.loads (the floor), app.core.validate per profile and python-jsonschema, on small/k8s/big."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from bench.framework import DOCUMENTS, Context, Result, Target, table, us

TITLE = "Core, in-process: the parse floor, each profile, python-jsonschema"
ORDER = 10

# The goals: a full validation within these multiples of orjson.loads of the same bytes.
CORE_GOALS = {"small": 8.0, "k8s": 3.0, "big": 5.0}
GOAL_PROFILES = ("runsc", "oci")
JSONSCHEMA_GOAL = 50.0  # at least this many times faster than python-jsonschema on k8s.json


def jsonschema_validator() -> Any:
    """python-jsonschema's Draft 4 validator over the runtime-spec schema of the newest release, as the oci
    profile loads it (the same files, the same upstream fixes)."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    from app.core.profiles.oci.schema import LATEST, ROOT, base_uri, files

    schemas = files(LATEST)
    registry = Registry().with_resources(
        (base_uri(LATEST) + name, Resource.from_contents(schema, default_specification=DRAFT4))
        for name, schema in schemas.items()
    )
    return jsonschema.Draft4Validator(schemas[ROOT], registry=registry)


def breakdown(ctx: Context, raw: bytes, profile: str) -> dict[str, float]:
    """Where one validation's time goes, in seconds per part (parts timed alone; the rest is what is left)."""
    from app.core import validate
    from app.core.engine import judge
    from app.core.gospec import decode, go_view
    from app.core.loader import load
    from app.core.profiles import get_profile
    from app.core.profiles.base import CheckOptions
    from app.core.rules import findings_of

    prof, options = get_profile(profile), CheckOptions()
    doc = load(raw)
    findings = prof.check(doc, options)
    funcs: dict[str, Any] = {
        "parse (orjson.loads)": partial(orjson.loads, raw),
        "load (parse + duplicate-member proof)": partial(load, raw),
        "check (decode, rules, findings)": partial(prof.check, doc, options),
        "judge (check, sandbox, summary, report)": partial(judge, doc, prof, options),
        "validate (all of it)": partial(validate, raw, profile=profile),
        "building the Finding models": partial(
            findings_of, [(f.rule, f.severity, f.path, f.message) for f in findings]
        ),
    }
    if profile.startswith("runsc"):
        model = "runsc" if profile == "runsc" else "runsc-2018"
        view = go_view(doc.raw, doc.data, bool(doc.duplicates))
        funcs["decode as Go (gospec)"] = partial(decode, view, model)
    parts = ctx.best_of(funcs)
    parts["findings (count)"] = float(len(findings))
    return parts


_PURE = """
import json, sys
from functools import partial
from pathlib import Path
import orjson
from app.core import validate
from app.core.native import compiled_modules
from bench.framework import DATA, best_of
assert not compiled_modules()
names, repeat, budget, clock = json.loads(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
found = {}
for name in names:
    raw = (DATA / f"{name}.json").read_bytes()
    funcs = {"floor": partial(orjson.loads, raw)} | {p: partial(validate, raw, profile=p) for p in ("runsc", "oci")}
    found[name] = best_of(funcs, repeat, budget, clock)
print(json.dumps(found))
"""


def pure_python(ctx: Context) -> dict[str, dict[str, float]] | None:
    """The same floor and profiles timed in a child process that runs the core from source (SPECGATE_NATIVE=0):
    what the compiled build gains, side by side. None when the core is not compiled here (nothing to compare)."""
    from app.core.native import compiled_modules

    if not compiled_modules():
        return None
    env = os.environ | {"SPECGATE_NATIVE": "0"}
    args = [json.dumps(list(DOCUMENTS)), str(ctx.repeat), str(ctx.budget), ctx.clock]
    done = subprocess.run(
        [sys.executable, "-c", _PURE, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
        check=True,
    )
    found: dict[str, dict[str, float]] = json.loads(done.stdout)
    return found


def calls(raw: bytes, profiles: Iterable[str]) -> dict[str, Callable[[], object]]:
    """The floor (`orjson.loads` of `raw`) and a full validation of `raw` by each profile, to be timed in turns."""
    from app.core import validate

    floor: dict[str, Callable[[], object]] = {"floor": partial(orjson.loads, raw)}
    return floor | {p: partial(validate, raw, profile=p) for p in profiles}


def with_collector(ctx: Context) -> dict[str, dict[str, float]]:
    """The floor and the goal profiles timed with the garbage collector on, everything built so far frozen out
    of it as the server does (app/main.py), then thawed again for the sections after this one."""
    import gc

    gc.collect()
    gc.freeze()
    try:
        found = {}
        for name in DOCUMENTS:
            raw = ctx.document(name)
            found[name] = ctx.best_of(calls(raw, GOAL_PROFILES), collector=True)
        return found
    finally:
        gc.unfreeze()


def run(ctx: Context) -> Result:
    from app.core import profile_names

    profiles = profile_names()
    checker = jsonschema_validator()

    def all_errors(raw: bytes) -> int:
        return sum(1 for _ in checker.iter_errors(orjson.loads(raw)))  # every error, as the core reports all

    metrics: dict[str, Any] = {}
    rows = []
    for name in DOCUMENTS:
        raw = ctx.document(name)
        # The floor and every profile in turns, so that the ratios compare runs made under the same load.
        timed = ctx.best_of(calls(raw, profiles))
        floor = timed["floor"]
        cell: dict[str, Any] = {"bytes": len(raw), "orjson_loads_s": floor, "profiles": {}}
        row: list[Any] = [f"{name} ({len(raw) / 1024:.1f} KiB)", us(floor)]
        for profile in profiles:
            spent = timed[profile]
            cell["profiles"][profile] = {"seconds": spent, "ratio": spent / floor}
            row.append(f"{us(spent)} ({spent / floor:.1f}x)")
        # python-jsonschema is slow on big.json: a few single calls are enough to time it.
        slow = ctx.best(partial(all_errors, raw), repeat=3 if name == "big" else ctx.repeat, budget=0.01)
        cell["jsonschema"] = {"seconds": slow, "ratio": slow / floor, "errors": all_errors(raw)}
        row.append(f"{us(slow)} ({slow / floor:.0f}x)")
        metrics[name] = cell
        rows.append(row)

    targets = []
    for name, goal in CORE_GOALS.items():
        for profile in GOAL_PROFILES:
            ratio = metrics[name]["profiles"][profile]["ratio"]
            targets.append(
                Target(f"core {profile} {name}.json", f"<= {goal:g}x orjson.loads", f"{ratio:.1f}x", ratio <= goal)
            )
    for profile in GOAL_PROFILES:
        speedup = metrics["k8s"]["jsonschema"]["seconds"] / metrics["k8s"]["profiles"][profile]["seconds"]
        targets.append(
            Target(
                f"core {profile} vs python-jsonschema, k8s.json",
                f">= {JSONSCHEMA_GOAL:g}x faster",
                f"{speedup:.0f}x",
                speedup >= JSONSCHEMA_GOAL,
            )
        )
    metrics["jsonschema_speedup_k8s"] = {
        p: metrics["k8s"]["jsonschema"]["seconds"] / metrics["k8s"]["profiles"][p]["seconds"] for p in profiles
    }
    pure = pure_python(ctx)
    pure_rows = []
    if pure is not None:
        metrics["pure_python"] = pure
        for name in DOCUMENTS:
            floor_pure = pure[name]["floor"]
            pure_rows.append(
                [
                    name,
                    *(
                        f"{metrics[name]['profiles'][p]['ratio']:.1f}x / {pure[name][p] / floor_pure:.1f}x "
                        f"({pure[name][p] / floor_pure / metrics[name]['profiles'][p]['ratio']:.2f}x faster)"
                        for p in GOAL_PROFILES
                    ),
                ]
            )
    collected = with_collector(ctx)
    metrics["with_collector"] = collected
    collector_rows = [
        [
            name,
            us(collected[name]["floor"]),
            *(
                f"{us(collected[name][p])} ({collected[name][p] / collected[name]['floor']:.1f}x; "
                f"off: {metrics[name]['profiles'][p]['ratio']:.1f}x)"
                for p in GOAL_PROFILES
            ),
        ]
        for name in DOCUMENTS
    ]
    raw = ctx.document("k8s")
    split = {profile: breakdown(ctx, raw, profile) for profile in GOAL_PROFILES}
    metrics["k8s_breakdown_s"] = split
    parts = list(dict.fromkeys(part for profile in GOAL_PROFILES for part in split[profile]))
    split_rows = [
        [
            part,
            *(
                f"{us(split[p][part])} ({split[p][part] / split[p]['parse (orjson.loads)']:.1f}x)"
                if part in split[p]
                else "-"
                for p in GOAL_PROFILES
            ),
        ]
        for part in parts
        if part != "findings (count)"
    ]
    split_rows.append(["findings in the report", *(f"{split[p]['findings (count)']:.0f}" for p in GOAL_PROFILES)])
    markdown = "\n\n".join(
        [
            "Time of one call and its ratio to `orjson.loads` of the same bytes. `validate` parses the bytes "
            "itself, so the ratio includes the parse; python-jsonschema (Draft 4, the runtime-spec schema of the "
            "newest release as the `oci` profile loads it) is timed on `orjson.loads` plus `iter_errors` to the "
            "end (all errors, as specgate reports all findings). It checks the schema only: every profile checks "
            "strictly more (runtime behaviour, cross-field rules, duplicate members, Go decoding).",
            table(["document", "orjson.loads", *profiles, "python-jsonschema"], rows),
            *(
                [
                    "The same calls with the core compiled (as above, `make compile`) and from source "
                    "(`SPECGATE_NATIVE=0`, timed in a child process in the same run), as ratios to `orjson.loads`. "
                    "The targets are judged on the compiled build, which `make serve` and the image run (a "
                    "wheel built after `make compile` carries it).",
                    table(["document", *(f"{p}: compiled / source" for p in GOAL_PROFILES)], pure_rows),
                ]
                if pure_rows
                else []
            ),
            "The same calls with the garbage collector on, as the server runs them (after `gc.collect()` and "
            "`gc.freeze()`, which the server does once it is ready), beside the ratio with it off from the first "
            "table. Both the floor and specgate pay for it: the collector visits the containers each call "
            "creates, which for big.json are the parsed tree's 20,000 and the report's 4,000 findings.",
            table(["document", "orjson.loads", *GOAL_PROFILES], collector_rows),
            "Where the time goes on `k8s.json` (each part timed alone, in multiples of `orjson.loads`; a part "
            "includes the parts above it where its name says so). `check` is the profile's rules on the loaded "
            "document: for runsc it decodes the document as Go would first, and it ends by building the Finding "
            "models the report holds.",
            table(["part", *GOAL_PROFILES], split_rows),
        ]
    )
    return Result(metrics=metrics, targets=targets, markdown=markdown)
