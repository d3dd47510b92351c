"""POST /admission end to end over HTTP: the realistic reviews of tests/data/admission, and the protocol.

Every answer is checked as the apiserver checks it (VerifyAdmissionResponse, v1 and v1beta1) before
its verdict is looked at.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.models import AdmissionReviewResponse
from tests.api.conftest import make_settings
from tests.api.problems import assert_problem
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "admission"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((DATA / "cases.yaml").read_text())
JSON = {"content-type": "application/json"}
EXAMPLE = DATA / "reviews" / "example.json"


def review(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "reviews" / f"{name}.json").read_text())
    return data


def settings_of(case: dict[str, Any]) -> dict[str, Any]:
    """The Settings overrides of a case (never inherited through `like`)."""
    return dict(case.get("settings") or {})


_APPS: dict[str, TestClient] = {}


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, TestClient]]:
    yield _APPS
    for client in _APPS.values():
        client.__exit__(None, None, None)
    _APPS.clear()


def client_for(clients: dict[str, TestClient], overrides: dict[str, Any]) -> TestClient:
    key = json.dumps(overrides, sort_keys=True)
    if key not in clients:
        client = TestClient(create_app(make_settings(warm_up=False, **overrides)), raise_server_exceptions=False)
        clients[key] = client.__enter__()
    return clients[key]


def verify(request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The apiserver's VerifyAdmissionResponse for a validating webhook, and the shape rules of the issue."""
    AdmissionReviewResponse.model_validate(answer)
    assert answer["apiVersion"] == request["apiVersion"] and answer["kind"] == "AdmissionReview"
    response: dict[str, Any] = answer["response"]
    assert response["uid"] == request["request"]["uid"]
    assert "patch" not in response and "patchType" not in response
    if not response["allowed"]:
        status = response["status"]
        assert status["code"] == 403 and status["reason"] == "Forbidden" and status["status"] == "Failure"
        assert status["message"]
    warnings = response.get("warnings") or []
    assert len(warnings) <= 11 and all(len(w) <= 120 for w in warnings)
    if len(warnings) == 11:
        assert warnings[-1].startswith("...and ") and warnings[-1].endswith(" more")
    for key in response.get("auditAnnotations") or {}:
        assert len(key) <= 63 and key.replace("-", "").isalnum()
    return response


@pytest.mark.parametrize("name", sorted(CASES))
def test_realistic_review(clients: dict[str, TestClient], name: str) -> None:
    case = CASES[name]
    expect = case["expect"]
    body = review(name)
    client = client_for(clients, settings_of(case))
    answer = client.post("/admission?timeout=10s", content=orjson.dumps(body), headers=JSON)
    assert answer.status_code == 200, answer.text
    response = verify(body, answer.json())
    assert response["allowed"] is expect["allowed"], response
    audit = response.get("auditAnnotations") or {}
    if "decision" in expect:
        assert audit.get("decision") == expect["decision"], audit
    if expect.get("rule"):
        assert expect["rule"] in audit.get("rules", "").split(","), audit
    warnings = response.get("warnings") or []
    if expect.get("warnings"):
        assert warnings
    texts = []
    if not expect["allowed"]:
        texts.append(response["status"]["message"])
        assert warnings, "every finding of a denial is also a warning"
        assert warnings[0].startswith("error: ")
    elif expect.get("warnings"):
        texts.append(warnings[0])
    for text in texts:
        if expect.get("container"):
            assert f'"{expect["container"]}"' in text, text
        if expect.get("field"):
            assert expect["field"] in text, text
        meta = (body["request"]["object"] or {}).get("metadata", {})
        if not expect["allowed"]:
            assert f"{meta['namespace']}/{meta['name']}" in text
            assert body["request"]["kind"]["kind"] in text


def test_at_least_thirty_reviews_of_every_workload_kind() -> None:
    assert len(CASES) >= 31
    kinds = {(review(name)["request"]["object"] or {}).get("kind") for name in CASES}
    assert {
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "PodTemplate",
    } <= kinds
    operations = {review(name)["request"]["operation"] for name in CASES}
    assert operations == {"CREATE", "UPDATE", "DELETE", "CONNECT"}
    assert {review(name)["apiVersion"] for name in CASES} == {"admission.k8s.io/v1", "admission.k8s.io/v1beta1"}


