"""HEAD and OPTIONS on every path, as RFC 9110 asks of a general-purpose server.

FastAPI routes answer only the methods they declare, so `HEAD /healthz` would get 405. This
middleware runs a HEAD request as the GET it mirrors, without sending the body, and answers
OPTIONS with the path's Allow header; a 405 names the same methods (errors.py).
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ROUTED_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def _routed(scope: Scope, method: str) -> bool:
    """True when a route of the app answers `method` on the scope's path."""
    probe = {**scope, "method": method}
    return any(route.matches(probe)[0] is Match.FULL for route in scope["app"].router.routes)


def allowed_methods(scope: Scope) -> list[str]:
    """The methods the app answers on the request's path, sorted, for an Allow header ([] for no such path)."""
    found = [method for method in _ROUTED_METHODS if _routed(scope, method)]
    if not found:
        return []
    implicit = ["HEAD", "OPTIONS"] if "GET" in found else ["OPTIONS"]
    return sorted(found + implicit)


class MethodsMiddleware:
    """Answer HEAD wherever GET is answered, and OPTIONS wherever anything is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method") if scope["type"] == "http" else None
        if method == "OPTIONS" and (allowed := allowed_methods(scope)):
            await Response(status_code=204, headers={"Allow": ", ".join(allowed)})(scope, receive, send)
        elif method == "HEAD" and _routed(scope, "GET"):
            await self.app({**scope, "method": "GET"}, receive, _headers_only(send))
        else:
            # Anything else, including HEAD or OPTIONS on a path that does not exist: routing answers 404 or 405.
            await self.app(scope, receive, send)


def _headers_only(send: Send) -> Send:
    """Send the status and headers of a response (Content-Length included, as GET would) but not its body."""

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return sender
