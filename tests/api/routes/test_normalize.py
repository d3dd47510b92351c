"""POST /normalize: relative paths joined onto the bundle, with the RFC 6902 patch."""

from __future__ import annotations

import copy

import orjson
import pytest
from fastapi.testclient import TestClient

from app.api.examples import CONFIG, document_examples
from tests.api.problems import assert_problem

JSON = {"content-type": "application/json"}
BUNDLE = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/3b9c2f1e"


def apply(document: dict[str, object], patch: list[dict[str, object]]) -> dict[str, object]:
    """Apply add/replace/remove operations (RFC 6902) with RFC 6901 pointers."""
    result = copy.deepcopy(document)
    for op in patch:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in str(op["path"]).split("/")[1:]]
        parent: object = result
        for token in tokens[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]  # type: ignore[index]
        last = tokens[-1]
        if op["op"] == "remove":
            del parent[int(last) if isinstance(parent, list) else last]  # type: ignore[attr-defined]
        elif isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if op["op"] == "add":
                parent.insert(index, op["value"])
            else:
                parent[index] = op["value"]
        else:
            parent[last] = op["value"]  # type: ignore[index]
    return result


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018"])
def test_relative_root_is_joined_onto_the_bundle(client: TestClient, profile: str) -> None:
    response = client.post(f"/normalize?profile={profile}&bundle={BUNDLE}", content=orjson.dumps(CONFIG), headers=JSON)
    assert response.status_code == 200, response.text
    result = response.json()
    assert set(result) == {"spec", "patch", "findings"}
    assert result["spec"]["root"]["path"] == f"{BUNDLE}/rootfs"
    assert {"op": "replace", "path": "/root/path", "value": f"{BUNDLE}/rootfs"} in result["patch"]
    assert apply(CONFIG, result["patch"]) == result["spec"]
    # Absolute sources stay as they are.
    assert result["spec"]["mounts"][6]["source"] == CONFIG["mounts"][6]["source"]


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018", "oci"])
def test_patch_turns_the_document_into_the_spec(client: TestClient, profile: str) -> None:
    response = client.post(f"/normalize?profile={profile}&bundle={BUNDLE}", content=orjson.dumps(CONFIG), headers=JSON)
    assert response.status_code == 200, response.text
    result = response.json()
    assert apply(CONFIG, result["patch"]) == result["spec"]


def test_bundle_is_normalized_before_joining(client: TestClient) -> None:
    response = client.post("/normalize?bundle=/run/b/../bundle/", content=orjson.dumps(CONFIG), headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["spec"]["root"]["path"] == "/run/bundle/rootfs"


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018"])
def test_invalid_spec_is_422_with_the_report(client: TestClient, profile: str) -> None:
    bad = document_examples()["selinux-and-relative-mount"]["value"]
    response = client.post(f"/normalize?profile={profile}&bundle={BUNDLE}", content=orjson.dumps(bad), headers=JSON)
    problem = assert_problem(response, 422)
    assert problem["valid"] is False
    assert problem["profile"] == profile
    assert problem["summary"]["errors"] >= 1
    errors = [f for f in problem["findings"] if f["severity"] == "error"]
    assert problem["errors"] == [{"path": f["path"], "message": f["message"]} for f in errors]