def test_reviews_are_what_the_generator_writes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_reviews", DATA / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in CASES:
        assert module.review(name, CASES[name], CASES) == review(name), f"rerun generate.py for {name}"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(make_settings(warm_up=False))


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_unknown_query_parameters_and_odd_timeouts_are_ignored(client: TestClient) -> None:
    body = EXAMPLE.read_bytes()
    for query in (
        "",
        "?timeout=10s",
        "?timeout=1m30s&foo=bar",
        "?timeout=nonsense",
        "?x=1&x=2",
        "?timeout=1s&timeout=2s",
    ):
        answer = client.post(f"/admission{query}", content=body, headers=JSON)
        assert answer.status_code == 200, (query, answer.text)
        assert answer.json()["response"]["allowed"] is True


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"not json", "line 1"),
        (b"[1, 2]", "not an array"),
        (b"{}", "/apiVersion"),
        (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}', "/request"),
        (b'{"apiVersion": "admission.k8s.io/v2", "kind": "AdmissionReview", "request": {}}', "/apiVersion"),
        (b'{"apiVersion": "admission.k8s.io/v1", "kind": "Pod", "request": {}}', "/kind"),
        (
            b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "x", '
            b'"operation": "CREATE"}}',
            "/request/object",
        ),
    ],
)
def test_malformed_review_is_a_400_problem(client: TestClient, body: bytes, fragment: str) -> None:
    problem = assert_problem(client.post("/admission", content=body, headers=JSON), 400)
    assert fragment in problem["detail"] + json.dumps(problem.get("errors")), problem


def test_media_type_and_size(client: TestClient) -> None:
    assert_problem(client.post("/admission", content=b"{}", headers={"content-type": "text/plain"}), 415)
    small = TestClient(create_app(make_settings(warm_up=False, admission_max_body_bytes=1024)))
    problem = assert_problem(small.post("/admission", content=EXAMPLE.read_bytes(), headers=JSON), 413)
    assert "SPECGATE_ADMISSION_MAX_BODY_BYTES" in problem["detail"]


def test_a_review_bigger_than_a_config_limit_is_still_judged(client: TestClient) -> None:
    body = copy.deepcopy(review("update-deployment-clean"))
    body["request"]["object"]["metadata"]["annotations"] = {"big": "x" * (1024 * 1024 + 10)}
    answer = client.post("/admission", content=orjson.dumps(body), headers=JSON)
    assert answer.status_code == 200 and answer.json()["response"]["allowed"] is True


