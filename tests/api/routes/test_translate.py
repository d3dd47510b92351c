"""POST /translate: the config.json documents /admission judges, with the Pod field of each value."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from app.api.examples import ADMISSION_POD
from tests.api.problems import assert_problem
from tests.conftest import ROOT

JSON = {"content-type": "application/json"}
REVIEWS = ROOT / "tests" / "data" / "admission" / "reviews"


def translate(client: TestClient, obj: Any, query: str = "") -> dict[str, Any]:
    response = client.post(f"/translate{query}", content=orjson.dumps(obj), headers=JSON)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_pod_translates_to_sandbox_then_containers(client: TestClient) -> None:
    body = translate(client, ADMISSION_POD)
    assert body["kind"] == "Pod" and body["name"] == "untrusted-build-7f9c" and body["namespace"] == "sandboxed-apps"
    assert body["runtime_class_name"] == "gvisor"
    assert body["node"] == {"cri": "containerd", "cri_selinux": False, "pod_annotations": ["dev.gvisor.*"]}
    kinds = [(c["kind"], c["name"], c["pointer"]) for c in body["containers"]]
    assert kinds == [("sandbox", "POD", "/spec"), ("container", "builder", "/spec/containers/0")]
    builder = body["containers"][1]["config"]
    assert builder["annotations"]["io.kubernetes.cri.container-type"] == "container"
    assert builder["process"]["capabilities"]["bounding"] == ["CAP_NET_BIND_SERVICE"]
    assert body["containers"][0]["config"]["annotations"]["io.kubernetes.cri.container-type"] == "sandbox"
    assert all(pointer.startswith("/spec") for pointer in body["containers"][1]["provenance"].values())


@pytest.mark.parametrize(
    ("review", "pointer"),
    [
        ("deployment-bad-second-container-cap", "/spec/template/spec/containers/1"),
        ("cronjob-bad-cap", "/spec/jobTemplate/spec/template/spec/containers/0"),
        ("podtemplate-bad", "/template/spec/containers/0"),
        ("job-init-container-cap-typo", "/spec/template/spec/initContainers/0"),
    ],
)
def test_workloads_point_into_the_submitted_object(client: TestClient, review: str, pointer: str) -> None:
    obj = json.loads((REVIEWS / f"{review}.json").read_text())["request"]["object"]
    body = translate(client, obj)
    assert pointer in [c["pointer"] for c in body["containers"]]


def test_translation_is_what_admission_judged(client: TestClient) -> None:
    review = json.loads((REVIEWS / "deployment-bad-second-container-cap.json").read_text())
    body = translate(client, review["request"]["object"])
    tcpdump = next(c for c in body["containers"] if c["name"] == "tcpdump")
    report = client.post("/validate", content=orjson.dumps(tcpdump["config"]), headers=JSON).json()
    assert "RUNSC-CAPS-NAMES" in {f["rule"] for f in report["findings"] if f["severity"] == "error"}
    answer = client.post("/admission", content=orjson.dumps(review), headers=JSON).json()["response"]
    assert "RUNSC-CAPS-NAMES" in answer["auditAnnotations"]["rules"]


def test_node_model_from_the_query(client: TestClient) -> None:
    body = translate(client, ADMISSION_POD, "?cri=cri-o&cri_selinux=true")
    assert body["node"]["cri"] == "cri-o" and body["node"]["cri_selinux"] is True
    config = body["containers"][1]["config"]
    assert config["annotations"]["io.kubernetes.cri-o.ContainerType"] == "container"
    assert config["process"].get("selinuxLabel")


def test_errors(client: TestClient) -> None:
    problem = assert_problem(
        client.post("/translate", content=b'{"apiVersion": "v1", "kind": "ConfigMap"}', headers=JSON), 422
    )
    assert problem["errors"][0]["path"] == "/kind"
    assert_problem(client.post("/translate", content=b"{nope", headers=JSON), 400)
    assert_problem(client.post("/translate?cri=docker", content=orjson.dumps(ADMISSION_POD), headers=JSON), 422)
    bad = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": "nope"}}
    assert_problem(client.post("/translate", content=orjson.dumps(bad), headers=JSON), 422)
