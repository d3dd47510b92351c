"""Checks of `process`: presence, cwd, args, env, console, user, rlimits, capabilities, scheduling."""

from __future__ import annotations

import re
from typing import Any, Final

from app.core.capabilities import NUMBERS, SET_NAMES
from app.core.pointer import ptr
from app.core.profiles.oci.context import Context, arr, env_problems, integer, is_abs, list_problem, obj
from app.models import Severity

LINUX_RLIMITS = frozenset(
    "RLIMIT_" + n
    for n in "AS CORE CPU DATA FSIZE LOCKS MEMLOCK MSGQUEUE NICE NOFILE NPROC RSS RTPRIO RTTIME SIGPENDING "
    "STACK".split()
)
SOLARIS_RLIMITS = frozenset("RLIMIT_" + n for n in "AS CORE CPU DATA FSIZE NOFILE STACK".split())
FREEBSD_RLIMITS = frozenset(
    "RLIMIT_" + n
    for n in "AS CORE CPU DATA FSIZE KQUEUES MEMLOCK NOFILE NPROC NPTS PIPEBUF RSS SBSIZE STACK SWAP UMTXP VMEM".split()
)
"""FreeBSD getrlimit(2) (sys/resource.h: RLIMIT_CPU..RLIMIT_PIPEBUF, RLIMIT_VMEM the same as RLIMIT_AS)."""
ZOS_RLIMITS = frozenset("RLIMIT_" + n for n in "AS CORE CPU DATA FSIZE MEMLIMIT NOFILE STACK".split())
"""z/OS UNIX getrlimit(): the POSIX resources plus RLIMIT_MEMLIMIT (storage above the bar, in 1 MB segments)."""
PLATFORM_RLIMITS = {"linux": LINUX_RLIMITS, "solaris": SOLARIS_RLIMITS, "freebsd": FREEBSD_RLIMITS,
                    "zos": ZOS_RLIMITS}  # fmt: skip
"""config.md#configPOSIXProcess: the runtime MUST error for a type it cannot map to the kernel's interface."""
_PLATFORM_NAMES = {"linux": "Linux", "solaris": "Solaris", "freebsd": "FreeBSD", "zos": "z/OS"}
_SELINUX = re.compile(r"^[^:\s]+:[^:\s]+:[^:\s]+(:.+)?$")


def check(ctx: Context) -> None:
    """Every process rule."""
    process = ctx.data.get("process")
    if "process" not in ctx.data:
        if ctx.options.lifecycle == "start":
            ctx.add(
                "OCI-PROC-REQ-START",
                "/process",
                "process is missing but the container is to be started: add a process object with cwd and args",
            )
        else:
            ctx.add(
                "OCI-PROC-REQ-START",
                "/process",
                "process is missing: fine for create, but start will fail; "
                "add a process object with cwd and args before starting the container",
                severity="warning",
            )
        return
    if not isinstance(process, dict):
        return
    _cwd_args(ctx, process)
    # Groups below run only when their member is present (absent, they have nothing to report).
    if "env" in process:
        for index, issue in env_problems(arr(process["env"])):
            ctx.add("OCI-PROC-ENV", ptr("process", "env", index), issue)
    if "consoleSize" in process and process.get("terminal") is not True:
        ctx.add(
            "OCI-PROC-CONSOLE",
            "/process/consoleSize",
            "consoleSize is ignored unless terminal is true: set terminal or drop consoleSize",
        )
    if "user" in process:
        _user(ctx, process["user"])
    if "rlimits" in process:
        _rlimits(ctx, arr(process["rlimits"]))
    if "capabilities" in process and ctx.platform in ("linux", "vm"):  # a VM runtime applies them in its guest
        _capabilities(ctx, obj(process["capabilities"]))
    oom = integer(process.get("oomScoreAdj"))
    if oom is not None and not -1000 <= oom <= 1000:
        ctx.add("OCI-PROC-OOM", "/process/oomScoreAdj", f"oomScoreAdj {oom} is outside the kernel range -1000..1000")
    label = process.get("selinuxLabel")
    if isinstance(label, str) and label and not _SELINUX.match(label):
        ctx.add(
            "OCI-PROC-SELINUX",
            "/process/selinuxLabel",
            f"selinuxLabel {label!r} is not an SELinux context user:role:type[:level]",
        )
    if "scheduler" in process:
        _scheduler(ctx, process["scheduler"])
    io = process.get("ioPriority")
    if isinstance(io, dict):
        if "priority" not in io:
            ctx.add(
                "OCI-IOPRIO-PRIO",
                "/process/ioPriority/priority",
                "ioPriority.priority is required: add a priority 0 (highest) .. 7 (lowest)",
            )
        elif (prio := integer(io["priority"])) is not None and not 0 <= prio <= 7:
            ctx.add(
                "OCI-IOPRIO-PRIO",
                "/process/ioPriority/priority",
                f"ioPriority.priority {prio} is outside 0..7",
                severity="warning",
            )
    affinity = process.get("execCPUAffinity")
    if isinstance(affinity, dict):
        for key in ("initial", "final"):
            value = affinity.get(key)
            if isinstance(value, str) and (problem := list_problem(value)):
                ctx.add("OCI-EXECAFF-FMT", ptr("process", "execCPUAffinity", key), problem)
        ctx.add(
            "OCI-EXECAFF-SCOPE",
            "/process/execCPUAffinity",
            "execCPUAffinity applies only to processes started with exec, not to the container's init process",
        )


