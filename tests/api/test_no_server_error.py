"""No input gives a 500: seeded mutations of a realistic spec, sent to every route and profile."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.examples import CAPABILITIES, CONFIG

JSON = {"content-type": "application/json"}
PROFILES = ["runsc", "runsc-2018", "oci"]
ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**64,
    -(2**63) - 1,
    1.5,
    1e308,
    "",
    "x",
    "../../etc",
    "\u0000",
    "é",
    [],
    {},
    [None],
    {"": None},
    ["a", 1],
    {"a": {"b": []}},
]
DOCUMENTS = 30


def _pointers(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _pointers(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _pointers(value, (*path, index))


def _mutate(document: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """Replace one to four random members or elements with values of the wrong type or range."""
    result = copy.deepcopy(document)
    paths = list(_pointers(result))[1:]
    for _ in range(rnd.randint(1, 4)):
        path = rnd.choice(paths)
        parent: Any = result
        try:
            for token in path[:-1]:
                parent = parent[token]
            parent[path[-1]] = copy.deepcopy(rnd.choice(ODD_VALUES))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    return result


def _check(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("seed", range(3))
def test_mutated_documents_never_fail_the_server(client: TestClient, seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(DOCUMENTS // 3):
        raw = json.dumps(_mutate(CONFIG, rnd)).encode()
        for profile in PROFILES:
            for route in ("/validate", "/normalize?bundle=/run/bundle&", "/classify-mounts"):
                sep = "" if route.endswith("&") else "?"
                _check(client.post(f"{route}{sep}profile={profile}", content=raw, headers=JSON))


@pytest.mark.parametrize("seed", range(3))
def test_mutated_capabilities_never_fail_the_server(client: TestClient, seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(DOCUMENTS // 3):
        raw = json.dumps(_mutate(CAPABILITIES, rnd)).encode()
        for profile in PROFILES:
            _check(client.post(f"/capabilities?profile={profile}", content=raw, headers=JSON))


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="empty-object"),
        pytest.param({"process": None, "root": None, "mounts": None, "linux": None}, id="nulls"),
        pytest.param({"mounts": [{}] * 3, "process": {"capabilities": {"bounding": [[]]}}}, id="empty-mounts"),
        pytest.param({"annotations": {"io.kubernetes.cri.container-type": ["x"]}}, id="annotation-list"),
        pytest.param({"ociVersion": 1, "process": "sh", "linux": []}, id="wrong-types"),
        pytest.param({"a" * 10000: "b" * 100000}, id="long-strings"),
    ],
)
@pytest.mark.parametrize("profile", PROFILES)
def test_odd_documents_never_fail_the_server(client: TestClient, body: dict[str, Any], profile: str) -> None:
    raw = json.dumps(body).encode()
    for route in ("/validate", "/normalize?bundle=/run/bundle&", "/classify-mounts", "/capabilities"):
        sep = "" if route.endswith("&") else "?"
        _check(client.post(f"{route}{sep}profile={profile}", content=raw, headers=JSON))
