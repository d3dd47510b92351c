"""Checks of `mounts`, `hooks` and `annotations`."""

from __future__ import annotations

import posixpath
import re
from datetime import datetime
from typing import Any

from app.core.pointer import ptr
from app.core.profiles.oci.context import Context, arr, env_problems, is_abs, obj

LINUX_MOUNT_OPTIONS = frozenset(
    """async atime bind defaults dev diratime dirsync exec iversion lazytime loud mand noatime nodev nodiratime
    noexec noiversion nolazytime nomand norelatime nostrictatime nosuid nosymfollow private ratime rbind rdev
    rdiratime relatime remount rexec rnoatime rnodev rnodiratime rnoexec rnorelatime rnostrictatime rnosuid
    rnosymfollow ro rprivate rrelatime rro rrw rshared rslave rstrictatime rsuid rsymfollow runbindable rw shared
    silent slave strictatime suid symfollow sync tmpcopyup unbindable idmap ridmap""".split()
)
"""The Linux mount option table of config.md (1.1.0 and later)."""
DEFAULT_FILESYSTEMS = {"/proc": "proc", "/sys": "sysfs", "/dev/pts": "devpts", "/dev/shm": "tmpfs"}
PLATFORM_FILESYSTEMS = {"linux": DEFAULT_FILESYSTEMS, "zos": {"/proc": "proc"}, "freebsd": {"/dev": "devfs"}}
"""The filesystems a container SHOULD have (config-linux.md, config-zos.md, config-freebsd.md#configFreeBSDDevices)."""
HOOK_KINDS = ("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")
IMAGE_KEYS = frozenset(
    "org.opencontainers.image." + k
    for k in ("os", "os.version", "os.features", "architecture", "variant", "author", "created", "stopSignal")
)
GOARCH = frozenset("386 amd64 arm arm64 loong64 mips mips64 mips64le mipsle ppc64 ppc64le riscv64 s390x wasm".split())
GOOS = frozenset(
    "aix android darwin dragonfly freebsd illumos ios js linux netbsd openbsd plan9 solaris wasip1 windows zos".split()
)
_RDNS = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9_-]+)+$")
# \\server\share or //server/share, and the \\?\UNC\ form; not device paths such as \\?\Volume{...} or \\.\pipe\x.
_UNC = re.compile(r"^([\\/]{2}[^\\/?.]|[\\/]{2}\?[\\/]UNC[\\/])", re.IGNORECASE)
_SIGNAL = re.compile(r"^(SIG[A-Z0-9]+([+-][0-9]+)?|[0-9]+)$")


def check(ctx: Context) -> None:
    """Every mounts, hooks and annotations rule."""
    _mounts(ctx, arr(ctx.data.get("mounts")))
    _hooks(ctx, obj(ctx.data.get("hooks")))
    _annotations(ctx, ctx.data.get("annotations"))


def _all_in_table(options: list[str]) -> bool:
    """True when every option is in the spec's table (the usual mount: nothing for OCI-MNT-OPTS to say)."""
    return LINUX_MOUNT_OPTIONS.issuperset(options)


def _rooted(destination: str) -> str:
    """The destination read relative to / and cleaned; a path that is so already (the usual case) as it is."""
    if destination[:1] == "/" and "//" not in destination and "/." not in destination and destination[-1:] != "/":
        return destination  # one leading slash, no empty, "." or ".." element, no trailing slash
    return posixpath.normpath("/" + destination.lstrip("/"))


def _is_bind(mount: dict[str, Any]) -> bool:
    options = arr(mount.get("options"))
    return "bind" in options or "rbind" in options


