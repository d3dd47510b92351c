"""Mount hints (dev.gvisor.spec.mount.<name>.<field>) and the rootfs hint (dev.gvisor.spec.rootfs.<field>)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.pointer import ptr
from app.core.profiles.runsc.annotations import MOUNT_HINT_PREFIX, ROOTFS_HINT_PREFIX
from app.core.profiles.runsc.view import quote
from app.core.rules import Findings

HINT_TYPES = ("tmpfs", "bind")
HINT_SHARES = ("container", "pod", "shared")
DIRECTFS_VALUES = ("default", "off")
ROOTFS_TYPES = ("erofs", "bind")
INVALID_OPTIONS = ("shared", "rshared")
"""specutils invalidOptions: a sandbox must not propagate mounts to the host."""
RESTRICTIONS = (("ro", "read-write"), ("noexec", "exec"), ("noatime", "atime"), ("nosuid", "suid"))
"""The options mountHint.checkCompatible compares, with what their absence allows (runsc/boot/mount_hints.go)."""


@dataclass(slots=True)
class MountHint:
    """One pod mount hint, as NewPodMountHints parses it."""

    name: str
    source: str = ""
    type: str = ""
    share: str = ""
    options: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    """field -> annotation key, for pointers."""

    @property
    def complete(self) -> bool:
        return bool(self.source and self.type and self.share)

    @property
    def shares_mount(self) -> bool:
        """ShouldShareMount: a tmpfs hint shared by the container or the pod gets one master mount in the sandbox."""
        return self.type == "tmpfs" and self.share in ("container", "pod")

    def incompatibilities(self, options: list[str]) -> list[str]:
        """checkCompatible: why a replica with these options may not bind the master, in runsc's order.

        A replica may be as restrictive as the master or more, never less. ParseMountOptions only ever sets a
        restriction (a later "rw" does not undo an earlier "ro"), so the test is presence.
        """
        return [
            f"cannot mount {loose} enabled shared mount because master is {strict}"
            if strict != "ro"
            else "cannot mount read-write shared mount because master is read-only"
            for strict, loose in RESTRICTIONS
            if strict in self.options and strict not in options
        ]


def _field_error(hint: MountHint, key: str, value: str) -> str | None:
    """MountHint.setField: an error (the field is then ignored), or None after setting it."""
    if key == "source":
        if not value:
            return "source cannot be empty"
        hint.source = value
    elif key == "type":
        if value not in HINT_TYPES:
            return f"invalid type {quote(value)}; must be tmpfs or bind"
        hint.type = value
    elif key == "share":
        if value not in HINT_SHARES:
            return f"invalid share value {quote(value)}; must be container, pod or shared"
        hint.share = value
    elif key == "options":
        # FilterMountOptions: an invalid option is dropped (with a warning), the others are kept.
        hint.options = [o for o in value.split(",") if o not in INVALID_OPTIONS]
    elif key == "directfs":
        if value not in DIRECTFS_VALUES:
            return f"invalid directfs value {quote(value)}; must be default or off"
    else:
        return f"unknown field {quote(key)}; known fields are source, type, share, options and directfs"
    return None


def pod_mount_hints(notes: dict[str, str], out: Findings | None = None) -> dict[str, MountHint]:
    """Parse the pod mount hints; with `out`, report RUNSC-MOUNT-HINT-KEY findings. Returns the usable hints."""
    hints: dict[str, MountHint] = {}
    for key, value in notes.items():
        if not key.startswith(MOUNT_HINT_PREFIX):
            continue
        parts = key[len(MOUNT_HINT_PREFIX) :].split(".")
        where = ptr("annotations", key)
        if len(parts) != 2:
            if out is not None:
                out.add(
                    "RUNSC-MOUNT-HINT-KEY",
                    where,
                    f"invalid mount annotation: {key}={value}: the key must be {MOUNT_HINT_PREFIX}<name>.<field> "
                    "with exactly one dot after the prefix",
                )
            continue
        name, fld = parts
        if not name:
            if out is not None:
                out.add(
                    "RUNSC-MOUNT-HINT-KEY",
                    where,
                    f"invalid mount name: {quote(name)} in annotation {quote(key)}: give the mount a non-empty name",
                )
            continue
        hint = hints.setdefault(name, MountHint(name=name))
        hint.keys[fld] = key
        if fld == "options" and out is not None:
            for opt in value.split(","):
                if opt in INVALID_OPTIONS:
                    out.add(
                        "RUNSC-MOUNT-HINT-KEY",
                        where,
                        f"mount option skipped {quote(opt)}: mount option {quote(opt)} is not supported (annotation "
                        f"{quote(key)}); the other options are kept. Remove it: a sandbox cannot propagate mounts "
                        "back to the host",
                        severity="warning",
                    )
        problem = _field_error(hint, fld, value)
        if problem is not None and out is not None:
            out.add(
                "RUNSC-MOUNT-HINT-KEY",
                where,
                f"ignoring invalid mount annotation (name = {quote(name)}, key = {quote(fld)}, "
                f"value = {quote(value)}): {problem}",
                severity="warning",
            )
    usable: dict[str, MountHint] = {}
    for name, hint in sorted(hints.items()):
        if hint.complete:
            usable[name] = hint
            continue
        if out is not None:
            missing = [f for f in ("source", "type", "share") if not getattr(hint, f)]
            out.add(
                "RUNSC-MOUNT-HINT-KEY",
                ptr("annotations", f"{MOUNT_HINT_PREFIX}{name}.{missing[0]}"),
                f"ignoring mount annotations for {quote(name)} because of missing required field(s): "
                f"add {', '.join(MOUNT_HINT_PREFIX + name + '.' + f for f in missing)}",
                severity="warning",
            )
    if out is not None:
        by_source: dict[str, MountHint] = {}
        for name, hint in usable.items():
            other = by_source.setdefault(hint.source, hint)
            if other is not hint:
                out.add(
                    "RUNSC-MOUNT-HINT-KEY",
                    ptr("annotations", hint.keys["source"]),
                    f"mounts {quote(other.name)} and {quote(name)} have the same mount source {quote(hint.source)}: "
                    "each hint must name a different source",
                )
    return usable


def hint_for_source(hints: dict[str, MountHint], source: str) -> MountHint | None:
    """The hint whose source equals a mount's (absolutised) source."""
    for hint in hints.values():
        if hint.source == source:
            return hint
    return None


