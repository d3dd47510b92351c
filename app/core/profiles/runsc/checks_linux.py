"""Top-level sections, rootfs propagation, namespaces, sysctl, devices and hooks (sections A and F).

The checks read the spec as Go decoded it (app.core.gospec): every member has its Go type or is null (absent).
"""

from __future__ import annotations

import re
from typing import Any

from app.core.pointer import ptr
from app.core.profiles.runsc.view import quote
from app.core.rules import Findings
from app.models import Severity

ROOTFS_PROPAGATION_OK = ("private", "rprivate", "slave", "rslave")
DEVICE_TYPES = ("b", "c", "u", "p")
HOOK_KINDS = ("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")
_GO_ATOI = re.compile(r"[+-]?[0-9]+")  # fullmatch: strconv.Atoi refuses "1\n", which `$` would let through
_INT64 = 1 << 63


def go_atoi(value: str) -> int | None:
    """strconv.Atoi on a 64-bit platform: the number, or None."""
    if not _GO_ATOI.fullmatch(value):
        return None
    number = int(value)
    return number if -_INT64 <= number < _INT64 else None


def check_sections(spec: dict[str, Any], out: Findings) -> None:
    """RUNSC-SOLARIS, RUNSC-WINDOWS (errors) and RUNSC-OTHER-OS (info)."""
    if _OTHER_OS.isdisjoint(spec):
        return  # the usual spec: one C-level test
    for name, rule in (("solaris", "RUNSC-SOLARIS"), ("windows", "RUNSC-WINDOWS")):
        if spec.get(name) is not None:
            title = name.capitalize()
            out.add(rule, ptr(name), f"Spec.{title} is not supported: remove the {name} section; runsc runs Linux")
    for name in ("vm", "zos"):
        if spec.get(name) is not None:
            out.add("RUNSC-OTHER-OS", ptr(name), f"the {name} section is ignored by runsc")


_OTHER_OS = frozenset({"solaris", "windows", "vm", "zos"})


def check_rootfs_propagation(linux: dict[str, Any], out: Findings) -> None:
    """RUNSC-ROOTFS-PROPAGATION."""
    value = linux.get("rootfsPropagation")
    if value and value not in ROOTFS_PROPAGATION_OK:
        out.add(
            "RUNSC-ROOTFS-PROPAGATION",
            "/linux/rootfsPropagation",
            f"root mount propagation option must specify private or slave: {quote(value)}; use rprivate or rslave "
            "(Kubernetes: Bidirectional mount propagation cannot work under gVisor)",
        )


def check_userns(linux: dict[str, Any], out: Findings) -> None:
    """RUNSC-USERNS-MAPPINGS: ID mappings without a user namespace (directfs on, network sandbox: the defaults)."""
    uid, gid = linux.get("uidMappings"), linux.get("gidMappings")
    if not uid and not gid:
        return
    if any(ns.get("type") == "user" for ns in linux.get("namespaces") or ()):
        return
    where = "/linux/uidMappings" if uid else "/linux/gidMappings"
    out.add(
        "RUNSC-USERNS-MAPPINGS",
        where,
        "failed to modify spec for directfs: spec defines UID/GID mappings without defining userns: add "
        '{"type": "user"} to linux.namespaces, or remove the mappings',
    )


