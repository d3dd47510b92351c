"""Section C of runsc-rules.md: annotations that configure runsc, plus the CRI and mount-hint annotations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core import cri
from app.core.pointer import ptr
from app.core.profiles.runsc import flags
from app.core.profiles.runsc.tables import tables
from app.core.profiles.runsc.view import obj, quote
from app.core.rules import Findings

GVISOR_PREFIX = "dev.gvisor."
"""The start of every annotation runsc reads for itself (the CRI's own ones aside)."""
FLAG_PREFIX = "dev.gvisor.flag."
BUNDLE_PREFIX = "dev.gvisor.bundle."
SECCOMP_PREFIX = "dev.gvisor.internal.seccomp."
REMAP_PREFIX = "dev.gvisor.container-name-remap."
TAR_UPPER = "dev.gvisor.tar.rootfs.upper"
MOUNT_HINT_PREFIX = "dev.gvisor.spec.mount."
ROOTFS_HINT_PREFIX = "dev.gvisor.spec.rootfs."
CHECKPOINT_PREFIX = "dev.gvisor.internal.checkpoint."
FS_CHECKPOINT_PREFIX = "dev.gvisor.internal.fscheckpoint."
BOOL_ANNOTATIONS = (
    # specutils.go TPUProxyEnabled, nvidia.go NVProxyEnabled.
    "dev.gvisor.internal.tpuproxy",
    "dev.gvisor.internal.nvproxy",
    # runsc/boot/restore.go (checkpoint.*) and runsc/boot/fscheckpoint.go (fscheckpoint.*).
    *(
        CHECKPOINT_PREFIX + k
        for k in ("resume", "direct", "exclude-committed-zero-pages", "cuda-checkpoint-sequential", "enable")
    ),  # fmt: skip
    *(FS_CHECKPOINT_PREFIX + k for k in ("enable", "resume", "direct")),
)
"""Annotations read with specutils.AnnotationToBool: strconv.ParseBool, a value that does not parse is false."""
CHECKPOINT_COMPRESSION = CHECKPOINT_PREFIX + "compression"
COMPRESSIONS = ("", "none", "flate-best-speed")
"""statefile.CompressionLevelFromString."""
CPU_FEATURES = "dev.gvisor.internal.cpufeatures"
SECCOMP_RUNTIME_DEFAULT = "RuntimeDefault"


def _at(key: str) -> str:
    return ptr("annotations", key)


# --- CRI placement -----------------------------------------------------------------------------------


def container_type(notes: dict[str, str]) -> tuple[str | None, str | None]:
    """SpecContainerType: (value, annotation key it came from); containerd's key wins over CRI-O's."""
    for key in (cri.CONTAINERD_CONTAINER_TYPE, cri.CRIO_CONTAINER_TYPE):
        if key in notes:
            return notes[key], key
    return None, None


def sandbox_id(notes: dict[str, str]) -> str | None:
    """SandboxID: containerd's key, else CRI-O's (presence counts, even when empty)."""
    for key in (cri.CONTAINERD_SANDBOX_ID, cri.CRIO_SANDBOX_ID):
        if key in notes:
            return notes[key]
    return None


def check_cri(notes: dict[str, str], out: Findings) -> None:
    """RUNSC-CONTAINER-TYPE and RUNSC-SANDBOX-ID (ValidateSpec's last checks)."""
    value, key = container_type(notes)
    if key is None or value is None:
        return
    if value not in (cri.TYPE_SANDBOX, cri.TYPE_CONTAINER):
        out.add(
            "RUNSC-CONTAINER-TYPE",
            _at(key),
            f"unknown container-type: {value!r} in annotation {key!r}; the value must be exactly "
            f"{cri.TYPE_SANDBOX!r} or {cri.TYPE_CONTAINER!r} (case-sensitive), or remove the annotation",
        )
    elif value == cri.TYPE_CONTAINER and sandbox_id(notes) is None:
        id_key = cri.CONTAINERD_SANDBOX_ID if key == cri.CONTAINERD_CONTAINER_TYPE else cri.CRIO_SANDBOX_ID
        out.add(
            "RUNSC-SANDBOX-ID",
            _at(id_key),
            "spec has container-type of container, but no sandbox ID set: add annotation "
            f"{id_key!r} naming the sandbox to join, or set the container type to 'sandbox'",
        )


# --- rootfs tar ---------------------------------------------------------------------------------------


def container_name(notes: dict[str, str]) -> str:
    """ContainerName: containerd's container-name annotation after dev.gvisor.container-name-remap.* is applied.

    Only a name that is set is remapped; each remap value is split by strings.SplitN(value, "=", 2) and the
    first one (in Go's map order) whose <from> is the name gives the new name, which may be empty. Remaps that
    disagree are reported by check_other (RUNSC-ANNOT-REMAP); here the first in document order wins.
    """
    name = notes.get(cri.CONTAINERD_CONTAINER_NAME, "")
    if not name:
        return name
    for key, mapping in notes.items():
        if key.startswith(REMAP_PREFIX):
            before, sep, after = mapping.partition("=")
            if sep and before == name:
                return after
    return name


def rootfs_tar_key(notes: dict[str, str]) -> str | None:
    """RootfsTarUpperPath: the annotation key runsc reads the rootfs upper tar path from, or None.

    With a container name (after remapping) only dev.gvisor.tar.rootfs.upper.<name> counts. Without one, a CRI
    multi-container spec (container type sandbox or container) reads nothing: the plain key is for
    single-container use only. Otherwise (no container type, or one runsc does not know) the plain key counts.
    """
    if not notes:
        return None
    name = container_name(notes)
    if name:
        return f"{TAR_UPPER}.{name}"
    kind, _ = container_type(notes)
    if kind in (cri.TYPE_SANDBOX, cri.TYPE_CONTAINER):
        return None
    return TAR_UPPER


def check_rootfs_tar(spec: dict[str, Any], notes: dict[str, str], out: Findings) -> None:
    """RUNSC-ROOTFS-TAR-DISABLED / -READONLY: RootfsTarUpperPath resolves to a non-empty path; -UNUSED otherwise."""
    key = rootfs_tar_key(notes)
    path = notes.get(key, "") if key is not None else ""
    if path:
        assert key is not None
        out.add(
            "RUNSC-ROOTFS-TAR-DISABLED",
            _at(key),
            "rootfs tar annotation is disabled, use --allow-rootfs-tar-annotation to enable it: remove the "
            "annotation or have the node's runsc configured with that flag",
        )
        root = obj(spec, "root")
        if root is not None and root.get("readonly") is True:
            out.add(
                "RUNSC-ROOTFS-TAR-READONLY",
                ptr("root", "readonly"),
                f"rootfs tar upper path is set (annotation {key!r}) but rootfs is readonly: drop the annotation "
                "or make the root writable",
            )
    for other in notes:
        if other != key and other.startswith(TAR_UPPER) and (other == TAR_UPPER or other[len(TAR_UPPER)] == "."):
            out.add("RUNSC-ROOTFS-TAR-UNUSED", _at(other), _unused_tar(other, key, notes))


def _unused_tar(other: str, key: str | None, notes: dict[str, str]) -> str:
    if key is None:
        kind, kind_key = container_type(notes)
        why = (
            f"this is a CRI multi-container spec ({kind_key}={quote(kind or '')}) without a container name, where "
            "runsc reads no rootfs tar annotation at all"
        )
    elif key == TAR_UPPER:
        why = f"the spec has no {cri.CONTAINERD_CONTAINER_NAME} annotation, so runsc reads only {quote(TAR_UPPER)}"
    else:
        why = f"the container's name (after any dev.gvisor.container-name-remap) selects {quote(key)}"
    return f"annotation {quote(other)} is never read: {why} (RootfsTarUpperPath)"


# --- flags and bundles (FixConfig) --------------------------------------------------------------------


@dataclass(slots=True)
class RunscConfig:
    """The few config values later rules depend on, after valid flag annotations are applied."""

    oci_seccomp: bool = False
    qdisc: str = "fifo"
    tbf_rate: int = 0
    tbf_burst: int = 0
    set_by: dict[str, str] = field(default_factory=dict)
    """flag name -> annotation key that set it."""


def check_bundles(notes: dict[str, str], out: Findings) -> None:
    """RUNSC-ANNOT-BUNDLE-VALUE and RUNSC-ANNOT-BUNDLE-UNKNOWN."""
    for key, value in notes.items():
        if not key.startswith(BUNDLE_PREFIX):
            continue
        name = key[len(BUNDLE_PREFIX) :]
        if value != "true":
            out.add(
                "RUNSC-ANNOT-BUNDLE-VALUE",
                _at(key),
                f"invalid value {quote(value)} for annotation {quote(key)} (must be set to 'true' or removed entirely)",
            )
        elif name not in flags.BUNDLES:
            known = ", ".join(sorted(flags.BUNDLES))
            out.add(
                "RUNSC-ANNOT-BUNDLE-UNKNOWN",
                _at(key),
                f"Bundle name {quote(name)} (from annotation {quote(key)}={quote(value)}) does not exist; this bundle "
                f"may have been deprecated. Skipping. Known bundles: {known}",
            )


def check_flags(notes: dict[str, str], out: Findings) -> RunscConfig:
    """RUNSC-ANNOT-FLAG-*: Config.Override for every dev.gvisor.flag.<flag> annotation, then Config.Validate."""
    conf = RunscConfig()
    for key, value in notes.items():
        if not key.startswith(FLAG_PREFIX):
            continue
        name = key[len(FLAG_PREFIX) :]
        where = _at(key)
        setting = f"error setting flag {name}={quote(value)}"
        if name not in flags.FLAG_NAMES:
            out.add(
                "RUNSC-ANNOT-FLAG-UNKNOWN",
                where,
                f"flag {quote(name)} not found. Cannot set it to {quote(value)}: check the flag name's spelling "
                "(flag names are case-sensitive) or remove the annotation",
            )
            continue
        if name not in flags.ALLOWLIST:
            out.add(
                "RUNSC-ANNOT-FLAG-NOT-ALLOWED",
                where,
                f"{setting}: flag override disabled, use --allow-flag-override to enable it. Only "
                f"{', '.join(flags.ALLOWLIST)} may be set by annotation; set --{name} in the node's runsc "
                "configuration instead",
            )
            continue
        if not _checked_flag(name, value, where, setting, out):
            continue
        problem = flags.PARSERS[name](value)
        if problem is not None:
            out.add("RUNSC-ANNOT-FLAG-VALUE", where, f"{setting}: {problem}")
            continue
        _apply(conf, name, value, key)
    _validate(conf, out)
    return conf


def _checked_flag(name: str, value: str, where: str, setting: str, out: Findings) -> bool:
    """The allowlist's check functions (overlay2, oci-seccomp, qdisc*); False when the value is refused."""
    override = "--allow-flag-override"
    if name == "overlay2":
        problem = flags.overlay2_error(value)
        if problem is not None:
            out.add("RUNSC-ANNOT-FLAG-VALUE", where, f"{setting}: invalid overlay2 annotation: {problem}")
            return False
        if flags.overlay2_medium(value) not in ("", "memory", "self"):
            out.add(
                "RUNSC-ANNOT-FLAG-CHECKED",
                where,
                f'{setting}: {quote(value)} overlay medium requires flag "allow-flag-override" to be enabled; '
                "use 'none', '<root|all>:memory' or '<root|all>:self' in an annotation",
            )
            return False
    elif name == "oci-seccomp":
        parsed = flags.parse_bool(value)
        if parsed is None:
            out.add(
                "RUNSC-ANNOT-FLAG-VALUE", where, f"{setting}: strconv.ParseBool: parsing {quote(value)}: invalid syntax"
            )
            return False
        if not parsed:
            out.add(
                "RUNSC-ANNOT-FLAG-CHECKED",
                where,
                f'{setting}: disabling "oci-seccomp" requires flag "allow-flag-override" to be enabled; an '
                "annotation may only turn oci-seccomp on (it is off by default): remove the annotation",
            )
            return False
    elif name == "qdisc":
        problem = flags.PARSERS[name](value)
        if problem is not None:
            out.add("RUNSC-ANNOT-FLAG-VALUE", where, f"{setting}: {problem}; use none, fifo or tbf")
            return False
        if value != "tbf":
            out.add(
                "RUNSC-ANNOT-FLAG-CHECKED",
                where,
                f'{setting}: setting {name}={quote(value)} requires flag "allow-flag-override" to be enabled; '
                f"an annotation may only select 'tbf' (without {override})",
            )
            return False
    elif name in ("qdisc-tbf-rate", "qdisc-tbf-burst"):
        # The check only refuses raising a non-zero runtime ceiling; with the default (0) any number passes.
        problem = flags.uint_error(value)
        if problem is not None:
            out.add(
                "RUNSC-ANNOT-FLAG-VALUE",
                where,
                f"{setting}: invalid {name} annotation {quote(value)}: strconv.ParseUint: parsing {quote(value)}: "
                f"{problem}; give a number of bytes (decimal, or 0x/0o/0b prefixed)",
            )
            return False
    return True


def _apply(conf: RunscConfig, name: str, value: str, key: str) -> None:
    conf.set_by[name] = key
    if name == "oci-seccomp":
        conf.oci_seccomp = flags.parse_bool(value) is True
    elif name == "qdisc":
        conf.qdisc = value
    elif name == "qdisc-tbf-rate":
        conf.tbf_rate = flags.parse_uint(value) or 0
    elif name == "qdisc-tbf-burst":
        conf.tbf_burst = flags.parse_uint(value) or 0


def _validate(conf: RunscConfig, out: Findings) -> None:
    """The parts of Config.Validate that flag annotations can reach."""
    if conf.tbf_burst > flags.MAX_TBF_BURST:
        out.add(
            "RUNSC-ANNOT-CONFIG-VALID",
            _at(conf.set_by["qdisc-tbf-burst"]),
            f"qdisc-tbf-burst must be <= {flags.MAX_TBF_BURST}, got: {conf.tbf_burst}",
        )
    if conf.qdisc == "tbf":
        # Only an annotation can select tbf (the default is fifo); name the member that is missing.
        if conf.tbf_rate == 0:
            out.add(
                "RUNSC-ANNOT-CONFIG-VALID",
                _at(FLAG_PREFIX + "qdisc-tbf-rate"),
                "qdisc=tbf requires setting qdisc-tbf-rate: add annotation dev.gvisor.flag.qdisc-tbf-rate "
                "with a non-zero rate in bytes/sec",
            )
        if conf.tbf_burst == 0:
            out.add(
                "RUNSC-ANNOT-CONFIG-VALID",
                _at(FLAG_PREFIX + "qdisc-tbf-burst"),
                "qdisc=tbf requires setting qdisc-tbf-burst: add annotation dev.gvisor.flag.qdisc-tbf-burst "
                "with a non-zero bucket depth in bytes",
            )


def check_other(notes: dict[str, str], out: Findings) -> None:
    """RUNSC-ANNOT-BOOL and RUNSC-ANNOT-REMAP: malformed values runsc warns about and ignores."""
    for key in BOOL_ANNOTATIONS:
        value = notes.get(key)
        if value is not None and flags.parse_bool(value) is None:
            out.add(
                "RUNSC-ANNOT-BOOL",
                _at(key),
                f"Failed to parse annotation {quote(key)}={quote(value)} as a bool: strconv.ParseBool: parsing "
                f"{quote(value)}: invalid syntax, so runsc treats it as false: use true or false (also accepted: "
                "1, t, T, TRUE, True, 0, f, F, FALSE, False)",
            )
    compression = notes.get(CHECKPOINT_COMPRESSION)
    if compression is not None and compression not in COMPRESSIONS:
        out.add(
            "RUNSC-ANNOT-BOOL",
            _at(CHECKPOINT_COMPRESSION),
            f"annotation {quote(CHECKPOINT_COMPRESSION)}={quote(compression)} is not a compression level "
            "(statefile.CompressionLevelFromString): a checkpoint the workload triggers fails; use none or "
            "flate-best-speed",
        )
    features = notes.get(CPU_FEATURES)
    if features is not None:
        _check_cpu_features(features, out)
    # ContainerName reads the remaps only when io.kubernetes.cri.container-name is set, and splits each with
    # strings.SplitN(value, "=", 2): only a value without any '=' is malformed ("a=b=c" maps a to "b=c").
    name = notes.get(cri.CONTAINERD_CONTAINER_NAME, "")
    if not name:
        return
    chosen: tuple[str, str] | None = None
    for key, value in notes.items():
        if not key.startswith(REMAP_PREFIX):
            continue
        before, sep, after = value.partition("=")
        if not sep:
            out.add(
                "RUNSC-ANNOT-REMAP",
                _at(key),
                f"Invalid annotation {quote(key)}={quote(value)}: expected <from>=<to>; the remap is ignored",
            )
        elif before == name:
            if chosen is not None and chosen[1] != after:
                out.add(
                    "RUNSC-ANNOT-REMAP",
                    _at(key),
                    f"annotations {quote(chosen[0])} and {quote(key)} both remap container {quote(name)}, to "
                    f"{quote(chosen[1])} and {quote(after)}: ContainerName takes the first one in Go's random map "
                    "order, so the name changes from run to run; keep one",
                )
            chosen = chosen or (key, after)


def _check_cpu_features(value: str, out: Findings) -> None:
    """RUNSC-ANNOT-CPUFEATURES: boot.New reads dev.gvisor.internal.cpufeatures with cpuid.FeatureFromString.

    Each non-empty comma-separated name (not trimmed) must be a feature name of the host's architecture; then the
    host's feature set is intersected with them, which arm64 does not support at all.
    """
    known = tables().cpufeatures
    for name in value.split(","):
        if name and name not in known["amd64"]:
            also = " (an arm64 feature name; on amd64 hosts it is unknown)" if name in known["arm64"] else ""
            out.add(
                "RUNSC-ANNOT-CPUFEATURES",
                _at(CPU_FEATURES),
                f"annotation {CPU_FEATURES} contains unknown feature {name}{also}: the sandbox does not start; use "
                "the names of /proc/cpuinfo's flags as gVisor spells them (e.g. sse4_2, avx2), comma-separated "
                "without spaces",
            )
            return
    out.add(
        "RUNSC-ANNOT-CPUFEATURES",
        _at(CPU_FEATURES),
        f"annotation {CPU_FEATURES} limits the CPU features applications see to the listed ones on amd64 hosts; "
        "on arm64 hosts the sandbox does not start (FeatureSet intersection is not supported on ARM64)",
        severity="info",
    )


# --- seccomp RuntimeDefault (fixSpec) -----------------------------------------------------------------


def seccomp_runtime_default_key(notes: dict[str, str]) -> str | None:
    """The annotation that makes fixSpec drop linux.seccomp, if it is set to RuntimeDefault."""
    name = notes.get(cri.CONTAINERD_CONTAINER_NAME, "")
    if not name:
        return None
    key = SECCOMP_PREFIX + name
    return key if notes.get(key) == SECCOMP_RUNTIME_DEFAULT else None