def _rootfs_field_error(key: str, value: str) -> str | None:
    if key == "source":
        return None if value.startswith("/") else "source must be an absolute path"
    if key == "type":
        return None if value in ROOTFS_TYPES else "type must be erofs or bind"
    if key == "overlay":
        if value in ("", "memory", "self"):
            return None
        if value.startswith("dir=") and value[len("dir=") :].startswith("/"):
            return None
        return "overlay must be '', memory, self or dir=/absolute/path"
    if key == "options":
        for opt in value.split(","):
            name, sep, _ = opt.partition("=")
            if not sep or name != "size":
                return f"unsupported option {quote(opt)}; only size=<value> is supported"
        return None
    if key == "directfs":
        return None if value in DIRECTFS_VALUES else "directfs must be default or off"
    return "unknown field; known fields are source, type, overlay, options and directfs"


def rootfs_hint(notes: dict[str, str], out: Findings | None = None) -> dict[str, str] | None:
    """NewRootfsHint: the hint's fields (None when there is no rootfs annotation); reports RUNSC-ROOTFS-HINT."""
    fields: dict[str, str] = {}
    refused: set[str] = set()
    seen = False
    for key, value in notes.items():
        if not key.startswith(ROOTFS_HINT_PREFIX):
            continue
        seen = True
        fld = key[len(ROOTFS_HINT_PREFIX) :]
        problem = _rootfs_field_error(fld, value)
        if problem is not None:
            refused.add(fld)
            if out is not None:
                out.add(
                    "RUNSC-ROOTFS-HINT",
                    ptr("annotations", key),
                    f"invalid rootfs annotation (key = {quote(key)}, value = {quote(value)}): {problem}",
                )
            continue
        fields[fld] = value
    if not seen:
        return None
    # NewRootfsHint stops at the first refused field, so a field given with a bad value is not "missing" too.
    missing = [f for f in ("source", "type") if not fields.get(f) and f not in refused]
    if missing and out is not None:
        out.add(
            "RUNSC-ROOTFS-HINT",
            ptr("annotations", ROOTFS_HINT_PREFIX + missing[0]),
            "rootfs annotations missing required field(s): add " + ", ".join(ROOTFS_HINT_PREFIX + f for f in missing),
        )
    return fields
