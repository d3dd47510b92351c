"""Section E of runsc-rules.md: linux.seccomp is ignored unless oci-seccomp is on; then only some of it is supported."""

from __future__ import annotations

from typing import Any

from app.core.pointer import ptr
from app.core.profiles.runsc.tables import ARCHES, tables
from app.core.profiles.runsc.view import arr, obj, quote, text
from app.core.rules import Findings

ACTIONS = ("SCMP_ACT_KILL", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW")
OPERATORS = (
    "SCMP_CMP_EQ",
    "SCMP_CMP_NE",
    "SCMP_CMP_GT",
    "SCMP_CMP_GE",
    "SCMP_CMP_LT",
    "SCMP_CMP_LE",
    "SCMP_CMP_MASKED_EQ",
)
MAX_ARG_INDEX = 5
ARG_COUNTS = 6
"""convertArgs: `argCounts := make([]uint, 6)` after refusing only `arg.Index > 6`, so index 6 panics."""
_TABLES = tables()  # read at import, so the first request does not pay for it


def check(linux: dict[str, Any], oci_seccomp: bool, runtime_default_key: str | None, out: Findings) -> None:
    """RUNSC-SECCOMP-RUNTIMEDEFAULT, -OFF, and with oci-seccomp on -ACTION, -OP, -ARGINDEX."""
    seccomp = obj(linux, "seccomp")
    if seccomp is None:
        return
    if runtime_default_key is not None:
        out.add(
            "RUNSC-SECCOMP-RUNTIMEDEFAULT",
            "/linux/seccomp",
            f"Seccomp is being ignored because annotation {quote(runtime_default_key)} is set to RuntimeDefault: "
            "runsc removes linux.seccomp (gVisor's own syscall filtering applies)",
        )
        return
    if not oci_seccomp:
        out.add(
            "RUNSC-SECCOMP-OFF",
            "/linux/seccomp",
            "Seccomp spec is being ignored because oci-seccomp is disabled: the filter is not applied. Add "
            'annotation "dev.gvisor.flag.oci-seccomp": "true" (or run runsc with --oci-seccomp) to enforce it',
        )
        return
    _check_action(text(seccomp, "defaultAction"), "/linux/seccomp/defaultAction", "secomp default action", out)
    hosts = host_arches(seccomp)
    for i, rule in enumerate(arr(seccomp, "syscalls")):
        if not isinstance(rule, dict):
            continue
        _check_action(text(rule, "action"), ptr("linux", "seccomp", "syscalls", i, "action"), "invalid seccomp rules",
                      out)  # fmt: skip
        _check_names(rule, i, hosts, out)
        for j, arg in enumerate(arr(rule, "args")):
            if not isinstance(arg, dict):
                continue
            op = text(arg, "op")
            if op not in OPERATORS:
                out.add(
                    "RUNSC-SECCOMP-OP",
                    ptr("linux", "seccomp", "syscalls", i, "args", j, "op"),
                    f"invalid seccomp rules: unsupported operand: {quote(op)}; runsc supports " + ", ".join(OPERATORS),
                )
            index = arg.get("index")
            if isinstance(index, int) and not isinstance(index, bool) and index > MAX_ARG_INDEX:
                problem = (
                    f"invalid seccomp rules: invalid index: {index}"
                    if index > ARG_COUNTS
                    else f"runtime error: index out of range [{index}] with length {ARG_COUNTS} (convertArgs only "
                    f"refuses indexes above {ARG_COUNTS}, so this one makes runsc panic)"
                )
                out.add(
                    "RUNSC-SECCOMP-ARGINDEX",
                    ptr("linux", "seccomp", "syscalls", i, "args", j, "index"),
                    f"{problem}; syscall arguments are numbered 0 to {MAX_ARG_INDEX}",
                )


def _check_action(action: str, where: str, context: str, out: Findings) -> None:
    if action not in ACTIONS:
        out.add(
            "RUNSC-SECCOMP-ACTION",
            where,
            f"{context}: invalid action: {quote(action)}; with oci-seccomp runsc supports only " + ", ".join(ACTIONS),
        )


NATIVE_ARCHES = {"SCMP_ARCH_X86_64": "amd64", "SCMP_ARCH_AARCH64": "arm64"}
"""KnownArchs: the seccomp architectures runsc runs natively, and the syscall table each one searches."""


def host_arches(seccomp: dict[str, Any]) -> tuple[str, ...]:
    """The hosts the filter was written for, from linux.seccomp.architectures.

    runsc itself ignores `architectures` (convertRules checks names against the native table only), but Docker
    and containerd generate that list for the host they run on (x86_64 with x86 and x32, or aarch64 with arm): a
    list naming exactly one of runsc's native architectures says which table runsc will search. Otherwise both.
    """
    named = {NATIVE_ARCHES[a] for a in arr(seccomp, "architectures") if isinstance(a, str) and a in NATIVE_ARCHES}
    return tuple(named) if len(named) == 1 else ARCHES


def _check_names(rule: dict[str, Any], i: int, hosts: tuple[str, ...], out: Findings) -> None:
    """RUNSC-SECCOMP-NAMES: convertRules skips (with a warning) each name lookupSyscallNo does not find.

    runsc searches only its native table (amd64 or arm64), so a name the host's table lacks is skipped there. A name
    no architecture has is a warning (a typo: the rule does not cover what was meant); a real syscall the host's
    table lacks (another architecture's, or one gVisor does not have) is info.
    """
    known = _TABLES.syscalls
    for j, name in enumerate(arr(rule, "names")):
        if not isinstance(name, str):
            continue
        missing = [arch for arch in hosts if name not in known[arch]]
        if not missing:
            continue  # the usual name: in the table of every host the filter is for
        where = ptr("linux", "seccomp", "syscalls", i, "names", j)
        on = " and ".join(missing)
        if name not in _TABLES.linux_syscalls and not any(name in known[a] for a in ARCHES):
            out.add(
                "RUNSC-SECCOMP-NAMES",
                where,
                f"OCI seccomp: ignoring syscall {quote(name)}: no architecture has a syscall of that name, so runsc "
                "skips it and the rule does not cover what you meant; check the spelling (names are lowercase, "
                "as in syscalls(2))",
            )
            continue
        elsewhere = [a for a in ARCHES if a not in missing and name in known[a]]
        where_known = f" (gVisor knows it on {' and '.join(elsewhere)})" if elsewhere else ""
        out.add(
            "RUNSC-SECCOMP-NAMES",
            where,
            f"OCI seccomp: ignoring syscall {quote(name)} on {on}: gVisor's {on} syscall table has no such name"
            f"{where_known}, so runsc skips it there; it is a syscall of another architecture or one gVisor "
            "does not implement",
            severity="info",
        )
