"""The admission decision, with a judge that returns chosen findings (the real judge is tested end to end in
tests/api/routes/test_admission.py): actions, messages, warnings, exemptions, subresources, failing closed."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest

from app.core import DocumentError
from app.core.kube.admission import (
    MAX_WARNINGS,
    WARNING_WIDTH,
    Gate,
    MalformedReview,
    answer,
    decide,
    parse_review,
    warning_lines,
)
from app.core.kube.policy import SKIP_ANNOTATION, Policy
from app.models import AdmissionRequest, AdmissionReviewResponse
from tests.conftest import SHARED

EXAMPLE = json.loads((SHARED / "reference" / "admissionreview-pod-example.json").read_text())


@dataclass(frozen=True)
class F:
    rule: str
    severity: str = "error"
    message: str = "runsc refuses this; change it"
    pod_path: str = "/spec/containers/0/securityContext"
    container: str = "builder"
    container_kind: str = "container"
    path: str = "/process"


class Judge:
    def __init__(self, *findings: F, fail: Exception | None = None) -> None:
        self.findings = list(findings)
        self.fail = fail
        self.calls: list[tuple[dict[str, Any], str]] = []

    def __call__(self, obj: dict[str, Any], profile: str) -> list[F]:
        self.calls.append((obj, profile))
        if self.fail:
            raise self.fail
        return self.findings


def request(**changes: Any) -> AdmissionRequest:
    data = copy.deepcopy(EXAMPLE["request"])
    data.update(changes)
    return AdmissionRequest.model_validate(data)


BAD = F(
    "RUNSC-MOUNT-PROPAGATION",
    message="Bidirectional propagation: runsc refuses rshared; use None",
    pod_path=("/spec/containers/1/volumeMounts/0/mountPropagation"),
    container="node-driver",
)


def test_clean_pod_is_allowed_with_the_profile_of_its_runtime_class() -> None:
    judge = Judge()
    verdict = decide(request(), policy=Policy(), judge=judge)
    assert verdict.allowed and verdict.decision == "allow" and verdict.warnings == []
    assert verdict.audit_annotations == {"profile": "runsc", "runtime-class": "gvisor", "decision": "allow"}
    assert judge.calls[0][1] == "runsc"


def test_error_denies_naming_object_container_field_rule_and_fix() -> None:
    verdict = decide(request(), policy=Policy(), judge=Judge(BAD))
    assert not verdict.allowed and verdict.code == 403 and verdict.decision == "deny"
    assert verdict.message is not None
    for part in (
        'Pod "sandboxed-apps/untrusted-build-7f9c"',
        'container "node-driver"',
        "/spec/containers/1/volumeMounts/0/mountPropagation",
        "RUNSC-MOUNT-PROPAGATION",
        "use None",
        'runtimeClassName "gvisor"',
    ):
        assert part in verdict.message
    assert verdict.warnings[0].startswith('error: container "node-driver" /spec/containers/1/')
    assert verdict.audit_annotations["decision"] == "deny"
    assert verdict.audit_annotations["rules"] == "RUNSC-MOUNT-PROPAGATION"


def test_warn_and_audit_actions_admit() -> None:
    warned = decide(request(), policy=Policy(action="warn"), judge=Judge(BAD))
    assert warned.allowed and warned.decision == "warn" and len(warned.warnings) == 1
    audited = decide(request(), policy=Policy(action="audit"), judge=Judge(BAD))
    assert audited.allowed and audited.decision == "would-deny" and audited.warnings == []
    assert audited.audit_annotations["decision"] == "would-deny"
    assert audited.message is not None  # what the log line says


def test_warning_findings_admit_with_warnings() -> None:
    verdict = decide(request(), policy=Policy(), judge=Judge(F("RUNSC-SELINUX-DROPPED", severity="warning")))
    assert verdict.allowed and verdict.warnings and verdict.warnings[0].startswith("warning: ")


def test_a_failing_judge_denies_whatever_the_action() -> None:
    for action in ("deny", "warn", "audit"):
        verdict = decide(request(), policy=Policy(action=action), judge=Judge(fail=KeyError("spec")))
        assert not verdict.allowed and verdict.decision == "error", action
        assert "SPECGATE-INTERNAL" in (verdict.message or "") and "KeyError" in (verdict.message or "")


def test_internal_finding_from_the_judge_denies_in_audit_mode() -> None:
    verdict = decide(request(), policy=Policy(action="audit"), judge=Judge(F("SPECGATE-INTERNAL")))
    assert not verdict.allowed and verdict.decision == "error"


def test_warnings_most_severe_first_capped_and_short() -> None:
    findings = [F(f"RULE-I{i}", severity="info") for i in range(3)]
    findings += [F(f"RULE-W{i}", severity="warning", message="x" * 300) for i in range(5)]
    findings += [F(f"RULE-E{i}") for i in range(6)]
    lines = warning_lines(findings)
    assert len(lines) == MAX_WARNINGS + 1 and lines[-1] == "...and 1 more"
    assert [line.split(":")[0] for line in lines[:-1]] == ["error"] * 6 + ["warning"] * 4
    assert all(len(line) <= WARNING_WIDTH for line in lines)
    assert lines[6].endswith("...")
    assert warning_lines([F("RULE-I", severity="info")]) == []  # infos are not warnings
    verdict = decide(request(), policy=Policy(), judge=Judge(*findings))
    assert "and 1 more (see the warnings)" in (verdict.message or "")
    assert "RULE-I0" not in verdict.audit_annotations["rules"]


def test_the_same_finding_on_every_container_is_one_warning() -> None:
    same = [
        F(
            "RUNSC-APPARMOR",
            severity="warning",
            message="profile ignored",
            container=name,
            pod_path=f"/spec/containers/{i}",
        )
        for i, name in enumerate(["app", "sidecar", "proxy"])
    ]
    assert warning_lines(same) == [
        'warning: 3 containers (container "app", container "sidecar", container "proxy"): '
        "RUNSC-APPARMOR: profile ignored"
    ]


@pytest.mark.parametrize("operation", ["DELETE", "CONNECT"])
def test_delete_and_connect_are_admitted_untouched(operation: str) -> None:
    judge = Judge(BAD)
    verdict = decide(request(operation=operation, object=None), policy=Policy(), judge=judge)
    assert verdict.allowed and verdict.decision == "not-judged" and not judge.calls


@pytest.mark.parametrize("sub", ["status", "binding", "exec", "eviction"])
def test_other_subresources_are_admitted_untouched(sub: str) -> None:
    judge = Judge(BAD)
    assert decide(request(operation="UPDATE", subResource=sub), policy=Policy(), judge=judge).allowed
    assert not judge.calls


def test_exempt_namespace_runtime_class_not_mapped_and_other_kinds() -> None:
    judge = Judge(BAD)
    assert decide(request(namespace="kube-system"), policy=Policy(), judge=judge).decision == "exempt"
    pod = copy.deepcopy(EXAMPLE["request"]["object"])
    pod["spec"]["runtimeClassName"] = "runc"
    assert decide(request(object=pod), policy=Policy(), judge=judge).decision == "not-judged"
    del pod["spec"]["runtimeClassName"]
    assert decide(request(object=pod), policy=Policy(), judge=judge).decision == "not-judged"
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {}}
    assert (
        decide(
            request(object=config_map, kind={"kind": "ConfigMap", "version": "v1"}), policy=Policy(), judge=judge
        ).decision
        == "not-judged"
    )
    assert not judge.calls
    assert not decide(request(object=pod), policy=Policy(default_profile="oci"), judge=judge).allowed
    assert judge.calls[-1][1] == "oci"


def test_skip_annotation_drops_the_rule_and_is_echoed() -> None:
    pod = copy.deepcopy(EXAMPLE["request"]["object"])
    pod["metadata"]["annotations"][SKIP_ANNOTATION] = "RUNSC-MOUNT-PROPAGATION, RUNSC-OTHER"
    verdict = decide(request(object=pod), policy=Policy(), judge=Judge(BAD, F("SPECGATE-INTERNAL")))
    assert verdict.audit_annotations["skipped-rules"] == "RUNSC-MOUNT-PROPAGATION,RUNSC-OTHER"
    assert verdict.decision == "error"  # an internal failure cannot be skipped
    verdict = decide(request(object=pod), policy=Policy(), judge=Judge(BAD))
    assert verdict.allowed and verdict.warnings == []


def test_skip_annotation_on_a_deployment_template() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "template": {
                "metadata": {"annotations": {SKIP_ANNOTATION: "RUNSC-MOUNT-PROPAGATION"}},
                "spec": {"runtimeClassName": "gvisor", "containers": [{"name": "web", "image": "nginx"}]},
            }
        },
    }
    req = request(
        object=deployment, kind={"group": "apps", "version": "v1", "kind": "Deployment"}, name="web", namespace="shop"
    )
    assert decide(req, policy=Policy(), judge=Judge(BAD)).allowed
    deployment["spec"]["template"]["metadata"] = {}
    verdict = decide(req, policy=Policy(), judge=Judge(BAD))
    assert not verdict.allowed and (verdict.message or "").startswith('Deployment "shop/web"')


def test_ephemeral_subresource_judges_only_added_ephemeral_containers() -> None:
    pod = copy.deepcopy(EXAMPLE["request"]["object"])
    old = copy.deepcopy(pod)
    old["spec"]["ephemeralContainers"] = [{"name": "debugger-1", "image": "busybox"}]
    pod["spec"]["ephemeralContainers"] = [*old["spec"]["ephemeralContainers"], {"name": "debugger-2", "image": "x"}]
    findings = [
        F("RULE-CONTAINER"),
        F("RULE-OLD", container="debugger-1", container_kind="ephemeralContainer"),
        F(
            "RULE-NEW",
            container="debugger-2",
            container_kind="ephemeralContainer",
            pod_path="/spec/ephemeralContainers/1/securityContext",
        ),
    ]
    req = request(operation="UPDATE", subResource="ephemeralcontainers", object=pod, oldObject=old)
    verdict = decide(req, policy=Policy(), judge=Judge(*findings))
    assert not verdict.allowed
    assert [f.rule for f in verdict.findings] == ["RULE-NEW"]
    assert 'ephemeral container "debugger-2" at /spec/ephemeralContainers/1/securityContext' in (verdict.message or "")


def test_generate_name_and_missing_kind() -> None:
    pod = copy.deepcopy(EXAMPLE["request"]["object"])
    pod["metadata"] = {"generateName": "web-7c9d8b6f5d-", "namespace": "shop"}
    del pod["kind"]
    req = request(object=pod, name=None, namespace=None, kind=None)
    judge = Judge(BAD)
    verdict = decide(req, policy=Policy(), judge=judge)
    assert (verdict.message or "").startswith('Pod "shop/web-7c9d8b6f5d-*"')
    assert judge.calls[0][0]["kind"] == "Pod"


def test_answer_echoes_uid_and_api_version() -> None:
    for version in ("admission.k8s.io/v1", "admission.k8s.io/v1beta1"):
        review = parse_review(json.dumps({**EXAMPLE, "apiVersion": version}).encode())
        body = answer(review, Gate(Policy(), Judge(BAD)).decide(review.request))
        AdmissionReviewResponse.model_validate(body)
        assert body["apiVersion"] == version and body["kind"] == "AdmissionReview"
        assert body["response"]["uid"] == EXAMPLE["request"]["uid"]
        assert body["response"]["status"]["code"] == 403 and "patch" not in body["response"]
    allowed = answer(review, Gate(Policy(), Judge()).decide(review.request))
    assert allowed["response"]["allowed"] is True and "status" not in allowed["response"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", DocumentError),
        (b"{", DocumentError),
        (b"[]", DocumentError),
        (b"\xff{}", DocumentError),
        (b"{}", MalformedReview),
        (b'{"apiVersion": "admission.k8s.io/v2", "kind": "AdmissionReview", "request": {}}', MalformedReview),
        (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}', MalformedReview),
        (
            b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"operation": "CREATE"}}',
            MalformedReview,
        ),
        (
            b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u", '
            b'"operation": "PATCH", "object": {}}}',
            MalformedReview,
        ),
        (
            b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u", '
            b'"operation": "CREATE"}}',
            MalformedReview,
        ),
        (
            b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u", '
            b'"operation": "CREATE", "object": []}}',
            MalformedReview,
        ),
    ],
)
def test_malformed_reviews(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_review(body)


def test_malformed_review_names_each_field() -> None:
    with pytest.raises(MalformedReview) as caught:
        parse_review(b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": ""}}')
    paths = [path for path, _ in caught.value.errors]
    assert "/request/uid" in paths and "/request/operation" in paths


def test_unknown_fields_of_newer_apiservers_are_kept() -> None:
    data = copy.deepcopy(EXAMPLE)
    data["request"]["someFutureField"] = {"x": 1}
    review = parse_review(json.dumps(data))
    assert review.request.uid == EXAMPLE["request"]["uid"]


def test_a_malformed_pod_is_refused_as_invalid() -> None:
    from app.core.errors import WorkloadError

    verdict = decide(request(), policy=Policy(), judge=Judge(fail=WorkloadError("/spec/containers", "not a list")))
    assert not verdict.allowed and verdict.code == 422 and verdict.decision == "error"
    assert "/spec/containers: not a list" in (verdict.message or "")
    assert [(f.rule, f.pod_path) for f in verdict.findings] == [("KUBE-POD-INVALID", "/spec/containers")]
    assert verdict.warnings and verdict.warnings[0].startswith("error: the Pod /spec/containers: KUBE-POD-INVALID")
    review = parse_review(json.dumps(EXAMPLE))
    assert answer(review, verdict)["response"]["status"]["reason"] == "Invalid"


def test_the_same_finding_in_three_capability_sets_is_reported_once() -> None:
    verdict = decide(request(), policy=Policy(), judge=Judge(BAD, BAD, BAD))
    assert len(verdict.findings) == 1 and len(verdict.warnings) == 1


def test_one_mistake_on_several_containers_is_one_error_in_the_message() -> None:
    flag = {"rule": "RUNSC-ANNOT-FLAG-NOT-ALLOWED", "pod_path": "/metadata/annotations/dev.gvisor.flag.platform"}
    findings = [
        F(**flag, container="POD", container_kind="sandbox"),
        F(**flag, container="app"),
        F("RUNSC-OWN", severity="warning", container="app"),
        F("RUNSC-NODE", severity="warning", container="POD", container_kind="sandbox"),
        F("RUNSC-NODE", severity="warning", container="app"),
    ]
    verdict = decide(request(), policy=Policy(), judge=Judge(*findings))
    assert ': 1 error: (1) the Pod sandbox and container "app" at /metadata/annotations/' in (verdict.message or "")
    assert [line.split(": ")[2] for line in verdict.warnings] == [
        "RUNSC-ANNOT-FLAG-NOT-ALLOWED",
        "RUNSC-OWN",
        "RUNSC-NODE",
    ]


def test_allow_existing_excuses_only_what_the_old_object_had() -> None:
    old_error = F("RUNSC-OLD", container="app")
    new_error = F("RUNSC-NEW", container="app", pod_path="/spec/containers/0/image")

    class TwoObjects(Judge):
        def __call__(self, obj: dict[str, Any], profile: str) -> list[F]:
            self.calls.append((obj, profile))
            return [old_error] if obj.get("metadata", {}).get("name") == "before" else self.findings

    pod = copy.deepcopy(EXAMPLE["request"]["object"])
    old = copy.deepcopy(pod)
    old["metadata"]["name"] = "before"
    req = request(operation="UPDATE", object=pod, oldObject=old)
    relabel = decide(req, policy=Policy(allow_existing=True), judge=TwoObjects(old_error))
    assert relabel.allowed and relabel.warnings[0].startswith('warning: container "app"')
    assert "already so before this update" in relabel.warnings[0] or len(relabel.warnings[0]) == WARNING_WIDTH
    worse = decide(req, policy=Policy(allow_existing=True), judge=TwoObjects(old_error, new_error))
    assert not worse.allowed and "RUNSC-NEW" in (worse.message or "") and "RUNSC-OLD" not in (worse.message or "")
    assert not decide(req, policy=Policy(), judge=TwoObjects(old_error)).allowed  # off by default
    created = request(operation="CREATE", object=pod)
    assert not decide(created, policy=Policy(allow_existing=True), judge=TwoObjects(old_error)).allowed


def test_warm_up_judges_with_every_profile_the_policy_uses() -> None:
    judge = Judge()
    Gate(Policy(runtime_classes={"gvisor": "runsc", "runc": "oci"}, default_profile="oci"), judge).warm_up({"x": 1})
    assert [profile for _, profile in judge.calls] == ["oci", "runsc"]


def test_odd_names_in_ephemeral_containers_do_not_break_the_edge() -> None:
    pod = copy.deepcopy(EXAMPLE["request"]["object"])
    old = copy.deepcopy(pod)
    old["spec"]["ephemeralContainers"] = [{"name": ["weird"]}, "junk"]
    new = F("RULE-NEW", container="dbg", container_kind="ephemeralContainer")
    req = request(operation="UPDATE", subResource="ephemeralcontainers", object=pod, oldObject=old)
    assert [f.rule for f in decide(req, policy=Policy(), judge=Judge(new)).findings] == ["RULE-NEW"]
