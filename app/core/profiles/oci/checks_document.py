"""Document-level checks: duplicate members, ociVersion, the JSON Schema layer and unknown or newer members."""

from __future__ import annotations

import re

from app.core.pointer import ptr
from app.core.profiles.oci import schema, unknown
from app.core.profiles.oci.catalog import LEVELS, NOT_SPEC
from app.core.profiles.oci.context import Context
from app.core.profiles.oci.versions import since

# Which rule a schema error belongs to, by the pointer of the offending value (first match wins).
_I = r"/\d+"
_K = r"/[^/]+"
_SCHEMA_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + "$"), rule)
    for pattern, rule in (
        (r"^/ociVersion", "OCI-VER-REQ"),
        (r"^/root", "OCI-ROOT-PATH-REQ"),
        (r"^/root/path", "OCI-ROOT-PATH-REQ"),
        (rf"^/mounts{_I}/destination", "OCI-MNT-DEST-REQ"),
        (rf"^/mounts{_I}/[ug]idMappings({_I}(/\w+)?)?", "OCI-MNT-IDMAP-ENTRY"),
        (r"^/process/cwd", "OCI-PROC-CWD-REQ"),
        (r"^/process/consoleSize(/\w+)?", "OCI-PROC-CONSOLE-REQ"),
        (r"^/process/user/(uid|gid)", "OCI-USER-UIDGID"),
        (r"^/process/user/umask", "OCI-USER-UMASK"),
        (rf"^/process/rlimits{_I}/type", "OCI-RLIM-TYPE-FMT"),
        (rf"^/process/rlimits{_I}(/\w+)?", "OCI-RLIM-FIELDS"),
        (r"^/process/noNewPrivileges", "OCI-PROC-NNP"),
        (r"^/process/oomScoreAdj", "OCI-PROC-OOM"),
        (r"^/process/selinuxLabel", "OCI-PROC-SELINUX"),
        (rf"^/process/capabilities/\w+({_I})?", "OCI-CAP-NAMES"),
        (r"^/process/scheduler/policy", "OCI-SCHED-POLICY"),
        (rf"^/process/scheduler/flags({_I})?", "OCI-SCHED-FLAGS"),
        (r"^/process/scheduler/nice", "OCI-SCHED-NICE"),
        (r"^/process/scheduler/priority", "OCI-SCHED-PRIO"),
        (r"^/process/scheduler/(runtime|deadline|period)", "OCI-SCHED-DL"),
        (r"^/process/ioPriority/class", "OCI-IOPRIO-CLASS"),
        (r"^/process/ioPriority/priority", "OCI-IOPRIO-PRIO"),
        (r"^/process/execCPUAffinity(/\w+)?", "OCI-EXECAFF-FMT"),
        (rf"^/process/env({_I})?", "OCI-PROC-ENV"),
        (rf"^/hooks{_K}{_I}/path", "OCI-HOOK-PATH-REQ"),
        (rf"^/hooks{_K}{_I}/timeout", "OCI-HOOK-TIMEOUT"),
        (rf"^/hooks{_K}{_I}/env({_I})?", "OCI-HOOK-ENV"),
        (r"^/annotations", "OCI-ANNO-MAP"),
        (rf"^/annotations{_K}", "OCI-ANNO-VAL-STR"),
        (r"^/(hostname|domainname)", "OCI-HOST-LEN"),
        (rf"^/linux/namespaces{_I}/type", "OCI-NS-TYPE"),
        (rf"^/linux/namespaces{_I}/path", "OCI-NS-PATH-ABS"),
        (rf"^/linux/[ug]idMappings({_I}(/\w+)?)?", "OCI-IDMAP-FIELDS"),
        (rf"^/linux/timeOffsets{_K}(/\w+)?", "OCI-TIMEOFF-VALS"),
        (rf"^/linux/devices{_I}/type", "OCI-DEV-TYPE"),
        (rf"^/linux/devices{_I}/path", "OCI-DEV-PATH"),
        (rf"^/linux/devices{_I}/(major|minor)", "OCI-DEV-MAJMIN"),
        (rf"^/linux/devices{_I}/fileMode", "OCI-DEV-MODE"),
        (rf"^/linux/netDevices{_K}/name", "OCI-NETDEV-NAME"),
        (rf"^/linux/netDevices({_K})?", "OCI-NETDEV-MAP"),
        (r"^/linux/cgroupsPath", "OCI-CG-PATH"),
        (rf"^/linux/resources/devices{_I}/allow", "OCI-CG-DEV-ALLOW"),
        (rf"^/linux/resources/devices{_I}/type", "OCI-CG-DEV-TYPE"),
        (rf"^/linux/resources/devices{_I}/access", "OCI-CG-DEV-ACCESS"),
        (r"^/linux/resources/memory/(limit|reservation|swap|kernel|kernelTCP)", "OCI-MEM-VALUES"),
        (r"^/linux/resources/memory/swappiness", "OCI-MEM-SWAPPINESS"),
        (r"^/linux/resources/cpu/(cpus|mems)", "OCI-CPU-LIST"),
        (r"^/linux/resources/cpu/idle", "OCI-CPU-IDLE"),
        (r"^/linux/resources/blockIO/(weight|leafWeight)", "OCI-BLKIO-WEIGHT"),
        (rf"^/linux/resources/blockIO/weightDevice({_I}(/\w+)?)?", "OCI-BLKIO-WDEV"),
        (rf"^/linux/resources/blockIO/throttle\w+({_I}(/\w+)?)?", "OCI-BLKIO-THROTTLE"),
        (rf"^/linux/resources/hugepageLimits{_I}/pageSize", "OCI-HUGE-SIZE"),
        (rf"^/linux/resources/hugepageLimits({_I}(/\w+)?)?", "OCI-HUGE-FIELDS"),
        (rf"^/linux/resources/network/priorities({_I}(/\w+)?)?", "OCI-NET-PRIO"),
        (r"^/linux/resources/pids(/limit)?", "OCI-PIDS-LIMIT"),
        (rf"^/linux/resources/rdma({_K}(/\w+)?)?", "OCI-RDMA-ENTRY"),
        (rf"^/linux/resources/unified({_K})?", "OCI-UNIFIED-KEY"),
        (r"^/linux/intelRdt/memBwSchema", "OCI-RDT-MBW"),
        (r"^/linux/intelRdt/l3CacheSchema", "OCI-RDT-L3"),
        (rf"^/linux/intelRdt/schemata({_I})?", "OCI-RDT-SCHEMATA"),
        (r"^/linux/intelRdt/closID", "OCI-RDT-CLOSID"),
        (r"^/linux/intelRdt/enable\w+", "OCI-RDT-MON"),
        (r"^/linux/memoryPolicy/mode", "OCI-MPOL-MODE"),
        (r"^/linux/memoryPolicy/nodes", "OCI-MPOL-NODES"),
        (rf"^/linux/memoryPolicy/flags({_I})?", "OCI-MPOL-FLAGS"),
        (rf"^/linux/sysctl({_K})?", "OCI-SYSCTL-NS"),
        (r"^/linux/seccomp/defaultAction", "OCI-SC-DEFAULT"),
        (r"^/linux/seccomp/defaultErrnoRet", "OCI-SC-DEF-ERRNO"),
        (rf"^/linux/seccomp/syscalls{_I}/action", "OCI-SC-ACTION"),
        (rf"^/linux/seccomp/syscalls{_I}/names({_I})?", "OCI-SC-NAMES"),
        (rf"^/linux/seccomp/syscalls{_I}/errnoRet", "OCI-SC-ERRNO"),
        (rf"^/linux/seccomp/syscalls{_I}/args({_I}(/\w+)?)?", "OCI-SC-ARGS"),
        (rf"^/linux/seccomp/architectures({_I})?", "OCI-SC-ARCH"),
        (rf"^/linux/seccomp/flags({_I})?", "OCI-SC-FLAGS"),
        (r"^/linux/rootfsPropagation", "OCI-PROP-ROOTFS"),
        (rf"^/linux/maskedPaths({_I})?", "OCI-MASK-ABS"),
        (rf"^/linux/readonlyPaths({_I})?", "OCI-RO-ABS"),
        (r"^/linux/mountLabel", "OCI-MOUNTLABEL"),
        (r"^/linux/personality/domain", "OCI-PERS-DOMAIN"),
        (rf"^/linux/personality/flags({_I})?", "OCI-PERS-FLAGS"),
    )
)
_INTEGER_KEYWORDS = frozenset({"minimum", "maximum"})
_RLIMIT_TYPE = re.compile(rf"^/process/rlimits{_I}/type$")


