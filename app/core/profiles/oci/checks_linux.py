"""Checks of `linux` outside resources and seccomp: namespaces, ID mappings, devices, netDevices, paths, sysctl."""

from __future__ import annotations

import re
from typing import Any

from app.core.pointer import ptr
from app.core.profiles.oci.context import Context, arr, integer, list_problem, obj

DEFAULT_DEVICES = frozenset(
    ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx"]
)
_IPC_SYSCTL = re.compile(r"^kernel\.(msg[a-z_]*|sem|shm[a-z_]*)$")
_LABEL = re.compile(r"^[^:\s]+:[^:\s]+:[^:\s]+(:.+)?$")
_MPOL_EMPTY = frozenset({"MPOL_DEFAULT", "MPOL_LOCAL"})
_MPOL_NEEDS = frozenset({"MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED_MANY"})


def check(ctx: Context) -> None:
    """Every linux rule except resources and seccomp."""
    data = ctx.data
    named = "hostname" in data or "domainname" in data
    linux = data.get("linux")
    if not isinstance(linux, dict):
        if named:
            _hostname(ctx)
        return
    # Each rule group runs only when a member it reads is present: absent, the group has nothing to report, and
    # a config sets few of these (one membership test instead of a call).
    paths = "maskedPaths" in linux or "readonlyPaths" in linux
    if "namespaces" in linux or paths:
        if named:
            # _hostname asks for the namespaces, which _namespaces reads on its way: walk them there first (one
            # walk instead of two), then put the hostname findings back before the namespace ones.
            entries = ctx.findings.entries
            mark = len(entries)
            _namespaces(ctx, linux)
            walked = len(entries)
            _hostname(ctx)
            if walked > mark and len(entries) > walked:
                entries[mark:] = entries[walked:] + entries[mark:walked]
        else:
            _namespaces(ctx, linux)
    elif named:
        _hostname(ctx)
    if "namespaces" in linux or "uidMappings" in linux or "gidMappings" in linux:
        _idmaps(ctx, linux)  # a new user namespace without mappings is reported too
    if "timeOffsets" in linux:
        _time(ctx, linux)
    if "devices" in linux:
        _devices(ctx, arr(linux["devices"]))
    if "netDevices" in linux:
        _netdevices(ctx, linux["netDevices"])
    if paths:
        _paths(ctx, linux)
    if "sysctl" in linux:
        _sysctl(ctx, obj(linux["sysctl"]))
    if "intelRdt" in linux:
        _rdt(ctx, obj(linux["intelRdt"]))
    if "memoryPolicy" in linux:
        _mpol(ctx, linux["memoryPolicy"])
    personality = linux.get("personality")
    if isinstance(personality, dict):
        if "domain" not in personality:
            ctx.add(
                "OCI-PERS-DOMAIN", "/linux/personality/domain", "personality.domain is required: set LINUX or LINUX32"
            )
        for index, _ in enumerate(arr(personality.get("flags"))):
            ctx.add(
                "OCI-PERS-FLAGS",
                ptr("linux", "personality", "flags", index),
                "no personality flag values are supported yet: remove the entry",
            )
    label = linux.get("mountLabel")
    if isinstance(label, str) and label and not _LABEL.match(label):
        ctx.add(
            "OCI-MOUNTLABEL",
            "/linux/mountLabel",
            f"mountLabel {label!r} is not an SELinux context user:role:type[:level]",
        )
    cg = linux.get("cgroupsPath")
    if isinstance(cg, str) and cg and not cg.startswith("/"):
        ctx.add(
            "OCI-CG-PATH",
            "/linux/cgroupsPath",
            f"cgroupsPath {cg!r} is relative: runtimes resolve it "
            "against their own cgroup hierarchy (runc's systemd driver wants slice:prefix:name)",
        )


def _hostname(ctx: Context) -> None:
    for key, rule in (("hostname", "OCI-HOST-UTS"), ("domainname", "OCI-DOMAIN-UTS")):
        value = ctx.data.get(key)
        if not isinstance(value, str) or not value:
            continue
        if len(value.encode()) > 64:
            ctx.add("OCI-HOST-LEN", ptr(key), f"{key} is {len(value.encode())} bytes; the kernel allows 64")
        # As runc does, any UTS namespace entry counts: a path joins a private one (a Kubernetes pod's, typically).
        if ctx.platform == "linux" and "uts" not in ctx.namespaces():
            ctx.add(rule, ptr(key), f'{key} needs its own UTS namespace: add {{"type": "uts"}} to linux.namespaces')


