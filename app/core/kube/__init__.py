"""Kubernetes: the config.json documents a node writes for a Pod, and their verdicts in Pod terms.

`translate` models the kubelet and the CRI runtime (containerd 2.x, or CRI-O) on a node described by `NodeModel`;
`judge_object` validates every translated document and points each finding at the Pod field it came from.
"""

from __future__ import annotations

from app.core.kube.cri_config import ContainerKind, Note
from app.core.kube.identity import PodIdentity, PodState
from app.core.kube.judge import judge_object, verdict_of
from app.core.kube.node import DeviceAllocation, ImageConfig, NodeModel
from app.core.kube.rules import KUBE_RULE_IDS, KUBE_RULES
from app.core.kube.translate import TranslatedContainer, Translation, translate
from app.core.kube.workloads import POD_KINDS, PodSource, find_pod

__all__ = [
    "ContainerKind",
    "DeviceAllocation",
    "find_pod",
    "ImageConfig",
    "judge_object",
    "KUBE_RULE_IDS",
    "KUBE_RULES",
    "NodeModel",
    "Note",
    "POD_KINDS",
    "PodIdentity",
    "PodSource",
    "PodState",
    "translate",
    "TranslatedContainer",
    "Translation",
    "verdict_of",
]
