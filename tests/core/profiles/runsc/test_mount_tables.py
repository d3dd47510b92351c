"""The one-pass mount check (static option tables, inline fast paths) against a plain mount-by-mount reading.

`check_mounts` decides the usual mount with one compiled pass over the options (bind and shared flags), table
lookups and precomputed message parts. The reference here
reads each mount and each option the obvious way, rule by rule (runsc-mounts.md, ValidateSpec, prepareMounts,
getMountNameAndOptions, consumeMountOptions, ParseMountOptions): both must give the same findings, in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings, strategies as st

from app.core.normalize import go_clean
from app.core.profiles.runsc.catalog import CATALOG
from app.core.profiles.runsc.mounts import (
    GOFER_DATA,
    INVALID_GOFER_OPTIONS,
    LINUX_MOUNT_OPTIONS,
    RETYPED,
    SENTRY_OPTIONS,
    SENTRY_TYPES,
    TMPFS_DATA,
    check_mounts,
)
from app.core.profiles.runsc.view import quote
from app.core.rules import Findings

Entry = tuple[str, str, str, str]
_EXPLAINED = (
    ": the sentry applies only atime, bind, exec, noatime, noexec, nosuid, rbind, ro, rw{}; host mount flags such "
    "as nodev or relatime and propagation options have no effect inside the sandbox"
)


def _reference(mounts: list[dict[str, Any]]) -> tuple[list[Entry], list[Entry]]:
    """(ValidateSpec's findings, the sentry's findings), one mount and one option at a time."""
    validate: list[Entry] = []
    boot: list[Entry] = []
    for index, m in enumerate(mounts):
        destination, type_ = m.get("destination") or "", m.get("type") or ""
        source, options = m.get("source") or "", m.get("options") or []
        bind_option = any(o in ("bind", "rbind") for o in options)
        gofer = (bind_option or type_ == "bind") and source != ""
        if not destination.startswith("/"):
            validate.append(("RUNSC-MOUNT-DEST-ABS", "error", f"/mounts/{index}/destination", ""))
        if gofer:
            for i, opt in enumerate(options):
                if opt in INVALID_GOFER_OPTIONS:
                    validate.append(("RUNSC-MOUNT-SHARED-PROPAGATION", "error", f"/mounts/{index}/options/{i}", ""))
        if not destination.startswith("/"):
            continue
        fs = "bind" if bind_option else RETYPED.get(go_clean(destination), type_)
        if gofer and fs != "bind":
            boot.append(("RUNSC-MOUNT-DEV-RETYPE", "error", f"/mounts/{index}/type", ""))
            continue
        if fs == "bind" and not gofer:
            boot.append(("RUNSC-MOUNT-BIND-NOSOURCE", "error", f"/mounts/{index}/source", ""))
            continue
        if fs not in SENTRY_TYPES and fs not in ("bind", "erofs"):
            boot.append(("RUNSC-MOUNT-TYPE-UNKNOWN", "warning", f"/mounts/{index}/type", ""))
            continue
        keys = TMPFS_DATA if fs in ("tmpfs", "cgroup", "cgroup2") else GOFER_DATA if fs == "bind" else frozenset()
        hint = f" and the data options {', '.join(sorted(keys))}" if keys else ""
        for i, opt in enumerate(options):
            if opt in SENTRY_OPTIONS or (fs == "bind" and opt in INVALID_GOFER_OPTIONS):
                continue
            if keys and opt.count("=") > 1:
                boot.append(("RUNSC-MOUNT-OPT-KV", "error", f"/mounts/{index}/options/{i}", ""))
                continue
            name = opt.partition("=")[0]
            if name in keys:
                continue
            message = f"ignoring unknown mount option {quote(opt)} on {quote(destination)}{_EXPLAINED.format(hint)}"
            severity = "info" if name in LINUX_MOUNT_OPTIONS else "warning"
            boot.append(("RUNSC-MOUNT-OPT-UNKNOWN", severity, f"/mounts/{index}/options/{i}", message))
    return validate, boot


def _shape(entries: Sequence[tuple[str, str, str, str]]) -> list[Entry]:
    """Rule, severity and pointer of each finding, and the message of the option findings (the others' messages
    are covered by the profile's own tests)."""
    return [(r, s, p, m if r == "RUNSC-MOUNT-OPT-UNKNOWN" else "") for r, s, p, m in entries]


OPTIONS = st.sampled_from(
    sorted(SENTRY_OPTIONS | LINUX_MOUNT_OPTIONS | TMPFS_DATA | GOFER_DATA)
    + ["mode=0755", "size=64k", "uid=0", "dcache=100", "a=b=c", "mode=1=2", "nodevv", "x-typo", "", "r\u00f6", 'q"t']
)
MOUNTS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "destination": st.sampled_from(
                [
                    "/data",
                    "/dev",
                    "/dev/",
                    "//dev/pts",
                    "/dev/pts",
                    "/dev/shm",
                    "/x/../dev",
                    "rel",
                    "",
                    '/q"d',
                    "/\u00e9",
                ]
            ),
            "type": st.sampled_from(["bind", "tmpfs", "proc", "sysfs", "devpts", "cgroup", "erofs", "none", "mqueue"]),
            "source": st.sampled_from(["", "/host", "tmpfs"]),
            "options": st.lists(OPTIONS, max_size=7),
        },
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(MOUNTS)
def test_one_pass_equals_the_plain_reading(mounts: list[dict[str, Any]]) -> None:
    out = Findings(CATALOG)
    boot = check_mounts({"mounts": mounts}, out)
    validate, expected_boot = _reference(mounts)
    assert _shape(out.entries) == [(r, s, p, "") for r, s, p, _ in validate]
    assert _shape(boot) == expected_boot