def zos(ctx: Context) -> None:
    """config-zos.md: z/OS namespaces follow the same MUSTs as Linux ones (absolute paths, no duplicate type)."""
    zos_obj = ctx.data.get("zos")
    if isinstance(zos_obj, dict):
        _namespace_entries(ctx, "zos", arr(zos_obj.get("namespaces")))


def _namespace_entries(ctx: Context, platform: str, entries: list[Any]) -> dict[str, int]:
    """OCI-NS-DUP and OCI-NS-PATH-ABS over `<platform>.namespaces`; the index of each type's first entry."""
    seen: dict[str, int] = {}
    found: dict[str, str | None] = {}  # what ctx.namespaces() reads, in the same pass
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        kind, path = entry.get("type"), entry.get("path")
        if isinstance(kind, str):
            if kind in seen:
                ctx.add(
                    "OCI-NS-DUP",
                    ptr(platform, "namespaces", index, "type"),
                    f"namespace type {kind!r} is already listed at index {seen[kind]}: keep one entry per type",
                )
            else:
                seen[kind] = index
                found[kind] = path if isinstance(path, str) and path else None
        if isinstance(path, str) and path and not path.startswith("/"):
            ctx.add(
                "OCI-NS-PATH-ABS",
                ptr(platform, "namespaces", index, "path"),
                f"namespace path {path!r} is not absolute: use a path such as /proc/1234/ns/{kind or 'net'}",
            )
    if platform == "linux":
        ctx.learn_namespaces(found)
    return seen


def _namespaces(ctx: Context, linux: dict[str, Any]) -> None:
    seen = _namespace_entries(ctx, "linux", arr(linux.get("namespaces")))
    masked = [k for k in ("maskedPaths", "readonlyPaths") if arr(linux.get(k))]
    if masked and "mount" not in seen:
        ctx.add(
            "OCI-NS-MASK",
            ptr("linux", masked[0]),
            f'{" and ".join(masked)} need a mount namespace: add {{"type": "mount"}} to linux.namespaces',
        )


def _idmaps(ctx: Context, linux: dict[str, Any]) -> None:
    has_maps = False
    for key in ("uidMappings", "gidMappings") if "uidMappings" in linux or "gidMappings" in linux else ():
        entries = arr(linux.get(key))
        has_maps = has_maps or bool(entries)
        ranges: list[tuple[int, int, int, int]] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            cid, hid, size = (integer(entry.get(k)) for k in ("containerID", "hostID", "size"))
            if size == 0:
                ctx.add("OCI-IDMAP-SANE", ptr("linux", key, index, "size"), "size 0 maps nothing: use a size above 0")
            if cid is None or hid is None or not size:
                continue
            for other, (ocid, ohid, osize, oindex) in enumerate(ranges):
                del other
                if cid < ocid + osize and ocid < cid + size:
                    ctx.add("OCI-IDMAP-SANE", ptr("linux", key, index), f"container IDs overlap entry {oindex}")
                if hid < ohid + osize and ohid < hid + size:
                    ctx.add("OCI-IDMAP-SANE", ptr("linux", key, index), f"host IDs overlap entry {oindex}")
            ranges.append((cid, hid, size, index))
        if len(entries) > 340:
            ctx.add("OCI-IDMAP-SANE", ptr("linux", key), f"{len(entries)} entries; the kernel accepts at most 340")
    # A user namespace joined by path together with mappings is what containerd and CRI-O write for
    # hostUsers: false; runc accepts it (the mappings must match the joined namespace, a host check).
    if has_maps and "user" not in ctx.namespaces():
        where = "uidMappings" if arr(linux.get("uidMappings")) else "gidMappings"
        ctx.add(
            "OCI-NS-USER-MAP",
            ptr("linux", where),
            'ID mappings need a new user namespace: add {"type": "user"} to linux.namespaces',
        )
    elif ctx.new_namespace("user") and not has_maps:
        index = next(i for i, e in enumerate(arr(linux.get("namespaces"))) if obj(e).get("type") == "user")
        ctx.add(
            "OCI-NS-USER-MAP",
            ptr("linux", "namespaces", index),
            "a new user namespace without uidMappings/gidMappings leaves every ID unmapped: add mappings",
        )


