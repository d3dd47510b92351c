"""`specgate serve` as a real process on loopback, for tests of signals, workers and logs."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STARTUP_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """A running `specgate serve`, its URL and its log file."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        """One request on a new connection (http.client: no TLS context to build, unlike an httpx client)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int | None:
        """The exit status, or None when the process is still running after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None


@contextmanager
def specgate_serve(tmp_path: Path, *args: str, **env: str) -> Iterator[ServerProcess]:
    """Start `specgate serve` on a free port with SPECGATE_* `env`; wait until /readyz is 200; kill it at the end."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SPECGATE_", "PROMETHEUS_"))}
    environ.update({"SPECGATE_WARM_UP": "false", "SPECGATE_SHUTDOWN_GRACE_SECONDS": "0", **env})
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=environ)
    server = ServerProcess(process, port, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"specgate serve exited with {process.returncode}:\n{log.read_text()}")
            try:
                if server.request("GET", "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"specgate serve did not get ready:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        # SIGTERM first: a SIGKILLed supervisor would leave its workers behind.
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
