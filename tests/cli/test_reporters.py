"""The pipeline formats: SARIF 2.1.0 and JUnit XML validate against their schemas and point at the right place."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import jsonschema
import pytest
import xmlschema

from app import core
from tests.cli.conftest import FIXTURES, UPSTREAM, Run
from tests.conftest import ROOT

SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
JUNIT_XSD = FIXTURES / "junit" / "junit-10.xsd"
INVALID = FIXTURES / "invalid" / "config.json"
BROKEN = FIXTURES / "broken" / "config.json"
VALID = FIXTURES / "valid" / "config.json"

CORPORA = [
    pytest.param([UPSTREAM], ["runsc"], id="upstream"),
    pytest.param([FIXTURES], ["runsc", "runsc-2018", "oci"], id="fixtures-all-profiles"),
    pytest.param([VALID], ["oci"], id="one-valid-file"),
]


@cache
def _sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


@cache
def _junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(JUNIT_XSD))


def _sarif(run: Run, *args: Any) -> dict[str, Any]:
    result = run("validate", "-f", "sarif", *args)
    log: dict[str, Any] = json.loads(result.stdout)
    return log


@pytest.mark.parametrize(("paths", "profiles"), CORPORA)
def test_sarif_validates_against_the_sarif_2_1_0_schema(run: Run, paths: list[Any], profiles: list[str]) -> None:
    args = [a for p in profiles for a in ("-p", p)]
    log = _sarif(run, *args, *paths)
    errors = sorted(_sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    for result in sarif_run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_rules_come_from_the_catalog_with_help_uris(run: Run) -> None:
    log = _sarif(run, "-p", "oci", VALID)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    catalog = core.rules("oci").rules
    assert {r.id for r in catalog} <= set(rules)
    for info in catalog:
        if info.reference.startswith("https://"):
            assert rules[info.id]["helpUri"] == info.reference
        assert rules[info.id]["shortDescription"]["text"] == info.summary


def test_sarif_results_carry_rule_level_file_and_line(run: Run) -> None:
    log = _sarif(run, INVALID)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    selinux = results["RUNSC-SELINUX"]
    assert selinux["level"] == "error"
    location = selinux["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == str(INVALID.relative_to(ROOT)) or location[
        "physicalLocation"
    ]["artifactLocation"]["uri"].endswith("tests/fixtures/cli/invalid/config.json")
    lines = INVALID.read_text().splitlines()
    region = location["physicalLocation"]["region"]
    assert lines[region["startLine"] - 1][region["startColumn"] - 1 :].startswith('"system_u:system_r')
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "/process/selinuxLabel"
    info = results["RUNSC-CAPS-ABSENT"]  # a missing member: its parent, /process, is located instead
    assert info["level"] == "note"
    region = info["locations"][0]["physicalLocation"]["region"]
    assert lines[region["startLine"] - 1][region["startColumn"] - 1 :].startswith("{")
    assert region["startLine"] == 4


def test_sarif_document_error_is_located_at_the_syntax_error(run: Run) -> None:
    log = _sarif(run, BROKEN)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "SPECGATE-DOCUMENT"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 29}


def test_sarif_uses_relative_uris_for_relative_paths(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    log = _sarif(run, "invalid/config.json")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"invalid/config.json"}


@pytest.mark.parametrize(("paths", "profiles"), CORPORA)
def test_junit_validates_against_the_junit_xsd(run: Run, paths: list[Any], profiles: list[str]) -> None:
    args = [a for p in profiles for a in ("-p", p)]
    result = run("validate", "-f", "junit", *args, *paths)
    _junit_schema().validate(result.stdout)


def test_junit_has_a_suite_per_file_and_a_case_per_rule_or_finding(run: Run) -> None:
    result = run("validate", "-f", "junit", "--junit-cases", "rule", INVALID, BROKEN)
    root = ET.fromstring(result.stdout)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {str(INVALID), str(BROKEN)}
    invalid = suites[str(INVALID)]
    report = core.validate(INVALID.read_bytes())
    failures = [failure for c in invalid.iter("testcase") if (failure := c.find("failure")) is not None]
    assert sorted(f.get("type", "") for f in failures) == sorted(
        f.rule for f in report.findings if f.severity == "error"
    )
    hit = {f.rule for f in report.findings}
    passing = {c.get("name") for c in invalid.iter("testcase") if len(c) == 0}
    checked = {r.id for r in core.rules("runsc").rules if r.checked and r.scope == "document"}
    assert passing == checked - hit
    assert invalid.get("failures") == str(len(failures))
    broken = suites[str(BROKEN)]
    (case,) = broken.iter("testcase")
    assert case.find("error") is not None and broken.get("errors") == "1"
    assert root.get("failures") == str(len(failures)) and root.get("errors") == "1"
