"""The Kubernetes gate built from the settings, shared by the HTTP service and `specgate kube`: node model, policy."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from app.config import Settings
from app.core.kube import NodeModel, judge_object
from app.core.kube.admission import Gate, PodFindingLike
from app.core.kube.policy import Policy, build_policy
from app.core.policy_file import Policy as PolicyFile


def node_model(settings: Settings) -> NodeModel:
    """What the translation assumes about the node (SPECGATE_CRI, SPECGATE_CRI_SELINUX, SPECGATE_POD_ANNOTATIONS)."""
    return NodeModel(cri=settings.cri, selinux=settings.cri_selinux, pod_annotations=tuple(settings.pod_annotations))


def policy(settings: Settings) -> Policy:
    """The admission policy (SPECGATE_RUNTIME_CLASSES, _POLICY_ACTION, _EXEMPT_NAMESPACES, ...).

    Raises:
        UnknownProfile, BadArgument: the settings name a profile or an action that does not exist.
    """
    return build_policy(
        runtime_classes=settings.runtime_classes,
        default_profile=settings.default_runtime_profile,
        action=settings.policy_action,
        exempt_namespaces=settings.exempt_namespaces,
        skip_annotation=settings.skip_annotation,
        allow_existing=settings.allow_existing_violations,
    )


def _judge(
    node: NodeModel, platform: str, rules_file: PolicyFile | None, obj: dict[str, Any], profile: str
) -> Sequence[PodFindingLike]:
    return judge_object(obj, profile=profile, node=node, platform=platform, policy=rules_file).all_findings()


def build_gate(settings: Settings, rules_file: PolicyFile | None = None) -> Gate:
    """The gate POST /admission decides with; fails at start, not per request, on unusable settings.

    `rules_file` is the policy file (SPECGATE_POLICY) that shapes every report of the service: admission applies
    it as /validate does, with overrides scoped to namespaces matched against the object's namespace.
    """
    rules = policy(settings)
    return Gate(rules, partial(_judge, node_model(settings), rules.platform, rules_file))
