"""HTTP: one uvicorn worker, 64 connections, POST k8s.json: specgate's /validate against a raw ASGI echo app."""

from __future__ import annotations

from typing import Any

from bench.framework import DATA, Context, Result, Target, ensure_wrk, serve, table, wrk_post

TITLE = "HTTP: /validate against the raw ASGI floor"
ORDER = 30

CONNECTIONS = 64
RATIO_GOAL = 0.5  # /validate requests/s at least this fraction of the echo app's
P99_GOAL_MS = 25.0
RSS_GOAL_MIB = 120.0


def run(ctx: Context) -> Result:
    if ensure_wrk() is None:
        return Result(
            metrics={"skipped": "wrk not installed"},
            targets=[Target("HTTP /validate vs raw ASGI", f">= {RATIO_GOAL}x req/s", "wrk missing", None)],
            markdown="Not measured: `wrk` is not installed and could not be (`apt-get install wrk` as root).",
        )
    body = DATA / "k8s.json"
    seconds = ctx.http_seconds
    runs: dict[str, dict[str, Any]] = {}
    with serve("bench.echo_app:app") as echo:
        wrk_post(echo.url + "/", body, connections=CONNECTIONS, seconds=1)  # warm-up
        runs["echo"] = wrk_post(echo.url + "/", body, connections=CONNECTIONS, seconds=seconds)
        runs["echo"]["rss_mib"] = max(echo.rss_mib())
    with serve("app.main:app", ready="/readyz") as specgate:
        url = specgate.url + "/validate?profile=runsc"
        wrk_post(url, body, connections=CONNECTIONS, seconds=1)  # warm-up
        runs["validate"] = wrk_post(url, body, connections=CONNECTIONS, seconds=seconds)
        runs["validate"]["rss_mib"] = max(specgate.rss_mib())
    # The same request through the FastAPI route only (SPECGATE_FAST_PATH=false): what the fast path saves.
    with serve("app.main:app", ready="/readyz", env={"SPECGATE_FAST_PATH": "false"}) as routed:
        url = routed.url + "/validate?profile=runsc"
        wrk_post(url, body, connections=CONNECTIONS, seconds=1)  # warm-up
        runs["validate_route"] = wrk_post(url, body, connections=CONNECTIONS, seconds=seconds)
        runs["validate_route"]["rss_mib"] = max(routed.rss_mib())
    echo_rps, validate = runs["echo"]["rps"], runs["validate"]
    ratio = validate["rps"] / echo_rps if echo_rps else 0.0
    metrics = {**runs, "ratio": ratio, "connections": CONNECTIONS, "seconds": seconds}
    rows = [
        [
            name,
            f"{r['rps']:,.0f}",
            f"{r['p50_ms']:.1f} ms",
            f"{r['p99_ms']:.1f} ms",
            f"{r['errors']:,}",
            f"{r['rss_mib']:.0f} MiB",
        ]
        for name, r in (
            ("raw ASGI echo (orjson.loads)", runs["echo"]),
            ("specgate /validate?profile=runsc", validate),
            ("the same, through the FastAPI route (SPECGATE_FAST_PATH=false)", runs["validate_route"]),
        )
    ]
    targets = [
        Target("HTTP /validate req/s vs raw ASGI", f">= {RATIO_GOAL}x", f"{ratio:.2f}x", ratio >= RATIO_GOAL),
        Target(
            "HTTP /validate p99, 64 connections",
            f"< {P99_GOAL_MS:g} ms",
            f"{validate['p99_ms']:.1f} ms",
            validate["p99_ms"] < P99_GOAL_MS,
        ),
        Target(
            "server RSS after the run, per worker",
            f"< {RSS_GOAL_MIB:g} MiB",
            f"{validate['rss_mib']:.0f} MiB",
            validate["rss_mib"] < RSS_GOAL_MIB,
        ),
    ]
    if validate["errors"]:
        ctx.notes.append(f"/validate answered {validate['errors']} non-2xx or failed requests during the HTTP run")
    markdown = "\n\n".join(
        [
            f"`uvicorn APP --workers 1` (uvloop and httptools, access log on, output discarded), loaded by `wrk` "
            f"(one thread, {CONNECTIONS} connections, {seconds:g} s after a 1 s warm-up) with `k8s.json` as the "
            "body of every POST. The echo app (bench/echo_app.py) reads the body, parses it with orjson and "
            "answers a fixed small JSON: the least any Python service parsing the document spends. Both run "
            "one after the other in the same `make bench`, on the same loopback; wrk and the server share the "
            "machine's cores, as they would on a 2-core node.",
            table(["served app", "requests/s", "p50", "p99", "errors", "RSS after"], rows),
            f"Ratio of requests/s: **{ratio:.2f}x** the floor (through the FastAPI route only: "
            f"{runs['validate_route']['rps'] / echo_rps if echo_rps else 0.0:.2f}x).",
        ]
    )
    return Result(metrics=metrics, targets=targets, markdown=markdown)
