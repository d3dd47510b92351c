"""One install gives the whole CLI; serving installs only what it needs, at the pinned versions."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

CONSTRAINTS = ROOT / "constraints.txt"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", out, ROOT],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("specgate-*.whl")
    return built


def test_the_main_wheel_carries_the_client(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    client = {p.relative_to(ROOT / "client").as_posix() for p in (ROOT / "client" / "specgate_client").iterdir()}
    client = {name for name in client if not name.endswith(".pyc") and "__pycache__" not in name}
    assert client <= names, client - names
    assert "app/cli/backend.py" in names


def test_the_standalone_client_distribution_stays() -> None:
    project = tomllib.loads((ROOT / "client" / "pyproject.toml").read_text())
    assert project["project"]["name"] == "specgate-client"
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["specgate_client"]


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt pins exact versions: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def test_constraints_pin_versions_the_project_accepts() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins()
    assert pins, "constraints.txt lists the runtime closure"
    assert list(pins) == sorted(pins)
    for line in project["dependencies"]:
        requirement = Requirement(line)
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is not None:
            assert pinned in requirement.specifier, f"{requirement} but constraints.txt pins {pinned}: make constraints"


def test_make_serve_installs_no_dev_extras_and_make_test_does() -> None:
    makefile = (ROOT / "Makefile").read_text()
    rules = dict(re.findall(r"^(\$\([A-Z_]+\)):[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.MULTILINE))
    assert re.search(r"^serve: install-serve$", makefile, re.MULTILINE)
    # Runtime dependencies plus the compiler of the core (the `native` extra), never the test tools.
    assert "-c constraints.txt -e '.[native]'\n" in rules["$(SERVE_STAMP)"] and "dev" not in rules["$(SERVE_STAMP)"]
    assert re.search(r"^test: install$", makefile, re.MULTILINE)
    assert "'.[dev]'" in rules["$(STAMP)"]
    assert re.search(r"^install-serve: \$\(SERVE_STAMP\) \$\(NATIVE\)$", makefile, re.MULTILINE)
    assert re.search(r"^install: \$\(STAMP\) \$\(NATIVE\)$", makefile, re.MULTILINE)


def test_the_image_builds_from_the_constraints_and_keeps_the_client() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^COPY [^\n]*\bconstraints\.txt\b", dockerfile, re.MULTILINE)
    assert re.search(r"pip wheel [^\n]*--constraint constraints\.txt", dockerfile)
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "!constraints.txt" in ignored and "!client/" in ignored
    assert "client" not in ignored and "client/" not in ignored
