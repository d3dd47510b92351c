"""The admission policy: runtime classes to profiles, actions, exemptions, the skip annotation."""

from __future__ import annotations

import pytest

from app.core import BadArgument, UnknownProfile
from app.core.kube.policy import SKIP_ANNOTATION, Policy, build_policy, parse_list, parse_mapping


def test_defaults_map_gvisor_and_runsc_and_leave_others_unjudged() -> None:
    policy = Policy()
    assert policy.profile_for("gvisor") == "runsc"
    assert policy.profile_for("runsc") == "runsc"
    assert policy.profile_for("runc") is None
    assert policy.profile_for("kata-qemu") is None
    assert policy.profile_for(None) is None
    assert policy.profile_for("") is None
    assert policy.profile_for(["gvisor"]) is None  # not a string: the apiserver would have refused it
    assert policy.action == "deny"
    assert policy.exempt("kube-system") and not policy.exempt("default") and not policy.exempt(None)


def test_mapping_runc_to_oci_and_a_default_profile() -> None:
    policy = build_policy(runtime_classes={"gvisor": "runsc", "runc": "oci"}, default_profile="oci")
    assert policy.profile_for("runc") == "oci"
    assert policy.profile_for(None) == "oci"
    assert policy.profile_for("runsc") is None  # the mapping replaces the default one


def test_unknown_profile_and_action_fail_when_built() -> None:
    with pytest.raises(UnknownProfile):
        Policy(runtime_classes={"gvisor": "gvisor-strict"})
    with pytest.raises(UnknownProfile):
        Policy(default_profile="runcc")
    with pytest.raises(BadArgument, match="action"):
        build_policy(action="block")
    with pytest.raises(BadArgument, match="annotation key"):
        Policy(skip_annotation="not a key")


def test_policy_is_immutable() -> None:
    policy = Policy()
    with pytest.raises(TypeError):
        policy.runtime_classes["runc"] = "oci"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gvisor=runsc", {"gvisor": "runsc"}),
        (" gvisor = runsc , runc=oci,", {"gvisor": "runsc", "runc": "oci"}),
        ("", {}),
    ],
)
def test_parse_mapping(text: str, expected: dict[str, str]) -> None:
    assert parse_mapping(text) == expected


@pytest.mark.parametrize("text", ["gvisor", "gvisor=", "=runsc"])
def test_parse_mapping_refuses_half_pairs(text: str) -> None:
    with pytest.raises(BadArgument, match="NAME=PROFILE"):
        parse_mapping(text)


def test_skipped_rules_union_of_pod_and_template_annotations() -> None:
    policy = Policy()
    assert policy.skipped_rules({SKIP_ANNOTATION: "RUNSC-A, RUNSC-B"}, {SKIP_ANNOTATION: "RUNSC-C\nRUNSC-A"}) == {
        "RUNSC-A",
        "RUNSC-B",
        "RUNSC-C",
    }
    assert policy.skipped_rules({}, None, {SKIP_ANNOTATION: 3}) == frozenset()
    assert parse_list(" a,,b  c ") == ["a", "b", "c"]


def test_describe() -> None:
    assert Policy().describe() == {
        "runtime_classes": {"gvisor": "runsc", "runsc": "runsc"},
        "default_profile": None,
        "action": "deny",
        "exempt_namespaces": ["kube-system"],
        "skip_annotation": SKIP_ANNOTATION,
        "allow_existing": False,
    }
