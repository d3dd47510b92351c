"""Finding the Pod in every Pod-bearing kind, with the pointer of its spec in the submitted object."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from app.core import SpecgateError
from app.core.errors import WorkloadError
from app.core.kube import POD_KINDS, find_pod

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "reference" / "admissionreview-pod-example.json"


def example_pod() -> dict[str, Any]:
    review = json.loads(EXAMPLE.read_text())
    pod: dict[str, Any] = review["request"]["object"]
    return pod


def template_of(pod: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": "x"}}, "spec": copy.deepcopy(pod["spec"])}


def wrap(kind: str, pod: dict[str, Any]) -> dict[str, Any]:
    meta = {"name": "web", "namespace": "shop"}
    template = template_of(pod)
    if kind == "Pod":
        return pod
    if kind == "PodTemplate":
        return {"apiVersion": "v1", "kind": kind, "metadata": meta, "template": template}
    if kind == "CronJob":
        spec = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}
        return {"apiVersion": "batch/v1", "kind": kind, "metadata": meta, "spec": spec}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta, "spec": {"template": template}}


POINTERS = {
    "Pod": "/spec",
    "PodTemplate": "/template/spec",
    "Deployment": "/spec/template/spec",
    "StatefulSet": "/spec/template/spec",
    "DaemonSet": "/spec/template/spec",
    "ReplicaSet": "/spec/template/spec",
    "ReplicationController": "/spec/template/spec",
    "Job": "/spec/template/spec",
    "CronJob": "/spec/jobTemplate/spec/template/spec",
}


@pytest.mark.parametrize("kind", POD_KINDS)
def test_every_kind_gives_its_pod_spec_and_pointer(kind: str) -> None:
    pod = example_pod()
    source = find_pod(wrap(kind, pod))
    assert source.kind == kind
    assert source.spec_pointer == POINTERS[kind]
    assert source.metadata_pointer == POINTERS[kind].removesuffix("spec") + "metadata"
    assert source.spec == pod["spec"]
    assert source.runtime_class_name == "gvisor"
    if kind == "Pod":
        assert (source.name, source.namespace, source.uid) == (
            "untrusted-build-7f9c",
            "sandboxed-apps",
            "b8e2f0d4-6a71-4d3c-9e55-0c1f7a9d2e64",
        )
    else:
        assert (source.name, source.namespace, source.uid) == ("web", "shop", None)


@pytest.mark.parametrize(
    ("obj", "path"),
    [
        pytest.param([], "", id="not-an-object"),
        pytest.param({"kind": "Service", "spec": {}}, "/kind", id="no-pod-kind"),
        pytest.param({"spec": {}}, "/kind", id="no-kind"),
        pytest.param({"kind": "Pod"}, "/spec", id="pod-without-spec"),
        pytest.param({"kind": "Pod", "spec": []}, "/spec", id="pod-spec-not-object"),
        pytest.param({"kind": "Deployment", "spec": {}}, "/spec/template", id="deployment-without-template"),
        pytest.param(
            {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": 3}}}}},
            "/spec/jobTemplate/spec/template/spec",
            id="cronjob-bad-spec",
        ),  # fmt: skip
    ],
)
def test_objects_without_a_pod_are_a_core_error(obj: Any, path: str) -> None:
    with pytest.raises(WorkloadError) as info:
        find_pod(obj)
    assert isinstance(info.value, SpecgateError)
    assert info.value.path == path


def test_generate_name_names_the_pod_of_a_template() -> None:
    obj = wrap("Job", example_pod())
    obj["metadata"] = {"generateName": "migrate-", "namespace": "db"}
    source = find_pod(obj)
    assert (source.name, source.namespace) == ("migrate", "db")


def statefulset(claims: list[Any], volumes: list[Any]) -> dict[str, Any]:
    container = {"name": "redis", "image": "redis:7", "command": ["redis-server"]}
    container["volumeMounts"] = [{"name": "data", "mountPath": "/data"}, {"name": "conf", "mountPath": "/conf"}]
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "cache", "namespace": "db"},
        "spec": {
            "serviceName": "cache",
            "volumeClaimTemplates": claims,
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [container], "volumes": volumes}},
        },
    }


def test_statefulset_claim_templates_are_pvc_volumes_of_its_pods() -> None:
    from app.core.kube import translate

    claims = [{"metadata": {"name": "data"}}, {"metadata": {"name": "conf"}}]
    obj = statefulset(claims, [{"name": "conf", "configMap": {"name": "c"}}])
    before = copy.deepcopy(obj)
    source = find_pod(obj)
    # the controller's updateStorage: one PVC volume per template; a template volume of the same name is replaced
    assert {name: v for name, (v, _) in source.volumes.items()} == {
        "data": {"name": "data", "persistentVolumeClaim": {"claimName": "data-cache-0"}},
        "conf": {"name": "conf", "persistentVolumeClaim": {"claimName": "conf-cache-0"}},
    }
    assert {name: p for name, (_, p) in source.volumes.items()} == {
        "data": "/spec/volumeClaimTemplates/0",
        "conf": "/spec/volumeClaimTemplates/1",
    }
    app = translate(obj).containers[1]
    assert not [n for n in app.notes if n.rule == "KUBE-VOLUME-MISSING"]
    uid = translate(obj).identity.uid
    data = next(m for m in app.config["mounts"] if m["destination"] == "/data")
    assert data["source"].startswith(f"/var/lib/kubelet/pods/{uid}/volumes/kubernetes.io~csi/pvc-")
    assert data["source"].endswith("/mount") and "rw" in data["options"]
    assert obj == before  # the submitted object is left alone; every pointer stays valid in it


def test_odd_claim_templates_are_skipped_and_other_kinds_have_none() -> None:
    claims = [{"metadata": {"name": ["data"]}}, "junk", {"metadata": {"name": "data"}}, {"spec": {}}]
    source = find_pod(statefulset(claims, [{"name": ["x"]}, "junk"]))
    assert source.volumes["data"] == (
        {"name": "data", "persistentVolumeClaim": {"claimName": "data-cache-0"}},
        "/spec/volumeClaimTemplates/2",
    )
    deployment = statefulset(claims, [])
    deployment["kind"] = "Deployment"
    assert dict(find_pod(deployment).volumes) == {}
