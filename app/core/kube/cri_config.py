"""The CRI messages the kubelet sends (PodSandboxConfig, ContainerConfig), as the translation carries them between
its two hops, each value with the pointer of the Pod field it came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.core.kube.resources import CriResources, QoS

ContainerKind = Literal["sandbox", "initContainer", "container", "ephemeralContainer"]
Propagation = Literal["private", "host_to_container", "bidirectional"]

MASKED_PATHS = (
    "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
)  # fmt: skip
"""securitycontext.defaultMaskedPaths (procMount Default)."""
READONLY_PATHS = ("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")


@dataclass(frozen=True, slots=True)
class Note:
    """Something the translation had to assume or drop, reported as a finding on the container."""

    rule: str
    severity: Literal["error", "warning", "info"]
    pod_path: str
    message: str


@dataclass
class CriMount:
    container_path: str
    host_path: str
    readonly: bool = False
    recursive_readonly: bool = False
    propagation: Propagation = "private"
    id_mapped: bool = False
    src: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    """Pointers of the Pod fields behind parts of the bind: `source`, `propagation`, `mode` (ro/rw/rro)."""


@dataclass
class Profile:
    """A seccomp or AppArmor choice: RuntimeDefault, Unconfined or Localhost (with its name)."""

    type: str
    localhost: str = ""
    src: str = ""


@dataclass
class CriContainer:
    """A ContainerConfig (plus the bits of the sandbox config containerd reads) with the Pod pointer of each value."""

    kind: ContainerKind
    name: str
    index: int
    pointer: str
    image: str = ""
    command: list[str] | None = None
    args: list[str] | None = None
    env: list[tuple[str, str, str]] = field(default_factory=list)
    working_dir: str = ""
    tty: bool = False
    stdin: bool = False
    mounts: list[CriMount] = field(default_factory=list)
    privileged: bool = False
    caps_given: bool = False
    caps_add: list[tuple[str, str]] = field(default_factory=list)
    caps_drop: list[tuple[str, str]] = field(default_factory=list)
    run_as_user: int | None = None
    run_as_group: int | None = None
    supplemental_groups: list[int] = field(default_factory=list)
    strict_groups: bool = False
    no_new_privs: bool = False
    readonly_rootfs: bool = False
    masked_paths: tuple[str, ...] = MASKED_PATHS
    readonly_paths: tuple[str, ...] = READONLY_PATHS
    selinux: dict[str, Any] | None = None
    seccomp: Profile | None = None
    apparmor: Profile | None = None
    pid_mode: Literal["container", "pod", "node", "target"] = "container"
    target: str = ""
    resources: CriResources = field(default_factory=CriResources)
    devices: list[tuple[Mapping[str, Any], str]] = field(default_factory=list)
    """Device plugin devices with the pointer of the resource limit that asked for them."""
    src: dict[str, str] = field(default_factory=dict)
    """Pod pointer by CRI field name (privileged, run_as_user, no_new_privs, ...)."""
    notes: list[Note] = field(default_factory=list)


@dataclass
class CriSandbox:
    """A PodSandboxConfig with the Pod pointer of each value."""

    pointer: str
    hostname: str
    host_network: bool = False
    host_pid: bool = False
    host_ipc: bool = False
    userns: bool = False
    sysctls: dict[str, str] = field(default_factory=dict)
    privileged: bool = False
    run_as_user: int | None = None
    run_as_group: int | None = None
    supplemental_groups: list[int] = field(default_factory=list)
    selinux: dict[str, Any] | None = None
    seccomp: Profile | None = None
    qos: QoS = "besteffort"
    cgroup_parent: str = ""
    resources: CriResources = field(default_factory=CriResources)
    annotations: dict[str, str] = field(default_factory=dict)
    runtime_handler: str = ""
    src: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
