"""The dependency rule, checked in fresh interpreters: the core and the client import no web or gRPC layer,
the HTTP layer no gRPC, the gRPC layer no HTTP."""

from __future__ import annotations

import subprocess
import sys

import pytest

WEB = ("fastapi", "starlette", "uvicorn")
GRPC = ("grpc", "grpc_health", "grpc_reflection", "google.protobuf", "google.rpc")


def _imported(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    names = set(out.split())
    return names | {name.split(".")[0] for name in names}


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        pytest.param("import app.core; app.core.validate(b'{}')", WEB + GRPC + ("httpx",), id="core"),
        pytest.param("import app.models", WEB + GRPC + ("httpx", "jsonschema_rs"), id="models"),
        pytest.param("import app.core.kube", WEB + GRPC + ("httpx",), id="kube"),
        pytest.param("import specgate_client", WEB + GRPC + ("app",), id="client"),
        pytest.param("import app.api.main, app.api.deps, app.api.errors", GRPC, id="api"),
        # grpc is loaded by the lifespan only when SPECGATE_GRPC_PORT asks for it
        pytest.param("import app.main", GRPC, id="http-only-app"),
        pytest.param("import app.grpc.server", ("fastapi", "starlette", "uvicorn", "app.api"), id="grpc"),
    ],
)
def test_layer_imports_nothing_above_it(statement: str, forbidden: tuple[str, ...]) -> None:
    loaded = _imported(statement)
    assert not loaded & set(forbidden), f"{statement!r} pulled in {sorted(loaded & set(forbidden))}"
