"""What the Pod-to-OCI translation assumes about the node: the CRI runtime, its settings, the kubelet's, the images.

A config.json is the output of two programs (the kubelet, then containerd or CRI-O) plus what the node and the image
hold. Everything the Pod does not say is decided here, explicitly, so that a verdict can be traced to an assumption.
The defaults describe a stock node: containerd 2.x with its default CRI config (`enable_selinux = false`,
`enable_unprivileged_ports/icmp = true`, no `base_runtime_spec`), the gVisor runtime handler configured as gVisor's
containerd guide says (`pod_annotations = ["dev.gvisor.*"]`), a kubelet with the systemd cgroup driver on cgroup v2,
`seccompDefault: false`, `failSwapOn` (no swap) and the 2MB/1GB huge page sizes of an x86-64 machine.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

CONTAINERD_CAPS: tuple[str, ...] = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
    "CAP_AUDIT_WRITE",
)  # fmt: skip
"""containerd pkg/oci/spec.go defaultUnixCaps: bounding, effective and permitted (no inheritable, no ambient)."""

CRIO_CAPS: tuple[str, ...] = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_KILL",
)  # fmt: skip
"""CRI-O internal/config/capabilities capabilities.Default() (`default_capabilities`): no NET_RAW, SYS_CHROOT,
MKNOD, AUDIT_WRITE or SETFCAP."""

ALL_CAPS: tuple[str, ...] = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
)  # fmt: skip
"""cap.Current() of the CRI runtime on a 5.9+ kernel: what `privileged` and `add: [ALL]` give (41 caps)."""


def _frozen(value: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class ImageConfig:
    """What containerd reads from an image: its OCI config and its /etc/passwd and /etc/group.

    An image the node model does not know is `ImageConfig()`: no entrypoint, no environment, no user, so the
    Pod's `command`/`args` alone make `process.args` and the user is root unless the Pod says otherwise.
    """

    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    working_dir: str = ""
    user: str = ""
    """The image's `User` (`uid`, `uid:gid`, `name` ...), used when the Pod sets no runAsUser."""
    passwd: tuple[tuple[str, int, int], ...] = ()
    """/etc/passwd of the image: (name, uid, gid)."""
    groups: tuple[tuple[str, int, tuple[str, ...]], ...] = ()
    """/etc/group of the image: (name, gid, member names); a user's supplementary groups come from here."""
    volumes: tuple[str, ...] = ()
    """The image's `Volumes` (containerd gives each an anonymous directory unless the Pod mounts there)."""


@dataclass(frozen=True)
class DeviceAllocation:
    """What a device plugin's Allocate answers for a container that requests its extended resource.

    The kubelet passes the answer on as CRI devices, environment and mounts; the CRI runtime turns each device into
    a `linux.devices` entry and an `allow` cgroup rule with the given permissions.
    """

    devices: tuple[Mapping[str, Any], ...] = ()
    """`linux.devices` entries as the runtime reads them from the host (path, type, major, minor, fileMode, uid,
    gid), each with the CRI `permissions` ("rw", "rwm")."""
    env: tuple[str, ...] = ()
    """KEY=value pairs, set before the container's own environment."""
    mounts: tuple[tuple[str, str, bool], ...] = ()
    """(container path, host path, read-only)."""


