"""HTTP: one uvicorn worker, 64 connections, POST k8s.json: specgate's /validate against a raw ASGI echo app."""

from __future__ import annotations

import contextlib
from typing import Any

from bench.framework import DATA, Context, Result, Target, ensure_h2load, h2load, serve, table

TITLE = "HTTP: /validate against the raw ASGI floor"
ORDER = 30

CONNECTIONS = 64
RATIO_GOAL = 0.5  # /validate requests/s at least this fraction of the echo app's
P99_GOAL_MS = 25.0
RSS_GOAL_MIB = 120.0
ROUNDS = 2  # runs of each app, in turns; the best one counts
STORM_SECONDS = 2  # the run that opens every connection at once, measured from its first request
HEADERS = ["content-type: application/json"]


def run(ctx: Context) -> Result:
    if ensure_h2load() is None:
        return Result(
            metrics={"skipped": "h2load not installed"},
            targets=[Target("HTTP /validate vs raw ASGI", f">= {RATIO_GOAL}x req/s", "h2load missing", None)],
            markdown="Not measured: `h2load` is not installed and could not be (`apt-get install nghttp2-client`).",
        )
    body = DATA / "k8s.json"
    seconds = ctx.http_seconds
    runs: dict[str, dict[str, Any]] = {}
    served = {
        "echo": ("bench.echo_app:app", "/", "/", {}),
        "validate": ("app.main:app", "/readyz", "/validate?profile=runsc", {}),
        # The same request through the FastAPI route only: what the fast path saves.
        "validate_route": ("app.main:app", "/readyz", "/validate?profile=runsc", {"SPECGATE_FAST_PATH": "false"}),
    }
    rounds = 1 if ctx.quick else ROUNDS
    with contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(serve(app, env=env, ready=ready)) for name, (app, ready, _, env) in served.items()
        }
        urls = {name: servers[name].url + path for name, (_, _, path, _) in served.items()}
        # Steady state: 64 connections kept busy, measured after a warm-up on the same connections. The apps are
        # loaded in turns and each keeps its best run (the most requests/s), so that a burst of load from the rest
        # of a shared machine falls on one run of each rather than on all runs of one.
        for _ in range(rounds):
            for name, server in servers.items():
                run = h2load(
                    urls[name],
                    body,
                    connections=CONNECTIONS,
                    seconds=seconds,
                    headers=HEADERS,
                    http1=True,
                    server=server,
                )
                if name not in runs or run["rps"] > runs[name]["rps"]:
                    runs[name] = run
        for name, server in servers.items():
            runs[name]["rss_mib"] = max(server.rss_mib())
            # Then 64 new connections opened at once and kept busy: latency counted from the very first request.
            runs[name]["storm"] = h2load(
                urls[name], body, connections=CONNECTIONS, seconds=STORM_SECONDS, headers=HEADERS, http1=True, warm_up=0
            )
    echo, validate, route = runs["echo"], runs["validate"], runs["validate_route"]
    ratio = validate["rps"] / echo["rps"] if echo["rps"] else 0.0
    cpu_ratio = echo["cpu_us"] / validate["cpu_us"] if validate["cpu_us"] else 0.0
    # With 64 requests always in flight, a request waits for the 63 others (Little's law): the mean latency is
    # 64 / (requests/s), whatever the server does with its time.
    little_ms = CONNECTIONS / validate["rps"] * 1000 if validate["rps"] else 0.0
    metrics = {**runs, "ratio": ratio, "cpu_ratio": cpu_ratio, "connections": CONNECTIONS, "seconds": seconds}
    metrics["rounds"] = rounds
    rows = [
        [
            name,
            f"{r['rps']:,.0f}",
            f"{r['cpu_us']:,.0f} us",
            f"{r['p50_ms']:.1f} ms",
            f"{r['p99_ms']:.1f} ms",
            f"{r['storm']['p99_ms']:.1f} ms / {r['storm']['max_ms']:.0f} ms",
            f"{r['errors'] + r['storm']['errors']:,}",
            f"{r['rss_mib']:.0f} MiB",
        ]
        for name, r in (
            ("raw ASGI echo (orjson.loads)", echo),
            ("specgate /validate?profile=runsc", validate),
            ("the same, through the FastAPI route (SPECGATE_FAST_PATH=false)", route),
        )
    ]
    targets = [
        Target("HTTP /validate req/s vs raw ASGI", f">= {RATIO_GOAL}x", f"{ratio:.2f}x", ratio >= RATIO_GOAL),
        Target(
            "HTTP /validate p99, 64 connections",
            f"< {P99_GOAL_MS:g} ms",
            f"{validate['p99_ms']:.1f} ms (64 in flight at {validate['rps']:,.0f}/s: mean >= {little_ms:.0f} ms)",
            validate["p99_ms"] < P99_GOAL_MS,
        ),
        Target(
            "server RSS after the run, per worker",
            f"< {RSS_GOAL_MIB:g} MiB",
            f"{validate['rss_mib']:.0f} MiB",
            validate["rss_mib"] < RSS_GOAL_MIB,
        ),
    ]
    errors = validate["errors"] + validate["storm"]["errors"]
    if errors:
        ctx.notes.append(f"/validate answered {errors} non-2xx or failed requests during the HTTP run")
    markdown = "\n\n".join(
        [
            f"`uvicorn APP --workers 1` (uvloop and httptools, access log on, output discarded), loaded by "
            f"`h2load --h1` (nghttp2's C load generator, one thread, {CONNECTIONS} connections, each with one "
            f"request in flight) with `k8s.json` as the body of every POST, for {seconds:g} s after a 1 s warm-up "
            f"on the same connections; the three apps are served side by side and loaded in turns, {rounds} runs "
            "each, and each keeps its best run. The echo app (bench/echo_app.py) reads the body, parses it with "
            "orjson and answers a fixed small JSON: the least any Python service parsing the document spends. Only "
            "one app is loaded at a time, on the same loopback; h2load and the server share the machine's cores, "
            "as they would on a 2-core node. `server CPU` is the server process's CPU time per request in the "
            "measured phase (from /proc): it depends much less than requests/s on what else the machine runs.",
            table(
                [
                    "served app",
                    "requests/s",
                    "server CPU",
                    "p50",
                    "p99",
                    "new connections: p99 / max",
                    "errors",
                    "RSS after",
                ],
                rows,
            ),
            f"Ratio of requests/s: **{ratio:.2f}x** the floor (server CPU per request: {cpu_ratio:.2f}x; through "
            f"the FastAPI route only: {route['rps'] / echo['rps'] if echo['rps'] else 0.0:.2f}x).",
            f"Latency with {CONNECTIONS} connections each keeping one request in flight is set by the throughput: "
            f"every request waits for the others (Little's law), so the mean is {CONNECTIONS} / requests/s "
            f"({little_ms:.0f} ms at {validate['rps']:,.0f}/s) and a p99 under {P99_GOAL_MS:g} ms needs more than "
            f"{CONNECTIONS / P99_GOAL_MS * 1000:,.0f} requests/s from one worker.",
            f"`new connections` is a separate {STORM_SECONDS} s run that opens all {CONNECTIONS} connections at "
            "once and counts from the first request. uvloop (libuv 1.45 and later) accepts one connection per "
            "turn of the event loop, and under load each turn also answers one request of every connection "
            "already accepted, so the last connection's first request waits for about 64 x 65 / 2 requests: the "
            "long tail wrk reported when it measured from the opening of its connections.",
        ]
    )
    return Result(metrics=metrics, targets=targets, markdown=markdown)
