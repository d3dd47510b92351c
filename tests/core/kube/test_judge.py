"""judge_object: every translated config.json judged, findings in Pod terms, failures closed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.core.errors import UnknownProfile, WorkloadError
from app.core.kube import NodeModel, judge as judge_module, judge_object, translate, verdict_of
from app.models import ObjectVerdict, PodFinding
from tests.core.kube.test_workloads import example_pod, wrap


def errors(verdict: ObjectVerdict) -> list[PodFinding]:
    return [f for f in verdict.all_findings() if f.severity == "error"]


def test_the_example_review_pod_is_allowed_under_runsc_as_the_corpus_says() -> None:
    # tests/data/k8s/README.md: containerd-restricted-gvisor (this Pod) is valid for runsc with RUNSC-SECCOMP-OFF.
    verdict = judge_object(example_pod())
    assert verdict.valid, [(f.container, f.rule, f.message) for f in errors(verdict)]
    assert [(c.kind, c.name, c.pointer) for c in verdict.containers] == [
        ("sandbox", "POD", "/spec"),
        ("container", "builder", "/spec/containers/0"),
    ]
    builder = verdict.containers[1]
    seccomp = [f for f in builder.findings if f.rule == "RUNSC-SECCOMP-OFF"]
    assert [(f.path, f.pod_path) for f in seccomp] == [("/linux/seccomp", "/spec/securityContext/seccompProfile")]
    assert {f.container for f in builder.findings} == {"builder"}
    assert {f.container_kind for f in builder.findings} == {"container"}
    assert verdict.runtime_class_name == "gvisor" and verdict.runtime_handler == "runsc"
    assert (verdict.kind, verdict.name, verdict.namespace, verdict.pod_pointer) == (
        "Pod",
        "untrusted-build-7f9c",
        "sandboxed-apps",
        "/spec",
    )


def test_a_bad_second_container_is_named_with_its_pod_field() -> None:
    pod = example_pod()
    bad = copy.deepcopy(pod["spec"]["containers"][0])
    bad["name"] = "sidecar"
    bad["securityContext"] = {"capabilities": {"add": ["CAP_SYS_ADMIN"]}}
    pod["spec"]["containers"].append(bad)
    verdict = judge_object(pod)
    assert not verdict.valid
    found = {(f.container, f.rule, f.pod_path) for f in errors(verdict)}
    # containerd writes CAP_CAP_SYS_ADMIN; runsc: unknown capability.
    assert ("sidecar", "RUNSC-CAPS-NAMES", "/spec/containers/1/securityContext/capabilities/add/0") in found
    assert all(f.container == "sidecar" for f in errors(verdict))


def test_a_deployment_is_judged_with_pointers_into_the_deployment() -> None:
    pod = example_pod()
    pod["spec"]["containers"][0]["volumeMounts"][0]["mountPropagation"] = "Bidirectional"
    verdict = judge_object(wrap("Deployment", pod))
    found = {(f.rule, f.pod_path) for f in errors(verdict)}
    field = "/spec/template/spec/containers/0/volumeMounts/0/mountPropagation"
    assert ("RUNSC-ROOTFS-PROPAGATION", field) in found
    assert ("RUNSC-MOUNT-SHARED-PROPAGATION", field) in found


def test_selinux_options_dropped_on_a_default_node_is_a_warning_with_its_own_rule() -> None:
    pod = example_pod()
    pod["spec"]["containers"][0]["securityContext"]["seLinuxOptions"] = {"level": "s0:c123,c456"}
    verdict = judge_object(pod)
    assert verdict.valid
    dropped = [f for f in verdict.all_findings() if f.rule == "KUBE-SELINUX-DROPPED"]
    assert [(f.severity, f.container, f.pod_path) for f in dropped] == [
        ("warning", "builder", "/spec/containers/0/securityContext/seLinuxOptions")
    ]
    assert "SELinux" in dropped[0].message
    labelling = judge_object(pod, node=NodeModel(selinux=True))
    selinux = [f for f in errors(labelling) if f.rule == "RUNSC-SELINUX"]
    # every container is labelled on such a node; the builder's label came from its own seLinuxOptions
    assert {(f.container, f.pod_path) for f in selinux} == {
        ("POD", "/spec"),
        ("builder", "/spec/containers/0/securityContext/seLinuxOptions"),
    }


def test_a_translation_bug_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(judge_module, "translate", boom)
    verdict = judge_object(example_pod())
    assert not verdict.valid
    assert [(f.rule, f.severity, f.pod_path) for f in verdict.all_findings()] == [
        ("SPECGATE-INTERNAL", "error", "/spec")
    ]


def test_malformed_objects_and_bad_arguments_raise() -> None:
    with pytest.raises(WorkloadError):
        judge_object({"kind": "ConfigMap"})
    pod = example_pod()
    pod["spec"]["containers"] = [{"image": "x"}]
    with pytest.raises(WorkloadError) as info:
        judge_object(pod)
    assert info.value.path == "/spec/containers/0/name"
    with pytest.raises(UnknownProfile):
        judge_object(example_pod(), profile="nope")


def test_translation_is_reproducible() -> None:
    first = translate(wrap("StatefulSet", example_pod()))
    second = translate(wrap("StatefulSet", example_pod()))
    assert [c.config for c in first.containers] == [c.config for c in second.containers]


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        pytest.param(lambda s: s["containers"][0].update(command="/bin/sh"), "/spec/containers/0/command", id="cmd"),
        pytest.param(
            lambda s: s["securityContext"].update(runAsUser="1000"), "/spec/securityContext/runAsUser", id="uid-string"
        ),  # fmt: skip
        pytest.param(
            lambda s: s["securityContext"].update(runAsUser=2**64), "/spec/securityContext/runAsUser", id="uid-too-big"
        ),  # fmt: skip
        pytest.param(
            lambda s: s["containers"][0]["resources"]["limits"].update(cpu="lots"),
            "/spec/containers/0/resources/limits/cpu",
            id="bad-quantity",
        ),  # fmt: skip
        pytest.param(lambda s: s.update(volumes={"a": 1}), "/spec/volumes", id="volumes-object"),
        pytest.param(
            lambda s: s["containers"][0]["volumeMounts"].append(None),
            "/spec/containers/0/volumeMounts/3",
            id="null-item",
        ),  # fmt: skip
    ],
)
def test_misshapen_pods_are_a_workload_error_at_the_field(mutate: Any, path: str) -> None:
    pod = example_pod()
    mutate(pod["spec"])
    with pytest.raises(WorkloadError) as info:
        judge_object(pod)
    assert info.value.path == path


def test_on_an_selinux_labelling_cri_o_node_every_gvisor_container_is_refused() -> None:
    # cri-to-oci.md section 3: with CRI-O's `selinux = true` (Fedora, RHEL, OpenShift) every container gets a label.
    assert judge_object(example_pod(), node=NodeModel(cri="cri-o")).valid
    verdict = judge_object(example_pod(), node=NodeModel(cri="cri-o", selinux=True))
    assert {(f.container, f.rule) for f in errors(verdict)} == {("POD", "RUNSC-SELINUX"), ("builder", "RUNSC-SELINUX")}
    assert verdict.cri == "cri-o"


def test_the_selinux_note_is_only_a_warning_where_runsc_judges() -> None:
    pod = example_pod()
    pod["spec"]["securityContext"]["seLinuxOptions"] = {"level": "s0:c1,c2"}
    runc = judge_object(pod, profile="oci")
    assert [(f.rule, f.severity) for f in runc.all_findings() if f.rule.startswith("KUBE-")] == [
        ("KUBE-SELINUX-DROPPED", "info")
    ]
    translation = translate(pod)
    again = verdict_of(translation, profile="oci")
    assert again.model_dump() == runc.model_dump()


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018", "oci"])
def test_an_unknown_image_gives_an_info_note_and_no_args_error(profile: str) -> None:
    cronjob = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "cleanup", "namespace": "ops"},
        "spec": {
            "schedule": "0 * * * *",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {
                            "restartPolicy": "OnFailure",
                            "containers": [{"name": "cleanup", "image": "registry.example.com/ops/cleanup:2.0.0"}],
                        }
                    }
                }
            },
        },
    }
    verdict = judge_object(cronjob, profile=profile)
    assert not [f.rule for f in errors(verdict) if "ARGS" in f.rule], errors(verdict)
    notes = [f for f in verdict.all_findings() if f.rule == "KUBE-IMAGE-UNKNOWN"]
    assert [(f.severity, f.container, f.pod_path) for f in notes] == [
        ("info", "cleanup", "/spec/jobTemplate/spec/template/spec/containers/0")
    ]
