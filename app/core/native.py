"""The core's hot modules compiled with mypyc: which ones, whether the build is current, and the way back to source.

`make compile` (tools/compile_core.py) compiles the modules `NATIVE_PACKAGES` and `NATIVE_MODULES` name, in place:
each gets an extension module beside its `.py`, which Python's import system prefers to the source. The same run
builds the few modules written in C (`C_MODULES`, e.g. app/core/_accel.c), whose callers fall back to a pure-Python
twin when they are absent (app/core/accel.py), and writes `native.json` beside this file: the SHA-256 of every
source it compiled. The rules are the same either way (the tests and the golden corpus run on the compiled build);
compiled, the runsc profile judges small.json 2.3 times and k8s.json 1.8 times faster (docs/performance.md).

A compiled module must never judge with rules older than its source (an edit without `make`), so `activate()`
runs when `app.core` is imported, before anything else (app/core/_activate.py): every module whose source no
longer matches the manifest, or that has an extension module but no manifest entry, is loaded from its source
instead, with a warning. SPECGATE_NATIVE=0 loads every one from source (for debugging, or as an operator's switch
should a compiled build misbehave).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

CORE = Path(__file__).resolve().parent
MANIFEST = CORE / "native.json"
NATIVE_PACKAGES = ("profiles/runsc", "profiles/runsc2018", "profiles/oci", "gospec")
"""Every module of these packages of app/core but their __init__ (the rules of the built-in profiles)."""
NATIVE_MODULES = (
    "engine", "loader", "rules", "pointer", "normalize", "capabilities", "sandbox", "cri",
)  # fmt: skip
"""Modules of app/core itself on every call's path."""
C_MODULES = ("_accel",)
"""Extension modules of app/core written in C (app/core/<name>.c): scans that read every byte of their input, where
even compiled Python costs nanoseconds per byte. Importing one fails when it is not built, stale or switched off."""


def sources() -> list[Path]:
    """Every source file to compile (the mypyc modules, then the C ones), in a stable order."""
    return mypyc_sources() + c_sources()


def mypyc_sources() -> list[Path]:
    """The Python sources mypyc compiles."""
    found = [CORE / f"{name}.py" for name in NATIVE_MODULES]
    for package in NATIVE_PACKAGES:
        found.extend(path for path in sorted((CORE / package).glob("*.py")) if path.name != "__init__.py")
    return found


def c_sources() -> list[Path]:
    """The C sources of `C_MODULES`."""
    return [CORE / f"{name}.c" for name in C_MODULES]


def module_name(source: Path) -> str:
    """`app.core.profiles.runsc.mounts` for app/core/profiles/runsc/mounts.py (`app.core._accel` for _accel.c)."""
    return "app.core." + ".".join(source.relative_to(CORE).with_suffix("").parts)


def digest(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()


def _extension(source: Path) -> Path | None:
    """The compiled module beside `source`, if there is one."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = source.with_suffix(suffix)
        if candidate.exists():
            return candidate
    return None


def stale_modules(enabled: bool = True) -> dict[str, Path]:
    """Module name -> source path of every compiled module that must be loaded from its source instead.

    One edited source sends the whole build back to source: the modules are compiled as one group, and a
    compiled module imports its compiled siblings natively, past sys.meta_path, so routing only the edited one
    would leave its old build running wherever a sibling imports it.
    """
    compiled = {module_name(s): s for s in sources() if _extension(s) is not None}
    if not compiled or not enabled:
        return compiled
    try:
        manifest = json.loads(MANIFEST.read_text())
        recorded: dict[str, str] = manifest["sources"] if isinstance(manifest, dict) else {}
    except (OSError, ValueError, KeyError, TypeError):
        recorded = {}
    current = all(recorded.get(name) == digest(source) for name, source in compiled.items())
    return {} if current else compiled


class _FromSource(importlib.abc.MetaPathFinder):
    """Finds the listed modules as source files, ahead of the path finder that would take their extension; a
    module written in C has no source to run, so importing it fails (its callers then use their Python twin)."""

    def __init__(self, modules: dict[str, Path]) -> None:
        self.modules = modules

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self.modules.get(fullname)
        if source is None:
            return None
        if source.suffix == ".c":
            raise ModuleNotFoundError(
                f"{fullname} is stale or switched off (SPECGATE_NATIVE): not loaded", name=fullname
            )
        return importlib.util.spec_from_file_location(fullname, source)


def enabled() -> bool:
    """False when SPECGATE_NATIVE switches the compiled modules off."""
    return os.environ.get("SPECGATE_NATIVE", "1").strip().lower() not in ("0", "false", "no", "off")


def activate() -> list[str]:
    """Route stale or disabled compiled modules to their sources; the names routed so (empty: all compiled ones,
    if any, are current). Called once, before any of them is imported."""
    routed = stale_modules(enabled())
    if routed:
        sys.meta_path.insert(0, _FromSource(routed))
        if enabled():
            warnings.warn(
                f"{len(routed)} compiled module(s) of app.core are older than their source ("
                + ", ".join(sorted(routed)[:3])
                + ("..." if len(routed) > 3 else "")
                + "): running those from source; `make compile` rebuilds them",
                RuntimeWarning,
                stacklevel=2,
            )
    return sorted(routed)


def built_files() -> list[Path]:
    """Every file a compile left in app/core: the extension modules, their shared library and the manifest (what a
    wheel carries when the build is current; see hatch_build.py)."""
    found = [p for suffix in importlib.machinery.EXTENSION_SUFFIXES for p in CORE.rglob(f"*{suffix}")]
    if MANIFEST.exists():
        found.append(MANIFEST)
    return sorted(set(found))


def compiled_modules() -> list[str]:
    """Names of the modules actually running compiled in this process (the benchmark records them)."""
    loaded = (sys.modules.get(module_name(s)) for s in sources())
    return sorted(m.__name__ for m in loaded if m is not None and not str(getattr(m, "__file__", "")).endswith(".py"))
