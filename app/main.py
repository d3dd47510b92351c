"""The ASGI application: `uvicorn app.main:app` serves the whole HTTP API."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import orjson
from fastapi import FastAPI
from fastapi.routing import APIRoute

from app import __version__, core, lifecycle, logs, metrics
from app.api.auth import TokenMiddleware
from app.api.docs import install_docs
from app.api.drain import DrainMiddleware
from app.api.errors import install_exception_handlers
from app.api.examples import ADMISSION_POD, CONFIG
from app.api.fastpath import SpecgateAPI
from app.api.main import api_routers
from app.api.methods import MethodsMiddleware
from app.api.observe import ObserveMiddleware
from app.api.schema import install_openapi
from app.auth import TokenVerifier
from app.config import Settings
from app.core.features import read_features_dir, register_features
from app.core.policy_file import read_policy_file
from app.gate import build_gate

logger = logging.getLogger("specgate")

DESCRIPTION = """\
specgate judges OCI runtime-spec `config.json` documents the way a real runtime would, before they reach one.

Profiles: `runsc` (today's gVisor runsc, the default), `runsc-2018` (runsc of 2018) and `oci` (the OCI
runtime-spec, version-aware). Every finding of a document is reported at once, each with a stable rule id,
a severity, an RFC 6901 JSON Pointer into the submitted document and a message saying what to change.

Documents are sent as raw bytes with `Content-Type: application/json`. Errors are RFC 9457
`application/problem+json`.
"""


def _operation_id(route: APIRoute) -> str:
    # "{tag}-{name}" keeps operation ids stable, so openapi/openapi.json diffs stay readable.
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def warm_up() -> list[str]:
    """Judge a realistic document with every profile, so validators are compiled before the first request."""
    raw = orjson.dumps(CONFIG)
    names = core.profile_names()
    for name in names:
        core.validate(raw, profile=name)
        core.classify_mounts(raw, profile=name)
    return names


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    logs.configure_if_unset(settings.log_level)  # a bare `uvicorn app.main:app` logs JSON too
    metrics.forget_dead_processes()
    lifecycle.install_graceful_shutdown(settings.shutdown_grace_seconds, settings.shutdown_timeout_seconds)
    async with AsyncExitStack() as stack:
        grpc_server = None
        if settings.grpc_port is not None:
            from app.grpc.server import serve_beside_http  # grpc is only loaded when it is served

            grpc_server = await stack.enter_async_context(
                serve_beside_http(settings, app.state.token_verifier, app.state.policy)
            )
            app.state.grpc_port = grpc_server.port
            app.state.grpc_server = grpc_server  # `await ....drain()` turns its health NOT_SERVING (SIGTERM)
        if settings.warm_up:
            try:
                app.state.ready_profiles = warm_up()
                app.state.kube_gate.warm_up(ADMISSION_POD)  # else the first AdmissionReview loads the tables
            except Exception:
                # Stay alive but not ready: the readiness probe keeps traffic away and the log says why.
                logger.exception("warm-up failed; /readyz answers 503")
        else:
            app.state.ready_profiles = core.profile_names()
        # Everything built so far (compiled validators, catalogs, tables, the web stack) lives as long as the
        # process: frozen out of the collector's generations, a full collection no longer walks it, which took
        # the tail latency of /admission at 200 req/s from milliseconds of pauses down (docs/performance.md).
        gc.collect()
        gc.freeze()
        if grpc_server is not None and app.state.ready_profiles is not None:
            await grpc_server.ready()
        yield


def create_app(settings: Settings | None = None) -> SpecgateAPI:
    """Build the application; tests pass their own settings."""
    settings = settings or Settings()
    docs = settings.docs
    app = SpecgateAPI(
        title="specgate",
        version=__version__,
        summary="Judge OCI runtime-spec config.json documents as runsc, or the spec, would.",
        description=DESCRIPTION,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
        openapi_tags=[
            {"name": "validate", "description": "Judge a whole document."},
            {"name": "normalize", "description": "The spec as the runtime holds it after ReadSpec."},
            {"name": "capabilities", "description": "Capability names, numbers and masks."},
            {"name": "mounts", "description": "How the runtime serves each mount."},
            {"name": "rules", "description": "The rule catalog."},
            {"name": "kubernetes", "description": "Pods and workloads: the admission webhook, the translation."},
            {"name": "profiles", "description": "The profiles, and the runtime features each one accepts."},
            {"name": "health", "description": "Probes for orchestrators."},
        ],
        generate_unique_id_function=_operation_id,
        openapi_url="/openapi.json" if docs else None,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
        # Off unless asked for: FastAPI would otherwise look for configured OpenTelemetry providers on every request.
        telemetry={"tracing": settings.telemetry, "metrics": settings.telemetry, "logs": settings.telemetry},
    )
    app.state.settings = settings
    app.state.ready_profiles = None
    app.state.grpc_port = None
    # Start-up reads the operator's files once; a request never makes the server touch its disk.
    if settings.features_dir:
        register_features(read_features_dir(settings.features_dir))
    app.state.policy = read_policy_file(settings.policy) if settings.policy else None
    app.state.grpc_server = None
    app.state.kube_gate = build_gate(settings, app.state.policy)
    app.add_middleware(MethodsMiddleware)
    # ops: refuse without a token (only when tokens are configured), then let early answers reach every client.
    verifier = TokenVerifier.from_settings(
        settings.api_tokens.get_secret_value() if settings.api_tokens else None, settings.api_tokens_file
    )
    app.state.token_verifier = verifier
    if settings.fast_path and not settings.telemetry:
        # ahead of the whole stack; it checks the token and observes the request itself (app/api/fastpath.py)
        app.install_fast_path(settings, app.state.policy, verifier)
    if verifier.enabled:
        app.add_middleware(TokenMiddleware, verifier=verifier)
    app.add_middleware(DrainMiddleware, max_bytes=settings.drain_bytes, max_seconds=settings.drain_seconds)
    app.add_middleware(ObserveMiddleware, access_log=settings.access_log)  # outermost: sees every answer
    install_exception_handlers(app)
    for router in api_routers:
        app.include_router(router)
    install_openapi(app)
    if docs:
        install_docs(app)
    return app


app = create_app()
