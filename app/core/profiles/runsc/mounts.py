"""How runsc serves each entry of `mounts` (runsc-mounts.md section 1), and the mount rules of sections A and G."""

from __future__ import annotations

from typing import Any

from app.core.normalize import go_clean
from app.core.pointer import ptr
from app.core.profiles.runsc.hints import MountHint, hint_for_source
from app.core.profiles.runsc.view import arr, quote, text
from app.core.rules import Findings

SENTRY_TYPES = frozenset({"tmpfs", "proc", "sysfs", "devpts", "dev", "none", "cgroup", "cgroup2"})
"""getMountNameAndOptions: filesystem types the sentry creates itself."""

BIND_OPTIONS = frozenset({"bind", "rbind"})
INVALID_GOFER_OPTIONS = frozenset({"shared", "rshared"})

SENTRY_OPTIONS = frozenset({"ro", "rw", "noatime", "atime", "noexec", "exec", "nosuid", "bind", "rbind"})
"""ParseMountOptions: generic options the sentry honours."""
TMPFS_DATA = frozenset({"mode", "size", "uid", "gid"})
GOFER_DATA = frozenset({"overlayfs_stale_read", "disable_file_handle_sharing", "dcache"})
CGROUP_DATA = frozenset({"all", "cpu", "cpuacct", "cpuset", "devices", "job", "memory", "pids"})
HOST_MOUNT_OPTIONS = frozenset(
    {
        "acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "noexec", "iversion",
        "loud", "mand", "noacl", "noatime", "nodev", "nodiratime", "noiversion", "nomand", "norelatime",
        "nostrictatime", "nosuid", "rbind", "relatime", "remount", "ro", "rw", "silent", "strictatime", "suid",
        "sync", "private", "rprivate", "slave", "rslave", "unbindable", "runbindable", "shared", "rshared",
    }
)  # fmt: skip
"""Mount flags and propagation names runsc understands on the host (`runsc features` mountOptions).

For sentry mounts the sentry ignores most of them with a warning; they are listed here because they
are well-known mount options whose being ignored inside a sandbox rarely matters, so reporting
them would bury the real problems (misspelled or foreign options) under noise.
"""
DEVPTS_DATA = frozenset({"newinstance", "ptmxmode", "mode", "gid", "uid", "max"})
"""devpts options from runc-style specs; the sentry's devpts ignores them and uses its own defaults."""


class Mount:
    """One entry of `mounts`, read as runsc reads it (wrong-typed members as Go's zero values)."""

    __slots__ = ("index", "destination", "type", "source", "options", "is_object", "bind", "gofer_mount",
                 "category", "gofer", "reasons")  # fmt: skip

    def __init__(
        self, index: int, destination: str, type_: str, source: str, options: list[str], *, is_object: bool = True
    ) -> None:
        self.index = index
        self.destination = destination
        self.type = type_
        self.source = source
        self.options = options
        """Every option, a non-string as "" so positions stay those of the document."""
        self.is_object = is_object
        self.bind = type_ == "bind" or any(o in BIND_OPTIONS for o in options)
        """B(m): type bind, or a bind/rbind option (MaybeConvertToBindMount)."""
        self.gofer_mount = self.bind and source != ""
        """IsGoferMount: a bind mount with a non-empty source."""
        self.category = ""
        self.gofer = False
        self.reasons: list[str] = []


def read_mounts(spec: Any) -> list[Mount]:
    """Every entry of `mounts` (non-objects too, so indexes stay those of the document)."""
    found: list[Mount] = []
    for index, entry in enumerate(arr(spec, "mounts")):
        if not isinstance(entry, dict):
            found.append(Mount(index, "", "", "", [], is_object=False))
            continue
        raw = entry.get("options")
        options = [o if isinstance(o, str) else "" for o in raw] if isinstance(raw, list) else []
        found.append(Mount(index, text(entry, "destination"), text(entry, "type"), text(entry, "source"), options))
    return found


def classify(mount: Mount, hints: dict[str, MountHint] | None = None) -> Mount:
    """Fill in category, gofer and reasons (runsc-mounts.md section 1 and 3)."""
    reasons = mount.reasons
    mount.gofer = mount.is_object and mount.gofer_mount
    if not mount.is_object:
        mount.category = "invalid"
        reasons.append("the entry is not a JSON object, so Go's decoder rejects the spec")
        return mount
    if not mount.destination.startswith("/"):
        mount.category = "invalid"
        reasons.append(f"destination {quote(mount.destination)} is not absolute, so ValidateSpec rejects the spec")
        return mount
    if mount.type != "bind" and mount.bind:
        reasons.append(
            f"options contain {_bind_option(mount)}, so runsc treats it as a bind mount (type {quote(mount.type)} "
            "is a dummy)"
        )
    dest = go_clean(mount.destination)
    if dest in ("/dev", "/dev/pts") and not mount.gofer_mount:
        mount.category = "sentry"
        fs = "dev" if dest == "/dev" else "devpts"
        reasons.append(f"{dest} is retyped to the sentry {fs} filesystem, whatever its type says")
        return mount
    if mount.gofer_mount:
        bad = [o for o in mount.options if o in INVALID_GOFER_OPTIONS]
        if bad:
            mount.category = "invalid"
            reasons.append(
                f"it is a gofer mount with option {quote(bad[0])}; ValidateSpec rejects shared propagation "
                "on gofer mounts"
            )
            return mount
        mount.category = "gofer"
        reasons.append("a bind mount with a source: the gofer serves the host path over lisafs (IsGoferMount)")
        if dest == "/dev":
            reasons.append("a bind mount at /dev with a source replaces the sentry's dev filesystem with the host dir")
        hint = hint_for_source(hints or {}, mount.source)
        if hint is not None:
            reasons.append(_hint_reason(hint))
        return mount
    if mount.bind:
        mount.category = "invalid"
        reasons.append("a bind mount with an empty source: the sentry finds no gofer connection and start fails")
        return mount
    if mount.type == "erofs":
        mount.category = "erofs"
        reasons.append("type erofs: the gofer opens the source image file and the sentry mounts it read-only")
        return mount
    if mount.type in SENTRY_TYPES:
        mount.category = "sentry"
        if mount.type == "none":
            reasons.append("type none (without bind/rbind) is mounted as sysfs inside the sentry")
        elif mount.type in ("cgroup", "cgroup2"):
            reasons.append(
                f"type {mount.type} becomes a tmpfs with cgroup v1 controller mounts inside the sentry "
                "(--mount-cgroup-v2 is off by default)"
            )
        else:
            reasons.append(f"type {mount.type} is created inside the sentry; nothing is read from the host")
        return mount
    mount.category = "skipped"
    reasons.append(f"ignoring unknown filesystem type {quote(mount.type)}: runsc skips this mount with a warning")
    return mount


