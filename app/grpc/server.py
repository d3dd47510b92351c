"""The gRPC server: specgate.v1.Specgate, the standard health service and server reflection, on grpc.aio.

It runs on the event loop of the HTTP server, started and stopped by the application's lifespan (app.main),
so `specgate serve --grpc-port N` answers both protocols from one process and one warm core.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from app import lifecycle
from app.auth import TokenVerifier
from app.config import Settings
from app.core.policy_file import Policy, read_policy_file
from app.grpc.auth import TokenInterceptor
from app.grpc.gen import specgate_pb2 as pb
from app.grpc.service import SpecgateService, add_to_server
from app.tls import TLSError, TLSFiles, server_context

logger = logging.getLogger("specgate.grpc")

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["Specgate"].full_name
"""specgate.v1.Specgate"""

ENVELOPE_BYTES = 64 * 1024
"""Room for the fields around the document (profile, platform, a stream id): a message may be this much larger
than SPECGATE_MAX_BODY_BYTES, so that a document of exactly the limit still arrives; the service then refuses
any document over the limit itself, with RESOURCE_EXHAUSTED as gRPC does for a larger message."""


def _certificate_configuration(files: TLSFiles) -> grpc.ServerCertificateConfiguration:
    root = files.client_ca.read_bytes() if files.client_ca is not None else None
    return grpc.ssl_server_certificate_configuration(
        [(files.key.read_bytes(), files.cert.read_bytes())], root_certificates=root
    )


class CertificateFetcher:
    """gRPC's certificate_configuration_fetcher: a renewed pair for new connections, as HTTPS does (app.tls).

    gRPC calls it at every new connection; the files are looked at no more often than every `reload_seconds`
    (0: never), and a pair that does not load (half written, key and certificate that do not match) is logged
    and skipped, the previous certificate staying in use.
    """

    def __init__(self, files: TLSFiles, reload_seconds: float) -> None:
        self.files = files
        self.reload_seconds = reload_seconds
        self._stamp = files.stamp()
        self._next_check = time.monotonic() + reload_seconds
        self.reloads = 0

    def __call__(self) -> grpc.ServerCertificateConfiguration | None:
        if self.reload_seconds <= 0 or time.monotonic() < self._next_check:
            return None
        self._next_check = time.monotonic() + self.reload_seconds
        try:
            stamp = self.files.stamp()
            if stamp == self._stamp:
                return None
            server_context(self.files)  # the same check as HTTPS: every file there, the key matches
            configuration = _certificate_configuration(self.files)
        except (OSError, TLSError) as exc:
            logger.warning("TLS files changed but do not load (%s); gRPC keeps the previous certificate", exc)
            return None
        self._stamp = stamp
        self.reloads += 1
        logger.info("TLS certificate reloaded from %s for gRPC; new connections use it", self.files.cert)
        return configuration


def server_credentials(settings: Settings) -> grpc.ServerCredentials | None:
    """TLS (mutual TLS with tls_client_ca) from the files HTTPS uses; None for plaintext.

    Raises TLSError naming the file when they cannot be used.
    """
    if settings.tls_cert is None or settings.tls_key is None:
        return None
    files = TLSFiles(settings.tls_cert, settings.tls_key, settings.tls_client_ca)
    server_context(files)
    return grpc.dynamic_ssl_server_credentials(
        _certificate_configuration(files),
        CertificateFetcher(files, settings.tls_reload_seconds),  # type: ignore[arg-type]  # None is "no change"
        require_client_authentication=files.client_ca is not None,
    )


class GrpcServer:
    """One grpc.aio server bound to `settings.grpc_host`:`settings.grpc_port`, health NOT_SERVING until ready.

    TLS and bearer tokens are those of HTTP: tls_cert, tls_key, tls_client_ca, api_tokens, api_tokens_file.
    """

    def __init__(self, settings: Settings, verifier: TokenVerifier | None = None, policy: Policy | None = None) -> None:
        if settings.grpc_port is None:
            raise ValueError("the gRPC server needs settings.grpc_port")
        self.settings = settings
        credentials = server_credentials(settings)  # first: unusable TLS files end startup before anything binds
        self.tls = credentials is not None
        self.health = health.aio.HealthServicer()
        if verifier is None:
            tokens = settings.api_tokens.get_secret_value() if settings.api_tokens else None
            verifier = TokenVerifier.from_settings(tokens, settings.api_tokens_file)
        self.server = grpc.aio.server(
            interceptors=[TokenInterceptor(verifier)] if verifier.enabled else None,
            options=[
                ("grpc.max_receive_message_length", settings.max_body_bytes + ENVELOPE_BYTES),
                # gRPC's own default on Linux, stated because `serve --workers N` relies on it: every worker
                # process binds the same port and the kernel spreads new connections across them.
                ("grpc.so_reuseport", 1),
            ],
        )
        if policy is None and settings.policy:
            policy = read_policy_file(settings.policy)  # a server started on its own reads it as create_app does
        service = SpecgateService(
            max_document_bytes=settings.max_body_bytes, inline_bytes=settings.inline_bytes, policy=policy
        )
        add_to_server(service, self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        names = [SERVICE_NAME, health.SERVICE_NAME]
        if settings.grpc_reflection:
            names.append(reflection.SERVICE_NAME)
            reflection.enable_server_reflection(names, self.server)
        address = f"{settings.grpc_host}:{settings.grpc_port}"
        if credentials is None:
            self.port = self.server.add_insecure_port(address)
        else:
            self.port = self.server.add_secure_port(address, credentials)
        self.address = f"{settings.grpc_host}:{self.port}"

    async def start(self) -> None:
        """Start answering; health says NOT_SERVING until `ready()`."""
        await self._set_all(health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.start()
        logger.info("gRPC server listening on %s", self.address)

    async def ready(self) -> None:
        """Health says SERVING: every profile is warmed up."""
        await self._set_all(health_pb2.HealthCheckResponse.SERVING)

    async def drain(self) -> None:
        """Health says NOT_SERVING from now on, while calls are still answered (a SIGTERM's grace period)."""
        await self.health.enter_graceful_shutdown()

    async def stop(self, grace: float) -> None:
        """Health says NOT_SERVING at once; calls in flight get `grace` seconds to finish, then are cancelled."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        logger.info("gRPC server on %s stopped", self.address)

    async def _set_all(self, status: health_pb2.HealthCheckResponse.ServingStatus.ValueType) -> None:
        for name in ("", SERVICE_NAME):
            await self.health.set(name, status)


SHUTDOWN_POLL_SECONDS = 0.2


async def _drain_on_sigterm(server: GrpcServer) -> None:
    # app.lifecycle notes SIGTERM at once and lets HTTP serve out its grace period; health follows /readyz.
    while not lifecycle.shutting_down():
        await asyncio.sleep(SHUTDOWN_POLL_SECONDS)
    await server.drain()
    logger.info("gRPC health is NOT_SERVING: the process is shutting down")


@asynccontextmanager
async def serve_beside_http(
    settings: Settings, verifier: TokenVerifier | None = None, policy: Policy | None = None
) -> AsyncIterator[GrpcServer]:
    """Run the gRPC server for the life of the HTTP application (its lifespan).

    On SIGTERM its health turns NOT_SERVING at once (as /readyz turns 503) while calls are still answered;
    when the HTTP server has finished its grace period and its requests, calls in flight get
    `shutdown_grace_seconds` more, within the process's overall shutdown timeout.
    """
    server = GrpcServer(settings, verifier, policy)
    await server.start()
    watcher = asyncio.create_task(_drain_on_sigterm(server), name="specgate-grpc-drain")
    try:
        yield server
    finally:
        watcher.cancel()
        await server.stop(settings.shutdown_grace_seconds)
