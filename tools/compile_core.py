"""Compile the core's hot modules with mypyc (and its C modules), in place, and record what was compiled
(app/core/native.py).

    .venv/bin/python tools/compile_core.py          # what `make compile` runs; needs mypy (mypyc) and a C compiler
    .venv/bin/python tools/compile_core.py --clean  # remove the compiled modules: everything runs from source

The modules are type-checked with the project's mypy configuration as they are compiled, so a module mypy
refuses is not compiled. The manifest is written last, only after every module was built.

Without a C compiler, the Python headers or mypy, or when the build fails, the core simply stays pure Python
(same answers, slower) and this says why; under CI (CI=true) a failed build is an error.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import sysconfig
import tempfile
import traceback
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _native_module() -> ModuleType:
    """app/core/native.py (the module list lives beside the code that checks it), read on its own: importing the
    `app.core` package would load the very modules being rebuilt."""
    spec = importlib.util.spec_from_file_location("specgate_native", ROOT / "app" / "core" / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


native = _native_module()


def clean() -> None:
    """Remove every extension module of app/core (the shared library included) and the manifest."""
    for found in list(native.CORE.rglob("*.so")) + list(native.CORE.rglob("*.pyd")):
        found.unlink()
    native.MANIFEST.unlink(missing_ok=True)


def missing_toolchain() -> str | None:
    """What the build lacks, if anything."""
    compiler = str(sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.exists():
        return f"no Python headers ({headers}; Debian: python3-dev)"
    try:
        import mypyc  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install '.[native]')"
    return None


def build() -> None:
    from mypyc.build import mypycify  # imported here: only building needs mypy
    from setuptools import Distribution, Extension

    clean()
    sources = native.sources()
    relative = [str(s.relative_to(ROOT)) for s in native.mypyc_sources()]
    # The digests of the sources as they are compiled (read before, so an edit during the build shows as stale).
    manifest = {"sources": {native.module_name(s): native.digest(s) for s in sources}}
    os.chdir(ROOT)  # mypy reads the project's configuration (pyproject.toml) from here
    with tempfile.TemporaryDirectory(prefix="specgate-mypyc-") as work:
        # One shared library for all modules, placed inside the package rather than at the top of the tree.
        extensions = mypycify(relative, opt_level="3", group_name="app.core._native_lib", target_dir=work)
        # The C modules: -O3 so that the compiler vectorises their byte loops (Python's CFLAGS may say -O2).
        extensions += [
            Extension(native.module_name(c), [str(c.relative_to(ROOT))], extra_compile_args=["-O3"])
            for c in native.c_sources()
        ]
        dist = Distribution({"name": "specgate-native", "ext_modules": extensions})
        dist.script_name = "compile_core"
        dist.script_args = ["build_ext", "--inplace", "--build-temp", work, "--build-lib", work]
        dist.script_args += ["--parallel", str(os.cpu_count() or 1)]
        dist.parse_command_line()
        dist.run_commands()
    native.MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    sys.stdout.write(
        f"compiled {len(sources)} modules of app/core ({len(native.c_sources())} in C); "
        f"manifest {native.MANIFEST.relative_to(ROOT)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules and the manifest")
    args = parser.parse_args()
    if args.clean:
        clean()
        return
    strict = os.environ.get("CI", "").lower() == "true"
    lacking = missing_toolchain()
    if lacking is not None:
        sys.stderr.write(f"compile_core: the core stays pure Python: {lacking}\n")
        sys.exit(1 if strict else 0)
    try:
        build()
    except (Exception, SystemExit):  # setuptools reports a failed compiler run as SystemExit
        traceback.print_exc()
        clean()
        sys.stderr.write("compile_core: the build failed; the core stays pure Python\n")
        sys.exit(1 if strict else 0)


if __name__ == "__main__":
    main()
