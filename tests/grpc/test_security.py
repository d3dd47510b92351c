"""TLS, mutual TLS, certificate rotation and bearer tokens on gRPC, from the settings HTTP uses, over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import grpc
import orjson
import pytest
import trustme
from grpc_health.v1 import health_pb2, health_pb2_grpc

from app.api.examples import CONFIG
from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc
from app.grpc.server import GrpcServer
from app.tls import TLSError
from tests.api.conftest import make_settings
from tests.grpc.status import details
from tests.tls import install, write_atomically

DOCUMENT = orjson.dumps(CONFIG)
T = TypeVar("T")


def _with_server(settings: dict[str, Any], scenario: Callable[[GrpcServer], Awaitable[T]]) -> T:
    async def run() -> T:
        server = GrpcServer(make_settings(grpc_port=0, warm_up=False, **settings))
        await server.start()
        await server.ready()
        try:
            return await scenario(server)
        finally:
            await server.stop(0)

    return asyncio.run(run())


async def _validate(channel: grpc.aio.Channel, **kwargs: Any) -> str:
    """OK, or the name of the status code the call failed with."""
    try:
        await pb_grpc.SpecgateStub(channel).Validate(pb.ValidateRequest(document=DOCUMENT), timeout=10, **kwargs)
    except grpc.aio.AioRpcError as exc:
        return exc.code().name
    return "OK"


def _credentials(ca: trustme.CA, identity: trustme.LeafCert | None = None) -> grpc.ChannelCredentials:
    if identity is None:
        return grpc.ssl_channel_credentials(root_certificates=ca.cert_pem.bytes())
    return grpc.ssl_channel_credentials(
        root_certificates=ca.cert_pem.bytes(),
        private_key=identity.private_key_pem.bytes(),
        certificate_chain=b"".join(blob.bytes() for blob in identity.cert_chain_pems),
    )


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def test_tls(ca: trustme.CA, tmp_path: Path) -> None:
    files = install(ca.issue_cert("127.0.0.1", "localhost"), tmp_path)

    async def scenario(server: GrpcServer) -> list[str]:
        assert server.tls
        async with grpc.aio.secure_channel(server.address, _credentials(ca)) as channel:
            trusted = await _validate(channel)
        async with grpc.aio.secure_channel(server.address, _credentials(trustme.CA())) as channel:
            untrusted = await _validate(channel)
        async with grpc.aio.insecure_channel(server.address) as channel:
            plaintext = await _validate(channel)
        return [trusted, untrusted, plaintext]

    assert _with_server({"tls_cert": files.cert, "tls_key": files.key}, scenario) == [
        "OK",
        "UNAVAILABLE",
        "UNAVAILABLE",
    ]


def test_mutual_tls(ca: trustme.CA, tmp_path: Path) -> None:
    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    clients = trustme.CA()
    (tmp_path / "clients.pem").write_bytes(clients.cert_pem.bytes())
    settings = {"tls_cert": files.cert, "tls_key": files.key, "tls_client_ca": tmp_path / "clients.pem"}

    async def scenario(server: GrpcServer) -> list[str]:
        outcomes = []
        for identity in (clients.issue_cert("agent@node-1"), None, trustme.CA().issue_cert("intruder")):
            async with grpc.aio.secure_channel(server.address, _credentials(ca, identity)) as channel:
                outcomes.append(await _validate(channel))
        return outcomes

    assert _with_server(settings, scenario) == ["OK", "UNAVAILABLE", "UNAVAILABLE"]


def test_renewed_certificate_is_served_to_new_connections(ca: trustme.CA, tmp_path: Path) -> None:
    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    renewed_by = trustme.CA()

    async def scenario(server: GrpcServer) -> list[str]:
        async with grpc.aio.secure_channel(server.address, _credentials(ca)) as channel:
            before = await _validate(channel)
            install(renewed_by.issue_cert("127.0.0.1"), tmp_path)
            await asyncio.sleep(0.05)  # past tls_reload_seconds
            still_open = await _validate(channel)  # an open connection keeps its certificate
        async with grpc.aio.secure_channel(server.address, _credentials(renewed_by)) as channel:
            after = await _validate(channel)
        return [before, still_open, after]

    settings = {"tls_cert": files.cert, "tls_key": files.key, "tls_reload_seconds": 0.01}
    assert _with_server(settings, scenario) == ["OK", "OK", "OK"]


def test_unusable_tls_files_are_refused_at_startup(ca: trustme.CA, tmp_path: Path) -> None:
    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    write_atomically(files.key, trustme.CA().issue_cert("x").private_key_pem.bytes())  # does not match
    with pytest.raises(TLSError, match="tls.key"):
        GrpcServer(make_settings(grpc_port=0, tls_cert=files.cert, tls_key=files.key))


def test_bearer_tokens() -> None:
    async def scenario(server: GrpcServer) -> dict[str, Any]:
        async with grpc.aio.insecure_channel(server.address) as channel:
            outcomes: dict[str, Any] = {
                "none": await _validate(channel),
                "wrong": await _validate(channel, metadata=[("authorization", "Bearer nope")]),
                "right": await _validate(channel, metadata=[("authorization", "Bearer s3cret-token")]),
                "basic": await _validate(channel, metadata=[("authorization", "Basic czNjcmV0LXRva2Vu")]),
            }
            stream = pb_grpc.SpecgateStub(channel).ValidateStream(
                iter([pb.ValidateStreamRequest(request=pb.ValidateRequest(document=DOCUMENT))]), timeout=10
            )
            try:
                async for _ in stream:
                    pass
            except grpc.aio.AioRpcError as exc:
                outcomes["stream"] = exc.code().name
                outcomes["reason"] = _reason(exc)
            health = health_pb2_grpc.HealthStub(channel)
            outcomes["health"] = (await health.Check(health_pb2.HealthCheckRequest(), timeout=10)).status
        return outcomes

    outcomes = _with_server({"api_tokens": "s3cret-token,other"}, scenario)
    assert outcomes == {
        "none": "UNAUTHENTICATED",
        "wrong": "UNAUTHENTICATED",
        "right": "OK",
        "basic": "UNAUTHENTICATED",
        "stream": "UNAUTHENTICATED",
        "reason": "TOKEN_MISSING",
        "health": health_pb2.HealthCheckResponse.SERVING,
    }


def _reason(exc: grpc.aio.AioRpcError) -> str:
    from google.rpc import status_pb2

    for key, value in exc.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            assert isinstance(value, bytes)
            return details(status_pb2.Status.FromString(value)).reason
    return ""


def test_example_client_with_tls_and_token(ca: trustme.CA, tmp_path: Path) -> None:
    from tests.grpc.test_example_client import _example

    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    (tmp_path / "ca.crt").write_bytes(ca.cert_pem.bytes())
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "config.json").write_bytes(DOCUMENT)
    main = _example().main

    async def scenario(server: GrpcServer) -> list[int]:
        base = [str(tmp_path / "spec"), "--target", server.address, "--ca", str(tmp_path / "ca.crt")]
        return [
            await asyncio.to_thread(main, [*base, "--token", "s3cret-token"]),
            await asyncio.to_thread(main, [*base, "--token", "wrong"]),
        ]

    settings = {"tls_cert": files.cert, "tls_key": files.key, "api_tokens": "s3cret-token"}
    assert _with_server(settings, scenario) == [0, 2]
