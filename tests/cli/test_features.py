"""`specgate validate --features/--policy`, `specgate rules --policy` and `specgate features show|diff`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from app.core.profiles import unregister
from tests.cli.conftest import Run
from tests.conftest import SHARED

K8S = SHARED / "bench" / "k8s.json"
RUNC = SHARED / "conformance" / "runtime-spec" / "examples" / "features-runc-example.json"


@pytest.fixture
def crun(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "crun.json"
    path.write_bytes(
        orjson.dumps({"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0", "linux": {"apparmor": {"enabled": False}}})
    )
    yield path
    unregister("features:crun")


def test_validate_with_a_features_file(run: Run, crun: Path) -> None:
    result = run("validate", K8S, "--features", crun, "-p", "features:crun", "-f", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["profile"] == "features:crun"
    assert ("FEAT-APPARMOR", "warning") in [(f["rule"], f["severity"]) for f in report["findings"]]


def test_a_profile_of_an_unknown_features_file_is_a_usage_error(run: Run) -> None:
    result = run("validate", K8S, "-p", "features:nope")
    assert result.exit_code == 2 and "features:nope" in result.stderr


def test_a_bad_features_file_names_file_and_pointer(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"ociVersionMin": "1.0.0"}')
    result = run("validate", K8S, "--features", bad)
    assert result.exit_code == 2 and "bad.json" in result.stderr and "/ociVersionMax" in result.stderr


def test_a_policy_turns_a_warning_into_an_error_and_an_error_off(run: Run, tmp_path: Path) -> None:
    assert run("validate", K8S).exit_code == 0
    policy = tmp_path / "policy.toml"
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\n')
    result = run("validate", K8S, "--policy", policy, "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["policy"]["changed"][0]["rule"] == "RUNSC-APPARMOR"
    text = run("validate", K8S, "--policy", policy).stdout
    assert f"policy {policy}: RUNSC-APPARMOR at /process/apparmorProfile warning -> error" in text

    doc = orjson.loads(K8S.read_bytes())
    doc["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"
    refused = tmp_path / "config.json"
    refused.write_bytes(orjson.dumps(doc))
    assert run("validate", refused).exit_code == 1
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-SELINUX = "off"\n')
    result = run("validate", refused, "--policy", policy)
    assert result.exit_code == 0, result.output
    assert "  error    /process/selinuxLabel" not in result.stdout
    assert "RUNSC-SELINUX at /process/selinuxLabel error -> off" in result.stdout  # said, never silent


def test_a_policy_with_a_typo_is_refused_with_the_closest_rule(run: Run, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-SECOMP-OFF = "off"\n')
    result = run("validate", K8S, "--policy", policy)
    assert result.exit_code == 2 and "did you mean RUNSC-SECCOMP-OFF?" in result.stderr


def test_rules_show_the_effective_catalog(run: Run, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\nRUNSC-SECCOMP-OFF = "off"\n')
    rules = {
        r["id"]: r for r in json.loads(run("rules", "-p", "runsc", "-f", "json", "--policy", policy).stdout)["rules"]
    }
    assert rules["RUNSC-APPARMOR"]["severity"] == "error" and rules["RUNSC-SECCOMP-OFF"]["enabled"] is False
    text = run("rules", "-p", "runsc", "--policy", policy).stdout
    assert "RUNSC-SECCOMP-OFF" in text and "  off  " in text


def test_features_show_and_diff(run: Run, tmp_path: Path) -> None:
    shown = run("features", "show", "runsc")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["ociVersionMax"] == "1.2.1"
    saved = tmp_path / "runsc.json"
    saved.write_text(shown.stdout)
    assert run("features", "diff", "runsc", saved).exit_code == 0  # the same features
    result = run("features", "diff", "runsc", RUNC)
    assert result.exit_code == 1
    assert "/linux/selinux/enabled: runsc false, features-runc-example.json true" in result.stdout
    data = json.loads(run("features", "diff", "oci", "runsc", "-f", "json").stdout)
    rows = {d["path"]: d for d in data["differences"]}
    assert rows["/linux/namespaces"]["only_a"] == ["time"]
    assert run("features", "diff", "runsc", "nope").exit_code == 2
