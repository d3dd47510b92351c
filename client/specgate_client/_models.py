"""The wire models of the specgate API, as the client receives them.

A mirror of the server's `app/models.py`: the client must install and import without the
server package, so it cannot import them from there. `tests/client/test_models.py` checks
that every model here has the JSON schema of the server's model of the same name (except
that the client ignores members it does not know, where the server forbids them).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "info"]
"""How bad a finding is: `error` means the runtime would refuse the spec (or the spec says MUST)."""

RuleScope = Literal["document", "bundle", "host"]
"""What a rule needs to be decided: the document alone, the bundle directory, or the host."""


class _Wire(BaseModel):
    # The server may add fields (the contract allows it); an older client keeps working and ignores them.
    model_config = ConfigDict(extra="ignore")


# One problem found in a document.
class Finding(_Wire):
    rule: str = Field(description="Stable rule identifier, listed by GET /rules.", examples=["RUNSC-SELINUX"])
    severity: Severity = Field(description="error, warning or info.")
    path: str = Field(
        description='RFC 6901 JSON Pointer into the submitted document ("" is the root).',
        examples=["/process/selinuxLabel"],
    )
    message: str = Field(description="What is wrong and what to do about it.")


# A finding on a config.json translated from a Kubernetes object, also said in Pod terms.
class PodFinding(Finding):
    pod_path: str | None = Field(
        default=None,
        description="RFC 6901 JSON Pointer into the submitted Kubernetes object: the field the value came from.",
        examples=["/spec/containers/1/securityContext/seLinuxOptions"],
    )
    container: str | None = Field(default=None, description='The container\'s name ("POD" for the sandbox).')
    container_kind: Literal["sandbox", "initContainer", "container", "ephemeralContainer"] | None = Field(
        default=None, description="Which list of the Pod the container is in; `sandbox` is the pause container."
    )


# Counts of findings by severity.
class Summary(_Wire):
    errors: int = 0
    warnings: int = 0
    infos: int = 0


# What the containerd / CRI-O annotations say about sandbox placement.
class SandboxInfo(_Wire):
    container_type: Literal["sandbox", "container"] | None = Field(
        default=None, description="The CRI container type from the annotations, if a valid one is set."
    )
    creates_sandbox: bool = Field(default=True, description="True when the runtime would create a new sandbox.")
    sandbox_id: str | None = Field(default=None, description="The sandbox to join, from the annotations.")


# One change a policy file made to a report.
class PolicyChange(_Wire):
    rule: str
    path: str
    was: Severity = Field(description="The severity the profile gave the finding.")
    now: Literal["error", "warning", "info", "off"] = Field(description="What the policy made of it (off: dropped).")


# Which policy shaped a report, and every finding it changed.
class PolicyEffect(_Wire):
    source: str = Field(description="The policy file (its name as the service or CLI was given it).")
    changed: list[PolicyChange]


# The verdict on one document.
class ValidationReport(_Wire):
    valid: bool = Field(description="True iff there is no finding of severity error.")
    profile: str
    platform: str = "linux"
    findings: list[Finding]
    summary: Summary
    sandbox: SandboxInfo
    policy: PolicyEffect | None = Field(
        default=None, description="The policy file applied to the report and what it changed; null without one."
    )


# A finding of a report that merges several profiles: which profile found it.
class ProfiledFinding(Finding):
    profile: str = Field(description="The profile whose rule this is.", examples=["oci"])


# The verdict of several profiles on one document (`?profile=A&profile=B`): valid only if no profile finds an error.
class MergedReport(ValidationReport):
    profiles: list[str] = Field(description="The profiles that judged the document, in the order they were asked.")
    findings: list[ProfiledFinding]  # type: ignore[assignment]  # each finding also names its profile


# One RFC 6902 operation.
class PatchOp(_Wire):
    op: Literal["add", "remove", "replace"]
    path: str
    value: Any = None


# A spec as the runtime sees it after ReadSpec, with the patch that produced it.
class NormalizeResult(_Wire):
    spec: dict[str, Any]
    patch: list[PatchOp]
    findings: list[Finding]


# One row of a profile's capability table.
class CapabilityInfo(_Wire):
    name: str = Field(examples=["CAP_CHOWN"])
    number: int = Field(examples=[0])


# Every capability a profile knows.
class CapabilityTable(_Wire):
    profile: str = "runsc"
    capabilities: list[CapabilityInfo]
    last_cap: int


# One capability set as names and as the 64-bit mask /proc/PID/status prints.
class CapabilitySet(_Wire):
    names: list[str] = Field(description="Canonical names of the set, ordered by capability number, no duplicates.")
    mask: str = Field(description="The set as 16 hex digits, e.g. 0x0000000000000021.", examples=["0x0000000000000021"])
    granted: list[str] = Field(
        default_factory=list,
        description="What the runtime actually gives the task with default flags (e.g. runsc drops CAP_NET_RAW).",
    )
    granted_mask: str = Field(default="0x0000000000000000", description="Mask of `granted`.")


# The five capability sets of a process.
class CapabilitiesResult(_Wire):
    profile: str = "runsc"
    bounding: CapabilitySet
    effective: CapabilitySet
    inheritable: CapabilitySet
    permitted: CapabilitySet
    ambient: CapabilitySet


# How a runtime would serve one entry of `mounts`.
class MountInfo(_Wire):
    index: int
    destination: str | None = None
    type: str | None = None
    source: str | None = None
    category: str = Field(description="Profile-specific category (runsc: gofer, erofs, sentry, skipped, invalid).")
    gofer: bool = Field(description="True when runsc serves the mount from the host through its gofer (Is9PMount).")
    reasons: list[str] = Field(default_factory=list)


# Every mount of a spec, classified.
class MountsResult(_Wire):
    profile: str = "runsc"
    mounts: list[MountInfo]


# One entry of the rule catalog.
class RuleInfo(_Wire):
    id: str
    profile: str
    severity: Severity
    summary: str
    reference: str = Field(description="Where the rule comes from: a spec section URL or a runtime source file.")
    scope: RuleScope = "document"
    checked: bool = Field(default=True, description="False for rules that need the host and are listed for reference.")
    enabled: bool = Field(default=True, description="False when the policy file in force turns the rule off.")
    catalog_severity: Severity | None = Field(
        default=None, description="The profile's own severity, when the policy file in force changes the rule."
    )
    policy: str | None = Field(default=None, description="What the policy file in force does to the rule, if anything.")


# The rule catalog.
class RulesList(_Wire):
    rules: list[RuleInfo]


# One profile the service judges with.
class ProfileInfo(_Wire):
    name: str = Field(examples=["features:runc-1.1"])
    title: str
    description: str
    source: str = Field(description="`built-in`, or the features document the profile was made from.")
    platforms: list[str]
    rules: int = Field(description="How many rules the profile has.")


# Every profile the service judges with.
class ProfilesList(_Wire):
    profiles: list[ProfileInfo]


# A runtime features document (runtime-spec features.md): what a runtime, or a profile, recognizes.
class RuntimeFeatures(BaseModel):
    # Members of newer runtime-spec releases (memoryPolicy, ...) are kept as they are.
    model_config = ConfigDict(extra="allow")

    ociVersionMin: str = Field(examples=["1.0.0"])
    ociVersionMax: str = Field(examples=["1.2.1"])
    hooks: list[str] | None = None
    mountOptions: list[str] | None = None
    linux: dict[str, Any] | None = Field(default=None, description="Namespaces, capabilities, cgroup, seccomp, ...")
    annotations: dict[str, str] | None = None
    potentiallyUnsafeConfigAnnotations: list[str] | None = None


# One problem in a malformed request.
class ProblemError(_Wire):
    path: str
    message: str


# RFC 9457 problem details.
class Problem(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemError] | None = None


# Liveness / readiness answer.
class Health(_Wire):
    status: Literal["ok", "ready", "not ready", "shutting down"] = "ok"
    profiles: list[str] = Field(default_factory=list)


# The verdict on one translated container of a Kubernetes object.
class ContainerVerdict(_Wire):
    kind: Literal["sandbox", "initContainer", "container", "ephemeralContainer"]
    name: str = Field(description='The container\'s name ("POD" for the sandbox).')
    index: int = Field(description="Index in its list of the Pod spec (0 for the sandbox).")
    pointer: str = Field(description="JSON Pointer of the container in the submitted object.")
    valid: bool = Field(description="True iff there is no finding of severity error.")
    findings: list[PodFinding]
    summary: Summary
    sandbox: SandboxInfo


# The verdict on a Kubernetes object: every config.json its Pod becomes, judged by one profile.
class ObjectVerdict(_Wire):
    valid: bool = Field(description="True iff no container has a finding of severity error.")
    kind: str = Field(description="The submitted object's kind.", examples=["Deployment"])
    name: str = Field(description="The Pod's name (the workload's for a template).")
    namespace: str
    pod_pointer: str = Field(description="JSON Pointer of the Pod spec in the submitted object.", examples=["/spec"])
    runtime_class_name: str | None = None
    runtime_handler: str = Field(default="", description="The CRI runtime handler of the RuntimeClass.")
    cri: Literal["containerd", "cri-o"] = "containerd"
    profile: str
    platform: str = "linux"
    containers: list[ContainerVerdict]
    summary: Summary

    def all_findings(self) -> list[PodFinding]:
        """Every finding of every container, containers in Pod order."""
        return [f for c in self.containers for f in c.findings]


# --- Kubernetes admission (admission.k8s.io/v1 and v1beta1), from k8s.io/api/admission/v1/types.go ---------------
# Requests keep members they do not know (newer apiservers add fields); so does the server's model.

AdmissionApiVersion = Literal["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]
AdmissionOperation = Literal["CREATE", "UPDATE", "DELETE", "CONNECT"]


class _Lenient(BaseModel):
    # Unknown members are kept (newer apiservers add fields); known ones have exactly their JSON type (no 0 for false).
    model_config = ConfigDict(extra="allow", strict=True)


# metav1.GroupVersionKind.
class GroupVersionKind(_Lenient):
    group: str = ""
    version: str = ""
    kind: str = ""


# metav1.GroupVersionResource.
class GroupVersionResource(_Lenient):
    group: str = ""
    version: str = ""
    resource: str = ""


# authenticationv1.UserInfo: who made the request.
class AdmissionUserInfo(_Lenient):
    username: str | None = None
    uid: str | None = None
    groups: list[str] | None = None
    extra: dict[str, list[str]] | None = None


# What the apiserver asks about: one operation on one object.
class AdmissionRequest(_Lenient):
    uid: str = Field(min_length=1, description="Identifies this round trip; echoed in `response.uid`.")
    kind: GroupVersionKind | None = Field(default=None, description="The kind of `object`, e.g. {'', v1, Pod}.")
    resource: GroupVersionResource | None = None
    subResource: str | None = Field(default=None, description="e.g. `ephemeralcontainers`, `status`, `scale`.")
    requestKind: GroupVersionKind | None = None
    requestResource: GroupVersionResource | None = None
    requestSubResource: str | None = None
    name: str | None = None
    namespace: str | None = None
    operation: AdmissionOperation
    userInfo: AdmissionUserInfo | None = None
    object: dict[str, Any] | None = Field(default=None, description="The new object; null on DELETE and CONNECT.")
    oldObject: dict[str, Any] | None = Field(default=None, description="The object before UPDATE or DELETE.")
    dryRun: bool | None = Field(default=None, description="True when nothing will be persisted.")
    options: dict[str, Any] | None = None


# The AdmissionReview the apiserver POSTs.
class AdmissionReviewRequest(_Lenient):
    apiVersion: AdmissionApiVersion
    kind: Literal["AdmissionReview"]
    request: AdmissionRequest


# metav1.Status, as a webhook fills it in when it denies.
class AdmissionStatus(_Wire):
    status: Literal["Failure"] = "Failure"
    code: int = Field(description="403 for a refused object.", examples=[403])
    reason: str = Field(default="Forbidden", description="A machine-readable reason (metav1.StatusReason).")
    message: str = Field(description="What is refused and what to change; kubectl shows it to the user.")


# The webhook's answer.
class AdmissionResponse(_Wire):
    uid: str = Field(description="`request.uid`, echoed.")
    allowed: bool
    status: AdmissionStatus | None = Field(default=None, description="Set when `allowed` is false.")
    warnings: list[str] | None = Field(
        default=None,
        description="Every finding, most severe first, each at most 120 characters; at most 10, then "
        "'...and N more'. kubectl prints them.",
    )
    auditAnnotations: dict[str, str] | None = Field(
        default=None, description="Added to the audit event, each key prefixed with the webhook's name."
    )


# The AdmissionReview the webhook answers with, in the request's apiVersion.
class AdmissionReviewResponse(_Wire):
    apiVersion: AdmissionApiVersion
    kind: Literal["AdmissionReview"] = "AdmissionReview"
    response: AdmissionResponse


# --- Kubernetes translation (POST /translate) ---------------------------------------------------------------------

ContainerKind = Literal["sandbox", "initContainer", "container", "ephemeralContainer"]


# Something the translation assumed or dropped for one container.
class TranslationNote(_Wire):
    rule: str
    severity: Severity
    pod_path: str = Field(description="JSON Pointer into the submitted object.")
    message: str


# The config.json a node would write for one container of the Pod.
class TranslatedSpec(_Wire):
    kind: ContainerKind = Field(
        description="sandbox (the pause container), initContainer, container, ephemeralContainer."
    )
    name: str = Field(description='The container\'s name; "POD" for the sandbox.')
    index: int = Field(description="Index in its list of the Pod spec (0 for the sandbox).")
    pointer: str = Field(
        description="JSON Pointer of the container in the submitted object (the Pod spec's for the sandbox)."
    )
    config: dict[str, Any] = Field(description="The config.json document.")
    provenance: dict[str, str] = Field(
        default_factory=dict, description="config.json pointer -> the Pod field (pointer into the object) it came from."
    )
    notes: list[TranslationNote] = Field(default_factory=list)


# The node model a translation assumed.
class NodeAssumptions(_Wire):
    cri: Literal["containerd", "cri-o"]
    cri_selinux: bool
    pod_annotations: list[str]


# Every config.json of one Pod (or of a workload's Pod template).
class TranslationResult(_Wire):
    kind: str = Field(examples=["Deployment"])
    name: str
    namespace: str
    runtime_class_name: str | None = None
    runtime_handler: str = Field(description='The CRI runtime handler ("" for the node\'s default runtime).')
    node: NodeAssumptions
    containers: list[TranslatedSpec] = Field(description="The sandbox first, then init, app and ephemeral containers.")
