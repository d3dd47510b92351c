"""gRPC calls in /metrics beside HTTP's, and health NOT_SERVING as soon as the process is told to stop."""

from __future__ import annotations

import asyncio

import grpc
import httpx
import orjson
from grpc_health.v1 import health_pb2, health_pb2_grpc

from app import lifecycle
from app.api.examples import CONFIG
from app.grpc import server as grpc_server
from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc
from tests.api.conftest import make_settings
from tests.grpc.conftest import Served


def _samples(text: str, name: str) -> dict[str, float]:
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name + "{")
    }


def test_calls_verdicts_and_findings_are_counted(served: Served, stub: pb_grpc.SpecgateStub) -> None:
    def scrape() -> str:
        return httpx.get(f"{served.http_url}/metrics", timeout=10).text

    before = scrape()
    stub.Validate(pb.ValidateRequest(document=orjson.dumps(CONFIG), profile="oci"), timeout=10)
    try:
        stub.Validate(pb.ValidateRequest(document=b"{", profile="oci"), timeout=10)
    except grpc.RpcError:
        pass
    list(stub.ValidateStream(iter([pb.ValidateStreamRequest(request=pb.ValidateRequest(document=b"{}"))])))
    after = scrape()
    calls_before, calls = _samples(before, "specgate_grpc_calls_total"), _samples(after, "specgate_grpc_calls_total")
    for labels in (
        'specgate_grpc_calls_total{code="OK",method="Validate"}',
        'specgate_grpc_calls_total{code="INVALID_ARGUMENT",method="Validate"}',
        'specgate_grpc_calls_total{code="OK",method="ValidateStream"}',
    ):
        assert calls[labels] - calls_before.get(labels, 0.0) == 1.0, labels
    verdicts = _samples(after, "specgate_verdicts_total")
    assert verdicts['specgate_verdicts_total{profile="oci",verdict="valid"}'] >= 1
    assert "specgate_grpc_call_duration_seconds_bucket" in after


def test_health_turns_not_serving_on_sigterm_while_calls_are_answered() -> None:
    async def scenario() -> tuple[int, int, bool]:
        settings = make_settings(grpc_port=0, warm_up=False)
        async with grpc_server.serve_beside_http(settings) as server:
            await server.ready()
            async with grpc.aio.insecure_channel(server.address) as channel:
                health = health_pb2_grpc.HealthStub(channel)
                before = (await health.Check(health_pb2.HealthCheckRequest(), timeout=10)).status
                lifecycle.begin_shutdown()  # what app.lifecycle does at SIGTERM
                try:
                    for _ in range(50):
                        status = (await health.Check(health_pb2.HealthCheckRequest(), timeout=10)).status
                        if status == health_pb2.HealthCheckResponse.NOT_SERVING:
                            break
                        await asyncio.sleep(0.05)
                    stub = pb_grpc.SpecgateStub(channel)
                    answered = (await stub.Validate(pb.ValidateRequest(document=b"{}"), timeout=10)).profile == "runsc"
                finally:
                    lifecycle.reset()
        return before, status, answered

    assert asyncio.run(scenario()) == (
        health_pb2.HealthCheckResponse.SERVING,
        health_pb2.HealthCheckResponse.NOT_SERVING,
        True,
    )
