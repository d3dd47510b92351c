"""`make bench` / `python -m bench`: run every section, write bench/results.json and docs/performance.md.

Sections are the modules of bench/sections/ (see bench/README.md for how to add one). Each runs once,
in ORDER; one that fails is reported as failed in both outputs and the others still run. With --only,
the named sections replace theirs in the existing results.json and the others are kept as they were.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
import sysconfig
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import sections
from bench.framework import ROOT, Context, Result, Target

RESULTS = ROOT / "bench" / "results.json"
PERFORMANCE = ROOT / "docs" / "performance.md"
PACKAGES = (
    "fastapi",
    "starlette",
    "pydantic",
    "uvicorn",
    "uvloop",
    "httptools",
    "orjson",
    "jsonschema-rs",
    "jsonschema",
)


def discover() -> list[ModuleType]:
    """Every section module, in ORDER (then name)."""
    found = [importlib.import_module(f"bench.sections.{info.name}") for info in pkgutil.iter_modules(sections.__path__)]
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_mib": memory,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "python_build": python_build(),
        "core_build": core_build(),
        "system": f"{platform.system()} {platform.release()}",
        "packages": versions,
    }


def python_build() -> str:
    """How the interpreter was compiled: the Python parts of every ratio depend on it, orjson's do not."""
    flags = str(sysconfig.get_config_var("CONFIG_ARGS") or "")
    optimized = [name for name in ("--enable-optimizations", "--with-lto") if name in flags]
    return "optimized (" + ", ".join(optimized) + ")" if optimized else "without PGO or LTO (a plain source build)"


def core_build() -> str:
    """Whether the core runs compiled (make compile) in this process: every in-process number depends on it."""
    import app.core  # noqa: F401  (activates the compiled modules, as the server and the CLI do)
    from app.core import native

    compiled = native.compiled_modules()
    if not compiled:
        return "pure Python (not compiled: `make compile`, or SPECGATE_NATIVE=0)"
    in_c = len(native.c_sources())
    return (
        f"{len(compiled)} of its {len(native.sources())} hot modules compiled (`make compile`): "
        f"{len(native.mypyc_sources())} with mypyc, {in_c} written in C"
    )


def run_section(module: ModuleType, ctx: Context) -> dict[str, Any]:
    """Run one section; its result as stored in results.json (a failure becomes a result saying so)."""
    title = getattr(module, "TITLE", module.__name__)
    print(f"== {module.__name__}: {title}", file=sys.stderr, flush=True)
    started, t = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), time.monotonic()
    try:
        result: Result = module.run(ctx)
    except Exception as exc:  # one broken section must not lose the others' numbers
        traceback.print_exc()
        why = f"{type(exc).__name__}: {exc}"
        result = Result(
            metrics={"failed": why},
            targets=[Target(title, "runs", f"failed: {why}", None)],
            markdown=f"This section failed in this run: `{why}`.",
        )
    seconds = round(time.monotonic() - t, 1)
    print(f"   {seconds} s", file=sys.stderr, flush=True)
    return {
        "title": title,
        "order": getattr(module, "ORDER", 100),
        "started": started,
        "seconds": seconds,
        "quick": ctx.quick,
        "metrics": result.metrics,
        "targets": [asdict(t) for t in result.targets],
        "markdown": result.markdown,
    }


def skipped(module: ModuleType, why: str) -> dict[str, Any]:
    """A section that was not run, as results.json holds it."""
    title = getattr(module, "TITLE", module.__name__)
    name = module.__name__.rsplit(".", 1)[1]
    return {
        "title": title,
        "order": getattr(module, "ORDER", 100),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": 0.0,
        "quick": False,
        "metrics": {"skipped": why},
        "targets": [asdict(Target(title, "runs", why, None))],
        "markdown": f"Not measured in this run ({why}); `python -m bench --only {name}` measures it.",
    }


