"""ValidateSpec's required members and the process rules (sections A and D of runsc-rules.md).

The checks read the spec as Go decoded it (app.core.gospec): every member has its Go type or is null (absent).
"""

from __future__ import annotations

from typing import Any

from app.core.capabilities import ALL_NAMES, NUMBERS, SET_NAMES
from app.core.pointer import ptr
from app.core.profiles.runsc.view import quote
from app.core.rules import Findings

RLIMITS = frozenset(
    "RLIMIT_" + n
    for n in (
        "AS", "CORE", "CPU", "DATA", "FSIZE", "LOCKS", "MEMLOCK", "MSGQUEUE", "NICE", "NOFILE", "NPROC", "RSS",
        "RTPRIO", "RTTIME", "SIGPENDING", "STACK",
    )
)  # fmt: skip
"""boot/limits.go: the 16 resource names createLimitSet knows."""

IGNORED_PROCESS = ("ioPriority", "scheduler", "execCPUAffinity")


def check_required(spec: dict[str, Any], out: Findings) -> None:
    """RUNSC-PROCESS-REQUIRED, -ARGS-REQUIRED, -ROOT-REQUIRED, -ROOTPATH-REQUIRED."""
    process = spec.get("process")
    if process is None:
        out.add(
            "RUNSC-PROCESS-REQUIRED",
            "/process",
            "Spec.Process must be defined: add a process object with at least args (and cwd)",
        )
    elif not process.get("args"):
        out.add(
            "RUNSC-ARGS-REQUIRED",
            "/process/args",
            'Spec.Process.Arg must be defined: give process.args the command to run, e.g. ["/bin/sh"]',
        )
    root = spec.get("root")
    if root is None:
        out.add("RUNSC-ROOT-REQUIRED", "/root", "Spec.Root must be defined: add root with path to the rootfs directory")
    elif not root.get("path"):
        out.add(
            "RUNSC-ROOTPATH-REQUIRED",
            "/root/path",
            "Spec.Root.Path must be defined: set root.path to the rootfs directory (bundle-relative or absolute)",
        )


def check_security_labels(process: dict[str, Any], out: Findings) -> None:
    """RUNSC-SELINUX (error) and RUNSC-APPARMOR (warning)."""
    label = process.get("selinuxLabel")
    if label:
        out.add(
            "RUNSC-SELINUX",
            "/process/selinuxLabel",
            f"SELinux is not supported: {label}. Remove process.selinuxLabel (Docker: --security-opt label=disable; "
            "CRI-O: selinux = false for the runsc handler; Kubernetes: drop seLinuxOptions)",
        )
    profile = process.get("apparmorProfile")
    if profile:
        out.add(
            "RUNSC-APPARMOR",
            "/process/apparmorProfile",
            f"AppArmor profile {quote(profile)} is being ignored: gVisor's own sandbox isolates the container; "
            "remove the profile to silence this",
        )


def check_capabilities(process: dict[str, Any], out: Findings) -> None:
    """RUNSC-CAPS-NAMES (every set, ambient included), RUNSC-CAPS-NETRAW and RUNSC-CAPS-ABSENT."""
    caps = process.get("capabilities")
    if caps is None:
        out.add(
            "RUNSC-CAPS-ABSENT",
            "/process/capabilities",
            "process.capabilities is absent, so the process gets no capabilities at all, even as uid 0; add "
            "the sets it needs if it must act as root",
        )
        return
    with_raw: list[str] = []
    for set_name in SET_NAMES:
        names = caps.get(set_name)
        if names is None:
            continue
        if _KNOWN.issuperset(names):
            if "CAP_NET_RAW" in names:
                with_raw.append(set_name)
            continue  # the usual set: every name known, decided in C without a loop here
        for index, name in enumerate(names):
            if name not in NUMBERS:
                out.add(
                    "RUNSC-CAPS-NAMES",
                    ptr("process", "capabilities", set_name, index),
                    f"unknown capability {quote(name)}: {_cap_hint(name)}",
                )
            elif name == "CAP_NET_RAW" and set_name not in with_raw:  # once per set, however often named
                with_raw.append(set_name)
    if with_raw:
        out.add(
            "RUNSC-CAPS-NETRAW",
            "/process/capabilities",
            f"CAP_NET_RAW (in {', '.join(with_raw)}) will be dropped: runsc strips it unless the node runs runsc "
            "with --net-raw; drop it from the spec if raw sockets are not needed",
        )


_KNOWN = frozenset(NUMBERS)


def _cap_hint(name: str) -> str:
    upper = name.upper()
    candidate = upper if upper.startswith("CAP_") else "CAP_" + upper
    if candidate.startswith("CAP_CAP_"):
        candidate = candidate[len("CAP_") :]
    if candidate in NUMBERS:
        return f"did you mean {candidate}? Names are case-sensitive and need the CAP_ prefix exactly once"
    return f"use one of the {len(ALL_NAMES)} names CAP_CHOWN ... CAP_CHECKPOINT_RESTORE"


def check_env(process: dict[str, Any], out: Findings) -> None:
    """RUNSC-ENV-FORMAT: every entry must contain '='."""
    env: list[str] | None = process.get("env")  # []string: the decoder leaves only strings
    if not env:
        return
    for index, entry in enumerate(env):  # compiled: one C-level search per entry
        if "=" not in entry:
            out.add(
                "RUNSC-ENV-FORMAT",
                ptr("process", "env", index),
                f"resolving env: invalid variable: {entry}: write it as NAME=value (NAME= for an empty value)",
            )


def check_rlimits(process: dict[str, Any], out: Findings) -> None:
    """RUNSC-RLIMIT-TYPE."""
    for index, limit in enumerate(process.get("rlimits") or ()):
        kind = limit.get("type") or ""
        if kind not in RLIMITS:
            hint = f"did you mean {kind.upper()}? " if kind.upper() in RLIMITS else ""
            out.add(
                "RUNSC-RLIMIT-TYPE",
                ptr("process", "rlimits", index, "type"),
                f"creating limits: unknown resource {quote(kind)}: {hint}use one of " + ", ".join(sorted(RLIMITS)),
            )


def check_run_cwd(process: dict[str, Any], out: Findings) -> None:
    """RUNSC-RUN-CWD: what `runsc run` would refuse (create+start would use / instead)."""
    cwd = process.get("cwd")
    if not cwd:
        out.add(
            "RUNSC-RUN-CWD",
            "/process/cwd",
            "invalid process spec: cwd must not be empty (refused by `runsc run`; create+start use /): set "
            "process.cwd to an absolute directory",
        )
    elif not cwd.startswith("/"):
        out.add(
            "RUNSC-RUN-CWD",
            "/process/cwd",
            f"invalid process spec: cwd {quote(cwd)} must be an absolute path (refused by `runsc run`): "
            "start it with '/'",
        )


def check_ignored(process: dict[str, Any] | None, linux: dict[str, Any] | None, out: Findings) -> None:
    """RUNSC-IGNORED-PROCESS: members runsc never reads."""
    if process is not None:
        for name in IGNORED_PROCESS:
            if process.get(name) is not None:
                out.add(
                    "RUNSC-IGNORED-PROCESS",
                    f"/process/{name}",
                    f"process.{name} is ignored by runsc; the sandboxed process runs without it",
                )
    if linux is not None and linux.get("personality") is not None:
        out.add("RUNSC-IGNORED-PROCESS", "/linux/personality", "linux.personality is ignored by runsc")
