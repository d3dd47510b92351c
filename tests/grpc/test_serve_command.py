"""`specgate serve --grpc-port` as its own process: both protocols from every worker, health, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import httpx
import orjson
import pytest
from click.testing import CliRunner
from grpc_health.v1 import health_pb2, health_pb2_grpc

from app.api.examples import CONFIG
from app.cli import specgate
from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc
from tests.cli.test_serve import _free_port

STARTUP_SECONDS = 60.0


def _listening_sockets(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (state 0A); gRPC binds it as ::ffff:127.0.0.1, in tcp6."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            count += address.endswith("0100007F") and int(hex_port, 16) == port and fields[3] == "0A"
    return count


def test_two_workers_serve_grpc_on_one_port_and_stop_on_sigterm() -> None:
    http_port, grpc_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECGATE_")} | {
        "SPECGATE_WARM_UP": "false",
        "SPECGATE_SHUTDOWN_GRACE_SECONDS": "0.5",
    }
    command = [sys.executable, "-m", "app", "serve", "--port", str(http_port), "--grpc-port", str(grpc_port)]
    server = subprocess.Popen(
        [*command, "--workers", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            deadline = time.monotonic() + STARTUP_SECONDS
            while _listening_sockets(grpc_port) < 2:  # one per worker, SO_REUSEPORT
                assert server.poll() is None, "specgate serve exited"
                assert time.monotonic() < deadline, "the workers did not both bind the gRPC port in time"
                time.sleep(0.1)
            status = health.Check(health_pb2.HealthCheckRequest(), timeout=10, wait_for_ready=True).status
            assert status == health_pb2.HealthCheckResponse.SERVING
            report = pb_grpc.SpecgateStub(channel).Validate(pb.ValidateRequest(document=orjson.dumps(CONFIG)))
            assert report.valid
        assert httpx.get(f"http://127.0.0.1:{http_port}/readyz", timeout=10).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode in (0, -signal.SIGTERM), output
    assert _listening_sockets(grpc_port) == 0


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--host", "0.0.0.0", "--grpc-port", "50051"], {}, ("50051", "0.0.0.0")),
        # The image sets SPECGATE_HOST=0.0.0.0; SPECGATE_GRPC_PORT alone must not leave gRPC on loopback.
        ([], {"SPECGATE_HOST": "0.0.0.0", "SPECGATE_GRPC_PORT": "50051"}, ("50051", "0.0.0.0")),
        (["--grpc-port", "0", "--grpc-host", "::1", "--workers", "1"], {}, ("0", "::1")),
        ([], {}, (None, None)),
    ],
)
def test_serve_passes_the_grpc_address_to_every_worker(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], expected: tuple[str | None, str | None]
) -> None:
    import uvicorn

    seen: list[tuple[str | None, str | None]] = []
    monkeypatch.setattr(
        uvicorn,
        "run",
        lambda *a, **kw: seen.append((os.environ.get("SPECGATE_GRPC_PORT"), os.environ.get("SPECGATE_GRPC_HOST"))),
    )
    # serve exports its settings as SPECGATE_* variables for the workers: keep them in a copy of the environment.
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items() if not k.startswith("SPECGATE_")} | env)
    result = CliRunner().invoke(specgate, ["serve", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen == [expected]


def test_any_free_grpc_port_needs_one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items() if not k.startswith("SPECGATE_")})
    result = CliRunner().invoke(specgate, ["serve", "--grpc-port", "0", "--workers", "2"])
    assert result.exit_code == 2
    assert "--grpc-port 0 (any free port) needs --workers 1" in result.output
