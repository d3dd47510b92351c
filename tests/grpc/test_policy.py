"""The service's policy file over gRPC: the same changes, the same effective catalog as over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest

from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc
from app.main import create_app
from tests.api.conftest import make_settings
from tests.api.live import serve
from tests.conftest import SHARED
from tests.grpc import wire

K8S = (SHARED / "bench" / "k8s.json").read_bytes()


@pytest.fixture(scope="module")
def with_policy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, pb_grpc.SpecgateStub]]:
    policy = tmp_path_factory.mktemp("policy") / "policy.toml"
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\nRUNSC-SECCOMP-OFF = "off"\n')
    app = create_app(make_settings(grpc_port=0, warm_up=False, policy=str(policy)))
    with serve(app) as url, grpc.insecure_channel(f"127.0.0.1:{app.state.grpc_port}") as channel:
        yield url, pb_grpc.SpecgateStub(channel)


def test_validate_applies_the_policy_as_http_does(with_policy: tuple[str, pb_grpc.SpecgateStub]) -> None:
    url, stub = with_policy
    answer = stub.Validate(pb.ValidateRequest(document=K8S, profile="runsc"), timeout=30)
    assert answer.valid is False and answer.HasField("policy")
    report = wire.report(answer)
    assert [(c["rule"], c["now"]) for c in report["policy"]["changed"]] == [
        ("RUNSC-APPARMOR", "error"),
        ("RUNSC-SECCOMP-OFF", "off"),
    ]
    http = httpx.post(f"{url}/validate", content=K8S, headers={"content-type": "application/json"}, timeout=30)
    assert report == http.json()
    # Another profile's report carries no policy, as over HTTP.
    assert not stub.Validate(pb.ValidateRequest(document=K8S, profile="oci"), timeout=30).HasField("policy")


def test_list_rules_is_the_effective_catalog(with_policy: tuple[str, pb_grpc.SpecgateStub]) -> None:
    _, stub = with_policy
    rules = {r.id: r for r in stub.ListRules(pb.ListRulesRequest(profile="runsc"), timeout=30).rules}
    assert rules["RUNSC-APPARMOR"].severity == pb.SEVERITY_ERROR
    assert rules["RUNSC-APPARMOR"].catalog_severity == pb.SEVERITY_WARNING
    assert rules["RUNSC-SECCOMP-OFF"].disabled is True and rules["RUNSC-SELINUX"].disabled is False


def test_a_server_started_alone_reads_the_policy_file(tmp_path: Path) -> None:
    import asyncio

    from app.grpc.server import GrpcServer

    policy = tmp_path / "policy.toml"
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\n')

    async def run() -> pb.ValidateResponse:
        server = GrpcServer(make_settings(grpc_port=0, warm_up=False, policy=str(policy)))
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
                stub = pb_grpc.SpecgateStub(channel)
                answer: pb.ValidateResponse = await stub.Validate(pb.ValidateRequest(document=K8S), timeout=30)
                return answer
        finally:
            await server.stop(0)

    answer = asyncio.run(run())
    assert answer.valid is False and answer.policy.source == str(policy)
