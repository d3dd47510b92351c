"""Write constraints.txt: the exact version of every distribution the service needs at runtime, as installed here.

`make constraints` runs it after an upgrade; `make serve` and the image install with `-c constraints.txt`, so
what is served is what was tested. Only `specgate`'s runtime closure is listed (no dev extras), sorted by name;
tests/test_constraints.py fails when a runtime dependency is missing from the file or pinned below its bound.
"""

from __future__ import annotations

import importlib.metadata as metadata
import sys

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HEADER = "# The runtime closure of specgate, pinned (make constraints; installs use -c constraints.txt).\n"


def closure(root: str) -> dict[str, str]:
    """Canonical name -> installed version of every distribution `root` needs at runtime, recursively."""
    found: dict[str, str] = {}
    todo = [(Requirement(root), "")]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a marker-less optional dependency that is not installed here (another platform's)
        extras = set(requirement.extras)
        key = f"{name}[{','.join(sorted(extras))}]"
        if key in found:
            continue
        found[key] = dist.version
        for line in dist.requires or []:
            for asked in ("", *extras):
                todo.append((Requirement(line), asked))
    pins: dict[str, str] = {}
    for key, version in found.items():
        pins[key.split("[")[0]] = version
    return pins


def render(root: str = "specgate") -> str:
    pins = closure(root)
    pins.pop(canonicalize_name(root), None)
    pins.pop("specgate-client", None)  # built from this tree, never from an index
    return HEADER + "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))


if __name__ == "__main__":
    sys.stdout.write(render())