def _cwd_args(ctx: Context, process: dict[str, Any]) -> None:
    cwd = process.get("cwd")
    if isinstance(cwd, str) and not is_abs(cwd, ctx.platform):
        want = "a drive path such as C:\\\\" if ctx.platform == "windows" else "an absolute path such as /"
        ctx.add("OCI-PROC-CWD-ABS", "/process/cwd", f"cwd {cwd!r} is not absolute: use {want}")
    args = process.get("args")
    if ctx.platform == "windows":
        # An empty args is as good as omitted (Go's omitempty drops it): commandLine must then say what to run.
        command = process.get("commandLine")
        if not args and not (isinstance(command, str) and command):
            ctx.add(
                "OCI-PROC-ARGS-WIN",
                "/process/commandLine",
                "on Windows commandLine is required when args is omitted or empty: set one of them",
            )
    elif "args" not in process or (isinstance(args, list) and not args):
        ctx.add(
            "OCI-PROC-ARGS-MIN",
            "/process/args",
            'process.args must have at least one entry: the program to run, e.g. ["sh"]',
        )


def _user(ctx: Context, value: Any) -> None:
    # `user` itself may be omitted (upstream's good freebsd-example.json has none); when given on a POSIX
    # platform, even as an empty object, uid and gid are REQUIRED.
    if not isinstance(value, dict):
        return
    user: dict[str, Any] = value
    if ctx.posix:
        for key in ("uid", "gid"):
            if key not in user:
                ctx.add(
                    "OCI-USER-UIDGID",
                    ptr("process", "user", key),
                    f"process.user.{key} is required on POSIX platforms: add it (0 for root)",
                )
    umask = integer(user.get("umask"))
    if umask is not None and umask > 0o777:
        ctx.add(
            "OCI-USER-UMASK",
            "/process/user/umask",
            f"umask {umask} is above 511 (0o777): only the permission bits are meaningful",
        )


def _rlimits(ctx: Context, rlimits: list[Any]) -> None:
    seen: dict[str, int] = {}
    known = PLATFORM_RLIMITS.get(ctx.platform)
    if rlimits and ctx.platform == "windows":
        ctx.add(
            "OCI-POSIX-ONLY",
            "/process/rlimits",
            "rlimits are for systems that support POSIX rlimits (config.md#configPOSIXProcess); Windows does not: "
            "a Windows runtime does not apply them, remove them",
        )
    for index, entry in enumerate(rlimits):
        if not isinstance(entry, dict):
            continue
        kind = entry.get("type")
        if isinstance(kind, str):
            if kind in seen:
                ctx.add(
                    "OCI-RLIM-DUP",
                    ptr("process", "rlimits", index, "type"),
                    f"rlimit {kind} is already set by entry {seen[kind]}: keep one entry per type",
                )
            else:
                seen[kind] = index
            if known is not None and kind.startswith("RLIMIT_") and kind not in known:
                ctx.add(
                    "OCI-RLIM-TYPE-KNOWN",
                    ptr("process", "rlimits", index, "type"),
                    f"{kind} is not a {_PLATFORM_NAMES[ctx.platform]} resource limit; known: "
                    f"{', '.join(sorted(known))}",
                )
        soft, hard = integer(entry.get("soft")), integer(entry.get("hard"))
        if soft is not None and hard is not None and soft > hard:
            ctx.add(
                "OCI-RLIM-ORDER",
                ptr("process", "rlimits", index, "soft"),
                f"soft limit {soft} is above hard limit {hard}: setrlimit fails with EINVAL",
            )


