"""The findings collector: fast construction must give exactly the models pydantic would build."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given, settings, strategies as st

from app.core.rules import Catalog, Findings, Rule, finding, findings_of
from app.models import Finding, Severity

CATALOG = Catalog("test", [Rule("T-ERR", "error", "e", "ref"), Rule("T-INFO", "info", "i", "ref")])


@pytest.mark.parametrize(
    ("rule", "severity", "path", "message"),
    [
        pytest.param("T-ERR", "error", "", "root", id="root-pointer"),
        pytest.param("T-INFO", "info", "/mounts/0/options/3", 'ignoring "x"', id="quoted-message"),
        pytest.param("T-ERR", "warning", "/a~1b/~0c", "ünïcode ✓", id="escaped-pointer-unicode"),
    ],
)
def test_finding_equals_model_construct(rule: str, severity: Severity, path: str, message: str) -> None:
    fast = finding(rule, severity, path, message)
    slow = Finding.model_construct(rule=rule, severity=severity, path=path, message=message)
    assert type(fast) is Finding
    assert fast == slow
    assert fast.model_dump(mode="json") == slow.model_dump(mode="json")
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.__pydantic_extra__ is None and fast.__pydantic_private__ is None
    assert Finding.model_validate(fast.model_dump()) == fast
    assert copy.deepcopy(fast) == fast


def test_finding_is_built_for_every_field_of_the_model() -> None:
    # `finding` fills the fields by name: a new field in Finding must be added there too.
    assert list(Finding.model_fields) == ["rule", "severity", "path", "message"]


def test_findings_are_independent_models() -> None:
    one = finding("T-ERR", "error", "/a", "m")
    two = finding("T-ERR", "error", "/a", "m")
    one.message = "changed"
    assert two.message == "m"
    assert one.model_fields_set is not two.model_fields_set


def test_collector_defaults_severity_and_keeps_order() -> None:
    out = Findings(CATALOG)
    out.add("T-INFO", "/b", "second")
    out.add("T-ERR", "/a", "first", severity="warning")
    assert len(out) == 2
    assert out.entries == [("T-INFO", "info", "/b", "second"), ("T-ERR", "warning", "/a", "first")]
    assert [f.model_dump() for f in out.items] == [
        {"rule": "T-INFO", "severity": "info", "path": "/b", "message": "second"},
        {"rule": "T-ERR", "severity": "warning", "path": "/a", "message": "first"},
    ]


def test_collector_refuses_a_rule_the_catalog_lacks() -> None:
    with pytest.raises(KeyError):
        Findings(CATALOG).add("T-NONE", "", "m")


def test_construct_equals_model_construct_for_a_report() -> None:
    from app.core.rules import construct
    from app.models import SandboxInfo, Summary, ValidationReport

    findings = [finding("T-ERR", "error", "/a", "m")]
    values = {
        "valid": False,
        "profile": "runsc",
        "platform": "linux",
        "findings": findings,
        "summary": construct(Summary, {"errors": 1, "warnings": 0, "infos": 0}),
        "sandbox": SandboxInfo(),
        "policy": None,
    }
    fast = construct(ValidationReport, dict(values))
    slow = ValidationReport.model_construct(**values)
    assert type(fast) is ValidationReport
    assert fast == slow
    assert fast.model_dump(mode="json") == slow.model_dump(mode="json")
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    assert ValidationReport.model_validate_json(fast.model_dump_json()) == fast


ENTRIES = st.lists(
    st.tuples(
        st.sampled_from(["T-ERR", "RUNSC-MOUNT-OPT-UNKNOWN", ""]),
        st.sampled_from(["error", "warning", "info"]),
        st.text(max_size=12),
        st.text(max_size=30),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(ENTRIES)
def test_findings_of_equals_model_construct(entries: list[tuple[str, Severity, str, str]]) -> None:
    # findings_of stores each field into the instance's inline values instead of assigning a new __dict__: every
    # reading of the model (its dict and the dict's order, dumps, copies, pickles, updates) must be the same.
    fast = findings_of(entries)
    slow = [Finding.model_construct(rule=r, severity=s, path=p, message=m) for r, s, p, m in entries]
    assert fast == slow
    for one, other in zip(fast, slow, strict=True):
        assert type(one) is Finding
        assert list(vars(one).items()) == list(vars(other).items())
        assert one.model_dump_json() == other.model_dump_json()
        assert one.model_fields_set == other.model_fields_set
        assert one.__pydantic_extra__ is None and one.__pydantic_private__ is None
        assert pickle.loads(pickle.dumps(one)) == other
        assert one.model_copy(update={"severity": "info"}) == other.model_copy(update={"severity": "info"})
        one.message = "changed"
        assert one.message == "changed" and vars(one)["message"] == "changed"
