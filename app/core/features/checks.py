"""Judge a config.json against what one runtime's features document says it recognizes.

Each check reads only the members it needs, tolerates any shape (the `oci` profile judges shapes), and points
into the config. A property the features document leaves out is never an error: the check reports FEAT-UNKNOWN
once per area, as info, and moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from typing import Any

from app.core.capabilities import SET_NAMES
from app.core.features.document import FeaturesDocument, precedence_key
from app.core.pointer import ptr
from app.core.profiles.oci.context import arr, obj
from app.core.profiles.oci.versions import parse
from app.core.rules import Findings

IDMAP_OPTIONS = frozenset({"idmap", "ridmap"})
FILESYSTEM_FLAGS = frozenset({"newinstance", "userxattr", "volatile", "nsdelegate", "memory_recursiveprot"})
"""Filesystem data words without '=' (devpts, overlay, cgroup2): passed to mount(2) as data, never in mountOptions."""


def _unknown(out: Findings, path: str, what: str, prop: str) -> None:
    out.add(
        "FEAT-UNKNOWN",
        path,
        f"the config uses {what}, but the features document has no {prop}: whether the runtime supports it is unknown",
    )


def check(config: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    """Every finding of the features profile for one config, all at once."""
    _version(config, feats, out)
    _hooks(config, feats, out)
    _mounts(config, feats, out)
    _annotations(config, feats, out)
    process = obj(config.get("process"))
    _capabilities(process, feats, out)
    _security_modules(config, process, feats, out)
    linux = config.get("linux")
    if isinstance(linux, dict):
        _namespaces(linux, feats, out)
        _cgroups(linux, feats, out)
        _seccomp(linux, feats, out)
        _intel_rdt(linux, feats, out)
        _memory_policy(linux, feats, out)
        _net_devices(linux, feats, out)


def _version(config: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    declared = config.get("ociVersion")
    version = parse(declared) if isinstance(declared, str) else None
    if version is None:
        return  # absent or not SemVer: the `oci` profile's business
    low, high = feats.data["ociVersionMin"], feats.data["ociVersionMax"]
    key = precedence_key(version)
    lowest, highest = feats.precedence
    if version.major != feats.version_max.major or key < lowest:
        out.add(
            "FEAT-OCI-VERSION",
            "/ociVersion",
            f"ociVersion {declared!r} is outside what the runtime recognizes ({low} to {high})",
        )
    elif key > highest:
        out.add(
            "FEAT-OCI-VERSION-NEWER",
            "/ociVersion",
            f"ociVersion {declared!r} is newer than the runtime's ociVersionMax {high!r}: members added after "
            f"{high} are ignored by it",
        )


def _hooks(config: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    hooks = config.get("hooks")
    if not isinstance(hooks, dict):
        return
    for kind, entries in hooks.items():
        if not entries:
            continue
        if feats.hooks is None:
            _unknown(out, ptr("hooks", kind), f"{kind} hooks", "`hooks` list")
        elif kind not in feats.hooks:
            listed = ", ".join(sorted(feats.hooks)) or "none"
            out.add(
                "FEAT-HOOK",
                ptr("hooks", kind),
                f"the runtime does not recognize {kind} hooks (it lists: {listed}); they would not run",
            )


def _mounts(config: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    mounts = arr(config.get("mounts"))
    idmap = feats.linux_flag("mountExtensions", "idmap", "enabled")
    if _mounts_fine(mounts, feats.mount_options, idmap is True):
        return
    told_unknown_options = False
    for index, mount in enumerate(mounts):
        if not isinstance(mount, dict):
            continue
        options = arr(mount.get("options"))
        for at, option in enumerate(options):
            if not isinstance(option, str) or "=" in option or option in IDMAP_OPTIONS or option in FILESYSTEM_FLAGS:
                continue  # name=value is filesystem data for mount(2), which features.md keeps out of the list
            if feats.mount_options is None:
                if not told_unknown_options:
                    _unknown(out, ptr("mounts", index, "options", at), "mount options", "`mountOptions` list")
                    told_unknown_options = True
            elif option not in feats.mount_options:
                out.add(
                    "FEAT-MOUNT-OPTION",
                    ptr("mounts", index, "options", at),
                    f"the runtime does not list the mount option {option!r}; unless it is data of the "
                    f"{mount.get('type') or 'mounted'} filesystem, it is refused or ignored",
                )
        mapped = [key for key in ("uidMappings", "gidMappings") if mount.get(key)]
        mapped += [f"option {o!r}" for o in options if isinstance(o, str) and o in IDMAP_OPTIONS]
        if mapped and idmap is not True:
            where = ptr("mounts", index)
            if idmap is None:
                _unknown(out, where, "an id-mapped mount", "`linux.mountExtensions.idmap`")
            else:
                out.add(
                    "FEAT-MOUNT-IDMAP",
                    where,
                    f"the mount is id-mapped ({', '.join(mapped)}) but the runtime does not support id-mapped "
                    "mounts (mountExtensions.idmap.enabled is false)",
                )


_get_or: Callable[[dict[str, Any], str, Any], Any] = dict.get
_NO_OPTIONS: list[Any] = []
"""What a mount without options reads as in `_mounts_fine` (shared, never modified)."""
_QUIET_OPTIONS = IDMAP_OPTIONS | FILESYSTEM_FLAGS


def _mounts_fine(mounts: list[Any], listed: frozenset[str] | None, idmap: bool) -> bool:
    """True when `_mounts` has nothing to say, told by C-level passes over the whole array (2,000 mounts of 5
    options each are 10,000 Python iterations otherwise): every mount an object, every option of the runtime's
    list, name=value data or a filesystem flag, and no id-mapped mount unless the runtime supports them. False
    means "look closer"."""
    try:
        options: list[list[Any]] = list(map(_get_or, mounts, repeat("options"), repeat(_NO_OPTIONS)))
        if not set(map(type, options)) <= {list}:
            return False  # options that are not an array read as none (arr): let _mounts say so
        flat = set().union(*options)  # TypeError: an unhashable option
    except TypeError:  # a mount that is not an object
        return False
    unlisted = flat - _QUIET_OPTIONS - (listed or frozenset())
    if any(isinstance(o, str) and "=" not in o for o in unlisted):
        return False
    if idmap:
        return True
    keys = set().union(*mounts)  # presence is enough to look closer (_mounts wants a non-empty value)
    return flat.isdisjoint(IDMAP_OPTIONS) and "uidMappings" not in keys and "gidMappings" not in keys


def _annotations(config: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    annotations = config.get("annotations")
    if not isinstance(annotations, dict) or not feats.potentially_unsafe:
        return
    exact = {v for v in feats.potentially_unsafe if not v.endswith(".")}
    prefixes = tuple(v for v in feats.potentially_unsafe if v.endswith("."))
    for key in annotations:
        if key in exact or (prefixes and key.startswith(prefixes)):
            matched = key if key in exact else next(p for p in prefixes if key.startswith(p))
            out.add(
                "FEAT-UNSAFE-ANNOTATION",
                ptr("annotations", key),
                f"the runtime lists {matched!r} as potentially unsafe: the annotation may change how it runs "
                "the container; make sure it is meant to be there",
            )


def _capabilities(process: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    caps = process.get("capabilities")
    if not isinstance(caps, dict):
        return
    known = feats.linux_list("capabilities")
    for set_name in SET_NAMES:
        names = arr(caps.get(set_name))
        if not names:
            continue
        if known is None:
            _unknown(out, ptr("process", "capabilities", set_name), "capabilities", "`linux.capabilities` list")
            continue
        try:
            if known.issuperset(names):
                continue  # every name known (non-strings never are, so none is in the list): nothing to report
        except TypeError:  # an unhashable entry: look at each
            pass
        for index, name in enumerate(names):
            if isinstance(name, str) and name not in known:
                out.add(
                    "FEAT-CAPABILITY",
                    ptr("process", "capabilities", set_name, index),
                    f"the runtime does not recognize the capability {name!r}",
                )


def _security_modules(config: dict[str, Any], process: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    if process.get("apparmorProfile"):
        enabled = feats.linux_flag("apparmor", "enabled")
        if enabled is None:
            _unknown(out, "/process/apparmorProfile", "an AppArmor profile", "`linux.apparmor.enabled`")
        elif not enabled:
            out.add(
                "FEAT-APPARMOR",
                "/process/apparmorProfile",
                "the runtime does not support AppArmor: the container runs without the profile it asks for",
            )
    labels = [
        p
        for p, v in (
            ("/process/selinuxLabel", process.get("selinuxLabel")),
            ("/linux/mountLabel", obj(config.get("linux")).get("mountLabel")),
        )
        if v
    ]
    if labels:
        enabled = feats.linux_flag("selinux", "enabled")
        for path in labels:
            if enabled is None:
                _unknown(out, path, "an SELinux label", "`linux.selinux.enabled`")
            elif not enabled:
                out.add("FEAT-SELINUX", path, "the runtime does not support SELinux; drop the label")


def _namespaces(linux: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    namespaces = arr(linux.get("namespaces"))
    if not namespaces:
        return
    known = feats.linux_list("namespaces")
    if known is None:
        _unknown(out, "/linux/namespaces", "namespaces", "`linux.namespaces` list")
        return
    for index, entry in enumerate(namespaces):
        kind = obj(entry).get("type")
        if isinstance(kind, str) and kind not in known:
            out.add(
                "FEAT-NAMESPACE",
                ptr("linux", "namespaces", index, "type"),
                f"the runtime does not recognize the {kind} namespace (it lists: {', '.join(sorted(known))})",
            )


def _systemd_style(path: str) -> bool:
    # runc's systemd driver takes "slice:prefix:name"; the fs driver takes a path. containerd, CRI-O and kubelet's
    # systemd cgroup driver write "kubepods-...slice:cri-containerd:<id>".
    parts = path.split(":")
    return len(parts) == 3 and not path.startswith("/")


def _cgroups(linux: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    resources = obj(linux.get("resources"))
    cgroups_path = linux.get("cgroupsPath")
    needs: list[tuple[str, str, str, str]] = []  # (path, what, feature, rule)
    if resources.get("unified"):
        needs.append(("/linux/resources/unified", "cgroup v2 (`unified`)", "v2", "FEAT-CGROUP-V2"))
    if resources.get("rdma"):
        needs.append(("/linux/resources/rdma", "the RDMA controller", "rdma", "FEAT-CGROUP-RDMA"))
    for path, what, feature, rule in needs:
        supported = feats.linux_flag("cgroup", feature)
        if supported is None:
            _unknown(out, path, what, f"`linux.cgroup.{feature}`")
        elif not supported:
            out.add(rule, path, f"the config needs {what}, which the runtime does not support")
    if isinstance(cgroups_path, str) and _systemd_style(cgroups_path):
        system, user = feats.linux_flag("cgroup", "systemd"), feats.linux_flag("cgroup", "systemdUser")
        if system is None and user is None:
            _unknown(out, "/linux/cgroupsPath", "a systemd-style cgroupsPath", "`linux.cgroup.systemd`")
        elif not system and not user:
            out.add(
                "FEAT-CGROUP-SYSTEMD",
                "/linux/cgroupsPath",
                f"{cgroups_path!r} is a systemd slice path (slice:prefix:name), but the runtime has no systemd "
                "cgroup manager; give a cgroupfs path or use a runtime built with systemd support",
            )


def _unlisted(known: frozenset[str] | None, value: Any) -> bool:
    """True when `value` is a name the runtime's list `known` lacks (a list that is missing judges nothing)."""
    return isinstance(value, str) and known is not None and value not in known


