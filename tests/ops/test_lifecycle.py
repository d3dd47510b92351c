"""SIGTERM on a real `specgate serve`: not ready at once, in flight finishes, refused after the grace, bounded exit."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
import orjson

from app.api.examples import CONFIG
from tests.ops.server import specgate_serve

BODY = orjson.dumps(CONFIG)


def _start_request(port: int) -> socket.socket:
    """A POST /validate whose body is half sent: in flight until the rest arrives."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    head = (
        f"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n"
    )
    sock.sendall(head.encode() + BODY[:100])
    return sock


def _finish_request(sock: socket.socket) -> tuple[bytes, bytes]:
    sock.sendall(BODY[100:])
    received = b""
    while b"\r\n\r\n" not in received or len(received.partition(b"\r\n\r\n")[2]) < _length(received):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body


def _length(received: bytes) -> int:
    for line in received.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 1 << 30


def test_sigterm_drains_then_refuses_then_exits(tmp_path: Path) -> None:
    env = {"SPECGATE_SHUTDOWN_GRACE_SECONDS": "1.5", "SPECGATE_SHUTDOWN_TIMEOUT_SECONDS": "20"}
    with specgate_serve(tmp_path, **env) as server:
        in_flight = _start_request(server.port)
        with httpx.Client(base_url=server.url, timeout=10) as keep_alive:
            assert keep_alive.get("/readyz").status_code == 200
            server.terminate()
            # At once: not ready, but still answering, on a new connection too.
            deadline = time.monotonic() + 1.0
            while (ready := keep_alive.get("/readyz")).status_code == 200:
                assert time.monotonic() < deadline, "/readyz stayed 200 after SIGTERM"
                time.sleep(0.02)
            assert ready.status_code == 503 and ready.json()["status"] == "shutting down"
            assert ready.headers["connection"] == "close", "keep-alive clients are not told to go elsewhere"
            status, body = server.request("POST", "/validate", BODY)  # a new connection, still served
            assert status == 200 and json.loads(body)["valid"] is True
        # After the grace period: the listening socket is closed.
        deadline = time.monotonic() + 15
        while True:
            try:
                server.request("GET", "/healthz")
            except ConnectionRefusedError:
                break
            except ConnectionResetError:
                pass  # queued while the last worker closed its listener: reset, then refused
            assert time.monotonic() < deadline, "still accepting connections long after the grace period"
            time.sleep(0.1)
        assert server.process.poll() is None, "exited while a request was in flight"
        # The request in flight completes normally.
        head, body = _finish_request(in_flight)
        in_flight.close()
        assert head.startswith(b"HTTP/1.1 200"), head
        assert json.loads(body)["valid"] is True
        assert server.wait(15) is not None, "did not exit once the last request was answered"
        messages = [json.loads(line)["message"] for line in server.log_lines() if line.startswith("{")]
        assert any(m.startswith("SIGTERM: not ready any more") for m in messages)
