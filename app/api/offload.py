"""Read the request's document and run the core on it: inline when small, in a worker thread when large."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from app.api.deps import read_document
from app.config import Settings

P = ParamSpec("P")
R = TypeVar("R")


async def judge(request: Request, func: Callable[Concatenate[bytes, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Read the body (`read_document`), then call `func(body, ...)`: on the event loop when the document is
    small, else in the thread pool.

    A small document is judged faster than a thread hop costs; a large one would hold the
    event loop long enough to delay health probes, so it goes to a thread (SPECGATE_INLINE_BYTES).
    The body is read here rather than by a FastAPI dependency: solving one costs tens of microseconds
    per request, and the document is described in OpenAPI by the route's `openapi_extra` either way.
    """
    raw = await read_document(request)
    settings: Settings = request.app.state.settings
    if len(raw) <= settings.inline_bytes:
        return func(raw, *args, **kwargs)
    return await run_in_threadpool(func, raw, *args, **kwargs)
