"""The committed openapi/openapi.json is the app's document; regenerate it with `make openapi`."""

from __future__ import annotations

import json

from app.api.openapi_export import render
from app.main import create_app
from tests.conftest import ROOT

COMMITTED = ROOT / "openapi" / "openapi.json"


def test_committed_document_matches_the_app() -> None:
    live = render(create_app())
    committed = COMMITTED.read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(live), "openapi/openapi.json is stale: run `make openapi`"
    assert committed == live, "openapi/openapi.json is not in the exported format: run `make openapi`"


def test_document_is_openapi_3_1_with_every_contract_path() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    assert {"/validate", "/normalize", "/capabilities", "/classify-mounts", "/rules", "/healthz", "/readyz"} <= set(
        document["paths"]
    )


def test_200_examples_are_the_answers_the_service_gives() -> None:
    from fastapi.testclient import TestClient

    from app import models
    from app.api.examples import document_examples, response_examples

    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    requests = {name: example["value"] for name, example in document_examples().items()}
    client = TestClient(create_app())
    checked = 0
    for path, method in response_examples():
        operation = document["paths"][path][method]
        content = operation["responses"]["200"]["content"]["application/json"]
        examples = content["examples"]
        schema = content["schema"]
        refs = [schema["$ref"]] if "$ref" in schema else [one["$ref"] for one in schema["anyOf"]]
        model = getattr(models, refs[0].rsplit("/", 1)[-1])  # the first: the plain answer
        for name, example in examples.items():
            model.model_validate(example["value"])
            assert '"string"' not in json.dumps(example["value"]), "no placeholder from a schema"
            if method == "post" and name in requests:
                query = "?bundle=/run/containerd/io.containerd.runtime.v2.task/k8s.io/3b9c2f1e" * (path == "/normalize")
                answer = client.post(path + query, json=requests[name])
                assert answer.status_code == 200 and answer.json() == example["value"], (path, name)
            elif method == "get":
                assert client.get(path).json() == example["value"], path
            checked += 1
    assert checked >= 7
    reports = document["paths"]["/validate"]["post"]["responses"]["200"]["content"]["application/json"]["examples"]
    for example in reports.values():
        report = example["value"]
        assert report["valid"] is (report["summary"]["errors"] == 0)
    assert {example["value"]["valid"] for example in reports.values()} == {True, False}
