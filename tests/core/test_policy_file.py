"""Policy files: parsing, refusal of unknown rule ids with the closest one, scopes, and how reports change."""

from __future__ import annotations

import pytest

from app import core
from app.core.policy_file import PolicyError, apply, effective_rules, parse_policy
from tests.conftest import SHARED

K8S = (SHARED / "bench" / "k8s.json").read_bytes()
SELINUX = (
    b'{"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/", "selinuxLabel": "x"}, "root": {"path": "r"}}'
)


def test_toml_and_yaml_say_the_same() -> None:
    toml = parse_policy('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\n', source="p.toml")
    yaml = parse_policy("profile: runsc\nrules:\n  RUNSC-APPARMOR: error\n", source="p.yaml")
    assert toml.overrides == yaml.overrides
    assert toml.action("RUNSC-APPARMOR", "/process/apparmorProfile") == "error"


def test_a_warning_becomes_an_error_and_an_error_goes_off() -> None:
    before = core.validate(K8S, profile="runsc")
    assert before.valid and "RUNSC-APPARMOR" in {f.rule for f in before.findings}
    policy = parse_policy('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\n', source="team.toml")
    after = core.validate(K8S, profile="runsc", policy=policy)
    assert not after.valid and after.summary.errors == 1
    assert after.policy is not None and after.policy.source == "team.toml"
    assert [(c.rule, c.was, c.now) for c in after.policy.changed] == [("RUNSC-APPARMOR", "warning", "error")]

    refused = core.validate(SELINUX, profile="runsc")
    assert not refused.valid
    off = parse_policy('profile = "runsc"\n[rules]\nRUNSC-SELINUX = "off"\n', source="p.toml")
    allowed = core.validate(SELINUX, profile="runsc", policy=off)
    assert "RUNSC-SELINUX" not in {f.rule for f in allowed.findings}
    assert allowed.summary.errors == refused.summary.errors - 1


def test_scopes_limit_an_override_to_paths_and_namespaces() -> None:
    policy = parse_policy(
        'profile = "runsc"\n[rules]\n'
        'RUNSC-MOUNT-TYPE-UNKNOWN = { severity = "off", paths = ["/mounts/3"] }\n'
        'RUNSC-APPARMOR = [{ severity = "error", namespaces = ["prod"] }]\n',
        source="p.toml",
    )
    assert policy.action("RUNSC-MOUNT-TYPE-UNKNOWN", "/mounts/3") == "off"
    assert policy.action("RUNSC-MOUNT-TYPE-UNKNOWN", "/mounts/3/type") == "off"  # everything below a plain pointer
    assert policy.action("RUNSC-MOUNT-TYPE-UNKNOWN", "/mounts/30") is None
    assert policy.action("RUNSC-APPARMOR", "/process/apparmorProfile") is None  # outside admission: no namespace
    assert policy.action("RUNSC-APPARMOR", "/process/apparmorProfile", "prod") == "error"
    assert policy.action("RUNSC-APPARMOR", "/process/apparmorProfile", "dev") is None
    glob = parse_policy(
        'profile = "oci"\n[rules]\nOCI-DEV-DEFAULTS = { severity = "off", paths = ["/linux/devices/*"] }\n',
        source="g.toml",
    )
    report = core.validate(K8S, profile="oci", policy=glob)
    assert "OCI-DEV-DEFAULTS" not in {f.rule for f in report.findings}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('profile = "runsc"\n[rules]\nRUNSC-SELINUXX = "off"\n', "did you mean RUNSC-SELINUX?"),
        ('profile = "runsc"\n[rules]\nSPECGATE-INTERNAL = "off"\n', "fail"),
        ('profile = "runsc"\n[rules]\nRUNSC-SELINUX = "fatal"\n', "not one of error, warning, info, off"),
        ('profile = "runsc"\n[rules]\nRUNSC-SELINUX = { severity = "off", paths = ["process"] }\n', "JSON Pointer"),
        ('profile = "runz"\n[rules]\n', "unknown profile 'runz'"),
        ('[rules]\nRUNSC-SELINUX = "off"\n', "`profile` is required"),
        ('profile = "runsc"\nrule = 1\n', "unknown top-level keys rule"),
        ("profile = \n", "not valid TOML"),
    ],
)
def test_unusable_policies_are_refused_at_load(text: str, fragment: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, source="bad.toml")
    assert fragment in str(caught.value) and str(caught.value).startswith("bad.toml: ")


def test_other_profiles_reports_pass_untouched() -> None:
    policy = parse_policy('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\n', source="p.toml")
    report = core.validate(K8S, profile="oci")
    assert apply(report, policy) is report


def test_merged_reports_change_only_the_named_profile() -> None:
    policy = parse_policy('profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\n', source="p.toml")
    report = core.validate(K8S, profile=["oci", "runsc"], policy=policy)
    assert not report.valid
    changed = [f for f in report.findings if f.rule == "RUNSC-APPARMOR"]
    assert [(f.severity, getattr(f, "profile", None)) for f in changed] == [("error", "runsc")]


def test_the_effective_catalog() -> None:
    policy = parse_policy(
        'profile = "runsc"\n[rules]\nRUNSC-APPARMOR = "error"\nRUNSC-SECCOMP-OFF = "off"\n'
        'RUNSC-SELINUX = { severity = "warning", namespaces = ["lab"] }\n',
        source="p.toml",
    )
    rules = {r.id: r for r in effective_rules(core.rules("runsc").rules, policy)}
    assert (rules["RUNSC-APPARMOR"].severity, rules["RUNSC-APPARMOR"].catalog_severity) == ("error", "warning")
    assert rules["RUNSC-SECCOMP-OFF"].enabled is False
    assert rules["RUNSC-SELINUX"].severity == "error" and rules["RUNSC-SELINUX"].policy == "warning (namespaces lab)"
    assert core.rules("runsc", policy=policy).rules == list(rules.values())