def check_sysctl(linux: dict[str, Any], out: Findings, *, root_container: bool = True) -> None:
    """RUNSC-SYSCTL-NROPEN, RUNSC-SYSCTL-IPV6 (errors) and RUNSC-SYSCTL-OTHER (info).

    Both keys are read from the root container's spec only: fs.nr_open by boot.New (the sandbox's loader) and
    net.ipv6.conf.all.disable_ipv6 by Sandbox.StartRoot (and restore); a CRI container joining a sandbox
    (container type "container") has them ignored.
    """
    sysctl = linux.get("sysctl")
    if not sysctl:
        return
    for key, value in sysctl.items():  # map[string]string: every value is a string
        where = ptr("linux", "sysctl", key)
        if not root_container and key in ("fs.nr_open", "net.ipv6.conf.all.disable_ipv6"):
            out.add(
                "RUNSC-SYSCTL-OTHER",
                where,
                f"sysctl {key} is ignored for a container joining a sandbox: runsc reads it only from the spec "
                "that creates the sandbox (the pod's sandbox container)",
            )
        elif key == "fs.nr_open":
            number = go_atoi(value)
            if number is None or not 1 <= number <= 2147483647:
                out.add(
                    "RUNSC-SYSCTL-NROPEN",
                    where,
                    f"setting fs.nr_open={value}: the value must be an integer from 1 to 2147483647",
                )
        elif key == "net.ipv6.conf.all.disable_ipv6":
            if go_atoi(value) is None:
                out.add(
                    "RUNSC-SYSCTL-IPV6",
                    where,
                    f"getting net.ipv6.conf.all.disable_ipv6={value}: not an integer; use 0 (IPv6 on) or 1 (off)",
                )
        else:
            out.add(
                "RUNSC-SYSCTL-OTHER",
                where,
                f"sysctl {key} is ignored by runsc: the sandbox's kernel does not take it from the spec",
            )


def check_ignored_linux(linux: dict[str, Any], out: Findings) -> None:
    """RUNSC-MASKED-READONLY and RUNSC-INTELRDT (info)."""
    for name in ("maskedPaths", "readonlyPaths"):
        if linux.get(name):
            out.add(
                "RUNSC-MASKED-READONLY",
                f"/linux/{name}",
                "linux.maskedPaths and linux.readonlyPaths are ignored by runsc: the sandbox's own /proc and /sys "
                "do not expose the host paths they protect",
            )
            break
    if linux.get("intelRdt") is not None:
        out.add("RUNSC-INTELRDT", "/linux/intelRdt", "linux.intelRdt is ignored by runsc")


def check_devices(linux: dict[str, Any], out: Findings) -> None:
    """RUNSC-DEVICE-TYPE."""
    for index, device in enumerate(linux.get("devices") or ()):
        kind = device.get("type") or ""
        if kind not in DEVICE_TYPES:
            out.add(
                "RUNSC-DEVICE-TYPE",
                ptr("linux", "devices", index, "type"),
                f"specified device at {quote(device.get('path') or '')} has invalid type {quote(kind)}: use b (block), "
                "c or u (character) or p (FIFO)",
            )


def check_hooks(hooks: dict[str, Any], rootfs_type: str, out: Findings) -> None:
    """RUNSC-HOOK-PATH and RUNSC-HOOK-SKIP (the NVIDIA hooks are judged by nvidia.check)."""
    erofs = rootfs_type == "erofs"
    for kind in HOOK_KINDS:
        for index, hook in enumerate(hooks.get(kind) or ()):
            where = ptr("hooks", kind, index)
            path = hook.get("path") or ""
            if kind == "startContainer":
                out.add(
                    "RUNSC-HOOK-SKIP",
                    where,
                    "StartContainer hook skipped because running inside container namespace is not supported",
                )
                continue
            if kind == "createContainer" and erofs:
                out.add(
                    "RUNSC-HOOK-SKIP",
                    where,
                    "CreateContainer hooks are not executed since container rootfs is not on lisafs (EROFS rootfs)",
                )
                continue
            severity: Severity | None = "warning" if kind == "poststop" else None
            if not path.strip():  # executeHook: strings.TrimSpace(h.Path) == ""
                out.add(
                    "RUNSC-HOOK-PATH",
                    ptr("hooks", kind, index, "path"),
                    f"empty path for hook: give the {kind} hook the absolute path of its executable",
                    severity=severity,
                )
            elif not path.startswith("/"):
                out.add(
                    "RUNSC-HOOK-PATH",
                    ptr("hooks", kind, index, "path"),
                    f"path for hook is not absolute: {quote(path)}; hooks run in the runtime namespace and need an "
                    "absolute path",
                    severity=severity,
                )
