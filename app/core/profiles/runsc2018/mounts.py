"""Is9PMount and IsSupportedDevMount of 2018 runsc, and what they mean for each entry of `mounts`.

Categories: `9p` (served from the host by the gofer), `ignored-dev` (dropped: the sandbox provides that
part of /dev itself), `sandbox-internal` (everything else: created inside the sandbox, or skipped by it).
"""

from __future__ import annotations

from typing import Any

from app.core.profiles.runsc2018 import catalog as c
from app.core.profiles.runsc2018.govalues import clean, string, strings, struct
from app.core.profiles.runsc2018.issues import Issue
from app.models import MountInfo

EXISTING_DEVICES: tuple[str, ...] = (
    "/dev/fd",
    "/dev/stdin",
    "/dev/stdout",
    "/dev/stderr",
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/shm",
    "/dev/pts",
    "/dev/ptmx",
)
"""Devices that exist inside the 2018 sentry (pkg/sentry/fs/dev/dev.go): a mount at or below one is dropped."""

SENTRY_TYPES: tuple[str, ...] = ("devpts", "devtmpfs", "proc", "sysfs", "tmpfs")
"""Types the 2018 sentry mounts itself (boot/fs.go); `none` becomes sysfs; any other type is skipped."""

NINE_P = "9p"
IGNORED_DEV = "ignored-dev"
SANDBOX_INTERNAL = "sandbox-internal"


def is_supported_dev_mount(mount: dict[str, Any]) -> bool:
    """IsSupportedDevMount: false for a mount at /dev or at (or below) a device the sandbox provides."""
    return _provided_device(clean(string(mount.get("destination")))) is None


def is_9p_mount(mount: dict[str, Any]) -> bool:
    """Is9PMount: type exactly "bind", a non-empty source, and a destination the sandbox does not reserve."""
    return string(mount.get("type")) == "bind" and string(mount.get("source")) != "" and is_supported_dev_mount(mount)


def classify(mounts: Any) -> list[MountInfo]:
    """Every entry of `mounts` with its category and the reasons for it."""
    if not isinstance(mounts, list):
        return []
    return [_classify_one(index, struct(entry)) for index, entry in enumerate(mounts)]


def dev_mount_issues(spec: dict[str, Any]) -> list[Issue]:
    """RUNSC2018-DEV-MOUNT (info): each mount the 2018 sandbox drops because IsSupportedDevMount is false."""
    mounts = spec.get("mounts")
    if not isinstance(mounts, list):
        return []
    issues: list[Issue] = []
    for index, entry in enumerate(mounts):
        destination = entry.get("destination") if isinstance(entry, dict) else None
        if not isinstance(destination, str) or "dev" not in destination:
            continue  # the usual mount: no path that cleans to /dev... ("//dev" and "/x/../dev" do)
        cleaned = clean(destination)
        reserved = _provided_device(cleaned)
        if reserved is not None:
            tail = _TAILS[reserved] if cleaned == reserved else _tail(cleaned, reserved)
            issues.append(Issue(c.DEV_MOUNT, f"/mounts/{index}", f"ignoring dev mount at {destination!r}{tail}"))
    return issues


def _tail(cleaned: str, reserved: str) -> str:
    """The end of the RUNSC2018-DEV-MOUNT message of a mount at `cleaned`, which `reserved` covers."""
    return f": {_dev_reason(cleaned, reserved)}; the sandbox's own {reserved} is used instead"


_DEVICE_SET = frozenset(EXISTING_DEVICES)
_RESERVED = _DEVICE_SET | {"/dev"}


def _provided_device(destination: str) -> str | None:
    """The reserved path that covers a cleaned destination, or None when the mount is supported.

    Every reserved device is /dev/<name>, so `dst == dev || HasPrefix(dst, dev + "/")` holds exactly when the
    first two elements of the cleaned path name one: one set lookup instead of twelve prefix tests.
    """
    if destination in _RESERVED:
        return destination  # /dev or one of the devices itself: the usual case, one lookup
    if not destination.startswith("/dev/"):
        return None
    head = "/dev/" + destination[5:].partition("/")[0]
    return head if head in _DEVICE_SET else None


def _classify_one(index: int, mount: dict[str, Any]) -> MountInfo:
    destination = string(mount.get("destination"))
    fs_type = string(mount.get("type"))
    source = string(mount.get("source"))
    reasons: list[str] = []
    reserved = _provided_device(clean(destination))
    if reserved is not None:
        category = IGNORED_DEV
        reasons.append(_dev_reason(clean(destination), reserved))
    elif is_9p_mount(mount):
        category = NINE_P
        reasons.append(f'type is "bind" with source {source!r}: the gofer serves it from the host over 9P (Is9PMount)')
    else:
        category = SANDBOX_INTERNAL
        reasons.append(_internal_reason(fs_type, source))
        bind_options = [o for o in strings(mount.get("options")) if o in ("bind", "rbind")]
        if bind_options and fs_type != "bind":
            reasons.append(
                f'option {bind_options[0]!r} does not make it a bind mount in 2018 runsc: only type "bind" counts'
            )
    return MountInfo(
        index=index,
        destination=_text(mount.get("destination")),
        type=_text(mount.get("type")),
        source=_text(mount.get("source")),
        category=category,
        gofer=category == NINE_P,
        reasons=reasons,
    )


def _dev_reason(destination: str, reserved: str) -> str:
    if reserved == "/dev":
        return (
            "2018 runsc always mounts its own /dev (devtmpfs) and drops a spec mount at /dev "
            '(IsSupportedDevMount; logged as "ignoring dev mount")'
        )
    where = "is" if destination == reserved else f"is below {reserved}, which is"
    return (
        f"{destination} {where} one of the 12 /dev paths the sandbox provides itself, so 2018 runsc drops the mount "
        '(IsSupportedDevMount; logged as "ignoring dev mount")'
    )


def _internal_reason(fs_type: str, source: str) -> str:
    if fs_type == "bind":
        # Not a 9P mount, so the gofer prepares nothing for it; the sentry still expects a gofer connection.
        return (
            'type is "bind" but the source is empty, so it is not a 9P mount (Is9PMount needs a source): no gofer '
            "serves it and 2018 runsc cannot mount it; set source to the host path"
        )
    if fs_type in SENTRY_TYPES:
        return f"type {fs_type!r} is created by the sandbox itself; nothing is served from the host"
    if fs_type == "none":
        return 'type "none" is mounted as sysfs inside the sandbox (2018 mapping of "none")'
    return (
        f"type {fs_type!r} is unknown to 2018 runsc: the mount is skipped with the warning "
        '"ignoring unknown filesystem type"'
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


_TAILS = {path: _tail(path, path) for path in ("/dev", *EXISTING_DEVICES)}
"""The message ends of mounts right at a reserved path (the usual case), made once at import."""