def _mounts(ctx: Context, mounts: list[Any]) -> None:
    linuxish = ctx.platform in ("linux", "vm")
    dests: list[tuple[int, str]] = []
    for index, mount in enumerate(mounts):
        if not isinstance(mount, dict):
            continue
        where = ("mounts", index)
        dest = mount.get("destination")
        if isinstance(dest, str):
            if linuxish and not dest.startswith("/"):
                # 1.2.0 relaxed "MUST be absolute" to SHOULD (a relative value is read relative to /, deprecated).
                if ctx.judged.at_least(1, 2):
                    ctx.add(
                        "OCI-MNT-DEST-LINUX",
                        ptr(*where, "destination"),
                        f"destination {dest!r} is relative: it is read relative to / but that is deprecated; "
                        f"write /{dest.lstrip('./')}",
                    )
                else:
                    ctx.add(
                        "OCI-MNT-DEST-LINUX",
                        ptr(*where, "destination"),
                        f"destination {dest!r} must be absolute before spec 1.2.0: write /{dest.lstrip('./')}",
                        severity="error",
                    )
            elif not linuxish and not is_abs(dest, ctx.platform):
                ctx.add(
                    "OCI-MNT-DEST-ABS-OTHER",
                    ptr(*where, "destination"),
                    f"destination {dest!r} must be absolute on {ctx.platform}",
                )
            dests.append((index, dest))
        source = mount.get("source")
        if ctx.platform == "windows" and isinstance(source, str) and _UNC.match(source):
            ctx.add(
                "OCI-MNT-SRC-WIN",
                ptr(*where, "source"),
                f"source {source!r} is a UNC path, which Windows containers do not support: "
                "use a local directory of the host",
            )
        bind = _is_bind(mount)
        if bind and not mount.get("source"):
            ctx.add("OCI-MNT-BIND-SRC", ptr(*where, "source"), "a bind mount needs a source: the path to bind")
        if linuxish and not bind and not mount.get("type"):
            ctx.add(
                "OCI-MNT-TYPE",
                ptr(*where, "type"),
                "no filesystem type: set type (e.g. tmpfs, proc) or add the bind option for a bind mount",
            )
        raw_options = arr(mount.get("options"))
        options = [o for o in raw_options if isinstance(o, str)]
        if linuxish and not _all_in_table(options):
            for o_index, option in enumerate(raw_options):
                if isinstance(option, str) and "=" not in option and option not in LINUX_MOUNT_OPTIONS:
                    ctx.add(
                        "OCI-MNT-OPTS",
                        ptr(*where, "options", o_index),
                        f"{option!r} is not in the spec's option table; it is passed to mount(2) as "
                        "filesystem-specific data",
                    )
        _idmap(ctx, mount, where, options)
    _order(ctx, dests)
    wanted = PLATFORM_FILESYSTEMS.get(ctx.platform)
    if wanted:
        # A relative destination is read relative to / (config.md#configMounts), so 'proc' provides /proc.
        present = {_rooted(d) for _, d in dests}
        missing = [d for d in wanted if d not in present]
        if missing:
            ctx.add(
                "OCI-LINUX-DEFFS",
                "/mounts",
                "these filesystems should be available in the container: "
                + ", ".join(f"{d} ({wanted[d]})" for d in missing),
            )


def _idmap(ctx: Context, mount: dict[str, Any], where: tuple[str, int], options: list[str]) -> None:
    has_uid, has_gid = "uidMappings" in mount, "gidMappings" in mount
    # The pair MUST, the idmap/ridmap options and their rules came with 1.2.0; 1.1.0 had only the two fields.
    since_1_2 = ctx.judged.at_least(1, 2)
    if has_uid != has_gid:
        missing = "gidMappings" if has_uid else "uidMappings"
        ctx.add(
            "OCI-MNT-IDMAP-PAIR",
            ptr(*where, missing),
            f"{missing} is missing: mount mappings must give both uidMappings and gidMappings"
            + ("" if since_1_2 else " (a MUST since spec 1.2.0; the declared version does not require it)"),
            severity=None if since_1_2 else "warning",
        )
    if not since_1_2:
        return
    wants_idmap = "idmap" in options or "ridmap" in options
    if (has_uid or has_gid) and not wants_idmap:
        ctx.add(
            "OCI-MNT-IDMAP-OPT", ptr(*where, "options"), "the mount has ID mappings: add the idmap or ridmap option"
        )
    if wants_idmap and not (has_uid or has_gid) and "user" not in ctx.namespaces():
        ctx.add(
            "OCI-MNT-IDMAP-USERNS",
            ptr(*where, "options"),
            "idmap/ridmap needs uidMappings/gidMappings on the mount or a user namespace: add one of them",
        )


def _ancestors(path: str, sep: str) -> list[str]:
    """The path and each of its parents (without the root), longest first."""
    found = [path]
    while (cut := path.rfind(sep)) > 0:
        path = path[:cut]
        found.append(path)
    return found


