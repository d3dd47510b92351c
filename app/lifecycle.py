"""Process lifecycle: graceful shutdown on SIGTERM, shared by the server loop and the app.

What Kubernetes (and any load balancer) needs from a replica that is told to stop:
1. at once, `/readyz` answers 503 and answers carry `Connection: close`, so traffic moves away;
2. for `grace` seconds new connections are still accepted and served (endpoints take a moment to
   drop the pod: refusing at once would fail requests that were already routed here);
3. then the listening socket closes (new connections are refused) and requests in flight finish;
4. the process exits within `timeout` seconds of the signal whatever happens (a watchdog cuts what is
   left), before the orchestrator's SIGKILL.

It is built on uvicorn's own handling rather than beside it: at startup the app wraps the SIGTERM handler
uvicorn installed and calls it only once the grace period is over, so it works under `specgate serve`,
a bare `uvicorn app.main:app` and each worker process alike. SIGINT (Ctrl-C) skips the grace period. A
second SIGTERM stops accepting at once. Framework-free: the state is a flag of the process, as the
signal is.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from types import FrameType
from typing import Any

__all__ = ["begin_shutdown", "install_graceful_shutdown", "reset", "shutting_down"]

logger = logging.getLogger("specgate.lifecycle")

_shutting_down = False


def begin_shutdown() -> None:
    """Mark the process as shutting down (idempotent)."""
    global _shutting_down
    _shutting_down = True


def shutting_down() -> bool:
    """True once the process was told to stop."""
    return _shutting_down


def reset() -> None:
    """Forget a shutdown (tests that run the app in-process)."""
    global _shutting_down
    _shutting_down = False


def _exit_now(timeout: float) -> None:
    logger.error("still running %.1f s after SIGTERM; exiting now, cutting what is left", timeout)
    for handler in logging.getLogger().handlers:
        handler.flush()
    os._exit(1)


def install_graceful_shutdown(grace: float, timeout: float) -> bool:
    """Wrap the running server's SIGTERM/SIGINT handlers (call from the app's startup, on the event loop).

    Returns False, changing nothing, where signals cannot be handled: not the main thread (a server run in a
    test's thread), or no server handler installed.
    """
    if threading.current_thread() is not threading.main_thread():
        return False
    loop = asyncio.get_running_loop()
    previous: dict[int, Any] = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    if not all(callable(handler) for handler in previous.values()):
        return False
    # uvicorn's handler is a bound method of its Server: bound its own wait for requests in flight, leaving
    # half a second for the application's shutdown within the overall timeout.
    config: Any = getattr(getattr(previous[signal.SIGTERM], "__self__", None), "config", None)
    if config is not None and hasattr(config, "timeout_graceful_shutdown"):
        config.timeout_graceful_shutdown = max(timeout - grace - 0.5, 0.0)

    def on_signal(sig: int, frame: FrameType | None) -> None:
        handler = previous[sig]
        assert callable(handler)
        if shutting_down():
            handler(sig, frame)  # a second signal: stop accepting now (uvicorn: a second Ctrl-C forces)
            return
        begin_shutdown()
        watchdog = threading.Timer(timeout, _exit_now, (timeout,))
        watchdog.daemon = True
        watchdog.start()
        wait = grace if sig == signal.SIGTERM else 0.0
        logger.info(
            "%s: not ready any more; new connections accepted for %.1f s more, exit within %.1f s",
            signal.Signals(sig).name,
            wait,
            timeout,
        )
        # call_soon_threadsafe is the one loop call that is safe from a signal handler.
        loop.call_soon_threadsafe(loop.call_later, wait, handler, sig, None)

    for sig in previous:
        signal.signal(sig, on_signal)
    return True
