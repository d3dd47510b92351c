"""`specgate kube`: Kubernetes manifests judged with the webhook's policy, in every output format."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.cli.manifests import read_manifests
from tests.cli.conftest import Run
from tests.cli.test_reporters import _junit_schema, _sarif_validator
from tests.conftest import ROOT

KUBE = ROOT / "tests" / "fixtures" / "kube"
SHOP = KUBE / "shop.yaml"
LIST = KUBE / "list.yaml"


def line_of(path: Any, text: str, after: int = 0) -> int:
    """1-based number of the first line containing `text` after line `after`."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if number > after and text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def test_text_names_file_line_object_container_and_field(run: Run) -> None:
    result = run("kube", "--no-color", SHOP)
    assert result.exit_code == 1, result.output
    out = result.stdout
    # an object starts at its first member, after helm's `# Source:` comment
    assert f"{SHOP}:{line_of(SHOP, 'worker.yaml') + 1} StatefulSet shop-worker [runsc]: invalid" in out
    assert f"{SHOP}:{line_of(SHOP, 'deployment.yaml') + 1} Deployment shop-api [runsc]: valid" in out
    assert "/spec/template/spec/containers/1/securityContext/capabilities/add/1" in out
    assert 'container "capture"' in out and "RUNSC-CAPS-NAMES" in out
    assert "Service" not in out and "ConfigMap" not in out and "DaemonSet" not in out  # not Pods / not gVisor
    assert "2 objects judged, 1 admitted, 1 refused" in out and "1 not judged" in out
    assert "  info " not in out and "infos not shown" in out  # as validate: text leaves infos out by default
    assert "  info " in run("kube", "--no-color", "--min-severity", "info", SHOP).stdout


def test_stdin_like_helm_template(run: Run) -> None:
    result = run("kube", "-f", "json", "-", stdin=SHOP.read_bytes())
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["valid"] for line in lines] == [True, False]
    assert lines[1]["file"].startswith("<stdin>:")
    assert {f["path"] for f in lines[1]["findings"] if f["severity"] == "error"} == {
        "/spec/template/spec/containers/1/securityContext/capabilities/add/1"
    }


def test_sarif_points_into_the_yaml(run: Run) -> None:
    result = run("kube", "-f", "sarif", SHOP, LIST)
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    _sarif_validator().validate(log)
    errors = [r for r in log["runs"][0]["results"] if r["level"] == "error"]
    by_pointer = {r["properties"]["pointer"]: r for r in errors}
    cap = by_pointer["/spec/template/spec/containers/1/securityContext/capabilities/add/1"]
    region = cap["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line_of(SHOP, "- CAP_NET_RAW")
    assert region["startColumn"] == SHOP.read_text().splitlines()[region["startLine"] - 1].index("CAP_NET_RAW") + 1
    typo = by_pointer["/spec/template/spec/initContainers/0/securityContext/capabilities/add/0"]
    location = typo["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("list.yaml")
    assert location["region"]["startLine"] == line_of(LIST, "NET_ADMN")


def test_junit(run: Run) -> None:
    result = run("kube", "-f", "junit", SHOP)
    assert result.exit_code == 1
    _junit_schema().validate(result.stdout)
    assert "StatefulSet shop-worker" in result.stdout


def test_policy_options(run: Run) -> None:
    assert run("kube", "--action", "warn", SHOP).exit_code == 0
    assert run("kube", "--action", "audit", "-f", "json", SHOP).exit_code == 0
    # the DaemonSet on runc, judged against the OCI spec: Bidirectional gives rshared, not in the schema
    mapped = run("kube", "--runtime-class", "gvisor=runsc", "--default-profile", "oci", "-f", "json", SHOP)
    reports = [json.loads(line) for line in mapped.stdout.splitlines()]
    assert {r["profile"] for r in reports} == {"runsc", "oci"} and len(reports) == 3
    assert run("kube", "-n", "kube-system", SHOP).exit_code == 0  # every object lands in an exempt namespace
    assert run("kube", "--exempt-namespace", "shop", LIST).exit_code == 0
    assert run("kube", "--fail-on", "warning", LIST).exit_code == 1


def test_usage_errors(run: Run, tmp_path: Any) -> None:
    assert run("kube", "--runtime-class", "gvisor", SHOP).exit_code == 2
    assert run("kube", "--runtime-class", "gvisor=nope", SHOP).exit_code == 2
    assert run("kube", tmp_path).exit_code == 2  # nothing to read
    assert run("kube", tmp_path / "missing.yaml").exit_code == 2


def test_directory_and_broken_yaml(run: Run) -> None:
    result = run("kube", "--no-color", KUBE)
    assert result.exit_code == 1
    assert f"{KUBE / 'broken.yaml'}:7 (document 1)" in result.stdout
    assert f"{KUBE / 'malformed-pod.yaml'}:1 Pod x/broken [runsc]: invalid" in result.stdout
    assert "not YAML" in result.stdout and "SPECGATE-DOCUMENT" in result.stdout


def test_manifests_keep_positions_and_strings() -> None:
    manifests, problems = read_manifests(SHOP.read_text())
    assert not problems
    assert [m.data["kind"] for m in manifests] == ["Service", "ConfigMap", "Deployment", "StatefulSet", "DaemonSet"]
    assert manifests[1].data["data"]["started"] == "2026-03-14T09:26:53Z"  # not a datetime
    assert manifests[3].position("/spec/template/spec/containers/1/name") == (line_of(SHOP, "- name: capture"), 17)
    # a member that is not there is placed at its nearest parent that is
    assert manifests[3].position("/spec/nothing/here") == (line_of(SHOP, "serviceName: shop-worker"), 3)
    listed, _ = read_manifests(LIST.read_text())
    assert listed[0].prefix == "/items/0" and listed[0].describe() == "Job shop/migrate"


@pytest.mark.parametrize(
    ("text", "message"),
    [("- a\n- b\n", "not a list"), ("just text\n", "not a string"), ("a: [\n", "not YAML")],
)
def test_documents_that_are_not_objects(text: str, message: str) -> None:
    manifests, problems = read_manifests(text)
    assert not manifests and len(problems) == 1
    assert message.replace("not a list", "a list").replace("not a string", "a string") in problems[0].message


def test_a_malformed_pod_is_refused_with_its_field(run: Run) -> None:
    result = run("kube", "--no-color", KUBE / "malformed-pod.yaml")
    assert result.exit_code == 1
    assert "KUBE-POD-INVALID" in result.stdout and "/spec/containers/0/securityContext/runAsUser" in result.stdout


def test_a_policy_file_applies_as_in_the_webhook(run: Run, tmp_path: Any) -> None:
    # The refused StatefulSet's error (an unknown capability name) turned off: the same manifests pass.
    assert run("kube", SHOP).exit_code == 1
    policy = tmp_path / "policy.toml"
    policy.write_text('profile = "runsc"\n[rules]\nRUNSC-CAPS-NAMES = "off"\n')
    result = run("kube", "--no-color", "--policy", policy, SHOP)
    assert result.exit_code == 0, result.output
    assert "RUNSC-CAPS-NAMES" not in result.stdout.split("policy")[0]
    typo = tmp_path / "typo.toml"
    typo.write_text('profile = "runsc"\n[rules]\nRUNSC-CAP-NAMES = "off"\n')
    refused = run("kube", "--policy", typo, SHOP)
    assert refused.exit_code == 2 and "did you mean RUNSC-CAPS-NAMES?" in refused.stderr