def _time(ctx: Context, linux: dict[str, Any]) -> None:
    offsets = linux.get("timeOffsets")
    if not isinstance(offsets, dict) or not offsets:
        return
    if not ctx.new_namespace("time"):
        ctx.add(
            "OCI-NS-TIME",
            "/linux/timeOffsets",
            'timeOffsets need a new time namespace: add {"type": "time"} to linux.namespaces',
        )
    for clock, value in offsets.items():
        if clock not in ("monotonic", "boottime"):
            ctx.add(
                "OCI-TIMEOFF-KEYS",
                ptr("linux", "timeOffsets", clock),
                f"{clock!r} is not a clock of time namespaces: use monotonic or boottime",
            )
        nanos = integer(obj(value).get("nanosecs"))
        if nanos is not None and nanos >= 1_000_000_000:
            ctx.add(
                "OCI-TIMEOFF-VALS",
                ptr("linux", "timeOffsets", clock, "nanosecs"),
                f"nanosecs {nanos} is not below 1e9: carry whole seconds into secs",
            )


def _devices(ctx: Context, devices: list[Any]) -> None:
    # Pointers are written out (f-strings): every token is a fixed name or an index, which ptr would not escape.
    paths: dict[str, int] = {}
    numbers: dict[tuple[str, int, int], int] = {}
    for index, dev in enumerate(devices):
        if not isinstance(dev, dict):
            continue
        kind, path = dev.get("type"), dev.get("path")
        if isinstance(path, str):
            if path and not path.startswith("/"):
                ctx.add(
                    "OCI-DEV-PATH",
                    f"/linux/devices/{index}/path",
                    f"device path {path!r} is not a full (absolute) path",
                )
            if path in paths:
                ctx.add(
                    "OCI-DEV-DUPPATH",
                    f"/linux/devices/{index}/path",
                    f"{path} is already created by device {paths[path]}: keep one",
                )
            else:
                paths[path] = index
            if path in DEFAULT_DEVICES:
                ctx.add(
                    "OCI-DEV-DEFAULTS",
                    f"/linux/devices/{index}",
                    f"{path} is always provided by the runtime; listing it is redundant",
                )
        if kind in ("c", "b", "u"):
            for key in ("major", "minor"):
                if key not in dev:
                    ctx.add(
                        "OCI-DEV-MAJMIN",
                        f"/linux/devices/{index}/{key}",
                        f"a {kind!r} device needs {key} (0 is a valid number)",
                    )
            major, minor = integer(dev.get("major")), integer(dev.get("minor"))
            if major is not None and minor is not None:
                key3 = ("c" if kind == "u" else kind, major, minor)
                if key3 in numbers:
                    ctx.add(
                        "OCI-DEV-DUPNUM",
                        f"/linux/devices/{index}",
                        f"device {major}:{minor} of type {kind} is already used by device {numbers[key3]}",
                    )
                else:
                    numbers[key3] = index


_IFNAME_BAD = re.compile(r"[/:\s]")


def _ifname_problem(name: str) -> str | None:
    if not 1 <= len(name.encode()) <= 15:
        return f"interface name {name!r} must be 1..15 bytes"
    if name in (".", "..") or _IFNAME_BAD.search(name):
        return f"interface name {name!r} must not be '.' or '..' nor contain '/', ':' or whitespace"
    return None


def _netdevices(ctx: Context, netdevs: Any) -> None:
    if not isinstance(netdevs, dict) or not netdevs:
        return
    if "network" not in ctx.namespaces():
        ctx.add(
            "OCI-NETDEV-NS",
            "/linux/netDevices",
            'netDevices move into the container\'s network namespace: add {"type": "network"} to namespaces',
        )
    names: dict[str, str] = {}
    for host, dev in netdevs.items():
        if problem := _ifname_problem(host):
            ctx.add("OCI-NETDEV-IFNAME", ptr("linux", "netDevices", host), problem)
        name = obj(dev).get("name", host)
        if not isinstance(name, str):
            continue
        if name != host and (problem := _ifname_problem(name)):
            ctx.add("OCI-NETDEV-IFNAME", ptr("linux", "netDevices", host, "name"), problem)
        if name.endswith("%d"):
            continue
        if name in names:
            ctx.add(
                "OCI-NETDEV-CLASH",
                ptr("linux", "netDevices", host),
                f"{host} and {names[name]} would both be named {name!r} in the container: rename one",
            )
        else:
            names[name] = host


def _paths(ctx: Context, linux: dict[str, Any]) -> None:
    for key, rule in (("maskedPaths", "OCI-MASK-ABS"), ("readonlyPaths", "OCI-RO-ABS")):
        for index, path in enumerate(arr(linux.get(key))):
            if isinstance(path, str) and not path.startswith("/"):
                ctx.add(rule, ptr("linux", key, index), f"{key} entry {path!r} is not absolute")


