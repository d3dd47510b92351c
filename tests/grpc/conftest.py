"""One real server for the gRPC tests: uvicorn on loopback with gRPC beside it, started by the app's lifespan."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import pytest

from app.grpc.gen import specgate_pb2_grpc as pb_grpc
from app.main import create_app
from tests.api.conftest import make_settings
from tests.api.live import serve


@dataclass(frozen=True)
class Served:
    """The addresses of one process serving both protocols."""

    http_url: str
    grpc_address: str


@pytest.fixture(scope="session")
def served() -> Iterator[Served]:
    # Session fixtures are set up before the autouse clean_environ of the test that first needs them, and a
    # command test may have left SPECGATE_* variables behind (serve exports its options): read none of them.
    with pytest.MonkeyPatch.context() as patch:
        for key in [key for key in os.environ if key.startswith("SPECGATE_") and key != "SPECGATE_SHARED"]:
            patch.delenv(key)
        app = create_app(make_settings(grpc_port=0))
    with serve(app) as url:
        yield Served(http_url=url, grpc_address=f"127.0.0.1:{app.state.grpc_port}")


@pytest.fixture(scope="session")
def channel(served: Served) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(served.grpc_address) as channel:
        yield channel


@pytest.fixture(scope="session")
def stub(channel: grpc.Channel) -> pb_grpc.SpecgateStub:
    return pb_grpc.SpecgateStub(channel)
