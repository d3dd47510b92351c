"""The standard services beside specgate.v1.Specgate: health (SERVING once warmed up, NOT_SERVING on shutdown)
and server reflection (what grpcurl uses to list and call the service)."""

from __future__ import annotations

import asyncio

import grpc
from google.protobuf import descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from app.grpc.server import SERVICE_NAME, GrpcServer
from app.main import create_app
from tests.api.conftest import make_settings
from tests.api.live import serve

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def test_health_is_serving_once_warmed_up(channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", SERVICE_NAME):
        assert health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status == SERVING
    try:
        health.Check(health_pb2.HealthCheckRequest(service="specgate.v1.Nothing"), timeout=10)
    except grpc.RpcError as exc:
        assert exc.code() is grpc.StatusCode.NOT_FOUND  # type: ignore[attr-defined]
    else:
        raise AssertionError("an unknown service was reported healthy")


def test_reflection_lists_and_describes_the_service(channel: grpc.Channel) -> None:
    database = ProtoReflectionDescriptorDatabase(channel)
    assert {SERVICE_NAME, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"} <= set(
        database.get_services()
    )
    service = descriptor_pool.DescriptorPool(database).FindServiceByName(SERVICE_NAME)
    assert [m.name for m in service.methods] == [
        "Validate",
        "ValidateStream",
        "Normalize",
        "Capabilities",
        "ListCapabilities",
        "ClassifyMounts",
        "ListRules",
    ]
    stream = service.methods_by_name["ValidateStream"]
    assert stream.client_streaming and stream.server_streaming


def test_reflection_can_be_turned_off() -> None:
    async def services() -> list[str]:
        server = GrpcServer(make_settings(grpc_port=0, grpc_reflection=False))
        await server.start()
        try:
            async with grpc.aio.insecure_channel(server.address) as channel:
                call = channel.unary_unary("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
                try:
                    await call(b"", timeout=10)
                except grpc.aio.AioRpcError as exc:
                    return [exc.code().name]
                return ["answered"]
        finally:
            await server.stop(0)

    assert asyncio.run(services()) == ["UNIMPLEMENTED"]


def test_health_goes_from_not_serving_to_serving_to_not_serving_on_shutdown() -> None:
    async def statuses() -> list[int]:
        server = GrpcServer(make_settings(grpc_port=0))
        await server.start()
        seen = []
        async with grpc.aio.insecure_channel(server.address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            request = health_pb2.HealthCheckRequest(service=SERVICE_NAME)
            seen.append((await health.Check(request, timeout=10)).status)
            await server.ready()
            watch = health.Watch(request, timeout=10)
            seen.append((await watch.read()).status)
            stopping = asyncio.create_task(server.stop(5))
            seen.append((await watch.read()).status)
            watch.cancel()  # a watcher holds its call open; the grace period would wait for it
            await stopping
        return seen

    assert asyncio.run(statuses()) == [NOT_SERVING, SERVING, NOT_SERVING]


def test_the_http_lifespan_starts_and_stops_the_grpc_server() -> None:
    app = create_app(make_settings(grpc_port=0, warm_up=False))
    with serve(app):
        address = f"127.0.0.1:{app.state.grpc_port}"
        with grpc.insecure_channel(address) as channel:
            check = health_pb2_grpc.HealthStub(channel).Check
            assert check(health_pb2.HealthCheckRequest(), timeout=10).status == SERVING
    with grpc.insecure_channel(address) as channel:
        try:
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
        except grpc.RpcError as exc:
            assert exc.code() is grpc.StatusCode.UNAVAILABLE  # type: ignore[attr-defined]
        else:
            raise AssertionError("the gRPC server outlived the application")


def test_drain_reports_not_serving_while_calls_are_still_answered() -> None:
    from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc

    async def scenario() -> tuple[int, bool]:
        server = GrpcServer(make_settings(grpc_port=0))
        await server.start()
        await server.ready()
        try:
            await server.drain()
            async with grpc.aio.insecure_channel(server.address) as channel:
                status = (await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())).status
                report = await pb_grpc.SpecgateStub(channel).Validate(pb.ValidateRequest(document=b"{}"), timeout=10)
                return status, report.valid
        finally:
            await server.stop(0)

    assert asyncio.run(scenario()) == (NOT_SERVING, False)


def test_graceful_stop_lets_a_call_in_flight_finish_and_refuses_new_ones() -> None:
    from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc

    async def scenario() -> list[str]:
        server = GrpcServer(make_settings(grpc_port=0))
        await server.start()
        await server.ready()
        seen = []
        async with grpc.aio.insecure_channel(server.address) as channel:
            stub = pb_grpc.SpecgateStub(channel)
            stream = stub.ValidateStream(timeout=30)
            await stream.write(pb.ValidateStreamRequest(id="before", request=pb.ValidateRequest(document=b"{}")))
            seen.append((await stream.read()).id)
            stopping = asyncio.create_task(server.stop(20))
            # New calls are refused once the stop has begun (polled: no fixed sleep on a busy machine)...
            for _ in range(100):
                try:
                    await stub.Validate(pb.ValidateRequest(document=b"{}"), timeout=5)
                except grpc.aio.AioRpcError as exc:
                    seen.append(exc.code().name)
                    break
                await asyncio.sleep(0.05)
            # ...while the call that was open goes on during the grace period.
            await stream.write(pb.ValidateStreamRequest(id="during", request=pb.ValidateRequest(document=b"{}")))
            seen.append((await stream.read()).id)
            await stream.done_writing()
            assert await stream.read() == grpc.aio.EOF
            # ...and once it is over the server stops without waiting out the grace period.
            await asyncio.wait_for(stopping, timeout=10)
        return seen

    before, refused, during = asyncio.run(scenario())
    # grpc-core refuses a call that races the stop either way: GOAWAY already read by the client (UNAVAILABLE) or
    # the call reaching a server that is shutting down (CANCELLED); which one depends on the machine's timing.
    assert (before, during) == ("before", "during") and refused in ("UNAVAILABLE", "CANCELLED")