def render(document: dict[str, Any]) -> str:
    """docs/performance.md: the machine, every target with its value, then each section."""
    m = document["machine"]
    ordered = sorted(document["sections"].items(), key=lambda kv: (kv[1]["order"], kv[0]))
    quick = any(s["quick"] for _, s in ordered)
    lines = [
        "# Performance",
        "",
        "Generated by `make bench` (`python -m bench`, bench/README.md); do not edit by hand. "
        f"Run of {document['started']}, {document['seconds']:.0f} s"
        + (" (some sections with **--quick**: short loops, indicative only)" if quick else "")
        + ".",
        "",
        "## Machine",
        "",
        f"- {m['cpu']}; {m['cpus']} CPUs ({m['usable_cpus']} usable by the process), {m['memory_mib']} MiB",
        f"- load average at the start: {', '.join(map(str, m['load_average']))}",
        f"- Python {m['python']} ({m.get('python_build', 'build unknown')}) on {m['system']}",
        f"- the core: {m.get('core_build', 'unknown')}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        "",
        "How to read the numbers: this machine may be shared and noisy, so every comparison is a ratio of two "
        "numbers measured in the same run, side by side. In-process timings use this process's CPU time "
        f"(`--clock {document['clock']}`) and keep the best of {document['repeat']} runs: the run least disturbed "
        "by the rest of the machine. They are taken with timeit, which turns the garbage collector off while it "
        "times, for the floor and for specgate alike (the server runs with its start-up objects frozen out of the "
        "collector, `gc.freeze()`). HTTP numbers are wall-clock by nature and the noisiest.",
        *[f"- {note}" for note in document.get("notes", [])],
        "",
        "## Targets",
        "",
        "| target | goal | measured | met |",
        "|:---|:---|---:|:---:|",
    ]
    for _, section in ordered:
        for t in section["targets"]:
            met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
            lines.append(f"| {t['name']} | {t['goal']} | {t['value']} | {met} |")
    for name, section in ordered:
        lines += ["", f"## {section['title']}", "", f"<!-- section {name}, run {section['started']} -->"]
        lines += ["", section["markdown"].strip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run specgate's benchmark (bench/README.md).")
    parser.add_argument("--only", action="append", help="only this section (module name; repeatable)")
    parser.add_argument("--quick", action="store_true", help="smaller loops: a smoke run, indicative numbers")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="clock of in-process timings")
    parser.add_argument("--repeat", type=int, default=5, help="in-process timings: best of N (default 5)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=270.0,
        help="start no section after this many seconds (default 270: the run stays within 5 minutes even on a "
        "busy machine; a section not started is reported as not measured)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON results")
    parser.add_argument("--markdown", type=Path, default=PERFORMANCE, help="where to write docs/performance.md")
    args = parser.parse_args(argv)

    ctx = Context(quick=args.quick, clock=args.clock, repeat=2 if args.quick else args.repeat)
    if args.quick:
        ctx.budget, ctx.http_seconds = 0.02, 2.0
    modules = discover()
    names = {m.__name__.rsplit(".", 1)[1]: m for m in modules}
    unknown = sorted(set(args.only or ()) - set(names))
    if unknown:
        parser.error(f"no section {', '.join(unknown)}; there are {', '.join(names)}")
    t0 = time.monotonic()
    document: dict[str, Any] = {"sections": {}}
    if args.only and args.results.exists():
        document = json.loads(args.results.read_text())  # keep the other sections' last numbers
    document.update(
        started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        quick=args.quick,
        clock=args.clock,
        repeat=ctx.repeat,
        machine=machine(),
    )
    for name, module in names.items():
        if args.only and name not in args.only:
            continue
        if time.monotonic() - t0 > args.max_seconds:
            document["sections"][name] = skipped(module, f"not run: the run had used its {args.max_seconds:g} s")
            continue
        document["sections"][name] = run_section(module, ctx)
    document["sections"] = {k: v for k, v in document["sections"].items() if k in names}
    document["seconds"] = round(time.monotonic() - t0, 1)
    document["notes"] = ctx.notes
    document["targets"] = [
        {"section": name, **t} for name, section in document["sections"].items() for t in section["targets"]
    ]
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(document, indent=2) + "\n")
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(render(document))
    print(f"wrote {args.results} and {args.markdown} in {document['seconds']:.0f} s", file=sys.stderr)
    for t in document["targets"]:
        mark = {True: "ok ", False: "NO ", None: "-- "}[t["met"]]
        print(f"{mark} {t['name']}: {t['value']} ({t['goal']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
