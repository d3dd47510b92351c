"""The findings the Pod-to-OCI translation itself reports (what it had to assume, drop, or knows will fail)."""

from __future__ import annotations

from app.models import RuleInfo

KUBE_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        id="KUBE-SELINUX-DROPPED",
        profile="*",
        severity="warning",
        summary="seLinuxOptions are dropped on this node (the CRI runtime does not label); an SELinux-labelling node "
        "would write a process label, which runsc refuses",
        reference="containerd internal/cri/server/container_create.go (enable_selinux); runsc specutils ValidateSpec",
    ),
    RuleInfo(
        id="KUBE-SECCOMP-LOCALHOST",
        profile="*",
        severity="warning",
        summary="a Localhost seccomp profile lives on the node and was not judged",
        reference="containerd internal/cri/sputil/seccomp_linux.go",
    ),
    RuleInfo(
        id="KUBE-APPARMOR-UNSUPPORTED",
        profile="*",
        severity="error",
        summary="an AppArmor profile is requested on a node without AppArmor: container creation fails",
        reference="containerd internal/cri/sputil/apparmor_linux.go (apparmor is not supported)",
    ),
    RuleInfo(
        id="KUBE-USER-UNKNOWN",
        profile="*",
        severity="error",
        summary="the user or group is not in the image's /etc/passwd or /etc/group: container creation fails",
        reference="containerd pkg/oci/spec_opts.go WithUser",
    ),
    RuleInfo(
        id="KUBE-USER-GROUP-WITHOUT-USER",
        profile="*",
        severity="error",
        summary="runAsGroup without any user: container creation fails (user group is specified without user)",
        reference="containerd internal/cri/util GenerateUserString",
    ),
    RuleInfo(
        id="KUBE-VOLUME-MISSING",
        profile="*",
        severity="error",
        summary="a volumeMount names a volume the Pod does not have",
        reference="kubelet pkg/kubelet/kubelet_pods.go makeMounts",
    ),
    RuleInfo(
        id="KUBE-VOLUME-UNMODELLED",
        profile="*",
        severity="info",
        summary="a volume type whose host path the translation does not model exactly",
        reference="kubelet pkg/kubelet/kubelet_pods.go makeMounts",
    ),
    RuleInfo(
        id="KUBE-IMAGE-UNKNOWN",
        profile="*",
        severity="info",
        summary="the image's config (entrypoint, user, environment) is not in the node model",
        reference="containerd internal/cri/opts/spec_opts.go WithProcessArgs",
    ),
    RuleInfo(
        id="KUBE-POD-INVALID",
        profile="*",
        severity="error",
        summary="a Pod field has a value the kubelet or the CRI runtime rejects",
        reference="kubelet pkg/kubelet/kuberuntime",
    ),
)
"""Rule ids of translation findings (their `path` is "" and their `pod_path` names the Pod field)."""

KUBE_RULE_IDS = frozenset(rule.id for rule in KUBE_RULES)
