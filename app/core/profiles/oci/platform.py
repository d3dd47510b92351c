"""Platform rules: which top-level objects fit the target platform, and the rules of `root`."""

from __future__ import annotations

import posixpath
import re

from app.core.pointer import ptr
from app.core.profiles.oci.context import Context, integer, is_abs, obj

PLATFORMS: tuple[str, ...] = ("linux", "windows", "solaris", "vm", "zos", "freebsd")
"""Target platforms of profile `oci`; each is also the name of its top-level object."""

_COMPATIBLE: dict[str, frozenset[str]] = {
    # `vm` is for hardware-virtualized containers, which any host platform may run; a VM runtime also reads `linux`
    # for the guest.
    "linux": frozenset({"linux", "vm"}),
    "windows": frozenset({"windows", "vm"}),
    "solaris": frozenset({"solaris", "vm"}),
    "vm": frozenset({"vm", "linux"}),
    "zos": frozenset({"zos", "vm"}),
    "freebsd": frozenset({"freebsd", "vm"}),
}
_FOREIGN: dict[str, frozenset[str]] = {platform: frozenset(PLATFORMS) - ok for platform, ok in _COMPATIBLE.items()}
"""The platform objects a runtime of each platform ignores: the usual config has none (one C-level test)."""
_HEX = "[0-9a-fA-F]"
_VOLUME_GUID = re.compile(rf"^\\\\\?\\Volume\{{{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}\}}\\?$")


def platform_of(data: dict[str, object]) -> str:
    """The platform a document most likely targets, from its platform objects (linux when it has none)."""
    for name in ("windows", "zos", "freebsd", "solaris"):
        if name in data:
            return name
    return "linux"


def check(ctx: Context) -> None:
    """Platform objects and root."""
    platform = ctx.platform
    if platform == "windows" and "windows" not in ctx.data:
        ctx.add("OCI-PLAT-WIN", "/windows", "the target platform is Windows, so the windows object is required: add it")
    allowed = _COMPATIBLE[platform]
    for name in PLATFORMS if not _FOREIGN[platform].isdisjoint(ctx.data) else ():
        if name in ctx.data and name not in allowed:
            ctx.add(
                "OCI-PLAT-MATCH",
                "/" + name,
                f"{name} is set but the target platform is {platform}: runtimes for {platform} ignore it; "
                f"remove it or validate with platform={name}",
            )
    _root(ctx)
    _vm(ctx)
    if platform == "windows":
        _windows_cpu(ctx)


_WINDOWS_CPU_EXCLUSIVE = ("count", "shares", "maximum")


def _windows_cpu(ctx: Context) -> None:
    """config-windows.md#configWindowsCpu: count, shares and maximum are mutually exclusive (since 1.1.0), and
    shares and maximum count cycles per 10,000."""
    cpu = obj(obj(obj(ctx.data.get("windows")).get("resources")).get("cpu"))
    if not cpu:
        return
    base = ("windows", "resources", "cpu")
    given = [k for k in _WINDOWS_CPU_EXCLUSIVE if cpu.get(k) is not None]
    if len(given) > 1 and ctx.judged.at_least(1, 1):
        for key in given[1:]:
            ctx.add(
                "OCI-WIN-CPU-EXCL",
                ptr(*base, key),
                f"cpu.{key} is set together with cpu.{given[0]}: count, shares and maximum are mutually exclusive; "
                "keep one",
            )
    for key in ("shares", "maximum"):
        value = integer(cpu.get(key))
        if value is not None and not 0 <= value <= 10000:
            what = "a weight from 0 to 10,000" if key == "shares" else "a percentage times 100 (0 to 10,000)"
            ctx.add("OCI-WIN-CPU-RANGE", ptr(*base, key), f"cpu.{key} {value} is out of range: it is {what}")


_VM_PATHS = (("hypervisor", "path"), ("kernel", "path"), ("kernel", "initrd"), ("image", "path"))


def _vm(ctx: Context) -> None:
    """config-vm.md: the hypervisor, kernel, initrd and image paths MUST be absolute in the runtime mount namespace."""
    vm = obj(ctx.data.get("vm"))
    if not vm:
        return
    for part, key in _VM_PATHS:
        value = obj(vm.get(part)).get(key)
        if isinstance(value, str) and not is_abs(value, ctx.platform):
            ctx.add(
                "OCI-VM-PATH-ABS",
                ptr("vm", part, key),
                f"vm.{part}.{key} {value!r} must be an absolute path in the runtime mount namespace",
            )


def _root(ctx: Context) -> None:
    root = ctx.data.get("root")
    windows = ctx.platform == "windows"
    hyperv = windows and "hyperv" in obj(ctx.data.get("windows"))
    if root is None:
        if not hyperv:
            where = "for Windows Server containers" if windows else f"on {ctx.platform}"
            ctx.add("OCI-ROOT-REQ", "/root", f'root is required {where}: add {{"path": "rootfs"}}')
        return
    if hyperv:
        ctx.add("OCI-ROOT-REQ", "/root", "root must not be set for Hyper-V containers (windows.hyperv is set)")
    if not isinstance(root, dict):
        return
    path = root.get("path")
    if windows:
        if isinstance(path, str) and not _VOLUME_GUID.match(path):
            ctx.add(
                "OCI-ROOT-PATH-WIN",
                "/root/path",
                f"root.path {path!r} must be a volume GUID path such as \\\\?\\Volume{{GUID}}\\",
            )
        if root.get("readonly") is True:
            ctx.add("OCI-ROOT-RO-WIN", "/root/readonly", "root.readonly must be omitted or false on Windows")
        return
    if not isinstance(path, str):
        return
    if not path:
        ctx.add(
            "OCI-ROOT-PATH-POSIX",
            "/root/path",
            "root.path is empty: give an absolute path or one relative to the bundle, e.g. rootfs",
        )
    elif path != "rootfs" and posixpath.basename(posixpath.normpath(path)) != "rootfs":  # the usual value first
        ctx.add("OCI-ROOT-PATH-CONV", "/root/path", f"root.path {path!r} is conventionally named rootfs")
