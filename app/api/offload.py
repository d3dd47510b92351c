"""Run the core on a document: inline when small, in a worker thread when large."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

P = ParamSpec("P")
R = TypeVar("R")


async def judge(inline_bytes: int, size: int, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call `func` on the event loop when the document is small, else in the thread pool.

    A small document is judged faster than a thread hop costs; a large one would hold the
    event loop long enough to delay health probes, so it goes to a thread.
    """
    if size <= inline_bytes:
        return func(*args, **kwargs)
    return await run_in_threadpool(func, *args, **kwargs)
