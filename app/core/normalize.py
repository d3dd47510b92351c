"""What runsc's ReadSpec does to a spec after validating it: relative paths made absolute against the bundle."""

from __future__ import annotations

import copy
import posixpath
from typing import Any

from app.core.pointer import ptr
from app.models import PatchOp


def go_clean(path: str) -> str:
    """Go's filepath.Clean on Linux.

    posixpath.normpath agrees with it except on a leading "//", which POSIX lets an implementation keep and
    normpath does keep; Go reduces every run of slashes to one ("//dev" is "/dev"). Both give "." for "".
    """
    cleaned = posixpath.normpath(path)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def go_join(base: str, rel: str) -> str:
    """Go's absPath: `rel` itself when absolute, else filepath.Join(base, rel), which also cleans the result."""
    if rel.startswith("/"):
        return rel
    return go_clean(posixpath.join(base, rel)) if rel else go_clean(base)


def absolutize(data: dict[str, Any], bundle: str) -> tuple[dict[str, Any], list[PatchOp]]:
    """Join a relative `root.path` and every non-empty relative mount `source` onto `bundle`.

    Both runsc generations do this for mounts of every type (so `"source": "proc"` becomes
    `<bundle>/proc`). The input is not modified; the patch turns the input into the result.
    """
    spec = copy.deepcopy(data)
    patch: list[PatchOp] = []
    root = spec.get("root")
    if isinstance(root, dict) and isinstance(root.get("path"), str):
        new = go_join(bundle, root["path"])
        if new != root["path"]:
            root["path"] = new
            patch.append(PatchOp(op="replace", path=ptr("root", "path"), value=new))
    mounts = spec.get("mounts")
    if isinstance(mounts, list):
        for index, mount in enumerate(mounts):
            if not isinstance(mount, dict):
                continue
            source = mount.get("source")
            if isinstance(source, str) and source:
                new = go_join(bundle, source)
                if new != source:
                    mount["source"] = new
                    patch.append(PatchOp(op="replace", path=ptr("mounts", index, "source"), value=new))
    return spec, patch