def _listed(out: Findings, known: frozenset[str] | None, value: Any, path: str, rule: str, what: str) -> None:
    if _unlisted(known, value):
        out.add(rule, path, f"the runtime does not recognize the {what} {value!r}")


def _seccomp(linux: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    seccomp = linux.get("seccomp")
    if not isinstance(seccomp, dict):
        return
    enabled = feats.linux_flag("seccomp", "enabled")
    if enabled is False:
        out.add(
            "FEAT-SECCOMP",
            "/linux/seccomp",
            "the runtime is built without seccomp: the container would run without the filter it asks for",
        )
        return
    if feats.linux_value("seccomp") is None:
        _unknown(out, "/linux/seccomp", "a seccomp filter", "`linux.seccomp`")
        return
    actions = feats.linux_list("seccomp", "actions")
    operators = feats.linux_list("seccomp", "operators")
    archs = feats.linux_list("seccomp", "archs")
    known_flags = feats.linux_list("seccomp", "knownFlags")
    supported_flags = feats.linux_list("seccomp", "supportedFlags")
    _listed(
        out,
        actions,
        seccomp.get("defaultAction"),
        "/linux/seccomp/defaultAction",
        "FEAT-SECCOMP-ACTION",
        "seccomp action",
    )
    # Pointers are built only for a value that is reported (_unlisted first): most configs report nothing here.
    for index, arch in enumerate(arr(seccomp.get("architectures"))):
        if _unlisted(archs, arch):
            _listed(
                out,
                archs,
                arch,
                ptr("linux", "seccomp", "architectures", index),
                "FEAT-SECCOMP-ARCH",
                "seccomp architecture",
            )
    for index, flag in enumerate(arr(seccomp.get("flags"))):
        where = ptr("linux", "seccomp", "flags", index)
        _listed(out, known_flags, flag, where, "FEAT-SECCOMP-FLAG", "seccomp flag")
        known = known_flags is None or flag in known_flags
        if isinstance(flag, str) and known and supported_flags is not None and flag not in supported_flags:
            out.add(
                "FEAT-SECCOMP-FLAG-UNSUPPORTED",
                where,
                f"the runtime knows the seccomp flag {flag!r} but cannot apply it (kernel or libseccomp)",
            )
    for index, rule in enumerate(arr(seccomp.get("syscalls"))):
        rule = obj(rule)
        if _unlisted(actions, action := rule.get("action")):
            _listed(
                out,
                actions,
                action,
                ptr("linux", "seccomp", "syscalls", index, "action"),
                "FEAT-SECCOMP-ACTION",
                "seccomp action",
            )
        for at, arg in enumerate(arr(rule.get("args"))):
            if _unlisted(operators, op := obj(arg).get("op")):
                _listed(
                    out,
                    operators,
                    op,
                    ptr("linux", "seccomp", "syscalls", index, "args", at, "op"),
                    "FEAT-SECCOMP-OPERATOR",
                    "seccomp operator",
                )


def _intel_rdt(linux: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    rdt = linux.get("intelRdt")
    if not isinstance(rdt, dict):
        return
    enabled = feats.linux_flag("intelRdt", "enabled")
    if enabled is None:
        _unknown(out, "/linux/intelRdt", "Intel RDT", "`linux.intelRdt.enabled`")
        return
    if not enabled:
        out.add("FEAT-INTELRDT", "/linux/intelRdt", "the runtime does not support Intel RDT")
        return
    for member, feature, rule in (
        ("schemata", "schemata", "FEAT-INTELRDT-SCHEMATA"),
        ("enableMonitoring", "monitoring", "FEAT-INTELRDT-MONITORING"),
    ):
        if rdt.get(member) and feats.linux_flag("intelRdt", feature) is False:
            out.add(rule, ptr("linux", "intelRdt", member), f"the runtime does not support intelRdt.{member}")


def _memory_policy(linux: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    policy = linux.get("memoryPolicy")
    if not isinstance(policy, dict):
        return
    if feats.linux_value("memoryPolicy") is None:
        _unknown(out, "/linux/memoryPolicy", "a memory policy", "`linux.memoryPolicy`")
        return
    _listed(
        out,
        feats.linux_list("memoryPolicy", "modes"),
        policy.get("mode"),
        "/linux/memoryPolicy/mode",
        "FEAT-MEMORY-POLICY-MODE",
        "memory policy mode",
    )
    flags = feats.linux_list("memoryPolicy", "flags")
    for index, flag in enumerate(arr(policy.get("flags"))):
        _listed(
            out,
            flags,
            flag,
            ptr("linux", "memoryPolicy", "flags", index),
            "FEAT-MEMORY-POLICY-FLAG",
            "memory policy flag",
        )


def _net_devices(linux: dict[str, Any], feats: FeaturesDocument, out: Findings) -> None:
    if not linux.get("netDevices"):
        return
    enabled = feats.linux_flag("netDevices", "enabled")
    if enabled is None:
        _unknown(out, "/linux/netDevices", "network devices", "`linux.netDevices.enabled`")
    elif not enabled:
        out.add("FEAT-NETDEVICES", "/linux/netDevices", "the runtime cannot move network devices into the container")
