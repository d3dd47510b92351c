"""ValidateSpec of 2018 runsc, branch by branch, reporting every failing check instead of the first.

The seed returns at the first error; here each check still runs only when the seed would reach it on
the data it needs (no `process.args` check without a `process`), and issues come out in the seed's order.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

from app.core import cri
from app.core.pointer import ptr
from app.core.profiles.runsc2018 import catalog as c
from app.core.profiles.runsc2018.govalues import is_abs, present, string, strings, struct
from app.core.profiles.runsc2018.issues import Issue


def validate_spec(spec: dict[str, Any]) -> list[Issue]:
    """Every issue ValidateSpec would raise or log for `spec` (canonical member names, Go zero values)."""
    issues: list[Issue] = []
    process = struct(spec.get("process")) if present(spec, "process") else None
    if process is None:
        issues.append(
            Issue(
                c.PROCESS_REQUIRED,
                ptr("process"),
                'Spec.Process must be defined: add a "process" object with at least "args" (the command to run).',
            )
        )
    elif not strings(process.get("args")):
        issues.append(
            Issue(
                c.ARGS_REQUIRED,
                ptr("process", "args"),
                'Spec.Process.Arg must be defined: set process.args to the command and its arguments, e.g. ["/bin/sh"]',
            )
        )
    if not present(spec, "root"):
        issues.append(
            Issue(
                c.ROOT_REQUIRED,
                ptr("root"),
                'Spec.Root must be defined: add a "root" object whose "path" is the container\'s root filesystem.',
            )
        )
    elif not string(struct(spec["root"]).get("path")):
        issues.append(
            Issue(
                c.ROOTPATH_REQUIRED,
                ptr("root", "path"),
                "Spec.Root.Path must be defined: set root.path to the root filesystem directory "
                "(a relative path is taken from the bundle directory).",
            )
        )
    if present(spec, "solaris"):
        issues.append(
            Issue(
                c.SOLARIS,
                ptr("solaris"),
                'Spec.Solaris is not supported: remove the "solaris" member; runsc runs Linux containers only.',
            )
        )
    if present(spec, "windows"):
        issues.append(
            Issue(
                c.WINDOWS,
                ptr("windows"),
                'Spec.Windows is not supported: remove the "windows" member; runsc runs Linux containers only.',
            )
        )
    if process is not None:
        issues.extend(_security_labels(process))
    linux = spec.get("linux")
    if present(spec, "linux") and present(struct(linux), "seccomp"):
        issues.append(
            Issue(
                c.SECCOMP,
                ptr("linux", "seccomp"),
                "Seccomp spec is being ignored: 2018 runsc does not apply linux.seccomp to the application "
                "inside the sandbox; the filter gives no protection here.",
            )
        )
    issues.extend(_mount_destinations(spec.get("mounts")))
    issues.extend(_container_type(struct(spec.get("annotations"))))
    return issues


def _security_labels(process: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    label = string(process.get("selinuxLabel"))
    if label:
        issues.append(
            Issue(
                c.SELINUX,
                ptr("process", "selinuxLabel"),
                f"SELinux is not supported: {label}; remove process.selinuxLabel "
                "(Docker: --security-opt label=disable; CRI-O: selinux = false).",
            )
        )
    profile = string(process.get("apparmorProfile"))
    if profile:
        issues.append(
            Issue(
                c.APPARMOR,
                ptr("process", "apparmorProfile"),
                f"AppArmor profile {_go_quote(profile)} is being ignored: the sandbox does not apply AppArmor; "
                "remove process.apparmorProfile to silence this.",
            )
        )
    return issues


def _mount_destinations(mounts: Any) -> list[Issue]:
    issues: list[Issue] = []
    if not isinstance(mounts, list) or _all_absolute(mounts):
        return issues
    for index, mount in enumerate(mounts):
        # A null or wrong-typed element still takes its slot, as a zero Mount with an empty destination.
        destination = string(struct(mount).get("destination"))
        if not is_abs(destination):
            shown = _go_quote(destination) if destination else "empty"
            issues.append(
                Issue(
                    c.MOUNT_DEST_ABS,
                    ptr("mounts", index, "destination"),
                    f"Spec.Mounts[{index}] Mount.Destination must be an absolute path: it is {shown}; "
                    'write the path inside the container starting with "/".',
                )
            )
    return issues


def _all_absolute(mounts: list[Any]) -> bool:
    """True when every entry is an object whose destination is an absolute path (False proves nothing).

    The usual spec, decided by C-level passes over the array: a spec can have thousands of mounts.
    """
    try:
        destinations = [mount.get("destination") for mount in mounts]
        return all(map(str.startswith, destinations, repeat("/")))
    except (AttributeError, TypeError):  # an entry that is not an object, or a destination that is not a string
        return False


def _container_type(annotations: dict[str, Any]) -> list[Issue]:
    """The containerd annotations, as map[string]string (a wrong-typed value reads as "")."""
    if cri.CONTAINERD_CONTAINER_TYPE not in annotations:
        return []  # not containerd: a container with its own sandbox
    value = string(annotations[cri.CONTAINERD_CONTAINER_TYPE])
    if value == cri.TYPE_SANDBOX:
        return []
    if value == cri.TYPE_CONTAINER:
        if cri.CONTAINERD_SANDBOX_ID in annotations:
            return []
        return [
            Issue(
                c.SANDBOX_ID,
                ptr("annotations", cri.CONTAINERD_SANDBOX_ID),
                "spec has container-type of container, but no sandbox ID set: add the annotation "
                f"{cri.CONTAINERD_SANDBOX_ID} with the ID of the sandbox this container joins.",
            )
        ]
    return [
        Issue(
            c.CONTAINER_TYPE,
            ptr("annotations", cri.CONTAINERD_CONTAINER_TYPE),
            f"unknown container-type: {value}; {cri.CONTAINERD_CONTAINER_TYPE} must be exactly "
            f'"{cri.TYPE_SANDBOX}" or "{cri.TYPE_CONTAINER}", or absent.',
        )
    ]


def _go_quote(text: str) -> str:
    """A string as Go's %q prints the common cases: in double quotes, with quote and backslash escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
