"""GET /profiles, GET /profiles/{name}/features, features profiles from a directory, several profiles at once and a
policy file in force, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from app.core.features import FeaturesError, parse_features
from app.core.policy_file import PolicyError
from app.core.profiles import unregister
from app.main import create_app
from tests.api.conftest import make_settings
from tests.conftest import SHARED

K8S = (SHARED / "bench" / "k8s.json").read_bytes()
JSON = {"Content-Type": "application/json"}
RUNC = SHARED / "conformance" / "runtime-spec" / "examples" / "features-runc-example.json"


def test_profiles_lists_every_profile_with_its_source(client: TestClient) -> None:
    body = client.get("/profiles").json()
    rows = {p["name"]: p for p in body["profiles"]}
    assert list(rows) == ["runsc", "runsc-2018", "oci", "features:runc-1.1"]
    assert rows["runsc"]["source"] == "built-in" and rows["runsc"]["rules"] > 50
    assert rows["oci"]["platforms"][0] == "linux" and len(rows["oci"]["platforms"]) > 1
    assert rows["features:runc-1.1"]["source"] == "built-in" and rows["features:runc-1.1"]["rules"] == 26
    assert "1.1.0+dev" in rows["features:runc-1.1"]["title"]


@pytest.mark.parametrize("name", ["runsc", "runsc-2018", "oci", "features:runc-1.1"])
def test_features_of_each_profile_is_a_valid_features_document(client: TestClient, name: str) -> None:
    response = client.get(f"/profiles/{name}/features")
    assert response.status_code == 200
    parse_features(response.content, name="features:x", source=name)  # raises when not valid against the schema
    assert "null" not in response.text  # absent means unknown; null would break the schema's array types


def test_features_of_an_unknown_profile_is_404(client: TestClient) -> None:
    response = client.get("/profiles/runz/features")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "GET /profiles" in response.json()["detail"]


def test_several_profiles_merge_their_findings(client: TestClient) -> None:
    response = client.post("/validate?profile=oci&profile=features:runc-1.1", content=K8S, headers=JSON)
    body = response.json()
    assert response.status_code == 200
    assert body["profiles"] == ["oci", "features:runc-1.1"] and body["profile"] == "oci,features:runc-1.1"
    assert {f["profile"] for f in body["findings"]} == {"oci", "features:runc-1.1"}
    assert all(f["rule"].startswith("FEAT-") == (f["profile"] == "features:runc-1.1") for f in body["findings"])
    assert body["summary"]["warnings"] == sum(f["severity"] == "warning" for f in body["findings"])
    # valid is false as soon as one profile finds an error.
    selinux = orjson.loads(K8S)
    selinux["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"
    body = client.post("/validate?profile=oci&profile=runsc", content=orjson.dumps(selinux), headers=JSON).json()
    assert body["valid"] is False
    assert [f["profile"] for f in body["findings"] if f["severity"] == "error"] == ["runsc"]


def test_one_profile_keeps_the_single_report(client: TestClient) -> None:
    body = client.post("/validate?profile=oci", content=K8S, headers=JSON).json()
    assert "profiles" not in body and body["profile"] == "oci" and body["policy"] is None
    assert all("profile" not in f for f in body["findings"])


@pytest.fixture
def features_dir(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "crun-1.15.json").write_bytes(
        orjson.dumps({"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0", "linux": {"selinux": {"enabled": False}}})
    )
    (tmp_path / "runc.json").write_bytes(RUNC.read_bytes())
    yield tmp_path
    unregister("features:crun-1.15")
    unregister("features:runc")


def test_features_dir_becomes_profiles(features_dir: Path) -> None:
    with TestClient(create_app(make_settings(features_dir=str(features_dir)))) as client:
        rows = {p["name"]: p for p in client.get("/profiles").json()["profiles"]}
        assert rows["features:crun-1.15"]["source"] == "crun-1.15.json"
        doc = orjson.loads(K8S)
        doc["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0"
        body = client.post("/validate?profile=features:crun-1.15", content=orjson.dumps(doc), headers=JSON).json()
        assert body["valid"] is False
        assert ("FEAT-SELINUX", "/linux/mountLabel") in [(f["rule"], f["path"]) for f in body["findings"]]
        assert client.get("/profiles/features:runc/features").json() == orjson.loads(RUNC.read_bytes())
        assert client.get("/readyz").json()["profiles"][-2:] == ["features:crun-1.15", "features:runc"]


def test_a_bad_features_document_stops_start_up_naming_file_and_pointer(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_bytes(b'{"ociVersionMin": "1.0.0", "hooks": "prestart"}')
    with pytest.raises(FeaturesError) as caught:
        create_app(make_settings(features_dir=str(tmp_path)))
    message = str(caught.value)
    assert message.startswith("broken.json: ") and "/ociVersionMax" in message and "/hooks" in message


def test_a_policy_file_shapes_every_report(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\nRUNSC-SELINUX = "off"\n')
    with TestClient(create_app(make_settings(policy=str(policy)))) as client:
        body = client.post("/validate", content=K8S, headers=JSON).json()
        assert body["valid"] is False  # a warning turned into an error
        assert body["policy"]["source"] == str(policy)
        assert body["policy"]["changed"] == [
            {"rule": "RUNSC-APPARMOR", "path": "/process/apparmorProfile", "was": "warning", "now": "error"}
        ]
        doc = orjson.loads(K8S)
        doc["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"
        del doc["process"]["apparmorProfile"]
        body = client.post("/validate", content=orjson.dumps(doc), headers=JSON).json()
        assert body["valid"] is True  # an error turned off
        assert [c["now"] for c in body["policy"]["changed"]] == ["off"]
        rules = {r["id"]: r for r in client.get("/rules?profile=runsc").json()["rules"]}
        assert (
            rules["RUNSC-APPARMOR"]["severity"] == "error" and rules["RUNSC-APPARMOR"]["catalog_severity"] == "warning"
        )
        assert rules["RUNSC-SELINUX"]["enabled"] is False
        # Reports of other profiles are left as they are.
        assert client.post("/validate?profile=oci", content=K8S, headers=JSON).json()["policy"] is None


def test_a_policy_with_an_unknown_rule_stops_start_up(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-APARMOR = "error"\n')
    with pytest.raises(PolicyError, match="did you mean RUNSC-APPARMOR"):
        create_app(make_settings(policy=str(policy)))
