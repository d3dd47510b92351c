"""The wheel's build hook: the core's compiled modules ride along when, and only when, they are current.

`make compile` (tools/compile_core.py) compiles the core's hot modules in place, beside their sources, and records
the digest of every source it compiled (app/core/native.py). Those files are build output (gitignored), so hatchling
would leave them out of a wheel; this hook puts them in when every compiled module matches its source, and the
wheel is then tagged for this interpreter and platform (`cp311-cp311-linux_x86_64`) instead of `py3-none-any`.

A wheel never carries a compiled module older than its source: with any stale one, the wheel is pure Python (the
same rules, from source) and the build says so. The hook does not compile by itself: compiling needs a C compiler,
mypy and the runtime dependencies, which a build environment does not have (the image's build stage runs the
compile first, then builds the wheel). Editable installs (`make install`) load the compiled modules from the tree.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _native(root: Path) -> ModuleType:
    """app/core/native.py read on its own (importing the `app.core` package would need the runtime dependencies)."""
    spec = importlib.util.spec_from_file_location("specgate_native", root / "app" / "core" / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CompiledCoreHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        native = _native(root)
        built = native.built_files()
        if not built:
            return  # never compiled here: the pure-Python wheel
        stale = native.stale_modules()
        if stale or not native.MANIFEST.exists():
            self.app.display_warning(
                f"specgate: {len(stale) or 'all'} compiled module(s) of app/core do not match their source "
                f"({', '.join(sorted(stale)[:3])}); the wheel is pure Python: `make compile` first to ship them"
            )
            return
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(root).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True  # the extension modules are for this interpreter and platform only
        self.app.display_info(f"specgate: the wheel carries {len(built) - 1} compiled files of app/core")
