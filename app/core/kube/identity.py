"""The runtime values no Pod states (ids, pids, namespace paths, the user-namespace range), made reproducible.

containerd picks random 64-hex ids, the kernel picks the pause process's pid, CNI names the netns, the kubelet picks
the user-namespace range. A translation must not be random, so each value is either given (`PodState`, e.g. to
reproduce a config.json taken from a node) or derived from the Pod's namespace, name and uid by hashing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def hexid(seed: str) -> str:
    """A 64-hex container or sandbox id derived from `seed` (sha256)."""
    return hashlib.sha256(seed.encode()).hexdigest()


def derived_uid(seed: str) -> str:
    """A UUID (version 5) derived from `seed`, for Pods that have no metadata.uid yet (workload templates)."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, seed + ".pods.example.internal"))


def _number(seed: str, low: int, span: int) -> int:
    return low + int(hexid(seed)[:8], 16) % span


@dataclass(frozen=True)
class PodState:
    """Runtime values of one Pod; each one left unset is derived from the Pod's identity."""

    uid: str | None = None
    """metadata.uid (a Pod submitted for CREATE already has one; templates do not)."""
    sandbox_id: str | None = None
    pause_pid: int | None = None
    """The pid of the sandbox's pause process, which app containers join through /proc/<pid>/ns/*."""
    netns: str | None = None
    """The CNI network namespace path of the sandbox."""
    userns_host_id: int | None = None
    """First host id of the 65536-id range the kubelet gives a hostUsers:false Pod."""
    container_ids: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    """Container id by container name."""
    container_pids: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    """pid of a running container by name: an ephemeral container with targetContainerName joins its pid namespace."""
    volume_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    """PersistentVolume name by claim name (a PVC volume is mounted from the PV's directory)."""
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    """CRI-O values: `created` (RFC 3339), `ip`, `config_seen`, `image_refs` {image: id}, `layer` {container: id}."""


@dataclass(frozen=True, slots=True)
class PodIdentity:
    """The resolved runtime values of one Pod."""

    name: str
    namespace: str
    uid: str
    sandbox_id: str
    pause_pid: int
    netns: str
    userns_host_id: int
    state: PodState

    @classmethod
    def of(cls, name: str, namespace: str, uid: str | None, state: PodState) -> PodIdentity:
        uid = state.uid or uid or derived_uid(f"{namespace}/{name}")
        sandbox_id = state.sandbox_id or hexid(f"sandbox/{namespace}/{name}")
        return cls(
            name=name,
            namespace=namespace,
            uid=uid,
            sandbox_id=sandbox_id,
            pause_pid=state.pause_pid or _number(f"pid/{sandbox_id}", 1000, 60000),
            netns=state.netns or f"/var/run/netns/cni-{derived_uid(name + '/netns')}",
            userns_host_id=state.userns_host_id or 65536 * _number(f"userns/{uid}", 1, 32767),
            state=state,
        )

    def container_id(self, name: str, *, flavour: str = "containerd") -> str:
        given = self.state.container_ids.get(name)
        if given:
            return given
        prefix = "crio" if flavour == "cri-o" else "container"
        return hexid(f"{prefix}/{self.namespace}/{self.name}/{name}")

    def container_pid(self, name: str) -> int:
        return self.state.container_pids.get(name) or _number(f"pid/{self.container_id(name)}", 1000, 60000)

    def volume_name(self, claim: str) -> str:
        return self.state.volume_names.get(claim) or f"pvc-{derived_uid(f'{self.namespace}/{claim}/pv')}"