def test_dry_run_gives_the_same_answer_and_logs_nothing(
    clients: dict[str, TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(clients, {})
    wet = review("deployment-bad-second-container-cap")
    dry = review("dry-run-bad")
    with caplog.at_level(logging.INFO, logger="specgate.admission"):
        dry_answer = client.post("/admission", content=orjson.dumps(dry), headers=JSON).json()["response"]
        assert not [r for r in caplog.records if r.name == "specgate.admission"]
        wet_answer = client.post("/admission", content=orjson.dumps(wet), headers=JSON).json()["response"]
        logged = [r.getMessage() for r in caplog.records if r.name == "specgate.admission"]
    assert dry_answer["allowed"] is wet_answer["allowed"] is False
    assert dry_answer["status"] == wet_answer["status"] and dry_answer["warnings"] == wet_answer["warnings"]
    assert len(logged) == 1 and "deny" in logged[0] and wet["request"]["uid"] in logged[0]


def test_audit_mode_logs_would_deny(clients: dict[str, TestClient], caplog: pytest.LogCaptureFixture) -> None:
    client = client_for(clients, {"policy_action": "audit"})
    with caplog.at_level(logging.INFO, logger="specgate.admission"):
        answer = client.post("/admission", content=orjson.dumps(review("audit-action")), headers=JSON).json()
    assert answer["response"]["allowed"] is True
    logged = [r.getMessage() for r in caplog.records if r.name == "specgate.admission"]
    assert len(logged) == 1 and "would-deny" in logged[0] and " deny " not in logged[0]


def test_skip_annotation_is_echoed(clients: dict[str, TestClient]) -> None:
    answer = client_for(clients, {}).post("/admission", content=orjson.dumps(review("skip-annotation")), headers=JSON)
    assert answer.json()["response"]["auditAnnotations"]["skipped-rules"] == "RUNSC-CAPS-NAMES"


def test_unknown_profile_in_settings_fails_at_start() -> None:
    from app.core import UnknownProfile

    with pytest.raises(UnknownProfile):
        create_app(make_settings(runtime_classes={"gvisor": "gvisor-strict"}))


def test_live_server_round_trip(live_url: str) -> None:
    body = review("csi-node-bidirectional-second-container")
    answer = httpx.post(f"{live_url}/admission?timeout=10s", content=orjson.dumps(body), headers=JSON, timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    response = verify(body, answer.json())
    assert response["allowed"] is False and '"ebs-plugin"' in response["status"]["message"]


def test_openapi_documents_the_review(app: FastAPI) -> None:
    operation = app.openapi()["paths"]["/admission"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "$ref" not in json.dumps(schema).replace('"$ref": "#/components', "")
    assert set(operation["requestBody"]["content"]["application/json"]["examples"]) == {"admitted", "refused"}
    assert "200" in operation["responses"] and "400" in operation["responses"]


@pytest.mark.parametrize("name", ["admitted", "refused"])
def test_openapi_examples_answer_as_they_say(client: TestClient, app: FastAPI, name: str) -> None:
    examples = app.openapi()["paths"]["/admission"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    answer = client.post("/admission", content=orjson.dumps(examples[name]["value"]), headers=JSON).json()
    assert answer["response"]["allowed"] is (name == "admitted")


def test_outcomes_are_counted_except_dry_runs(clients: dict[str, TestClient]) -> None:
    from prometheus_client import REGISTRY

    def denied() -> float:
        labels = {"outcome": "denied", "profile": "runsc"}
        return REGISTRY.get_sample_value("specgate_admission_reviews_total", labels) or 0.0

    client = client_for(clients, {})
    before = denied()
    client.post("/admission", content=orjson.dumps(review("dry-run-bad")), headers=JSON)
    assert denied() == before
    client.post("/admission", content=orjson.dumps(review("deployment-bad-second-container-cap")), headers=JSON)
    assert denied() == before + 1


def test_a_bug_while_judging_is_a_denial_over_http_not_a_500() -> None:
    from app.core.kube.admission import Gate

    app = create_app(make_settings(warm_up=False, policy_action="audit"))

    def broken(obj: dict[str, Any], profile: str) -> list[Any]:
        raise RuntimeError("a rule fell over")

    app.state.kube_gate = Gate(app.state.kube_gate.policy, broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = review("example")
        answer = client.post("/admission", content=orjson.dumps(body), headers=JSON)
    assert answer.status_code == 200
    response = verify(body, answer.json())
    assert response["allowed"] is False and response["auditAnnotations"]["decision"] == "error"
    assert "SPECGATE-INTERNAL" in response["status"]["message"] and "a rule fell over" in response["status"]["message"]


def test_mutated_reviews_get_an_answer_never_a_bug(clients: dict[str, TestClient]) -> None:
    """Seeded mutations of the corpus (members dropped, values of the wrong type): always a 200 review answer,
    and a malformed object is refused as such, never by a crash inside specgate."""
    import random

    rng = random.Random(7)
    odd: list[Any] = [None, 1, -1, 2**70, "", "x", [], {}, True, 1.5, [1], {"a": 1}, "ALL"]
    client = client_for(clients, {})
    names = sorted(CASES)

    def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        found = [prefix]
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, value in items:
            found += paths(value, (*prefix, key))
        return found

    for _ in range(150):
        body = review(rng.choice(names))
        obj = body["request"].get("object")
        if not obj:
            continue
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(paths(obj)[1:])
            parent: Any = obj
            for key in path[:-1]:
                parent = parent[key]
            if isinstance(parent, dict) and rng.random() < 0.3:
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = copy.deepcopy(rng.choice(odd))
        answer = client.post("/admission", content=json.dumps(body), headers=JSON)  # 2**70: beyond orjson
        assert answer.status_code == 200, answer.text
        response = answer.json()["response"]
        assert "SPECGATE-INTERNAL" not in (response.get("status") or {}).get("message", ""), response
