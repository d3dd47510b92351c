"""Bearer tokens on gRPC: the `authorization` metadata checked by app.auth.TokenVerifier, as HTTP checks its header.

Installed only when tokens are configured. It refuses by default: every service needs a token except the
standard health service (probes carry none, like /healthz) and server reflection (it describes the API, like
/openapi.json), so a method added later is protected without anyone remembering to protect it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from app.auth import TokenVerifier
from app.grpc import errors

OPEN_SERVICES = frozenset(
    {"grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection"}
)
"""Answered without a token."""

MISSING = (
    "this call needs a bearer token: send the metadata 'authorization: Bearer <token>' "
    "(grpcurl: -H 'authorization: Bearer <token>')"
)
REJECTED = "the bearer token is not accepted by this service"


def _service(method: str) -> str:
    # "/specgate.v1.Specgate/Validate" -> "specgate.v1.Specgate"
    return method.lstrip("/").partition("/")[0]


def _refusal(handler: grpc.RpcMethodHandler[Any, Any], presented: bool) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler of the same kind as `handler` that answers UNAUTHENTICATED without reading the request."""
    failure = errors.unauthenticated(REJECTED if presented else MISSING, presented)

    async def refuse(_request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        await context.abort(failure.code, failure.status.message, failure.trailing_metadata)

    async def refuse_stream(_request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        await context.abort(failure.code, failure.status.message, failure.trailing_metadata)
        yield  # pragma: no cover  # makes this an async generator, as a streaming handler must be

    options = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(refuse_stream, **options)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(refuse, **options)
    if handler.response_streaming:
        return grpc.unary_stream_rpc_method_handler(refuse_stream, **options)
    return grpc.unary_unary_rpc_method_handler(refuse, **options)


class TokenInterceptor(grpc.aio.ServerInterceptor):
    """UNAUTHENTICATED for a call without an accepted bearer token, except to the open services."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None or _service(handler_call_details.method) in OPEN_SERVICES:
            return handler
        authorization: str | None = None
        for key, value in handler_call_details.invocation_metadata or ():
            if key == "authorization" and isinstance(value, str):
                authorization = value
                break
        if self.verifier.verify_header(authorization):
            return handler
        return _refusal(handler, presented=authorization is not None)