def rule_for(pointer: str, keyword: str, value: object) -> str:
    """The catalog rule a schema error at `pointer` belongs to."""
    if keyword == "required" and _RLIMIT_TYPE.match(pointer):
        return "OCI-RLIM-FIELDS"  # a missing type is a missing field, not a badly formed one
    for pattern, rule in _SCHEMA_RULES:
        if pattern.match(pointer):
            return rule
    return _generic(keyword, value)


def _generic(keyword: str, value: object) -> str:
    if keyword in _INTEGER_KEYWORDS or (keyword == "type" and isinstance(value, int | float)):
        return "OCI-DOC-INT"
    return "OCI-SCHEMA"


def duplicates(ctx: Context, pointers: tuple[str, ...]) -> None:
    """OCI-DOC-NODUPKEYS, from what the loader saw in the raw text."""
    for pointer in pointers:
        ctx.add(
            "OCI-DOC-NODUPKEYS",
            pointer,
            "this member name occurs more than once in its object (readers keep only the last): keep one",
        )


def version(ctx: Context) -> None:
    """ociVersion: SemVer, major, and the release that judges the document."""
    declared = ctx.data.get("ociVersion")
    if not isinstance(declared, str):
        return  # missing or not a string: the schema reports it (OCI-VER-REQ)
    judged = ctx.judged
    if judged.version is None:
        ctx.add(
            "OCI-VER-SEMVER",
            "/ociVersion",
            f"ociVersion {declared!r} is not SemVer 2.0.0: write MAJOR.MINOR.PATCH, e.g. 1.3.0",
        )
    elif judged.version.major != 1:
        ctx.add(
            "OCI-VER-MAJOR",
            "/ociVersion",
            f"ociVersion {declared!r} has major {judged.version.major}; this validator knows major 1 "
            f"and judged the document as {judged.tag[1:]}",
        )
    elif not judged.exact:
        ctx.add(
            "OCI-VER-MAJOR",
            "/ociVersion",
            f"ociVersion {declared!r} is newer than the newest release known here ({schema.LATEST[1:]}); "
            "newer fields may be reported as unknown",
        )


