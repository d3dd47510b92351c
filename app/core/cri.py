"""The CRI annotations containerd and CRI-O put on specs of Kubernetes pods."""

from __future__ import annotations

CONTAINERD_CONTAINER_TYPE = "io.kubernetes.cri.container-type"
CONTAINERD_SANDBOX_ID = "io.kubernetes.cri.sandbox-id"
CONTAINERD_CONTAINER_NAME = "io.kubernetes.cri.container-name"
CRIO_CONTAINER_TYPE = "io.kubernetes.cri-o.ContainerType"
CRIO_SANDBOX_ID = "io.kubernetes.cri-o.SandboxID"

TYPE_SANDBOX = "sandbox"
TYPE_CONTAINER = "container"
