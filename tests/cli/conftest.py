"""Fixtures of the CLI tests: the command, its fixture files, and a real server for --server runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.cli import specgate
from tests.api.live import serve
from tests.conftest import ROOT, SHARED

FIXTURES = ROOT / "tests" / "fixtures" / "cli"
UPSTREAM = SHARED / "conformance" / "runtime-spec" / "schema" / "test" / "config"
"""The runtime-spec's own schema test corpus (good/ and bad/), as vendored upstream."""


class Run:
    """Invoke `specgate` in-process and keep stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str | Path, stdin: bytes | None = None) -> Result:
        return self.runner.invoke(specgate, [str(a) for a in args], input=stdin, catch_exceptions=False)


@pytest.fixture
def run() -> Iterator[Run]:
    # `specgate serve` exports the settings it was given (SPECGATE_*) so that uvicorn's workers see them; run
    # in-process, that must not leak into later tests (a gRPC test once started its server with a stale TLS key).
    saved = {k: v for k, v in os.environ.items() if k.startswith("SPECGATE_")}
    yield Run()
    for key in [k for k in os.environ if k.startswith("SPECGATE_") and k not in saved]:
        del os.environ[key]
    os.environ.update(saved)


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    """Base URL of a real uvicorn serving the real app, for --server runs."""
    from app.main import create_app

    with serve(create_app()) as url:
        yield url