def schema_layer(ctx: Context) -> None:
    """JSON Schema errors of the judging release, newer members and unknown members."""
    tag = ctx.judged.tag
    members = unknown.scan(ctx.data, tag)
    newer: list[str] = []
    for member in members:
        if not member.known_in:
            rule = "OCI-HOOK-KINDS" if member.parent == "/hooks" else "OCI-DOC-UNKNOWN"
            ctx.add(
                rule,
                member.pointer,
                f"{member.name!r} is not a member any spec release defines here, so "
                "runtimes ignore it: check the spelling (names are case-sensitive) or remove it",
            )
        elif schema.LATEST in member.known_in:
            newer.append(member.pointer)
            ctx.add(
                "OCI-VER-GATE",
                member.pointer,
                f"{member.name!r} appeared in spec {since(member.known_in)}, newer than the declared "
                f"{ctx.data.get('ociVersion')!r}: runtimes of that version ignore it; raise ociVersion",
            )
        else:
            rule = "OCI-RDT-MON" if member.name in ("enableCMT", "enableMBM") else "OCI-VER-GATE"
            last = max(member.known_in)[1:]
            ctx.add(
                rule,
                member.pointer,
                f"{member.name!r} was removed after spec {last}; runtimes of "
                f"{ctx.judged.tag[1:]} ignore it" + (": use enableMonitoring" if rule == "OCI-RDT-MON" else ""),
                severity="warning",
            )
    errors = schema.errors(tag, ctx.data)
    latest_errors: dict[str, list[schema.SchemaError]] | None = None
    if tag != schema.LATEST and (newer or any(e.keyword == "enum" for e in errors)):
        latest_errors = {}
        for error in schema.errors(schema.LATEST, ctx.data):
            latest_errors.setdefault(ptr(*error.tokens), []).append(error)
    for error in errors:
        pointer = ptr(*error.tokens)
        if error.keyword == "enum" and latest_errors is not None and pointer not in latest_errors:
            ctx.add(
                "OCI-VER-GATE",
                pointer,
                f"{error.value!r} is valid only in a spec release newer than the "
                f"declared {ctx.data.get('ociVersion')!r}: raise ociVersion",
            )
            continue
        _schema_finding(ctx, pointer, error)
    if latest_errors:
        # Members newer than the declared release are still judged, by the release that defines them.
        for pointer, errs in latest_errors.items():
            if any(pointer == n or pointer.startswith(n + "/") for n in newer):
                for error in errs:
                    _schema_finding(ctx, pointer, error)


def _schema_finding(ctx: Context, pointer: str, error: schema.SchemaError) -> None:
    rule = rule_for(pointer, error.keyword, error.value)
    if LEVELS[rule] in NOT_SPEC:
        # A schema violation is a spec violation even where the row itself is only a derived/kernel rule.
        rule = _generic(error.keyword, error.value)
    where = pointer or "the document"
    suffix = "; add it" if error.keyword == "required" else ""
    if isinstance(error.value, str):
        suffix += _HINTS.get((rule, error.value), "")
    ctx.findings.add(rule, pointer, f"{where}: {error.message}{suffix}", severity="error")


_HINTS: dict[tuple[str, object], str] = {
    (rule, value): (
        f"; the spec allows only shared, slave, private and unbindable. containerd writes {value!r} when a volume "
        "has HostToContainer or Bidirectional propagation and runc accepts it, but it is not spec-conformant: "
        f"use {value[1:]!r} for a conformant document"
    )
    for rule in ("OCI-PROP-ROOTFS",)
    for value in ("rshared", "rslave", "rprivate", "runbindable")
}
"""What to tell a person about a schema error that real tools produce on purpose."""
