"""gRPC beside HTTP: one specgate process with one worker serving both, k8s.json, loaded by h2load.

h2load (nghttp2, C, event-driven) drives both protocols, so the two rows compare the servers and not two load
generators of different cost: HTTP/1.1 `POST /validate` on 64 connections (the load the HTTP section puts on it
with wrk), gRPC `Validate` with the same 64 calls in flight, once on 64 connections and once multiplexed as a gRPC
client does (4 connections x 16 streams), and `ValidateStream` carrying 100 documents per call.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.framework import DATA, Context, Result, Target, ensure_h2load, free_port, h2load, serve, table

TITLE = "gRPC: Validate beside HTTP /validate (one worker, k8s.json)"
ORDER = 35

IN_FLIGHT = 64
STREAM_DOCUMENTS = 100
RATIO_GOAL = 1.0  # gRPC Validate calls/s at least HTTP /validate requests/s, same process and worker count


def framed(*messages: bytes) -> bytes:
    """gRPC's length-prefixed framing: flag byte 0 (not compressed), 4-byte big-endian length, the message."""
    return b"".join(b"\x00" + len(m).to_bytes(4, "big") + m for m in messages)


def _check_answers(http_url: str, grpc_address: str, document: bytes) -> None:
    """One call of each kind with real clients: OK, and the same findings (h2load sees only HTTP statuses)."""
    import grpc
    import httpx

    from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc

    expected = httpx.post(
        f"{http_url}/validate?profile=runsc", content=document, headers={"content-type": "application/json"}
    ).json()
    with grpc.insecure_channel(grpc_address) as channel:
        stub = pb_grpc.SpecgateStub(channel)
        report = stub.Validate(pb.ValidateRequest(document=document, profile="runsc"), timeout=30)
        stream = list(
            stub.ValidateStream(iter([pb.ValidateStreamRequest(request=pb.ValidateRequest(document=document))]))
        )
    found = [(f.rule, f.path, f.message) for f in report.findings]
    if found != [(f["rule"], f["path"], f["message"]) for f in expected["findings"]]:
        raise RuntimeError("gRPC and HTTP disagree on k8s.json")
    if len(stream) != 1 or stream[0].report != report:
        raise RuntimeError("ValidateStream does not answer as Validate")


