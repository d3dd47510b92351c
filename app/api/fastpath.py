"""POST /validate's usual request answered in pure ASGI, ahead of FastAPI's per-request machinery.

Served by one uvicorn worker, the layers a request crosses before the route (FastAPI's telemetry check,
Starlette's error, telemetry and body-limit middleware, then specgate's own: observation, drain, tokens,
methods) and the route's dependency solving, parameter binding and response handling cost more CPU per
request than the core spends judging k8s.json (docs/performance.md). The FastAPI route stays what it was:
it defines the operation in the OpenAPI document and it answers everything unusual. `SpecgateAPI` (the
FastAPI application of app.main) gives `POST /validate` to `FastPath` first, which only takes the request
whose answer is a 200 report and does itself what the layers it skips would have done to it:

- tokens: without an accepted bearer token (when tokens are configured) the request goes to the stack,
  whose TokenMiddleware answers 401;
- observation: the request id (the client's X-Request-ID or a fresh one) echoed in the answer,
  `Connection: close` while the process drains, the in-flight gauge, the request and verdict metrics and
  the access log line, as app/api/observe.py writes them for every other request;
- drain and methods have nothing to do for a POST answered after its whole body was read.

It gives the request to the whole stack, untouched, at the first sign of anything else:

- a query naming a parameter more than once, a media type, encoding or size the route refuses, a client
  that leaves mid-body, a missing or refused token: the stack answers (the bytes already read are replayed);
- a document or parameter the core refuses (DocumentError, UnknownProfile, ...) or any other exception:
  the route judges it again and its exception handlers answer, so every problem+json stays one code path.

The answer is byte for byte the route's (tests/api/test_fastpath.py compares every corpus document).
SPECGATE_FAST_PATH=false turns it off; so does SPECGATE_TELEMETRY=true, so that every request is traced.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import core, lifecycle, metrics
from app.api.deps import check_media_type
from app.api.observe import log_access, request_id_of
from app.api.responses import model_json
from app.auth import TokenVerifier
from app.config import Settings
from app.core.policy_file import Policy

PATH = "/validate"
METHOD = "POST"
DEFAULTS = {"profile": "runsc", "platform": "linux", "lifecycle": "create"}
_CONTENT_TYPE = (b"content-type", b"application/json")
_CLOSE = (b"connection", b"close")
_PROFILES = frozenset(core.profile_names())


class _Refer(Exception):
    """The request is not the usual one: the FastAPI route answers it."""


def _query(raw: bytes) -> dict[str, str]:
    """The route's parameters from the query string, as Starlette reads them; a repeated name is referred."""
    values = dict(DEFAULTS)
    if not raw:
        return values
    seen: set[str] = set()
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if name in seen:
            raise _Refer  # single_query_values decides (same value twice is fine, different values are 422)
        seen.add(name)
        if name not in values:
            raise _Refer  # a name the route does not declare: a misspelling is a 422 there (query_names)
        values[name] = value
    return values


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """The first value of each header, as Starlette's Headers.get returns it."""
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        found.setdefault(name, value)
    return found