def _sysctl(ctx: Context, sysctl: dict[str, Any]) -> None:
    # runc accepts a namespace entry with a path (a pod's shared namespaces) as well as a new one.
    namespaces = ctx.namespaces()
    for key in sysctl:
        where = ptr("linux", "sysctl", key)
        if key == "kernel.hostname":
            ctx.add("OCI-SYSCTL-NS", where, "kernel.hostname conflicts with hostname: set hostname instead")
        elif _IPC_SYSCTL.match(key) or key.startswith("fs.mqueue."):
            if "ipc" not in namespaces:
                ctx.add("OCI-SYSCTL-NS", where, f'{key} needs its own IPC namespace: add {{"type": "ipc"}}')
        elif key.startswith("net."):
            if "network" not in namespaces:
                ctx.add("OCI-SYSCTL-NS", where, f'{key} needs its own network namespace: add {{"type": "network"}}')
        elif key == "kernel.domainname":
            if "uts" not in namespaces:
                ctx.add("OCI-SYSCTL-NS", where, f'{key} needs a new UTS namespace: add {{"type": "uts"}}')
        else:
            ctx.add(
                "OCI-SYSCTL-NS",
                where,
                f"{key} is not in a separate kernel namespace, so setting it would change the host: runc refuses it",
            )


def _rdt(ctx: Context, rdt: dict[str, Any]) -> None:
    for key, prefix, rule in (("memBwSchema", "MB:", "OCI-RDT-MBW"), ("l3CacheSchema", "L3:", "OCI-RDT-L3")):
        value = rdt.get(key)
        if isinstance(value, str) and value and (not value.startswith(prefix) or "\n" in value):
            ctx.add(rule, ptr("linux", "intelRdt", key), f"{key} must start with {prefix!r} and have no newline")
    for index, line in enumerate(arr(rdt.get("schemata"))):
        if isinstance(line, str) and "\n" in line:
            ctx.add(
                "OCI-RDT-SCHEMATA",
                ptr("linux", "intelRdt", "schemata", index),
                "a schemata entry must not contain a newline: make each line its own entry",
            )
    closid = rdt.get("closID")
    if isinstance(closid, str) and closid == "/" and not ctx.judged.at_least(1, 3):
        ctx.add(
            "OCI-RDT-CLOSID",
            "/linux/intelRdt/closID",
            "closID '/' (the default CLOS) is defined only since 1.3.0: declare ociVersion 1.3.0",
        )
    elif isinstance(closid, str) and closid != "/" and ("/" in closid or closid in (".", "..", "")):
        ctx.add(
            "OCI-RDT-CLOSID",
            "/linux/intelRdt/closID",
            f"closID {closid!r} is not a resctrl group name (no '/', not '.' or '..')",
        )


def _mpol(ctx: Context, mpol: Any) -> None:
    if not isinstance(mpol, dict):
        return
    mode = mpol.get("mode") if isinstance(mpol.get("mode"), str) else None
    if "mode" not in mpol:
        ctx.add("OCI-MPOL-MODE", "/linux/memoryPolicy/mode", "memoryPolicy.mode is required: e.g. MPOL_BIND")
    nodes = mpol.get("nodes")
    if isinstance(nodes, str):
        if problem := list_problem(nodes):
            ctx.add("OCI-MPOL-NODES", "/linux/memoryPolicy/nodes", problem)
        elif mode in _MPOL_EMPTY and nodes:
            ctx.add("OCI-MPOL-NODES", "/linux/memoryPolicy/nodes", f"{mode} takes no nodes: leave nodes empty")
        elif mode in _MPOL_NEEDS and not nodes:
            ctx.add("OCI-MPOL-NODES", "/linux/memoryPolicy/nodes", f"{mode} needs at least one node")
    elif mode in _MPOL_NEEDS and nodes is None:
        ctx.add("OCI-MPOL-NODES", "/linux/memoryPolicy/nodes", f"{mode} needs at least one node in nodes")
    flags = [f for f in arr(mpol.get("flags")) if isinstance(f, str)]
    if "MPOL_F_STATIC_NODES" in flags and "MPOL_F_RELATIVE_NODES" in flags:
        ctx.add(
            "OCI-MPOL-FLAGS",
            "/linux/memoryPolicy/flags",
            "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES cannot be combined: keep one",
        )
