"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SPECGATE_SHARED", ROOT / "tests" / "data"))
"""Test data laid out as the project's shared folder (conformance corpus, bench workloads, reference tables);
the copy in tests/data unless SPECGATE_SHARED names another."""


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No SPECGATE_* setting of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("SPECGATE_") and key not in ("SPECGATE_SHARED", "SPECGATE_FUZZ_ITERATIONS"):
            monkeypatch.delenv(key)
    yield
