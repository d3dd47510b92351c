"""Each package's `__all__` is exactly its public names, sorted case-insensitively (as httpx checks its own)."""

from __future__ import annotations

import importlib
import types

import pytest

INCLUDED_DUNDERS = {"__version__"}
"""Dunder names a package deliberately exports."""


def _public_names(module: types.ModuleType) -> list[str]:
    return [
        name
        for name, value in vars(module).items()
        if (not name.startswith("_") or name in INCLUDED_DUNDERS)
        and not isinstance(value, types.ModuleType)  # submodules appear as attributes once imported
        and name != "annotations"  # `from __future__ import annotations` binds a name too
    ]


@pytest.mark.parametrize("package", ["app.core", "app.core.kube", "specgate_client", "app.cli.reporters"])
def test_all_is_every_public_name_sorted(package: str) -> None:
    module = importlib.import_module(package)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=str.casefold), "sort __all__ case-insensitively"
    assert sorted(exported) == sorted(_public_names(module))
