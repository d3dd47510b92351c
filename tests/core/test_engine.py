from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from app.core import BadArgument, InvalidSpec, UnknownPlatform, UnknownProfile, engine, normalize, rules, validate
from app.core.profiles import get_profile
from app.core.rules import findings_of
from app.models import Severity

VALID = b'{"ociVersion": "1.0.0", "process": {"args": ["sh"], "cwd": "/"}, "root": {"path": "rootfs"}}'


def test_a_crashing_rule_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    prof = get_profile("runsc")

    def broken(*args: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(prof, "check", broken)
    report = validate(VALID)
    assert not report.valid
    assert [(f.rule, f.severity, f.path) for f in report.findings] == [("SPECGATE-INTERNAL", "error", "")]
    assert "boom" in report.findings[0].message


def test_internal_rule_is_not_in_any_catalog() -> None:
    assert engine.INTERNAL_RULE.id not in {r.id for r in rules().rules}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param({"profile": "runc"}, UnknownProfile, id="profile"),
        pytest.param({"platform": "windows"}, UnknownPlatform, id="platform-runsc"),
        pytest.param({"profile": "oci", "platform": "plan9"}, UnknownPlatform, id="platform-oci"),
        pytest.param({"lifecycle": "run"}, BadArgument, id="lifecycle"),
    ],
)
def test_unusable_arguments_raise(kwargs: dict[str, str], error: type[Exception]) -> None:
    with pytest.raises(error):
        validate(VALID, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("bundle", ["", "relative/dir", "./x"])
def test_normalize_needs_an_absolute_bundle(bundle: str) -> None:
    with pytest.raises(BadArgument):
        normalize(VALID, bundle=bundle)


def test_normalize_refuses_an_invalid_spec_with_its_report() -> None:
    with pytest.raises(InvalidSpec) as caught:
        normalize(b'{"ociVersion": "1.0.0"}', bundle="/b")
    assert not caught.value.report.valid


def test_normalize_cleans_the_bundle_like_go() -> None:
    result = normalize(VALID, bundle="//srv//bundle/../b")
    assert result.spec["root"]["path"] == "/srv/b/rootfs"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["error", "warning", "info"]), max_size=30))
def test_summarize_counts_as_the_plain_reading(severities: list[Severity]) -> None:
    # summarize counts in one loop; the plain reading counts the list of severities.
    findings = findings_of([("R", s, "", "m") for s in severities])
    summary = engine.summarize(findings)
    errors, warnings = severities.count("error"), severities.count("warning")
    assert (summary.errors, summary.warnings, summary.infos) == (errors, warnings, len(severities) - errors - warnings)
