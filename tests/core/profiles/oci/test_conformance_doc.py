"""docs/conformance.md quotes catalog numbers and rule IDs: count them here, never trust the typing."""

from __future__ import annotations

import re
from collections import Counter

from app.core import engine
from app.core.profiles.oci.catalog import CATALOG, EXTRA_RULES
from tests.conftest import ROOT, SHARED

DOC = (ROOT / "docs" / "conformance.md").read_text()


def _number(label: str) -> int:
    match = re.search(label + r"\D*?\*\*(\d+)\*\*", DOC)
    assert match, label
    return int(match[1])


def test_catalog_counts_match_the_doc() -> None:
    scopes = Counter(r.scope for r in CATALOG)
    severities = Counter(r.severity for r in CATALOG)
    assert _number("Rules in the catalog") == len(CATALOG)
    assert re.search(rf"\*\*{len(CATALOG) - len(EXTRA_RULES)}\*\* rows of the rule table", DOC)
    assert re.search(rf"\*\*{len(EXTRA_RULES)}\*\* of ours", DOC)
    assert _number("By scope") == scopes["document"]
    assert re.search(rf"\*\*{scopes['bundle']}\*\* bundle rules", DOC)
    assert re.search(rf"\*\*{scopes['host']}\*\* host", DOC)
    assert re.search(
        rf"\*\*{severities['error']}\*\* error, \*\*{severities['warning']}\*\* warning, "
        rf"\*\*{severities['info']}\*\* info",
        DOC,
    )


def test_catalog_is_the_rule_table() -> None:
    table = SHARED / "reference" / "oci-rules.md"
    rows = re.findall(r"^\| (OCI-[A-Z0-9-]+) \|", table.read_text(), re.M)
    assert len(rows) == 149
    assert {r.id for r in CATALOG} == set(rows) | EXTRA_RULES


def test_doc_names_only_catalog_rules_and_every_rule() -> None:
    named = set(re.findall(r"OCI-[A-Z0-9]+(?:-[A-Z0-9]+)*", DOC))
    ids = {r.id for r in CATALOG}
    assert named - ids == set()
    assert ids - named == set()


def test_rules_endpoint_lists_every_rule_with_severity_and_reference() -> None:
    listed = engine.rules("oci").rules
    assert len(listed) == len(CATALOG)
    for info in listed:
        assert info.profile == "oci"
        assert info.severity in ("error", "warning", "info")
        assert info.reference.startswith("https://github.com/opencontainers/runtime-spec/blob/v1.3.0/")
        assert info.summary
        assert info.checked == (info.scope != "host")
