"""Bearer-token access control for HTTP, as a pure ASGI middleware over app.auth.TokenVerifier.

Installed only when tokens are configured, so it costs nothing otherwise. It refuses by default:
every path needs a token except the probes, /metrics and the API documentation, so an endpoint
added later is protected without anyone remembering to protect it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.errors import problem
from app.auth import TokenVerifier

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json", "/"})
"""Answered without a token: probes and scrapers carry none, and the docs say how to get in."""
OPEN_PREFIXES = ("/static/docs/",)


def is_open(path: str) -> bool:
    """True for a path answered without a token."""
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


class TokenMiddleware:
    """Answer 401 (problem+json, WWW-Authenticate) to a request without an accepted bearer token."""

    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        authorization: str | None = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
                break
        if self.verifier.verify_header(authorization):
            await self.app(scope, receive, send)
            return
        presented = authorization is not None
        detail = (
            "the bearer token is not accepted by this service"
            if presented
            else "this endpoint needs a bearer token: send 'Authorization: Bearer <token>' (CLI: --token or "
            "SPECGATE_TOKEN)"
        )
        response = problem(
            401,
            detail,
            kind="unauthorized",
            title="Unauthorized",
            headers={"WWW-Authenticate": self.verifier.challenge(presented)},
        )
        await response(scope, receive, send)
