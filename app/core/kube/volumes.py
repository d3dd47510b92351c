"""Volumes as the kubelet mounts them: host paths under /var/lib/kubelet, subPath, read-only volumes, propagation,
recursive read-only, /etc/hosts and the termination log (`pkg/kubelet/kubelet_pods.go` makeMounts,
`kuberuntime_container.go` makeMounts)."""

from __future__ import annotations

import posixpath
from typing import Any

from app.core.errors import WorkloadError
from app.core.kube.cri_config import CriContainer, CriMount, Note, Propagation
from app.core.kube.identity import PodIdentity
from app.core.kube.node import NodeModel
from app.core.kube.workloads import PodSource
from app.core.pointer import join

VOLUME_PLUGINS = {
    "emptyDir": "empty-dir",
    "configMap": "configmap",
    "secret": "secret",
    "projected": "projected",
    "downwardAPI": "downward-api",
    "csi": "csi",
    "nfs": "nfs",
    "iscsi": "iscsi",
    "fc": "fc",
    "cephfs": "cephfs",
    "rbd": "rbd",
    "azureFile": "azure-file",
    "glusterfs": "glusterfs",
    "gitRepo": "git-repo",
}
"""Pod volume source -> kubelet plugin directory (`kubernetes.io~<plugin>`)."""
ALWAYS_READ_ONLY = {"configMap", "secret", "projected", "downwardAPI"}
"""Atomic-writer volumes are mounted read-only whatever the Pod says (CVE-2017-1002102)."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _clean(path: str) -> str:
    return posixpath.normpath(path) if path else path


def _volume_host_path(
    node: NodeModel, pod: PodIdentity, volume: dict[str, Any], vptr: str, notes: list[Note]
) -> tuple[str, bool]:
    """Where the kubelet has a volume on the host, and whether the volume itself is read-only."""
    name = str(volume.get("name", ""))
    base = f"{node.kubelet_root}/pods/{pod.uid}/volumes"
    host_path = _dict(volume.get("hostPath"))
    if host_path:
        return _clean(str(host_path.get("path", ""))), False
    claim = _dict(volume.get("persistentVolumeClaim"))
    if claim:
        pv = pod.volume_name(str(claim.get("claimName", "")))
        return f"{base}/kubernetes.io~csi/{pv}/mount", claim.get("readOnly") is True
    if "ephemeral" in volume:
        pv = pod.volume_name(f"{pod.name}-{name}")
        return f"{base}/kubernetes.io~csi/{pv}/mount", False
    for key, plugin in VOLUME_PLUGINS.items():
        if key in volume:
            source = _dict(volume.get(key))
            path = f"{base}/kubernetes.io~{plugin}/{name}"
            if key == "csi":
                path += "/mount"
            return path, key in ALWAYS_READ_ONLY or source.get("readOnly") is True
    if "image" in volume:
        notes.append(Note("KUBE-VOLUME-UNMODELLED", "info", vptr, f"image volume {name!r} is not modelled"))
        return f"{base}/kubernetes.io~image/{name}", True
    kinds = [k for k in volume if k != "name"]
    notes.append(
        Note("KUBE-VOLUME-UNMODELLED", "info", vptr, f"volume {name!r} of type {kinds} mounted from its plugin dir")
    )
    plugin = kinds[0].lower() if kinds else "unknown"
    return f"{base}/kubernetes.io~{plugin}/{name}", False


PROPAGATION: dict[Any, Propagation] = {
    None: "private",
    "None": "private",
    "HostToContainer": "host_to_container",
    "Bidirectional": "bidirectional",
}


def mounts(node: NodeModel, pod: PodIdentity, source: PodSource, c: CriContainer, container: dict[str, Any]) -> None:
    """kubelet makeMounts: the volume mounts, then /etc/hosts, then the termination log."""
    volumes = source.volumes
    id_mapped = source.spec.get("hostUsers") is False
    mounts = container.get("volumeMounts") or []
    if not isinstance(mounts, list):
        raise WorkloadError(join(c.pointer, "volumeMounts"), "volumeMounts must be a list")
    for i, m in enumerate(mounts):
        mptr = join(c.pointer, "volumeMounts", i)
        if not isinstance(m, dict):
            raise WorkloadError(mptr, "a volumeMount must be an object")
        name = str(m.get("name", ""))
        if name not in volumes:
            c.notes.append(Note("KUBE-VOLUME-MISSING", "error", join(mptr, "name"), f"no volume named {name!r}"))
            continue
        volume, vptr = volumes[name]
        host, volume_ro = _volume_host_path(node, pod, volume, vptr, c.notes)
        if m.get("subPath") or m.get("subPathExpr"):
            host = f"{node.kubelet_root}/pods/{pod.uid}/volume-subpaths/{name}/{c.name}/{i}"
        readonly = m.get("readOnly") is True or volume_ro
        rro = m.get("recursiveReadOnly")
        propagation = PROPAGATION.get(m.get("mountPropagation"), "private")
        if m.get("mountPropagation") not in PROPAGATION:
            c.notes.append(
                Note("KUBE-POD-INVALID", "error", join(mptr, "mountPropagation"), "unknown mountPropagation")
            )
        recursive = rro == "Enabled" or (
            rro == "IfPossible" and node.recursive_read_only and readonly and propagation == "private"
        )
        if rro == "Enabled":
            # withMounts refuses these (the API server too): the container is never created.
            if not readonly:
                problem = "recursiveReadOnly: Enabled needs readOnly: true (conflicts with a read-write mount)"
            elif propagation != "private":
                problem = "recursiveReadOnly: Enabled needs mountPropagation None"
            elif not node.recursive_read_only:
                problem = "the runtime handler does not support recursive read-only mounts"
            else:
                problem = ""
            if problem:
                c.notes.append(Note("KUBE-POD-INVALID", "error", join(mptr, "recursiveReadOnly"), problem))
        fields = {"source": join(vptr, "hostPath", "path") if "hostPath" in volume else vptr}
        if m.get("mountPropagation") is not None:
            fields["propagation"] = join(mptr, "mountPropagation")
        for key in ("recursiveReadOnly", "readOnly"):
            if m.get(key) is not None:
                fields["mode"] = join(mptr, key)
                break
        c.mounts.append(
            CriMount(
                container_path=str(m.get("mountPath", "")),
                host_path=host,
                readonly=readonly,
                recursive_readonly=recursive,
                propagation=propagation,
                id_mapped=id_mapped,
                src=mptr,
                fields=fields,
            )
        )
    if c.kind != "sandbox" and not any(_clean(m.container_path) == "/etc/hosts" for m in c.mounts):
        # makeHostsMount: kubelet manages /etc/hosts (also with hostNetwork, from the node's file) for Linux pods.
        c.mounts.append(
            CriMount("/etc/hosts", f"{node.kubelet_root}/pods/{pod.uid}/etc-hosts", id_mapped=id_mapped, src=c.pointer)
        )
    path = container.get("terminationMessagePath", "/dev/termination-log")
    if isinstance(path, str) and path:
        cid = pod.container_id(c.name, flavour=node.cri)
        c.mounts.append(
            CriMount(
                path,
                f"{node.kubelet_root}/pods/{pod.uid}/containers/{c.name}/{cid[:8]}",
                id_mapped=id_mapped,
                src=join(c.pointer, "terminationMessagePath"),
            )
        )