def run(ctx: Context) -> Result:
    if ensure_h2load() is None:
        return Result(
            metrics={"skipped": "h2load not installed"},
            targets=[Target("gRPC Validate vs HTTP /validate", f">= {RATIO_GOAL:g}x calls/s", "h2load missing", None)],
            markdown="Not measured: `h2load` is not installed and could not be (`apt-get install nghttp2-client`).",
        )
    from app import core
    from app.grpc import convert
    from app.grpc.gen import specgate_pb2 as pb

    document = ctx.document("k8s")
    # In-process: what each protocol adds to the judgement itself, encoding the same report as its answer.
    report = core.validate(document)
    encoding = {
        "validate_us": ctx.best(lambda: core.validate(document)) * 1e6,
        "protobuf_us": ctx.best(lambda: convert.validation_report(report).SerializeToString()) * 1e6,
        "json_us": ctx.best(lambda: report.model_dump_json()) * 1e6,
    }
    request = pb.ValidateRequest(document=document, profile="runsc").SerializeToString()
    stream_item = pb.ValidateStreamRequest(request=pb.ValidateRequest(document=document)).SerializeToString()
    grpc_headers = ["content-type: application/grpc", "te: trailers"]
    seconds = ctx.http_seconds
    grpc_port = free_port()
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        unary, stream = Path(tmp) / "validate.bin", Path(tmp) / "stream.bin"
        unary.write_bytes(framed(request))
        stream.write_bytes(framed(*[stream_item] * STREAM_DOCUMENTS))
        with serve("app.main:app", env={"SPECGATE_GRPC_PORT": str(grpc_port)}, ready="/readyz") as specgate:
            grpc_url = f"http://127.0.0.1:{grpc_port}/specgate.v1.Specgate"
            _check_answers(specgate.url, f"127.0.0.1:{grpc_port}", document)
            runs["http"] = h2load(
                f"{specgate.url}/validate?profile=runsc",
                DATA / "k8s.json",
                connections=IN_FLIGHT,
                streams=1,
                seconds=seconds,
                headers=["content-type: application/json"],
                http1=True,
            )
            runs["grpc_64x1"] = h2load(
                f"{grpc_url}/Validate", unary, connections=IN_FLIGHT, streams=1, seconds=seconds, headers=grpc_headers
            )
            runs["grpc_4x16"] = h2load(
                f"{grpc_url}/Validate", unary, connections=4, streams=16, seconds=seconds, headers=grpc_headers
            )
            runs["grpc_stream"] = h2load(
                f"{grpc_url}/ValidateStream", stream, connections=4, streams=1, seconds=seconds, headers=grpc_headers
            )
            runs["grpc_stream"]["documents_per_s"] = runs["grpc_stream"]["rps"] * STREAM_DOCUMENTS
            rss = max(specgate.rss_mib())
    http, best_grpc = runs["http"], max(runs["grpc_64x1"], runs["grpc_4x16"], key=lambda r: r["rps"])
    ratio = best_grpc["rps"] / http["rps"] if http["rps"] else 0.0
    ratio_4x16 = runs["grpc_4x16"]["rps"] / http["rps"] if http["rps"] else 0.0
    documents_per_s = runs["grpc_stream"]["documents_per_s"]

    def row(name: str, r: dict[str, Any], per_second: str | None = None) -> list[str]:
        return [
            name,
            per_second or f"{r['rps']:,.0f}",
            f"{r['p50_ms']:.1f} ms",
            f"{r['p99_ms']:.1f} ms",
            f"{r['errors']:,}",
        ]

    rows = [
        row(f"HTTP/1.1 POST /validate, {IN_FLIGHT} connections", http),
        row(f"gRPC Validate, {IN_FLIGHT} connections x 1 stream", runs["grpc_64x1"]),
        row("gRPC Validate, 4 connections x 16 streams", runs["grpc_4x16"]),
        row(
            f"gRPC ValidateStream, {STREAM_DOCUMENTS} documents per call, 4 connections",
            runs["grpc_stream"],
            f"{documents_per_s:,.0f} documents",
        ),
    ]
    targets = [
        Target(
            "gRPC Validate calls/s vs HTTP /validate req/s (one worker, k8s.json)",
            f">= {RATIO_GOAL:g}x",
            f"{ratio:.2f}x ({best_grpc['rps']:,.0f} vs {http['rps']:,.0f}/s)",
            ratio >= RATIO_GOAL,
        ),
        Target(
            "gRPC Validate p99, 64 calls in flight on 4 connections",
            "report",
            f"{runs['grpc_4x16']['p99_ms']:.1f} ms (HTTP: {http['p99_ms']:.1f} ms)",
            None,
        ),
    ]
    errors = sum(r["errors"] for r in runs.values())
    if errors:
        ctx.notes.append(f"the gRPC section saw {errors} non-2xx answers")
    metrics = {
        **runs,
        "ratio": ratio,
        "ratio_4x16": ratio_4x16,
        "in_flight": IN_FLIGHT,
        "stream_documents": STREAM_DOCUMENTS,
        "rss_mib": rss,
        "encoding": encoding,
    }
    markdown = "\n\n".join(
        [
            "One `uvicorn app.main:app --workers 1` with `SPECGATE_GRPC_PORT` set: HTTP and gRPC served by the same "
            "process and event loop, one after the other, each loaded by `h2load` (nghttp2's C load generator, "
            f"also for HTTP, so both rows pay the same client cost) for {seconds:g} s after a 1 s warm-up, with "
            "`k8s.json` judged by `runsc` in every call. Before the load, one call of each kind is checked with "
            "real clients to give the same findings. Latencies are per call, from h2load's request log.",
            table(["protocol, load", "calls/s", "p50", "p99", "non-2xx"], rows),
            f"gRPC `Validate` answers **{ratio:.2f}x** the calls per second of HTTP `/validate` with the same "
            f"worker count ({ratio_4x16:.2f}x multiplexed on 4 connections). `ValidateStream` judges "
            f"{documents_per_s:,.0f} documents per second over 4 calls in flight. Server RSS after the run: "
            f"{rss:.0f} MiB.",
            "In-process, the same report encoded as each protocol's answer (`--clock` of the run, best of "
            f"{ctx.repeat}): `app.core.validate` {encoding['validate_us']:.0f} us; the protobuf answer "
            f"(app/grpc/convert.py, then SerializeToString) {encoding['protobuf_us']:.1f} us; the JSON answer "
            f"(pydantic `model_dump_json`) {encoding['json_us']:.1f} us.",
        ]
    )
    return Result(metrics=metrics, targets=targets, markdown=markdown)