def _order(ctx: Context, dests: list[tuple[int, str]]) -> None:
    # Each destination is looked up by its ancestors, not compared with every other mount: O(n * depth).
    windows = ctx.platform == "windows"
    sep = "\\" if windows else "/"
    # Windows paths are case-insensitive and take '/' as a separator too.
    norm = [(i, d.replace("/", sep).rstrip(sep).lower() if windows else _rooted(d)) for i, d in dests if d]
    later: dict[str, int] = {}
    hidden: list[tuple[int, int, str]] = []
    for i, path in reversed(norm):
        for parent in _ancestors(path, sep) if path != "/" else ["/"]:
            if parent in later:
                hidden.append((i, later[parent], parent))
                break
        if "/" in later and not windows and path != "/" and all(p not in later for p in _ancestors(path, sep)):
            hidden.append((i, later["/"], "/"))
        later[path] = i
    for i, j, parent in sorted(hidden):
        ctx.add(
            "OCI-MNT-ORDER",
            ptr("mounts", i, "destination"),
            f"this mount is hidden by mount {j} ({parent}), mounted later on a parent or the same "
            "directory: move it after that mount",
        )
    if windows:
        seen: dict[str, int] = {}
        for j, path in norm:
            for parent in _ancestors(path, sep)[1:]:
                if parent in seen:
                    ctx.add(
                        "OCI-MNT-DEST-WIN-NEST",
                        ptr("mounts", j, "destination"),
                        f"on Windows a mount must not be nested in another (mount {seen[parent]})",
                    )
                    break
            seen.setdefault(path, j)
        first = {path: j for j, path in reversed(norm)}
        for i, path in norm:
            for parent in _ancestors(path, sep)[1:]:
                if parent in first and first[parent] > i:
                    ctx.add(
                        "OCI-MNT-DEST-WIN-NEST",
                        ptr("mounts", first[parent], "destination"),
                        f"on Windows a mount must not be nested in another (mount {i})",
                    )
                    break


def _hooks(ctx: Context, hooks: dict[str, Any]) -> None:
    if "prestart" in hooks:
        ctx.add(
            "OCI-HOOK-PRESTART-DEP",
            "/hooks/prestart",
            "prestart is deprecated: move these hooks to createRuntime (since 1.1.0 prestart also runs at create)",
        )
    for kind in HOOK_KINDS:
        for index, hook in enumerate(arr(hooks.get(kind))):
            if not isinstance(hook, dict):
                continue
            path = hook.get("path")
            if isinstance(path, str) and not is_abs(path, ctx.platform):
                ctx.add("OCI-HOOK-PATH-ABS", ptr("hooks", kind, index, "path"), f"hook path {path!r} must be absolute")
            for e_index, problem in env_problems(arr(hook.get("env"))):
                ctx.add("OCI-HOOK-ENV", ptr("hooks", kind, index, "env", e_index), problem)


def _annotations(ctx: Context, annotations: Any) -> None:
    if not isinstance(annotations, dict):
        return
    image_allowed = ctx.judged.at_least(1, 2)
    for key, value in annotations.items():
        where = ptr("annotations", key)
        if key == "":
            ctx.add("OCI-ANNO-KEY-EMPTY", where, "an annotation key must not be empty")
            continue
        if key == "org.opencontainers" or key.startswith("org.opencontainers."):
            if key in IMAGE_KEYS and image_allowed:
                if isinstance(value, str) and (problem := _image_value(key, value)):
                    ctx.add("OCI-ANNO-IMAGE-VAL", where, problem)
            else:
                allowed = " (since 1.2.0 only the eight org.opencontainers.image.* keys are allowed)"
                ctx.add(
                    "OCI-ANNO-RESERVED",
                    where,
                    f"{key!r} is in the reserved org.opencontainers namespace: "
                    "use your own reverse-domain prefix" + (allowed if image_allowed else ""),
                )
            continue
        if not _RDNS.match(key):
            ctx.add("OCI-ANNO-KEY-RDNS", where, f"{key!r} should use reverse-domain notation, e.g. com.example.{key}")


def _image_value(key: str, value: str) -> str | None:
    name = key.removeprefix("org.opencontainers.image.")
    if name == "created":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return f"created {value!r} is not an RFC 3339 date-time such as 2025-01-02T15:04:05Z"
        if "T" not in value.upper():
            return f"created {value!r} is not an RFC 3339 date-time such as 2025-01-02T15:04:05Z"
    elif name == "architecture" and value not in GOARCH:
        return f"architecture {value!r} is not a GOARCH value such as amd64 or arm64"
    elif name == "os" and value not in GOOS:
        return f"os {value!r} is not a GOOS value such as linux or windows"
    elif name == "stopSignal" and not _SIGNAL.match(value):
        return f"stopSignal {value!r} is not a signal name such as SIGTERM or a number"
    return None
