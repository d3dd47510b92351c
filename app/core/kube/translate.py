"""Pod to OCI: the config.json a node writes for every container of a Pod (or of a workload's Pod template).

Two hops, as on a node: the kubelet turns the Pod into CRI configs (`kubelet.py`), then the CRI runtime turns each
into a config.json (`containerd.py`, `crio.py`). What neither the Pod nor the CRI says comes from the `NodeModel`
(runtime settings, images) and the `PodState` (ids and pids, derived reproducibly when not given).

Each translated container keeps a provenance map from config.json pointers to pointers into the submitted object,
so a finding on `/process/selinuxLabel` can be reported against `/spec/containers/1/securityContext/seLinuxOptions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.kube import containerd, crio, kubelet, shape
from app.core.kube.cri_config import ContainerKind, Note
from app.core.kube.identity import PodIdentity, PodState
from app.core.kube.node import NodeModel
from app.core.kube.oci import Provenance
from app.core.kube.workloads import PodSource, find_pod


@dataclass(frozen=True, slots=True)
class TranslatedContainer:
    """One config.json of the Pod, with where its values came from."""

    kind: ContainerKind
    """sandbox (the pause container), initContainer, container or ephemeralContainer."""
    name: str
    """The container's name ("POD" for the sandbox, as the kubelet and CRI-O call it)."""
    index: int
    """Index in its list of the Pod spec (0 for the sandbox)."""
    pointer: str
    """JSON Pointer of the container in the submitted object (the Pod spec's for the sandbox)."""
    config: dict[str, Any]
    """The config.json document."""
    provenance: Mapping[str, str] = field(default_factory=dict)
    """config.json pointer -> pointer into the submitted object; look up with `source`."""
    notes: tuple[Note, ...] = ()
    """What the translation assumed or dropped for this container (becomes findings when judged)."""

    def source(self, path: str) -> str:
        """The Pod field a config.json pointer came from: the longest mapped prefix, else the container itself."""
        probe = path
        while True:
            found = self.provenance.get(probe)
            if found is not None:
                return found
            if not probe:
                return self.pointer
            probe = probe[: probe.rfind("/")]


@dataclass(frozen=True, slots=True)
class Translation:
    """Every config.json of one Pod: the sandbox first, then init, app and ephemeral containers."""

    pod: PodSource
    node: NodeModel
    identity: PodIdentity
    runtime_handler: str
    """The CRI runtime handler of the Pod's RuntimeClass ("" for the default runtime)."""
    containers: tuple[TranslatedContainer, ...]

    @property
    def runtime_class_name(self) -> str | None:
        return self.pod.runtime_class_name


def translate(obj: Any, node: NodeModel | None = None, *, state: PodState | None = None) -> Translation:
    """The config.json documents the node would write for the Pod in `obj`.

    Args:
        obj: a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob or
            PodTemplate, already parsed.
        node: what the node runs and holds (CRI flavour, settings, images); `NodeModel()` by default.
        state: runtime values (ids, pids) to use instead of the derived ones.

    Raises:
        WorkloadError: the object carries no Pod, or its Pod spec has the wrong shape.
    """
    node = node or NodeModel()
    source = find_pod(obj)
    shape.check(source.metadata, shape.POD_METADATA, source.metadata_pointer)
    shape.check(source.spec, shape.POD_SPEC, source.spec_pointer)
    identity = PodIdentity.of(source.name, source.namespace, source.uid, state or PodState())
    qos = kubelet.qos_of(source)
    cris = kubelet.containers(node, source, identity, qos)
    sandbox = kubelet.sandbox(node, source, identity, cris)
    flavour = crio if node.cri == "cri-o" else containerd
    out: list[TranslatedContainer] = []
    prov = Provenance()
    config = flavour.sandbox_spec(node, identity, sandbox, prov)
    out.append(TranslatedContainer("sandbox", "POD", 0, source.spec_pointer, config, prov.map, tuple(sandbox.notes)))
    for c in cris:
        prov = Provenance()
        config = flavour.container_spec(node, identity, sandbox, c, prov)
        out.append(TranslatedContainer(c.kind, c.name, c.index, c.pointer, config, prov.map, tuple(c.notes)))
    return Translation(
        pod=source,
        node=node,
        identity=identity,
        runtime_handler=sandbox.runtime_handler,
        containers=tuple(out),
    )
