"""The dependency rule, checked in fresh interpreters: the core and the client import no web layer."""

from __future__ import annotations

import subprocess
import sys

import pytest

WEB = ("fastapi", "starlette", "uvicorn")


def _imported(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in out.split()}


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        pytest.param("import app.core; app.core.validate(b'{}')", WEB + ("httpx",), id="core"),
        pytest.param("import app.models", WEB + ("httpx", "jsonschema_rs"), id="models"),
        pytest.param("import specgate_client", WEB + ("app",), id="client"),
    ],
)
def test_layer_imports_nothing_above_it(statement: str, forbidden: tuple[str, ...]) -> None:
    loaded = _imported(statement)
    assert not loaded & set(forbidden), f"{statement!r} pulled in {sorted(loaded & set(forbidden))}"