def _capabilities(ctx: Context, caps: dict[str, Any]) -> None:
    if _capabilities_fine(caps):
        return
    # 1.0.x: an unknown name MUST be an error; since 1.1.0 it MUST be logged as a warning and SHOULD NOT fail.
    severity: Severity = "warning" if ctx.judged.at_least(1, 1) else "error"
    sets: dict[str, set[str]] = {}
    for name in SET_NAMES:
        values = caps.get(name)
        sets[name] = set()
        for index, cap in enumerate(arr(values)):
            if not isinstance(cap, str):
                continue
            if cap not in NUMBERS:
                hint = ""
                candidate = cap.upper() if cap.upper().startswith("CAP_") else "CAP_" + cap.upper()
                if candidate in NUMBERS:
                    hint = f"; did you mean {candidate}? names are case-sensitive and need the CAP_ prefix"
                ctx.add(
                    "OCI-CAP-NAMES",
                    ptr("process", "capabilities", name, index),
                    f"{cap!r} is not a capabilities(7) name{hint}",
                    severity=severity,
                )
            else:
                sets[name].add(cap)
    for index, cap in enumerate(arr(caps.get("effective"))):
        if isinstance(cap, str) and cap in sets["effective"] and cap not in sets["permitted"]:
            ctx.add(
                "OCI-CAP-SETS",
                ptr("process", "capabilities", "effective", index),
                f"effective {cap} is not in permitted, so the kernel cannot raise it: add it to permitted",
            )
    for index, cap in enumerate(arr(caps.get("ambient"))):
        if (
            isinstance(cap, str)
            and cap in sets["ambient"]
            and not (cap in sets["permitted"] and cap in sets["inheritable"])
        ):
            ctx.add(
                "OCI-CAP-SETS",
                ptr("process", "capabilities", "ambient", index),
                f"ambient {cap} must also be in permitted and inheritable, or the kernel drops it",
            )


_KNOWN: Final = frozenset(NUMBERS)


def _capabilities_fine(caps: dict[str, Any]) -> bool:
    """True when `_capabilities` has nothing to say (the usual Kubernetes config lists dozens of names): every set
    absent or an array of known names (so of strings), effective within permitted, ambient within permitted and
    inheritable. False means "look closer", not "wrong". Plain loops: compiled, they cost a C call per name."""
    for name in SET_NAMES:
        values = caps.get(name)
        if values is None:
            continue
        if not isinstance(values, list):
            return False  # a set that is not an array reads as empty (arr): let _capabilities say so
        for cap in values:
            if not isinstance(cap, str) or cap not in _KNOWN:
                return False
    effective, permitted = caps.get("effective") or [], caps.get("permitted") or []
    # Equal lists (what Kubernetes writes) need no sets to tell that effective is within permitted.
    if effective != permitted and not set(effective) <= set(permitted):
        return False
    ambient = caps.get("ambient")
    return not ambient or set(ambient) <= set(permitted) & set(caps.get("inheritable") or ())


def _scheduler(ctx: Context, sched: Any) -> None:
    if not isinstance(sched, dict):
        return
    policy = sched.get("policy")
    nice = integer(sched.get("nice"))
    if nice is not None and not -20 <= nice <= 19:
        ctx.add("OCI-SCHED-NICE", "/process/scheduler/nice", f"nice {nice} is outside the kernel range -20..19")
    prio = integer(sched.get("priority"))
    if prio is not None and isinstance(policy, str):
        if policy in ("SCHED_FIFO", "SCHED_RR") and not 1 <= prio <= 99:
            ctx.add(
                "OCI-SCHED-PRIO",
                "/process/scheduler/priority",
                f"priority {prio} is outside 1..99, the range of {policy}",
            )
        elif policy not in ("SCHED_FIFO", "SCHED_RR") and prio != 0:
            ctx.add(
                "OCI-SCHED-PRIO",
                "/process/scheduler/priority",
                f"priority must be 0 with {policy} (only SCHED_FIFO and SCHED_RR use 1..99)",
            )
    times = {k: integer(sched.get(k)) for k in ("runtime", "deadline", "period")}
    present = [k for k, v in times.items() if v is not None]
    if present and policy != "SCHED_DEADLINE":
        ctx.add(
            "OCI-SCHED-DL",
            ptr("process", "scheduler", present[0]),
            f"{', '.join(present)} only apply to SCHED_DEADLINE, not to {policy}",
        )
    elif policy == "SCHED_DEADLINE":
        run, dead, period = times["runtime"], times["deadline"], times["period"]
        if run is not None and dead is not None and run > dead:
            ctx.add("OCI-SCHED-DL", "/process/scheduler/runtime", f"runtime {run} is above deadline {dead}")
        if dead is not None and period is not None and period and dead > period:
            ctx.add("OCI-SCHED-DL", "/process/scheduler/deadline", f"deadline {dead} is above period {period}")
