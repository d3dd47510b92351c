"""Answers that come before the whole body reach every client: the rest of the body is read and dropped first.

A client that writes the whole body before reading (Python's urllib and requests, many CI scripts)
never sees a 413 sent while it is still writing: the server closes the connection with unread data
in its receive buffer, the kernel answers with a reset, and the client reports "connection reset"
instead of the 413 and its detail. As nginx's lingering close does, the answer is sent at once and
the connection is then kept open while the rest of the body is read and thrown away, up to a bound
in bytes and in time so that a slow or endless body cannot hold the server; past the bound the
connection closes as before. The answer carries `Connection: close`: the request stream is not
worth resynchronising.

A client that sent `Expect: 100-continue` and was answered before its body started sends no body
at all, so nothing is drained for it.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _has_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.strip() not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


def _expects_continue(scope: Scope) -> bool:
    return any(name == b"expect" and value.lower() == b"100-continue" for name, value in scope["headers"])


class DrainMiddleware:
    """Read and drop the unread rest of a request body before completing an early answer, within bounds."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_seconds: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes == 0 or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        received = 0
        body_done = False

        async def receiving() -> Message:
            nonlocal received, body_done
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
            else:
                body_done = True  # disconnected: nothing left to read
            return message

        async def sending(message: Message) -> None:
            if body_done or (received == 0 and _expects_continue(scope)):
                await send(message)
            elif message["type"] == "http.response.start":
                await send({**message, "headers": [*message.get("headers", ()), (b"connection", b"close")]})
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # Everything but the end of the answer goes out now; the end waits for the body to be read.
                await send({**message, "more_body": True})
                await self._drain(receiving)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await self.app(scope, receiving, sending)

    async def _drain(self, receive: Receive) -> None:
        dropped = 0
        with anyio.move_on_after(self.max_seconds):
            while dropped <= self.max_bytes:
                message = await receive()
                if message["type"] != "http.request":
                    return
                dropped += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return
