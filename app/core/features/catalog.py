"""The rules a features document yields: one per property of features.md / features-linux.md a config can exceed.

Every features profile has the same rule ids (the `profile` of a finding or rule tells the runtimes apart). The
severity says what happens on a runtime that does not recognize what the config uses: the spec says the runtime
MUST recognize what it lists, so a value outside a list it gives is an error where the runtime refuses or silently
drops a security setting the config asks for, and a warning where the value may legitimately be outside the list
(a filesystem-specific mount option, a newer `ociVersion` the runtime reads as far as it knows). A property the
document leaves out means "unknown": FEAT-UNKNOWN, info only.
"""

from __future__ import annotations

from app.core.rules import Catalog, Rule

_F = "https://github.com/opencontainers/runtime-spec/blob/v1.3.0/features.md#"
_FL = "https://github.com/opencontainers/runtime-spec/blob/v1.3.0/features-linux.md#"

RULES: tuple[Rule, ...] = (
    # Warnings, not errors: runc, crun and runsc do not compare ociVersion; what the range tells is which members
    # the runtime knows about.
    Rule(
        "FEAT-OCI-VERSION",
        "warning",
        "ociVersion is below the runtime's ociVersionMin or of another major version",
        _F + "specification-version",
    ),
    Rule(
        "FEAT-OCI-VERSION-NEWER",
        "warning",
        "ociVersion is newer than the runtime's ociVersionMax: members it does not know are ignored",
        _F + "specification-version",
    ),
    Rule("FEAT-HOOK", "error", "a hook kind the runtime does not list in `hooks`", _F + "hooks"),
    Rule(
        "FEAT-MOUNT-OPTION",
        "warning",
        "a mount option the runtime does not list in `mountOptions` (unless filesystem-specific data)",
        _F + "mount-options",
    ),
    Rule(
        "FEAT-MOUNT-IDMAP",
        "error",
        "an id-mapped mount (uidMappings/gidMappings, idmap/ridmap) on a runtime without mountExtensions.idmap",
        _FL + "mountextensions",
    ),
    Rule(
        "FEAT-NAMESPACE",
        "error",
        "a namespace type the runtime does not list in `linux.namespaces`",
        _FL + "namespaces",
    ),
    Rule(
        "FEAT-CAPABILITY",
        "error",
        "a capability the runtime does not list in `linux.capabilities`",
        _FL + "capabilities",
    ),
    Rule(
        "FEAT-CGROUP-V2",
        "error",
        "`linux.resources.unified` needs cgroup v2, which the runtime does not support",
        _FL + "cgroup",
    ),
    Rule(
        "FEAT-CGROUP-SYSTEMD",
        "error",
        "a systemd-style cgroupsPath (slice:prefix:name) needs a systemd cgroup manager the runtime lacks",
        _FL + "cgroup",
    ),
    Rule("FEAT-CGROUP-RDMA", "error", "`linux.resources.rdma` needs the RDMA cgroup controller", _FL + "cgroup"),
    Rule("FEAT-SECCOMP", "error", "`linux.seccomp` on a runtime built without seccomp", _FL + "seccomp"),
    Rule(
        "FEAT-SECCOMP-ACTION",
        "error",
        "a seccomp action the runtime does not list in `seccomp.actions`",
        _FL + "seccomp",
    ),
    Rule(
        "FEAT-SECCOMP-OPERATOR",
        "error",
        "a seccomp operator the runtime does not list in `seccomp.operators`",
        _FL + "seccomp",
    ),
    Rule(
        "FEAT-SECCOMP-ARCH",
        "error",
        "a seccomp architecture the runtime does not list in `seccomp.archs`",
        _FL + "seccomp",
    ),
    Rule(
        "FEAT-SECCOMP-FLAG",
        "error",
        "a seccomp flag the runtime does not list in `seccomp.knownFlags`",
        _FL + "seccomp",
    ),
    Rule(
        "FEAT-SECCOMP-FLAG-UNSUPPORTED",
        "warning",
        "a seccomp flag the runtime knows but does not list in `seccomp.supportedFlags` (kernel or libseccomp)",
        _FL + "seccomp",
    ),
    Rule(
        "FEAT-APPARMOR",
        "warning",
        "`process.apparmorProfile` on a runtime without AppArmor support: the profile is not applied",
        _FL + "apparmor",
    ),
    Rule("FEAT-SELINUX", "error", "an SELinux label on a runtime without SELinux support", _FL + "selinux"),
    Rule("FEAT-INTELRDT", "error", "`linux.intelRdt` on a runtime without Intel RDT support", _FL + "intel-rdt"),
    Rule(
        "FEAT-INTELRDT-SCHEMATA",
        "error",
        "`linux.intelRdt.schemata` on a runtime that does not support it",
        _FL + "intel-rdt",
    ),
    Rule(
        "FEAT-INTELRDT-MONITORING",
        "error",
        "`linux.intelRdt.enableMonitoring` on a runtime that does not support it",
        _FL + "intel-rdt",
    ),
    Rule(
        "FEAT-MEMORY-POLICY-MODE",
        "error",
        "a memory policy mode the runtime does not list in `memoryPolicy.modes`",
        _FL + "memorypolicy",
    ),
    Rule(
        "FEAT-MEMORY-POLICY-FLAG",
        "error",
        "a memory policy flag the runtime does not list in `memoryPolicy.flags`",
        _FL + "memorypolicy",
    ),
    Rule(
        "FEAT-NETDEVICES",
        "error",
        "`linux.netDevices` on a runtime that cannot move network devices",
        _FL + "netdevices",
    ),
    Rule(
        "FEAT-UNSAFE-ANNOTATION",
        "warning",
        "an annotation the runtime lists in `potentiallyUnsafeConfigAnnotations` (a value ending in '.' is a prefix)",
        _F + "unsafe-annotations-in-configjson",
    ),
    Rule(
        "FEAT-UNKNOWN",
        "info",
        "the config uses something the features document does not describe: whether the runtime supports it is unknown",
        _F + "features-structure",
    ),
)


def catalog(profile: str) -> Catalog:
    """The rules of one features profile."""
    return Catalog(profile, RULES)
