"""hatch_build.py: the wheel carries the compiled core exactly when every compiled module matches its source.

The hook runs on a small tree made here (app/core/native.py copied from this one, one module, a stand-in
extension module and a manifest), so that no compile is needed; tests/deploy/test_image.py builds and installs
the real wheel.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hatchling.bridge.app import Application

from tests.conftest import ROOT

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _hook_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("specgate_hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Quiet(Application):
    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []

    def display_warning(self, message: str = "", **kwargs: Any) -> None:
        self.said.append(message)

    def display_info(self, message: str = "", **kwargs: Any) -> None:
        self.said.append(message)


def _tree(root: Path, *, compiled: bool, current: bool = True) -> Path:
    core = root / "app" / "core"
    core.mkdir(parents=True)
    (core / "native.py").write_text((ROOT / "app" / "core" / "native.py").read_text())
    source = core / "engine.py"
    source.write_text("RULES = 1\n")
    if compiled:
        (core / f"engine{SUFFIX}").write_bytes(b"\x7fELF stand-in")
        (core / f"_native_lib__mypyc{SUFFIX}").write_bytes(b"\x7fELF stand-in")
        native = _load_native(core)
        (core / "native.json").write_text(json.dumps({"sources": {"app.core.engine": native.digest(source)}}))
        if not current:
            source.write_text("RULES = 2  # edited after the compile\n")
    return root


def _load_native(core: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("native_under_test", core / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(root: Path, version: str = "standard", target: str = "wheel") -> tuple[dict[str, Any], list[str]]:
    module = _hook_module()
    app = _Quiet()
    hook = module.CompiledCoreHook(str(root), {}, None, None, str(root / "dist"), target, app)
    build_data: dict[str, Any] = {"force_include": {}, "pure_python": True, "infer_tag": False}
    hook.initialize(version, build_data)
    return build_data, app.said


def test_a_current_build_goes_into_a_platform_wheel(tmp_path: Path) -> None:
    root = _tree(tmp_path, compiled=True)
    data, said = _run(root)
    assert sorted(data["force_include"].values()) == [
        f"app/core/_native_lib__mypyc{SUFFIX}",
        f"app/core/engine{SUFFIX}",
        "app/core/native.json",
    ]
    assert data["pure_python"] is False and data["infer_tag"] is True
    assert said and "compiled" in said[0]


def test_a_stale_build_gives_the_pure_wheel_and_says_why(tmp_path: Path) -> None:
    root = _tree(tmp_path, compiled=True, current=False)
    data, said = _run(root)
    assert data == {"force_include": {}, "pure_python": True, "infer_tag": False}
    assert len(said) == 1 and "app.core.engine" in said[0] and "make compile" in said[0]


def test_a_build_without_its_manifest_is_not_shipped(tmp_path: Path) -> None:
    root = _tree(tmp_path, compiled=True)
    (root / "app" / "core" / "native.json").unlink()
    data, said = _run(root)
    assert data["force_include"] == {} and data["pure_python"] is True and said


def test_an_uncompiled_tree_gives_the_pure_wheel_quietly(tmp_path: Path) -> None:
    data, said = _run(_tree(tmp_path, compiled=False))
    assert data == {"force_include": {}, "pure_python": True, "infer_tag": False} and said == []


@pytest.mark.parametrize(("version", "target"), [("editable", "wheel"), ("standard", "sdist")])
def test_editable_installs_and_sdists_are_left_alone(tmp_path: Path, version: str, target: str) -> None:
    """An editable install loads the compiled modules from the tree; an sdist carries sources only."""
    data, said = _run(_tree(tmp_path, compiled=True), version, target)
    assert data["force_include"] == {} and data["pure_python"] is True and said == []