@dataclass(frozen=True)
class NodeModel:
    """The node a Pod is translated for: CRI flavour and settings, kubelet settings, kernel and images.

    Every field is an assumption the verdict depends on; change one to see what another node would do.
    """

    cri: Literal["containerd", "cri-o"] = "containerd"
    """Which CRI runtime writes the config.json (containerd 2.x, the default, or CRI-O)."""
    selinux: bool = False
    """The CRI runtime labels containers (containerd `enable_selinux`, off by default; CRI-O `selinux`, on on
    Fedora/RHEL/OpenShift). False: `seLinuxOptions` are dropped; True: every container gets a label."""
    pod_annotations: tuple[str, ...] = ("dev.gvisor.*",)
    """Runtime handler `pod_annotations`: Pod annotations matching these globs are copied into every spec of the Pod
    (gVisor's containerd guide sets `dev.gvisor.*`)."""
    container_annotations: tuple[str, ...] = ()
    """Runtime handler `container_annotations` (kubelet passes none of the Pod's annotations per container)."""
    apparmor: bool = True
    """The kernel has AppArmor (Ubuntu, Debian): unset/RuntimeDefault gives containerd's `cri-containerd.apparmor.d`.
    False: no profile by default, and asking for one fails container creation."""
    seccomp_default: bool = False
    """kubelet `seccompDefault`: RuntimeDefault instead of Unconfined for a Pod that names no seccomp profile."""
    cgroup_driver: Literal["systemd", "cgroupfs"] = "systemd"
    cgroup_version: Literal[1, 2] = 2
    swap_controller: bool = True
    """The memory swap controller exists: containerd sets `memory.swap` equal to the limit."""
    memory_capacity: int = 16_777_216_000
    """Node memory in bytes as cAdvisor reports it (a "16 GB" VM): decides a burstable container's oomScoreAdj."""
    hugepage_sizes: tuple[str, ...] = ("2MB", "1GB")
    """Huge page sizes the kernel supports: the kubelet sends a limit (0 unless requested) for each."""
    oci_version: str = "1.2.1"
    """`ociVersion` the runtime writes (containerd 2.0/2.1: 1.2.1; containerd 1.7: 1.1.0; CRI-O: 1.0.2-dev)."""
    pause_image: str = "registry.k8s.io/pause:3.10"
    kubelet_root: str = "/var/lib/kubelet"
    containerd_root: str = "/var/lib/containerd/io.containerd.grpc.v1.cri"
    containerd_state: str = "/run/containerd/io.containerd.grpc.v1.cri"
    crio_run: str = "/run/containers/storage/overlay-containers"
    crio_storage: str = "/var/lib/containers/storage/overlay"
    all_caps: tuple[str, ...] = ALL_CAPS
    """cap.Current() of the CRI runtime: the set `privileged` and `add: [ALL]` give."""
    crio_default_caps: tuple[str, ...] = CRIO_CAPS
    """CRI-O `default_capabilities`."""
    crio_default_ulimits: tuple[tuple[str, int, int], ...] = ()
    """CRI-O `default_ulimits` as (type, hard, soft), e.g. ("RLIMIT_NOFILE", 1048576, 1048576)."""
    crio_pids_limit: int = 0
    """CRI-O `pids_limit` (0: none)."""
    unprivileged_ports: bool = True
    """containerd `enable_unprivileged_ports`: the sandbox gets net.ipv4.ip_unprivileged_port_start=0."""
    unprivileged_icmp: bool = True
    """containerd `enable_unprivileged_icmp`: the sandbox gets net.ipv4.ping_group_range="0 2147483647"."""
    privileged_without_host_devices: bool = False
    """Runtime handler `privileged_without_host_devices`: privileged containers get no host devices."""
    recursive_read_only: bool = True
    """The runtime handler reports recursive read-only mount support (needed for `recursiveReadOnly`)."""
    node_name: str = "node-1"
    """The node's host name (the pod hostname with hostNetwork)."""
    cluster_domain: str = "cluster.local"
    """kubelet `clusterDomain` (the FQDN of a Pod with setHostnameAsFQDN)."""
    cluster_service_host: str = "10.96.0.1"
    cluster_service_port: int = 443
    """The `kubernetes` Service the kubelet advertises in every container's environment."""
    runtime_handlers: Mapping[str, str] = field(
        default_factory=lambda: _frozen({"gvisor": "runsc"}), hash=False, compare=False
    )
    """RuntimeClass name -> CRI runtime handler (gVisor's docs: RuntimeClass `gvisor` has handler `runsc`); a class not
    listed has a handler of the same name."""
    host_devices: tuple[Mapping[str, Any], ...] = field(default=(), hash=False)
    """The host's /dev nodes as OCI `linux.devices` entries: what a privileged container gets (oci.WithHostDevices)."""
    device_plugins: Mapping[str, DeviceAllocation] = field(default_factory=_frozen, hash=False, compare=False)
    """Device plugin answers by extended resource name (e.g. `nvidia.com/gpu`), for containers whose limits ask
    for that resource."""
    seccomp_profiles: Mapping[str, Any] = field(default_factory=_frozen, hash=False, compare=False)
    """Localhost seccomp profiles by `localhostProfile` (relative to the kubelet's seccomp root)."""
    images: Mapping[str, ImageConfig] = field(default_factory=_frozen, hash=False, compare=False)
    """Image configs by image reference as the Pod writes it."""

    def image(self, ref: str) -> ImageConfig:
        """The image's config, or an empty one for an image the model does not know."""
        return self.images.get(ref) or ImageConfig()

    def handler(self, runtime_class: str | None) -> str:
        """The CRI runtime handler of a RuntimeClass ("" for the default runtime)."""
        if not runtime_class:
            return ""
        return self.runtime_handlers.get(runtime_class, runtime_class)

    def passes_pod_annotation(self, key: str) -> bool:
        """Whether the runtime copies a Pod annotation into the specs (containerd GetPassthroughAnnotations)."""
        return go_glob(self.pod_annotations, key)


def go_glob(patterns: tuple[str, ...], key: str) -> bool:
    """Go's filepath.Match over a list of patterns: `*` and `?` never match a `/`."""
    parts = key.split("/")
    for pattern in patterns:
        pieces = pattern.split("/")
        if len(pieces) == len(parts) and all(fnmatch.fnmatchcase(k, p) for k, p in zip(parts, pieces, strict=True)):
            return True
    return False
