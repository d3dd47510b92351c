"""Bundle-mode rules: the file name and the root filesystem on disk (library and CLI only, never the HTTP server)."""

from __future__ import annotations

import os
import posixpath

from app.core.profiles.oci.context import Context, obj


def check(ctx: Context, bundle: str) -> None:
    """OCI-DOC-NAME and OCI-ROOT-PATH-DIR against the bundle directory `bundle`."""
    bundle_abs = os.path.abspath(bundle)
    name = ctx.options.file_name
    if name is not None:
        if os.path.basename(name) != "config.json":
            ctx.add(
                "OCI-DOC-NAME",
                "",
                f"the configuration is read from {os.path.basename(name)!r}; a bundle's "
                "configuration must be named config.json",
            )
        elif os.path.dirname(name) and os.path.abspath(os.path.dirname(name)) != bundle_abs:
            ctx.add("OCI-DOC-NAME", "", f"{name} is not at the root of the bundle {bundle_abs}: move it there")
    if not os.path.isdir(bundle_abs):
        ctx.add("OCI-ROOT-PATH-DIR", "/root/path", f"the bundle directory {bundle_abs} does not exist")
        return
    path = obj(ctx.data.get("root")).get("path")
    if ctx.platform == "windows" or not isinstance(path, str) or not path:
        return
    full = posixpath.normpath(path if posixpath.isabs(path) else posixpath.join(bundle_abs, path))
    if not os.path.exists(full):
        ctx.add(
            "OCI-ROOT-PATH-DIR",
            "/root/path",
            f"root.path {path!r} does not exist ({full}): create the root filesystem there",
        )
    elif not os.path.isdir(full):
        ctx.add("OCI-ROOT-PATH-DIR", "/root/path", f"root.path {path!r} ({full}) is not a directory")
    if full == "/" or posixpath.dirname(full) != posixpath.normpath(bundle_abs):
        ctx.add(
            "OCI-ROOT-PATH-DIR",
            "/root/path",
            f"root.path {path!r} ({full}) must be a direct child of the "
            f"bundle {bundle_abs} (all artifacts of a bundle sit in one directory)",
        )
