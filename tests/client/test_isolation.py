"""The client installs and works on its own: no server package, no web framework."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

SCRIPT = textwrap.dedent(
    """
    import importlib.abc, sys

    class Block(importlib.abc.MetaPathFinder):
        # Pretend these are not installed at all, as in a fresh venv with only specgate-client.
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"app", "fastapi", "starlette", "uvicorn", "orjson", "jsonschema_rs"}:
                raise ImportError(f"blocked: {name}")
            return None

    sys.meta_path.insert(0, Block())
    import httpx
    import specgate_client

    def handler(request):
        assert request.headers["content-type"] == "application/json"
        body = {"valid": True, "profile": "runsc", "platform": "linux", "findings": [],
                "summary": {"errors": 0, "warnings": 0, "infos": 0},
                "sandbox": {"container_type": None, "creates_sandbox": True, "sandbox_id": None}}
        return httpx.Response(200, json=body)

    with specgate_client.Client(base_url="http://specgate", transport=httpx.MockTransport(handler)) as client:
        report = client.validate({"ociVersion": "1.0.2"})
    assert report.valid
    loaded = {name.split(".")[0] for name in sys.modules}
    print(" ".join(sorted(loaded & {"app", "fastapi", "starlette", "uvicorn"})) or "clean")
    """
)


def test_client_works_without_the_server_package() -> None:
    env = {"PYTHONPATH": str(ROOT / "client"), "PATH": ""}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, cwd="/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "clean"


def test_client_distribution_declares_only_httpx_and_pydantic() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "client" / "pyproject.toml").read_text())["project"]
    names = sorted(dep.split(">")[0].split("=")[0].split("<")[0].strip() for dep in project["dependencies"])
    assert names == ["httpx", "pydantic"]
    assert project["name"] == "specgate-client"
