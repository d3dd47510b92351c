"""POST /classify-mounts: one entry per mount, in document order."""

from __future__ import annotations

import orjson
import pytest
from fastapi.testclient import TestClient

from app.api.examples import CONFIG

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018"])
def test_every_mount_is_classified_in_order(client: TestClient, profile: str) -> None:
    response = client.post(f"/classify-mounts?profile={profile}", content=orjson.dumps(CONFIG), headers=JSON)
    assert response.status_code == 200, response.text
    mounts = response.json()["mounts"]
    assert [m["index"] for m in mounts] == list(range(len(CONFIG["mounts"])))
    for entry, mount in zip(mounts, CONFIG["mounts"], strict=True):
        assert {"index", "destination", "type", "source", "category", "gofer", "reasons"} <= set(entry)
        assert (entry["destination"], entry["type"], entry["source"]) == (
            mount["destination"],
            mount["type"],
            mount["source"],
        )
    by_destination = {m["destination"]: m for m in mounts}
    # Host bind mounts are served through the gofer; proc and sysfs live in the sentry.
    assert by_destination["/etc/hosts"]["gofer"] is True
    assert by_destination["/proc"]["gofer"] is False
    assert by_destination["/sys"]["gofer"] is False


def test_runsc_categories_are_the_contract_ones(client: TestClient) -> None:
    response = client.post("/classify-mounts", content=orjson.dumps(CONFIG), headers=JSON)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["mounts"], "the example has mounts"
    assert {m["category"] for m in result["mounts"]} <= {"gofer", "erofs", "sentry", "skipped", "invalid"}
    assert next(m for m in result["mounts"] if m["destination"] == "/etc/hosts")["category"] == "gofer"


def test_document_without_mounts(client: TestClient) -> None:
    response = client.post("/classify-mounts", content=b'{"ociVersion": "1.0.2"}', headers=JSON)
    assert response.status_code == 200
    assert response.json()["mounts"] == []
