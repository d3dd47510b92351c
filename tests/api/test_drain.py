"""Early answers (413 before the body is read) reach clients that send the whole body before reading."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import orjson
import pytest
import requests

from app.main import create_app
from tests.api.conftest import make_settings
from tests.api.live import serve

ELEVEN_MB = b" " * (11 * 1024 * 1024)
JSON = {"Content-Type": "application/json"}


def check_413(status: int, body: bytes) -> None:
    assert status == 413
    problem = orjson.loads(body)
    assert problem["status"] == 413
    assert "SPECGATE_MAX_BODY_BYTES" in problem["detail"]


def test_urllib_reads_the_413(live_url: str) -> None:
    request = urllib.request.Request(f"{live_url}/validate", data=ELEVEN_MB, headers=JSON, method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    with caught.value as error:
        check_413(error.code, error.read())
        assert error.headers["Connection"] == "close"


def test_requests_reads_the_413(live_url: str) -> None:
    response = requests.post(f"{live_url}/validate", data=ELEVEN_MB, headers=JSON, timeout=30)
    check_413(response.status_code, response.content)


def test_requests_reads_the_413_of_a_chunked_body(live_url: str) -> None:
    chunks = (ELEVEN_MB[i : i + 65536] for i in range(0, len(ELEVEN_MB), 65536))
    response = requests.post(f"{live_url}/classify-mounts", data=chunks, headers=JSON, timeout=30)
    check_413(response.status_code, response.content)


def test_urllib_reads_a_415_sent_before_the_body(live_url: str) -> None:
    request = urllib.request.Request(
        f"{live_url}/validate", data=b" " * (4 * 1024 * 1024), headers={"Content-Type": "text/plain"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    with caught.value as error:
        assert error.code == 415
        assert orjson.loads(error.read())["status"] == 415


def test_the_connection_is_reused_after_a_small_body(live_url: str) -> None:
    # A body read in full needs no drain: keep-alive is untouched.
    with requests.Session() as session:
        first = session.post(f"{live_url}/validate", data=b"{}", headers=JSON, timeout=10)
        assert first.status_code == 200 and "close" not in first.headers.get("Connection", "")


@pytest.fixture(scope="module")
def bounded_url() -> Iterator[str]:
    with serve(create_app(make_settings(drain_bytes=2 * 1024 * 1024, drain_seconds=0.5))) as url:
        yield url


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _head(length: int) -> bytes:
    return (
        f"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def test_a_stalled_body_is_dropped_after_the_time_bound(bounded_url: str) -> None:
    with _connect(bounded_url) as sock:
        sock.sendall(_head(11 * 1024 * 1024) + b" " * 1000)  # then nothing more
        received = b""
        while chunk := sock.recv(65536):  # EOF once the drain gives up; the 10 s socket timeout bounds the loop
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    check_413(413, body)


def test_an_endless_body_is_cut_after_the_byte_bound(bounded_url: str) -> None:
    sent = 0
    with _connect(bounded_url) as sock:
        sock.sendall(_head(1 << 40))
        deadline = time.monotonic() + 20
        with pytest.raises(OSError):  # reset or broken pipe once the server has dropped its 2 MiB
            while sent < 1 << 30 and time.monotonic() < deadline:
                sent += sock.send(b" " * 65536)
    assert sent < 256 * 1024 * 1024
