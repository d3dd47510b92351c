"""POST /validate's usual request answered in pure ASGI, without FastAPI's per-request machinery.

Measured in-process on k8s.json, FastAPI's routing, dependency solving, parameter binding and response
handling cost about 175 us per request, more than half of what the core spends judging the document
(docs/performance.md). The FastAPI route stays what it was: it defines the operation in the OpenAPI
document and it answers everything unusual. This middleware only takes the request whose answer is a
200 report, and gives the request to the route, untouched, at the first sign of anything else:

- a query naming a parameter more than once, a media type, encoding or size the route refuses, a client
  that leaves mid-body: the route answers (the bytes already read are replayed to it);
- a document or parameter the core refuses (DocumentError, UnknownProfile, ...) or any other exception:
  the route judges it again and its exception handlers answer, so every problem+json stays one code path.

The answer is byte for byte the route's (tests/api/test_fastpath.py compares every corpus document).
SPECGATE_FAST_PATH=false turns it off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import core, metrics
from app.api.deps import check_media_type
from app.config import Settings
from app.core.policy_file import Policy

PATH = "/validate"
DEFAULTS = {"profile": "runsc", "platform": "linux", "lifecycle": "create"}


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


class FastPathMiddleware:
    """Answer the usual POST /validate directly; refer everything else to the app."""

    def __init__(self, app: ASGIApp, settings: Settings, policy: Policy | None = None) -> None:
        self.app = app
        self.limit = settings.max_body_bytes
        self.inline = settings.inline_bytes
        self.policy = policy
        """The service's policy file, applied as the route applies it (app.state.policy)."""
        self.validate: Callable[..., Any] = core.validate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        ended = False
        try:
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
        except Exception:
            # _Refer, or anything the core or a check raised: the route does it all again and answers.
            await self.app(scope, _replay(chunks, ended, receive), send)
            return
        metrics.observe_report(report)  # verdict and findings, as the route records them
        body = report.__pydantic_serializer__.to_json(report, by_alias=True)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _check_headers(self, headers: dict[bytes, bytes]) -> None:
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
