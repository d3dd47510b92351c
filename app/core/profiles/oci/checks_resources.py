"""Checks of `linux.resources` (cgroups) and `linux.seccomp`."""

from __future__ import annotations

import re
from typing import Any

from app.core.pointer import ptr
from app.core.profiles.oci import quiet
from app.core.profiles.oci.context import Context, arr, integer, list_problem, obj

_PAGE_SIZE = re.compile(r"^[1-9][0-9]*[KMG]B$")
_ERRNO_ACTIONS = frozenset({"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"})
_KILL_ACTIONS = frozenset({"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD"})
_RWM = frozenset("rwm")
_UNIFIED_KEY = re.compile(r"^[a-z_]+\.[A-Za-z0-9_.]+$")


def check(ctx: Context) -> None:
    """Every resources and seccomp rule."""
    linux = ctx.linux()
    resources = linux.get("resources")
    if isinstance(resources, dict):
        # Each group only when its member is present (absent, it has nothing to report).
        if "devices" in resources and not quiet.cgroup_devices(resources["devices"]):
            _devices(ctx, arr(resources["devices"]))
        if "memory" in resources:
            _memory(ctx, obj(resources["memory"]))
        if "cpu" in resources:
            _cpu(ctx, obj(resources["cpu"]))
        if "blockIO" in resources:
            _blockio(ctx, obj(resources["blockIO"]))
        for index, entry in enumerate(arr(resources.get("hugepageLimits"))):
            size = obj(entry).get("pageSize")
            if isinstance(size, str) and not _PAGE_SIZE.match(size):
                ctx.add(
                    "OCI-HUGE-SIZE",
                    ptr("linux", "resources", "hugepageLimits", index, "pageSize"),
                    f"pageSize {size!r} must look like 64KB, 2MB or 1GB (upper-case unit, then B)",
                )
        for dev, entry in obj(resources.get("rdma")).items():
            if isinstance(entry, dict) and "hcaHandles" not in entry and "hcaObjects" not in entry:
                ctx.add(
                    "OCI-RDMA-ENTRY",
                    ptr("linux", "resources", "rdma", dev),
                    f"rdma entry {dev!r} limits nothing: set hcaHandles and/or hcaObjects",
                )
        for key in obj(resources.get("unified")):
            if "/" in key or not _UNIFIED_KEY.match(key):
                ctx.add(
                    "OCI-UNIFIED-KEY",
                    ptr("linux", "resources", "unified", key),
                    f"unified key {key!r} is not a cgroup v2 file name <controller>.<param> without '/'",
                )
    seccomp = linux.get("seccomp")
    if isinstance(seccomp, dict) and not quiet.seccomp(seccomp):
        _seccomp(ctx, seccomp)


def _devices(ctx: Context, devices: list[Any]) -> None:
    for index, dev in enumerate(devices):
        if not isinstance(dev, dict):
            continue
        kind, access = dev.get("type"), dev.get("access")
        if isinstance(kind, str) and kind not in ("a", "c", "b"):
            ctx.add(
                "OCI-CG-DEV-TYPE",
                ptr("linux", "resources", "devices", index, "type"),
                f"device cgroup type {kind!r} must be a (all), c (char) or b (block)",
            )
        if isinstance(access, str) and (not access or not _RWM.issuperset(access)):
            ctx.add(
                "OCI-CG-DEV-ACCESS",
                ptr("linux", "resources", "devices", index, "access"),
                f"access {access!r} must combine r, w and m",
            )
    if devices:
        first = obj(devices[0])
        deny_all = first.get("allow") is False and first.get("type", "a") == "a" and "major" not in first
        if not deny_all:
            ctx.add(
                "OCI-CG-DEV-ORDER",
                "/linux/resources/devices/0",
                'entries apply in order; a list usually starts with a deny-all entry {"allow": false, "access": "rwm"}',
            )


def _memory(ctx: Context, memory: dict[str, Any]) -> None:
    base = ("linux", "resources", "memory")
    for key in ("limit", "reservation", "swap", "kernel", "kernelTCP"):
        value = integer(memory.get(key))
        if value is not None and value < -1:
            ctx.add("OCI-MEM-VALUES", ptr(*base, key), f"{key} {value} is invalid: use bytes, or -1 for unlimited")
    # NOT RECOMMENDED since v1.1.0; in v1.0.x kernel and kernelTCP are plain OPTIONAL properties.
    for key in ("kernel", "kernelTCP") if ctx.judged.at_least(1, 1) else ():
        if key in memory:
            ctx.add(
                "OCI-MEM-KERNEL-DEP",
                ptr(*base, key),
                f"memory.{key} is NOT RECOMMENDED (deprecated in 1.1.0, ignored on cgroup v2): remove it",
            )
    swappiness = integer(memory.get("swappiness"))
    if swappiness is not None and swappiness > 100:
        ctx.add("OCI-MEM-SWAPPINESS", ptr(*base, "swappiness"), f"swappiness {swappiness} is above 100")
    limit, swap, resv = (integer(memory.get(k)) for k in ("limit", "swap", "reservation"))
    if limit is not None and swap is not None and limit > 0 and swap > 0 and swap < limit:
        ctx.add(
            "OCI-MEM-SWAP-GE",
            ptr(*base, "swap"),
            f"swap {swap} counts memory plus swap, so it cannot be below limit {limit}",
        )
    if limit is not None and resv is not None and limit > 0 and resv > limit:
        ctx.add("OCI-MEM-RESV-LE", ptr(*base, "reservation"), f"reservation {resv} is above limit {limit}")


