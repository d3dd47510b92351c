"""`specgate serve`: HTTPS and mutual TLS from options or SPECGATE_TLS_* variables, refused up front when unusable."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import trustme

from tests.cli.conftest import Run
from tests.tls import client_context, install

STARTUP_SECONDS = 30.0


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def test_certificate_without_key(run: Run, ca: trustme.CA, tmp_path: Path) -> None:
    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    result = run("serve", "--tls-cert", files.cert)
    assert result.exit_code == 2
    assert "tls_cert and tls_key (SPECGATE_TLS_CERT, SPECGATE_TLS_KEY) are set together" in result.stderr


def test_client_ca_without_server_certificate(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPECGATE_TLS_CLIENT_CA", str(tmp_path / "ca.crt"))
    result = run("serve")
    assert result.exit_code == 2
    assert "mutual TLS" in result.stderr


def test_missing_file_is_named(run: Run, monkeypatch: pytest.MonkeyPatch, ca: trustme.CA, tmp_path: Path) -> None:
    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    monkeypatch.setenv("SPECGATE_TLS_CERT", str(files.cert))
    result = run("serve", "--tls-key", tmp_path / "elsewhere.key")
    assert result.exit_code == 2
    assert f"cannot serve HTTPS: {tmp_path / 'elsewhere.key'}: no such file" in result.stderr


def test_mismatched_key_is_refused(run: Run, ca: trustme.CA, tmp_path: Path) -> None:
    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    install(ca.issue_cert("127.0.0.1"), tmp_path, cert=False)
    result = run("serve", "--tls-cert", files.cert, "--tls-key", files.key)
    assert result.exit_code == 2
    assert "key values mismatch" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_process_speaks_mutual_tls_from_the_environment(ca: trustme.CA, tmp_path: Path) -> None:
    """The command an image or a user runs, as its own process, configured the way a Deployment configures it."""
    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    client_ca = trustme.CA()
    client_ca.cert_pem.write_to_path(str(tmp_path / "ca.crt"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECGATE_")} | {
        "SPECGATE_TLS_CERT": str(files.cert),
        "SPECGATE_TLS_KEY": str(files.key),
        "SPECGATE_TLS_CLIENT_CA": str(tmp_path / "ca.crt"),
        "SPECGATE_WARM_UP": "false",
        "SPECGATE_WORKERS": "1",  # several workers over TLS: tests/deploy/test_image.py serves as the image does
        "SPECGATE_SHUTDOWN_GRACE_SECONDS": "0",
    }
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        trusted = client_context(ca, identity=client_ca.issue_cert("kube-apiserver"))
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                response = httpx.get(f"https://127.0.0.1:{port}/readyz", verify=trusted, timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, "specgate serve exited"
                assert time.monotonic() < deadline, "specgate serve did not answer in time"
                time.sleep(0.1)
        assert response.status_code == 200
        with pytest.raises(httpx.TransportError):
            httpx.get(f"https://127.0.0.1:{port}/readyz", verify=client_context(ca), timeout=2)
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=20)
    # uvicorn shuts down gracefully, then re-raises the signal it caught, as a process stopped by it would end.
    assert server.returncode in (0, -signal.SIGTERM), output
    assert f"Uvicorn running on https://127.0.0.1:{port}" in output
    assert "Finished server process" in output
