"""A wheelhouse of a distribution's runtime dependencies, packed from the ones installed in this environment.

The image builds `pip wheel` of every dependency and installs offline from those wheels. Tests do the same
install without a network or a download: each dependency the built wheels need (recursively, extras and
markers honoured) is packed back into a wheel from its installed files, at the installed version. Only what the
distributions declare ends up in the fresh environment, so an undeclared import still fails there.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as metadata
import zipfile
from collections.abc import Iterable
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

_SKIPPED = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}


def requirements_of_wheel(wheel: Path) -> list[Requirement]:
    """The Requires-Dist of a built wheel."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(archive.read(name).decode())
    return [Requirement(value) for value in headers.get_all("Requires-Dist") or []]


def closure(requirements: Iterable[Requirement], exclude: Iterable[str] = ()) -> dict[str, set[str]]:
    """Installed distributions needed by `requirements`, recursively: canonical name -> extras asked for."""
    needed: dict[str, set[str]] = {}
    skipped = {canonicalize_name(name) for name in exclude}
    todo = [(requirement, "") for requirement in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        if name in skipped:
            continue
        new_extras = set(requirement.extras) - needed.get(name, set())
        if name in needed and not new_extras:
            continue
        needed.setdefault(name, set()).update(requirement.extras)
        installed = metadata.distribution(name)
        assert installed.version in requirement.specifier or not requirement.specifier, (
            f"installed {name} {installed.version} does not satisfy {requirement}"
        )
        for line in installed.requires or []:
            for asked in ("", *requirement.extras):
                todo.append((Requirement(line), asked))
    return needed


def pack_installed(name: str, into: Path) -> Path:
    """Pack the installed distribution `name` into a wheel in `into`; return its path."""
    distribution = metadata.distribution(name)
    info = distribution.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Tag:")]
    python, abi, platform = ([".".join(sorted({t.split("-")[i] for t in tags}))] for i in range(3))
    stem = f"{canonicalize_name(name).replace('-', '_')}-{distribution.version}"
    wheel = into / f"{stem}-{python[0]}-{abi[0]}-{platform[0]}.whl"
    records: list[str] = []
    dist_info = ""
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for file in distribution.files or []:
            path = str(file)
            if path.startswith("..") or "__pycache__" in path or path.endswith(".pyc"):
                continue  # console scripts (pip writes them anew) and byte code
            top = path.split("/", 1)[0]
            if top.endswith(".dist-info"):
                dist_info = top
                if path.rsplit("/", 1)[-1] in _SKIPPED:
                    continue
            data = Path(file.locate()).read_bytes()
            archive.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append(f"{path},sha256={digest},{len(data)}")
        records.append(f"{dist_info}/RECORD,,")
        archive.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    return wheel