def _cpu(ctx: Context, cpu: dict[str, Any]) -> None:
    base = ("linux", "resources", "cpu")
    quota, burst = integer(cpu.get("quota")), integer(cpu.get("burst"))
    if quota is not None and burst is not None and quota > 0 and burst > quota:
        ctx.add("OCI-CPU-BURST", ptr(*base, "burst"), f"burst {burst} is above quota {quota}: lower it")
    for key in ("cpus", "mems"):
        value = cpu.get(key)
        if isinstance(value, str) and (problem := list_problem(value)):
            ctx.add("OCI-CPU-LIST", ptr(*base, key), problem)
    idle = integer(cpu.get("idle"))
    if idle is not None and idle not in (0, 1):
        ctx.add("OCI-CPU-IDLE", ptr(*base, "idle"), f"idle {idle} must be 0 or 1 (SCHED_IDLE)")


def _blockio(ctx: Context, blkio: dict[str, Any]) -> None:
    base = ("linux", "resources", "blockIO")
    for key in ("weight", "leafWeight"):
        value = integer(blkio.get(key))
        if value is not None and not 1 <= value <= 10000:
            ctx.add("OCI-BLKIO-WEIGHT", ptr(*base, key), f"{key} {value} is outside 10..1000 (v1) and 1..10000 (v2)")
    for index, entry in enumerate(arr(blkio.get("weightDevice"))):
        if isinstance(entry, dict) and "weight" not in entry and "leafWeight" not in entry:
            ctx.add(
                "OCI-BLKIO-WDEV", ptr(*base, "weightDevice", index), "a weightDevice entry needs weight or leafWeight"
            )
    for key in ("throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice", "throttleWriteIOPSDevice"):
        for index, entry in enumerate(arr(blkio.get(key))):
            if isinstance(entry, dict):
                for field in ("major", "minor", "rate"):
                    if field not in entry:
                        ctx.add("OCI-BLKIO-THROTTLE", ptr(*base, key, index, field), f"a {key} entry needs {field}")


def _seccomp(ctx: Context, seccomp: dict[str, Any]) -> None:
    base = ("linux", "seccomp")
    default = seccomp.get("defaultAction")
    if "defaultErrnoRet" in seccomp and isinstance(default, str) and default not in _ERRNO_ACTIONS:
        ctx.add(
            "OCI-SC-DEF-ERRNO",
            ptr(*base, "defaultErrnoRet"),
            f"defaultErrnoRet needs defaultAction SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not {default}",
        )
    if "listenerMetadata" in seccomp and not seccomp.get("listenerPath"):
        ctx.add("OCI-SC-META", ptr(*base, "listenerMetadata"), "listenerMetadata needs listenerPath: set both")
    syscalls = arr(seccomp.get("syscalls"))
    if isinstance(default, str) and default in _KILL_ACTIONS and not syscalls:
        ctx.add(
            "OCI-SC-KILLALL",
            ptr(*base, "defaultAction"),
            f"{default} with no syscall rules kills the process at its first system call",
        )
    if default == "SCMP_ACT_NOTIFY":
        ctx.add(
            "OCI-SC-NOTIFY",
            ptr(*base, "defaultAction"),
            "SCMP_ACT_NOTIFY as defaultAction is refused by runc and youki: notify specific syscalls instead",
        )
    notify_used = default == "SCMP_ACT_NOTIFY"
    for index, rule in enumerate(syscalls):
        if not isinstance(rule, dict):
            continue
        action = rule.get("action")
        if "errnoRet" in rule and isinstance(action, str) and action not in _ERRNO_ACTIONS:
            ctx.add(
                "OCI-SC-ERRNO",
                ptr(*base, "syscalls", index, "errnoRet"),
                f"errnoRet needs action SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not {action}",
            )
        if action == "SCMP_ACT_NOTIFY":
            notify_used = True
            if "write" in arr(rule.get("names")):
                ctx.add(
                    "OCI-SC-NOTIFY",
                    ptr(*base, "syscalls", index, "names"),
                    "SCMP_ACT_NOTIFY on write is refused by runc and youki (it could deadlock the runtime)",
                )
        for arg_index, arg in enumerate(arr(rule.get("args"))):
            idx = integer(obj(arg).get("index"))
            if idx is not None and idx > 5:
                ctx.add(
                    "OCI-SC-ARGIDX",
                    ptr(*base, "syscalls", index, "args", arg_index, "index"),
                    f"argument index {idx} is above 5: system calls have six arguments (0..5)",
                )
    if notify_used and not seccomp.get("listenerPath"):
        ctx.add(
            "OCI-SC-NOTIFY",
            ptr(*base, "listenerPath"),
            "SCMP_ACT_NOTIFY needs listenerPath, the socket of the seccomp agent",
        )
