"""The gRPC server: specgate.v1.Specgate, the standard health service and server reflection, on grpc.aio.

It runs on the event loop of the HTTP server, started and stopped by the application's lifespan (app.main),
so `specgate serve --grpc-port N` answers both protocols from one process and one warm core.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from app.config import Settings
from app.grpc.gen import specgate_pb2 as pb
from app.grpc.service import SpecgateService, add_to_server

logger = logging.getLogger("specgate.grpc")

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["Specgate"].full_name
"""specgate.v1.Specgate"""

ENVELOPE_BYTES = 64 * 1024
"""Room for the fields around the document (profile, platform, a stream id): a message may be this much larger
than SPECGATE_MAX_BODY_BYTES, so that a document of exactly the limit still arrives; the service then refuses
any document over the limit itself, with RESOURCE_EXHAUSTED as gRPC does for a larger message."""


class GrpcServer:
    """One grpc.aio server bound to `settings.grpc_host`:`settings.grpc_port`, health NOT_SERVING until ready."""

    def __init__(self, settings: Settings) -> None:
        if settings.grpc_port is None:
            raise ValueError("the gRPC server needs settings.grpc_port")
        self.settings = settings
        self.health = health.aio.HealthServicer()
        self.server = grpc.aio.server(
            options=[
                ("grpc.max_receive_message_length", settings.max_body_bytes + ENVELOPE_BYTES),
                # gRPC's own default on Linux, stated because `serve --workers N` relies on it: every worker
                # process binds the same port and the kernel spreads new connections across them.
                ("grpc.so_reuseport", 1),
            ],
        )
        service = SpecgateService(max_document_bytes=settings.max_body_bytes, inline_bytes=settings.inline_bytes)
        add_to_server(service, self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        names = [SERVICE_NAME, health.SERVICE_NAME]
        if settings.grpc_reflection:
            names.append(reflection.SERVICE_NAME)
            reflection.enable_server_reflection(names, self.server)
        address = f"{settings.grpc_host}:{settings.grpc_port}"
        self.port = self.server.add_insecure_port(address)
        self.address = f"{settings.grpc_host}:{self.port}"

    async def start(self) -> None:
        """Start answering; health says NOT_SERVING until `ready()`."""
        await self._set_all(health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.start()
        logger.info("gRPC server listening on %s", self.address)

    async def ready(self) -> None:
        """Health says SERVING: every profile is warmed up."""
        await self._set_all(health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace: float) -> None:
        """Health says NOT_SERVING at once; calls in flight get `grace` seconds to finish, then are cancelled."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        logger.info("gRPC server on %s stopped", self.address)

    async def _set_all(self, status: health_pb2.HealthCheckResponse.ServingStatus.ValueType) -> None:
        for name in ("", SERVICE_NAME):
            await self.health.set(name, status)


SHUTDOWN_GRACE_SECONDS = 5.0


@asynccontextmanager
async def serve_beside_http(settings: Settings) -> AsyncIterator[GrpcServer]:
    """Run the gRPC server for the life of the HTTP application (its lifespan)."""
    server = GrpcServer(settings)
    await server.start()
    try:
        yield server
    finally:
        await server.stop(SHUTDOWN_GRACE_SECONDS)
