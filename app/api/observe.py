"""Per-request observation as a pure ASGI middleware: request id, metrics, one JSON access log line.

The request id is the client's `X-Request-ID` when it is well formed (so one id follows a request
through a proxy, the API server and specgate), else a fresh one; it is echoed in the answer. The
access log line names the route template, never the document, its values or a header other than
the id. The route and the profile of the metrics are bounded label values: the template of the
matched route (or "unmatched"), and a profile the service knows (or "unknown").
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from time import perf_counter
from typing import Any
from urllib.parse import parse_qsl

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import lifecycle, metrics
from app.core import profile_names

access_logger = logging.getLogger("specgate.access")

_REQUEST_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")
"""Ids of tracing systems, UUIDs, ULIDs; nothing that could break a header or a log line."""
_PROFILES = frozenset(profile_names())
UNMATCHED = "unmatched"


_ID_PREFIX = os.urandom(8).hex()
"""Random per process: with the counter below, ids are unique across workers and replicas without a syscall each."""
_id_counter = itertools.count(1)


def request_id_of(headers: list[tuple[bytes, bytes]]) -> bytes:
    """The request's id: the client's X-Request-ID when it is well formed, else a fresh one."""
    for name, value in headers:
        if name == b"x-request-id":
            if _REQUEST_ID.fullmatch(value):
                return value
            break
    return f"{_ID_PREFIX}{next(_id_counter) & 0xFFFFFFFFFFFFFFFF:016x}".encode()


class _Routes:
    """Route templates and default profiles of an app, learnt as requests come."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.default_profile: dict[str, str] = {}
        self.matched: dict[tuple[str, str], BaseRoute] = {}
        """(path, method) -> route, for requests answered before routing (fast path, 401, HEAD): matched once.
        Only a path that is a route's own is kept, so clients cannot grow it."""

    def route(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:
            # Answered before routing (fast path, 401, HEAD through MethodsMiddleware): match as the router would.
            key = (scope["path"], scope["method"])
            route = self.matched.get(key)
            if route is None:
                route = self._match(scope)
                if route is not None and getattr(route, "path", None) == key[0]:  # not a Mount's any-subpath
                    self.matched[key] = route
        if isinstance(route, APIRoute):
            if route.path not in self.default_profile:
                self.default_profile[route.path] = _default_profile(route)
            return route.path
        if isinstance(route, BaseRoute):
            return str(getattr(route, "path", UNMATCHED))
        return UNMATCHED

    def _match(self, scope: Scope) -> BaseRoute | None:
        # A Mount that answered moved root_path onto its prefix; match from the app's own root.
        probe = {**scope, "root_path": scope.get("app_root_path", scope.get("root_path", ""))}
        if scope["method"] == "HEAD":
            probe["method"] = "GET"
        return _find(self.app.router.routes, probe)

    def profile(self, scope: Scope, route: str) -> str:
        query: bytes = scope.get("query_string", b"")
        if b"profile=" in query:
            given = [v for k, v in parse_qsl(query.decode("latin-1")) if k == "profile"]
            if given:
                # Several profiles judge one document together; the label names them as the report does.
                return ",".join(given) if all(name in _PROFILES for name in given) else "unknown"
        return self.default_profile.get(route, "")


def _find(routes: list[BaseRoute], scope: Scope) -> BaseRoute | None:
    for candidate in routes:
        match, child = candidate.matches(scope)
        if match is not Match.FULL:
            continue
        # FastAPI's included routers match for their routes without saying which one: look inside.
        inner = getattr(getattr(candidate, "original_router", None), "routes", None)
        if isinstance(inner, list):
            return _find(inner, scope)
        found = child.get("route", candidate)
        return found if isinstance(found, BaseRoute) else None
    return None


def _default_profile(route: APIRoute) -> str:
    for param in route.dependant.query_params:
        if param.alias == "profile":
            default = param.field_info.default
            if isinstance(default, list | tuple):  # a route that takes several profiles
                default = ",".join(str(name) for name in default)
            return default if isinstance(default, str) else ""
    return ""


class _AccessRecord(logging.LogRecord):
    """The access log's record, built without LogRecord.__init__'s lookups (caller frame, thread, process name,
    os.getpid) that would cost more than the rest of the request's bookkeeping; every attribute a formatter may
    name is still set."""

    def __init__(self) -> None:  # deliberately not calling super().__init__
        now = time.time()
        self.name = "specgate.access"
        self.msg = "request"
        self.args = None
        self.levelname = "INFO"
        self.levelno = logging.INFO
        self.pathname = __file__
        self.filename = "observe.py"
        self.module = "observe"
        self.lineno = 0
        self.funcName = "__call__"
        self.exc_info = None
        self.exc_text = None
        self.stack_info = None
        self.created = now
        self.msecs = (now - int(now)) * 1000
        self.relativeCreated = (now - _START) * 1000
        self.thread = None
        self.threadName = None
        self.processName = None
        self.process = _PID
        self.taskName = None


_START = time.time()
_PID = os.getpid()  # each uvicorn worker is a spawned process that imports this module itself


def log_access(
    request_id: str,
    method: str,
    route: str,
    status: int,
    seconds: float,
    profile: str | None,
    verdict: str | None,
    scope: Scope,
) -> None:
    """Write the access log line of one answered request (when the logger is enabled for info)."""
    if not access_logger.isEnabledFor(logging.INFO):
        return
    client = scope.get("client")
    line = _AccessRecord()
    line.fields = {
        "request_id": request_id,
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        "profile": profile or None,
        "verdict": verdict,
        "client": f"{client[0]}:{client[1]}" if client else None,
    }
    access_logger.handle(line)


class ObserveMiddleware:
    """Give every request an id, count and time it, and log it as one JSON line."""

    def __init__(self, app: ASGIApp, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log
        self._routes: _Routes | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = perf_counter()
        request_id = request_id_of(scope["headers"])
        record, token = metrics.request_started(request_id.decode())
        status = 500  # what the server answers when the app raises before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), (b"x-request-id", request_id)]
                if lifecycle.shutting_down():
                    # Tell keep-alive clients to go elsewhere while this process drains.
                    headers.append((b"connection", b"close"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = perf_counter() - start
            routes = self._routes or self._load(scope)
            route = routes.route(scope)
            profile = record.profile or routes.profile(scope, route)
            method: str = scope["method"]
            metrics.observe_request(token, route, method, status, profile, seconds)
            if self.access_log:
                log_access(record.request_id, method, route, status, seconds, profile, record.verdict, scope)

    def _load(self, scope: Scope) -> _Routes:
        self._routes = _Routes(scope["app"])
        return self._routes
