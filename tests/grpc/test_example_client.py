"""examples/grpc_client.py, run against the test server as a user would run it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import orjson
import pytest

from app.api.examples import CONFIG
from tests.conftest import ROOT
from tests.grpc.conftest import Served


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("grpc_client_example", ROOT / "examples" / "grpc_client.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_client_judges_files_and_directories(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "config.json").write_bytes(orjson.dumps(CONFIG))
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"ociVersion": ')
    code = _example().main([str(tmp_path / "good"), str(broken), "--target", served.grpc_address])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == f"{tmp_path / 'good' / 'config.json'}: valid (runsc)"
    assert out[-1].startswith(f"{broken}: not judged: invalid JSON")


def test_example_client_exit_status_is_0_when_all_are_valid(served: Served, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_bytes(orjson.dumps(CONFIG))
    assert _example().main([str(tmp_path), "--target", served.grpc_address, "-p", "oci"]) == 0


def test_example_client_refuses_a_token_in_plaintext(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="needs TLS"):
        _example().main([str(tmp_path), "--token", "t"])