class FastPath:
    """Answer the usual POST /validate directly; refer everything else to `stack` (the whole application)."""

    def __init__(
        self,
        stack: ASGIApp,
        settings: Settings,
        policy: Policy | None = None,
        verifier: TokenVerifier | None = None,
    ) -> None:
        self.stack = stack
        self.limit = settings.max_body_bytes
        self.inline = settings.inline_bytes
        self.access_log = settings.access_log
        self.policy = policy
        """The service's policy file, applied as the route applies it (app.state.policy)."""
        self.verifier = verifier if verifier is not None and verifier.enabled else None
        self.validate: Callable[..., Any] = core.validate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Called for every POST /validate (SpecgateAPI checks the type, path and method)."""
        start = perf_counter()
        chunks: list[bytes] = []
        ended = False
        metrics.request_arrived()
        query = DEFAULTS
        try:
            if scope.get("root_path"):
                raise _Refer  # mounted under a prefix: routing and the docs' URLs are the stack's business
            query = _query(scope["query_string"])
            headers = _headers(scope)
            self._check_headers(headers)
            size = 0
            while not ended:
                message = await receive()
                if message["type"] != "http.request":
                    raise _Refer  # the client left: the route answers as it does (400 incomplete-body)
                chunk = message.get("body", b"")
                if chunk:
                    chunks.append(chunk)
                    size += len(chunk)
                ended = not message.get("more_body", False)
                if size > self.limit:
                    raise _Refer  # 413 from the route, which reads the rest
            raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            kwargs = {
                "profile": query["profile"],
                "platform": query["platform"],
                "lifecycle": query["lifecycle"],
                "policy": self.policy,
            }
            if len(raw) <= self.inline:
                report = self.validate(raw, **kwargs)
            else:
                report = await run_in_threadpool(self.validate, raw, **kwargs)
            body = model_json(report)  # the bytes the route's ModelResponse renders
        except Exception:
            # _Refer, or anything the core or a check raised: the whole stack does it all again and answers,
            # observing the request as any other (so it leaves the in-flight count here).
            metrics.request_left()
            await self.stack(scope, _replay(chunks, ended, receive), send)
            return
        except BaseException:
            # Cancelled while reading the body (the server stopping with a request that never ends): counted and
            # logged as ObserveMiddleware counts a request the app did not answer.
            profile = query["profile"] if query["profile"] in _PROFILES else "unknown"
            self._observe(scope, request_id_of(scope["headers"]), 500, profile, None, start)
            raise
        request_id = request_id_of(scope["headers"])
        try:
            metrics.observe_report(report)  # verdict and findings, as the route records them
            answer = [
                (b"content-length", str(len(body)).encode()),
                _CONTENT_TYPE,
                (b"x-request-id", request_id),  # where ObserveMiddleware puts it
            ]
            if lifecycle.shutting_down():
                answer.append(_CLOSE)  # keep-alive clients go elsewhere while this process drains
            await send({"type": "http.response.start", "status": 200, "headers": answer})
            await send({"type": "http.response.body", "body": body})
        finally:
            # Counted and logged even when the client left during the answer, as ObserveMiddleware does.
            self._observe(scope, request_id, 200, report.profile, "valid" if report.valid else "invalid", start)

    def _observe(
        self, scope: Scope, request_id: bytes, status: int, profile: str, verdict: str | None, start: float
    ) -> None:
        seconds = perf_counter() - start
        metrics.request_left()
        metrics.count_request(PATH, METHOD, status, profile, seconds)
        if self.access_log:
            log_access(request_id.decode(), METHOD, PATH, status, seconds, profile, verdict, scope)

    def _check_headers(self, headers: dict[bytes, bytes]) -> None:
        if self.verifier is not None:
            authorization = headers.get(b"authorization")
            if not self.verifier.verify_header(None if authorization is None else authorization.decode("latin-1")):
                raise _Refer  # TokenMiddleware answers 401
        content_type = headers.get(b"content-type")
        try:
            check_media_type(None if content_type is None else content_type.decode("latin-1"))
        except HTTPException:
            raise _Refer from None
        if headers.get(b"content-encoding", b"identity").strip().lower() not in (b"", b"identity"):
            raise _Refer
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            raise _Refer


def _replay(chunks: list[bytes], ended: bool, receive: Receive) -> Receive:
    """`receive` for the route: first the body read so far, as one message, then the rest of the stream."""
    pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": not ended}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed


class SpecgateAPI(FastAPI):
    """FastAPI, with POST /validate given to the fast path first when it is installed (`fast_path`)."""

    fast_path: FastPath | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fast = self.fast_path
        if fast is not None and scope["type"] == "http" and scope["path"] == PATH and scope["method"] == METHOD:
            await fast(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    def install_fast_path(self, settings: Settings, policy: Policy | None, verifier: TokenVerifier) -> None:
        """Answer the usual POST /validate ahead of the stack; everything else goes through FastAPI.__call__."""

        async def stack(scope: Scope, receive: Receive, send: Send) -> None:
            await FastAPI.__call__(self, scope, receive, send)

        self.fast_path = FastPath(stack, settings, policy, verifier)
