"""The compiled core (app/core/native.py): what is compiled, and that a stale or disabled build runs from source."""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import native

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def test_every_listed_source_exists_once_and_is_a_module_of_the_core() -> None:
    sources = native.sources()
    assert len(set(sources)) == len(sources) > 30
    names = [native.module_name(s) for s in sources]
    assert sources == native.mypyc_sources() + native.c_sources()
    assert all(s.is_file() and s.suffix == ".py" and s.name != "__init__.py" for s in native.mypyc_sources())
    assert all(s.is_file() and s.suffix == ".c" for s in native.c_sources())
    assert "app.core.profiles.runsc.mounts" in names and "app.core.engine" in names and "app.core._accel" in names
    assert "app.core.native" not in names  # the module that decides must stay plain Python


@pytest.fixture
def fake_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "gospec").mkdir()
    (tmp_path / "engine.py").write_text("X = 1\n")
    (tmp_path / "gospec" / "decoder.py").write_text("Y = 2\n")
    monkeypatch.setattr(native, "CORE", tmp_path)
    monkeypatch.setattr(native, "MANIFEST", tmp_path / "native.json")
    monkeypatch.setattr(native, "NATIVE_MODULES", ("engine",))
    monkeypatch.setattr(native, "NATIVE_PACKAGES", ("gospec",))
    monkeypatch.setattr(native, "C_MODULES", ())
    return tmp_path


def _manifest(core: Path, *names: str) -> None:
    def source(name: str) -> Path:
        found = core / (name.replace(".", "/") + ".py")
        return found if found.exists() else found.with_suffix(".c")

    digests = {f"app.core.{n}": hashlib.sha256(source(n).read_bytes()).hexdigest() for n in names}
    (core / "native.json").write_text(json.dumps({"sources": digests}))


def test_nothing_compiled_nothing_routed(fake_core: Path) -> None:
    assert native.stale_modules() == {}


def test_a_current_build_is_used_and_an_edited_source_is_routed_to_its_source(fake_core: Path) -> None:
    (fake_core / f"engine{SUFFIX}").write_bytes(b"")
    (fake_core / "gospec" / f"decoder{SUFFIX}").write_bytes(b"")
    _manifest(fake_core, "engine", "gospec.decoder")
    assert native.stale_modules() == {}
    (fake_core / "engine.py").write_text("X = 2  # edited after the compile\n")
    # One edit sends the whole group to source (compiled siblings import each other past the finder).
    assert set(native.stale_modules()) == {"app.core.engine", "app.core.gospec.decoder"}
    assert set(native.stale_modules(enabled=False)) == {"app.core.engine", "app.core.gospec.decoder"}


def test_an_edited_c_source_sends_the_build_back_to_source_and_its_module_is_not_loaded(
    fake_core: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(native, "C_MODULES", ("_fast",))
    (fake_core / "_fast.c").write_text("/* C */\n")
    (fake_core / f"engine{SUFFIX}").write_bytes(b"")
    (fake_core / f"_fast{SUFFIX}").write_bytes(b"")
    _manifest(fake_core, "engine", "_fast")
    assert native.stale_modules() == {}
    (fake_core / "_fast.c").write_text("/* C, edited */\n")
    routed = native.stale_modules()
    assert routed == {"app.core.engine": fake_core / "engine.py", "app.core._fast": fake_core / "_fast.c"}
    # A C module has no source to run: importing it fails, and its callers take their Python twin.
    with pytest.raises(ModuleNotFoundError, match="stale or switched off"):
        native._FromSource(routed).find_spec("app.core._fast", None)


def test_without_a_manifest_every_compiled_module_runs_from_source(fake_core: Path) -> None:
    (fake_core / f"engine{SUFFIX}").write_bytes(b"")
    assert native.stale_modules() == {"app.core.engine": fake_core / "engine.py"}
    (fake_core / "native.json").write_text("not json")
    assert native.stale_modules() == {"app.core.engine": fake_core / "engine.py"}


def test_the_source_finder_loads_the_listed_module_from_its_py(tmp_path: Path) -> None:
    source = tmp_path / "anything.py"
    source.write_text("WHERE = 'source'\n")
    finder = native._FromSource({"specgate_test_routed": source})
    spec = finder.find_spec("specgate_test_routed", None)
    assert spec is not None and spec.origin == str(source)
    assert finder.find_spec("json", None) is None


def test_this_checkout_runs_what_its_manifest_says() -> None:
    from app.core._activate import ROUTED

    # Routed to source although current: SPECGATE_NATIVE=0 when this process started.
    if not native.MANIFEST.exists() or (ROUTED and not native.stale_modules()):
        pytest.skip("the core is not compiled here (make compile), or runs from source (SPECGATE_NATIVE=0)")
    # `make test` compiles first: every listed module is current and loaded compiled.
    assert native.stale_modules() == {}
    recorded = json.loads(native.MANIFEST.read_text())["sources"]
    assert sorted(recorded) == sorted(native.module_name(s) for s in native.sources())
    assert native.compiled_modules() == sorted(recorded)


def test_specgate_native_0_runs_the_core_from_source() -> None:
    code = (
        "import app.core as c, app.core.native as n, app.core.accel as a; "
        'r = c.validate(b\'{"ociVersion": "1.2.0"}\'); print(len(n.compiled_modules()), r.valid, a.NATIVE)'
    )
    env = {"SPECGATE_NATIVE": "0", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["0", "False", "False"]


def test_an_edited_source_runs_from_source_even_where_a_compiled_sibling_imports_it(tmp_path: Path) -> None:
    """A copy of the compiled app with one source edited: the edit is what runs, and nothing runs compiled."""
    if not native.MANIFEST.exists() or native.stale_modules():
        pytest.skip("the core is not compiled here (make compile)")
    copy = tmp_path / "app"
    shutil.copytree(native.CORE.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    edited = copy / "core" / "profiles" / "oci" / "context.py"
    edited.write_text(edited.read_text() + "\nEDITED_AFTER_THE_COMPILE = True\n")
    code = (
        "import warnings; warnings.simplefilter('ignore'); import app.core as c, app.core.native as n; "
        "from app.core.profiles.oci import context; c.validate(b'{}', profile='oci'); "
        "print(getattr(context, 'EDITED_AFTER_THE_COMPILE', False), len(n.compiled_modules()))"
    )
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "0"]
