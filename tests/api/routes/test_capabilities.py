"""GET and POST /capabilities: the table, and names and masks of the five sets."""

from __future__ import annotations

import re

import orjson
import pytest
from fastapi.testclient import TestClient

from app.api.examples import CAPABILITIES
from tests.api.problems import assert_problem

JSON = {"content-type": "application/json"}
MASK = re.compile(r"^0x[0-9a-f]{16}$")
SETS = ("bounding", "effective", "inheritable", "permitted", "ambient")


def post(client: TestClient, body: object, query: str = "") -> dict[str, dict[str, object]]:
    response = client.post(f"/capabilities{query}", content=orjson.dumps(body), headers=JSON)
    assert response.status_code == 200, response.text
    result: dict[str, dict[str, object]] = response.json()
    return result


def test_table_lists_every_capability_by_number(client: TestClient) -> None:
    response = client.get("/capabilities")
    assert response.status_code == 200
    table = response.json()
    assert table["last_cap"] == 40
    caps = table["capabilities"]
    assert caps[0] == {"name": "CAP_CHOWN", "number": 0}
    assert {"name": "CAP_SYS_ADMIN", "number": 21} in caps
    assert {"name": "CAP_CHECKPOINT_RESTORE", "number": 40} in caps
    assert [c["number"] for c in caps] == list(range(41))


@pytest.mark.parametrize(
    ("names", "mask"),
    [
        pytest.param(["CAP_CHOWN", "CAP_KILL"], "0x0000000000000021", id="contract-example"),
        pytest.param([], "0x0000000000000000", id="empty"),
        pytest.param(["CAP_CHECKPOINT_RESTORE"], "0x0000010000000000", id="highest"),
        pytest.param(["CAP_KILL", "CAP_CHOWN", "CAP_KILL"], "0x0000000000000021", id="unordered-duplicate"),
    ],
)
def test_set_is_named_and_masked(client: TestClient, names: list[str], mask: str) -> None:
    result = post(client, {"bounding": names})
    assert result["bounding"]["mask"] == mask
    assert result["bounding"]["names"] == sorted(
        set(names), key=["CAP_CHOWN", "CAP_KILL", "CAP_CHECKPOINT_RESTORE"].index
    )


def test_all_five_sets_including_ambient(client: TestClient) -> None:
    body = {name: ["CAP_CHOWN"] for name in SETS}
    body["ambient"] = ["CAP_NET_BIND_SERVICE"]
    result = post(client, body, "?profile=runsc")
    for name in SETS:
        assert MASK.match(str(result[name]["mask"])), result[name]
    assert result["ambient"]["names"] == ["CAP_NET_BIND_SERVICE"]
    assert result["ambient"]["mask"] == "0x0000000000000400"


def test_containerd_default_set(client: TestClient) -> None:
    result = post(client, CAPABILITIES)
    assert result["bounding"]["mask"] == "0x00000000a80425fb"
    assert result["inheritable"]["mask"] == "0x0000000000000000"


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018", "oci"])
def test_unknown_names_are_422_with_their_pointers(client: TestClient, profile: str) -> None:
    body = {"bounding": ["CAP_CHOWN", "CAP_NET_ADMN"], "effective": ["CAP_CHOWN", "CAP_FLY"]}
    response = client.post(f"/capabilities?profile={profile}", content=orjson.dumps(body), headers=JSON)
    problem = assert_problem(response, 422)
    paths = [e["path"] for e in problem["errors"]]
    assert "/bounding/1" in paths
    assert "/effective/1" in paths
    assert "CAP_NET_ADMN" in problem["detail"] and "CAP_FLY" in problem["detail"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        pytest.param({"bounding": "CAP_CHOWN"}, "/bounding", id="string-not-list"),
        pytest.param({"bounding": [1]}, "/bounding/0", id="number-in-list"),
    ],
)
def test_wrong_shapes_are_422(client: TestClient, body: object, path: str) -> None:
    response = client.post("/capabilities", content=orjson.dumps(body), headers=JSON)
    problem = assert_problem(response, 422)
    assert path in [e["path"] for e in problem["errors"]]
