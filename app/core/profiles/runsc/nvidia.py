"""NVIDIA GPUs through nvproxy: what runsc reads from the hooks and the environment (runsc/specutils/nvidia.go).

With default flags (--nvproxy-docker off) GPU access is requested through a hook: a prestart hook ending in
/nvidia-container-runtime-hook (legacy) or a createContainer hook ending in /nvidia-cdi-hook (CDI), plus a
NVIDIA_VISIBLE_DEVICES that is neither empty nor "void" (GPUFunctionalityRequestedViaHook). Only then does
runsc parse NVIDIA_VISIBLE_DEVICES (ParseNvidiaVisibleDevices) and NVIDIA_DRIVER_CAPABILITIES
(NVProxyDriverCapsFromEnv, against --nvproxy-allowed-driver-capabilities, default "utility,compute").
"""

from __future__ import annotations

import re
from typing import Any

from app.core.pointer import ptr
from app.core.profiles.runsc.view import arr, obj, quote, text
from app.core.rules import Findings

LEGACY_HOOK = "/nvidia-container-runtime-hook"
CDI_HOOK = "/nvidia-cdi-hook"
VISIBLE = "NVIDIA_VISIBLE_DEVICES"
DRIVER_CAPS = "NVIDIA_DRIVER_CAPABILITIES"
DRIVER_CAP_NAMES = "compute display graphics ngx utility video compat32 fabric-imex-mgmt profiling rdma".split()
"""nvconf DriverCaps.individualString, in bit order."""
ALLOWED_DRIVER_CAPS = ("utility", "compute")
"""runsc/config/flags.go: the default of --nvproxy-allowed-driver-capabilities."""
_UINT32_MAX = (1 << 32) - 1
_DIGITS = re.compile(r"[0-9]+")


def _hook(spec: dict[str, Any]) -> tuple[str, str] | None:
    """findNvidiaHook: ("cdi" | "legacy", pointer of the hook's path), CDI first; None without a NVIDIA hook."""
    hooks = obj(spec, "hooks")
    if hooks is None:
        return None
    for kind, stage, suffix in (("cdi", "createContainer", CDI_HOOK), ("legacy", "prestart", LEGACY_HOOK)):
        for i, hook in enumerate(arr(hooks, stage)):
            if text(hook, "path").endswith(suffix):
                return kind, ptr("hooks", stage, i, "path")
    return None


def _resolved(env: list[Any]) -> dict[str, tuple[int, str]] | None:
    """ResolveEnvs: name -> (index, value), the last definition winning; None when an entry has no '='."""
    found: dict[str, tuple[int, str]] = {}
    for i, entry in enumerate(env):
        if not isinstance(entry, str):
            return None
        name, sep, value = entry.partition("=")
        if not sep:
            return None
        found[name] = (i, value)
    return found


def _visible(env: list[Any], kind: str) -> tuple[int, str] | None:
    """nvidiaVisibleDevsEnvVar: (index, value) runsc takes for NVIDIA_VISIBLE_DEVICES, or None when unset."""
    if kind != "cdi":
        resolved = _resolved(env)  # EnvVar: a malformed environment reads as "not set"
        return None if resolved is None else resolved.get(VISIBLE)
    prefix = VISIBLE + "="
    values = [(i, e[len(prefix) :]) for i, e in enumerate(env) if isinstance(e, str) and e.startswith(prefix)]
    if not values:
        return None
    # The CDI hook appends NVIDIA_VISIBLE_DEVICES=void; runsc skips that last one.
    return values[-2] if len(values) > 1 and values[-1][1] == "void" else values[-1]


def _device_problem(device: str) -> str | None:
    """ParseNvidiaVisibleDevices for one comma-separated element: a GPU-<uuid> or strconv.ParseUint(x, 10, 32)."""
    if device.startswith("GPU-"):
        return None
    if not _DIGITS.fullmatch(device):
        return f"strconv.ParseUint: parsing {quote(device)}: invalid syntax"
    if int(device) > _UINT32_MAX:
        return f"strconv.ParseUint: parsing {quote(device)}: value out of range"
    return None


def check(spec: dict[str, Any], rootfs_type: str, out: Findings) -> None:
    """RUNSC-DEVICE-GPU and RUNSC-DEVICE-GPU-EROFS."""
    found = _hook(spec)
    if found is None:
        return  # the usual spec: no NVIDIA hook, runsc reads none of the NVIDIA variables
    kind, hook_path = found
    env = arr(obj(spec, "process"), "env")
    visible = _visible(env, kind)
    if visible is None or visible[1] in ("", "void"):
        return  # no GPU requested through the hook
    if rootfs_type == "erofs":
        out.add(
            "RUNSC-DEVICE-GPU-EROFS",
            hook_path,
            "nvidia-container-runtime-hook cannot be used together with non-lisafs backed root mount: the NVIDIA "
            "hook populates root.path, which an EROFS rootfs never shows; drop the EROFS rootfs annotation or "
            "request the GPU through linux.devices (/dev/nvidiactl) instead of the hook",
        )
    index, value = visible
    where = ptr("process", "env", index)
    if value not in ("none", "all"):
        for device in value.split(","):
            problem = _device_problem(device)
            if problem is not None:
                out.add(
                    "RUNSC-DEVICE-GPU",
                    where,
                    f"failed to get nvidia device numbers: invalid {quote(device)} in {VISIBLE} {quote(value)}: "
                    f"{problem}; list GPU indexes (0,1) or GPU-<uuid> values, or use all or none (MIG devices "
                    "are not supported)",
                )
                break
    _check_driver_caps(env, out)


def _check_driver_caps(env: list[Any], out: Findings) -> None:
    resolved = _resolved(env)
    entry = None if resolved is None else resolved.get(DRIVER_CAPS)
    if entry is None or entry[1] == "":
        return  # nvconf.DefaultDriverCaps (compute, utility) within the allowed set
    index, value = entry
    where = ptr("process", "env", index)
    requested: list[str] = []
    has_all = False
    for raw in value.split(","):
        name = raw.strip()
        if not name:
            continue
        if name == "all":
            has_all = True
        elif name not in DRIVER_CAP_NAMES:
            out.add(
                "RUNSC-DEVICE-GPU",
                where,
                f"failed to get driver capabilities: invalid set of requested NVIDIA driver capabilities "
                f"{quote(value)}: invalid capability: {quote(name)}; known: all, {', '.join(DRIVER_CAP_NAMES)}",
            )
            return
        elif name not in requested:
            requested.append(name)
    ordered = _in_bit_order(requested)
    extra = [c for c in ordered if c not in ALLOWED_DRIVER_CAPS]
    allowed = ",".join(_in_bit_order(list(ALLOWED_DRIVER_CAPS)))
    if has_all:
        if extra:
            out.add(
                "RUNSC-DEVICE-GPU",
                where,
                f"Container requested NVIDIA driver capabilities {quote(value)}; this expands to a larger set than "
                f"allowed capabilities ({allowed}). The extra capabilities ({','.join(extra)}) will be dropped",
                severity="warning",
            )
        return
    if extra:
        granted = ",".join(c for c in ordered if c in ALLOWED_DRIVER_CAPS)
        out.add(
            "RUNSC-DEVICE-GPU",
            where,
            "failed to get driver capabilities: disallowed driver capabilities requested: "
            f'"{",".join(ordered)}" '
            f'(allowed "{granted}"), update --nvproxy-allowed-driver-capabilities to allow them: runsc allows only '
            f"{allowed} by default",
        )


def _in_bit_order(names: list[str]) -> list[str]:
    return [n for n in DRIVER_CAP_NAMES if n in names]