def _bind_option(mount: Mount) -> str:
    return next(o for o in mount.options if o in BIND_OPTIONS)


def _hint_reason(hint: MountHint) -> str:
    if hint.type == "tmpfs" and hint.share in ("container", "pod"):
        return (
            f"mount hint {quote(hint.name)} (type tmpfs, share {hint.share}) turns it into a tmpfs inside the "
            "sandbox, backed by a file in the source directory"
        )
    if hint.type == "bind" and hint.share in ("container", "pod"):
        return f"mount hint {quote(hint.name)} (type bind, share {hint.share}) gives it a self-backed overlay"
    return f"mount hint {quote(hint.name)} (share {hint.share}) keeps it a shared-access gofer mount"


def check_validate(mounts: list[Mount], out: Findings) -> None:
    """ValidateSpec's mount loop: RUNSC-MOUNT-DEST-ABS and RUNSC-MOUNT-SHARED-PROPAGATION."""
    for m in mounts:
        if not m.is_object:
            continue
        if not m.destination.startswith("/"):
            out.add(
                "RUNSC-MOUNT-DEST-ABS",
                ptr("mounts", m.index, "destination"),
                f"Mount.Destination must be an absolute path: {quote(m.destination)}; write the path inside the "
                "container starting with '/'",
            )
        if m.gofer_mount:
            for i, opt in enumerate(m.options):
                if opt in INVALID_GOFER_OPTIONS:
                    out.add(
                        "RUNSC-MOUNT-SHARED-PROPAGATION",
                        ptr("mounts", m.index, "options", i),
                        f"mount option {quote(opt)} is not supported: a sandbox must not propagate mounts back to "
                        "the host; use rprivate or rslave (Kubernetes: mountPropagation None or HostToContainer)",
                    )


def check_boot(mounts: list[Mount], out: Findings) -> None:
    """Sentry-side mount rules: bind without source, unknown types, option syntax and unknown options."""
    for m in mounts:
        if not m.is_object or not m.destination.startswith("/"):
            continue
        dest = go_clean(m.destination)
        retyped = dest in ("/dev", "/dev/pts") and not m.gofer_mount
        if retyped:
            fs = "dev" if dest == "/dev" else "devpts"
        elif m.bind:
            fs = "bind"
        else:
            fs = m.type
        if m.bind and not m.gofer_mount and not retyped:
            out.add(
                "RUNSC-MOUNT-BIND-NOSOURCE",
                ptr("mounts", m.index, "source"),
                "mountOptions failed: gofer mount requires a connection FD: this bind mount has no source; set "
                "source to the host path to bind",
            )
            continue
        if fs not in SENTRY_TYPES and fs not in ("bind", "erofs"):
            out.add(
                "RUNSC-MOUNT-TYPE-UNKNOWN",
                ptr("mounts", m.index, "type"),
                f"ignoring unknown filesystem type {quote(m.type)}: the mount at {quote(m.destination)} is skipped. "
                "runsc mounts bind, tmpfs, proc, sysfs, devpts, cgroup, cgroup2 and erofs",
            )
            continue
        _check_options(m, fs, out)


def _check_options(m: Mount, fs: str, out: Findings) -> None:
    data_keys = _data_keys(fs)
    kv_checked = fs in ("tmpfs", "bind", "cgroup", "cgroup2")
    for i, opt in enumerate(m.options):
        if opt in SENTRY_OPTIONS or opt in HOST_MOUNT_OPTIONS:
            continue  # the common case, decided without building anything
        if kv_checked and opt.count("=") > 1:
            out.add(
                "RUNSC-MOUNT-OPT-KV",
                ptr("mounts", m.index, "options", i),
                f"invalid option {quote(opt)}: a key=value option may contain only one '='",
            )
            continue
        key = opt.split("=", 1)[0]
        if key in data_keys or (m.gofer_mount and key in GOFER_DATA):
            continue
        out.add(
            "RUNSC-MOUNT-OPT-UNKNOWN",
            ptr("mounts", m.index, "options", i),
            f"ignoring unknown mount option {quote(opt)} on {quote(m.destination)}: runsc does not apply it; "
            "check its spelling or remove it",
        )


def _data_keys(fs: str) -> frozenset[str]:
    if fs in ("tmpfs", "dev"):
        return TMPFS_DATA
    if fs == "bind":
        return GOFER_DATA
    if fs in ("cgroup", "cgroup2"):
        return CGROUP_DATA
    if fs == "devpts":
        return DEVPTS_DATA
    return frozenset()
