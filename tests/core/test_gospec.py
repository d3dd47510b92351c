from __future__ import annotations

from typing import Any

import pytest

from app.core.gospec import decode, model_names

MINIMAL = {"ociVersion": "1.0.0", "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0}}}


def test_both_models_exist() -> None:
    assert model_names() == ["runsc", "runsc-2018"]


@pytest.mark.parametrize("model", ["runsc", "runsc-2018"])
def test_exact_document_is_returned_unchanged(model: str) -> None:
    decoded = decode(MINIMAL, model)
    assert decoded.spec is MINIMAL
    assert not decoded.type_errors
    assert not decoded.unknown


@pytest.mark.parametrize(
    ("doc", "pointer", "message"),
    [
        pytest.param(
            {"process": {"terminal": "yes"}},
            "/process/terminal",
            "json: cannot unmarshal string into Go struct field Process.process.terminal of type bool",
            id="string-for-bool",
        ),
        pytest.param(
            {"process": {"user": {"uid": -1}}},
            "/process/user/uid",
            "json: cannot unmarshal number -1 into Go struct field User.process.user.uid of type uint32",
            id="negative-uint",
        ),
        pytest.param(
            {"process": {"user": {"uid": 4294967296}}},
            "/process/user/uid",
            "json: cannot unmarshal number 4294967296 into Go struct field User.process.user.uid of type uint32",
            id="uint32-overflow",
        ),
        pytest.param(
            {"process": {"user": {"gid": 1.0}}},
            "/process/user/gid",
            "json: cannot unmarshal number 1.0 into Go struct field User.process.user.gid of type uint32",
            id="fraction-for-int",
        ),
        pytest.param(
            {"process": {"args": ["sh", 1]}},
            "/process/args/1",
            "json: cannot unmarshal number into Go struct field Process.process.args of type string",
            id="slice-element",
        ),
        pytest.param(
            {"mounts": {"destination": "/x"}},
            "/mounts",
            "json: cannot unmarshal object into Go struct field Spec.mounts of type []specs.Mount",
            id="object-for-slice",
        ),
        pytest.param(
            {"process": "sh"},
            "/process",
            "json: cannot unmarshal string into Go struct field Spec.process of type specs.Process",
            id="string-for-struct",
        ),
        pytest.param(
            {"annotations": {"a": 1}},
            "/annotations/a",
            "json: cannot unmarshal number into Go struct field Spec.annotations of type string",
            id="map-value",
        ),
        pytest.param(
            {"process": {"oomScoreAdj": True}},
            "/process/oomScoreAdj",
            "json: cannot unmarshal bool into Go struct field Process.process.oomScoreAdj of type int",
            id="bool-for-pointer-int",
        ),
    ],
)
def test_type_mismatch_is_reported_at_its_pointer(doc: dict[str, Any], pointer: str, message: str) -> None:
    decoded = decode(doc, "runsc")
    assert [(e.pointer, e.message) for e in decoded.type_errors] == [(pointer, message)]


def test_null_is_never_an_error_and_reads_as_absent() -> None:
    decoded = decode({"process": None, "mounts": [None], "annotations": {"a": None}, "hostname": None}, "runsc")
    assert not decoded.type_errors
    assert decoded.spec == {"mounts": [{}], "annotations": {"a": ""}}


def test_keys_match_case_insensitively_and_point_back() -> None:
    decoded = decode({"Process": {"Args": ["sh"], "TERMINAL": 1}}, "runsc")
    assert decoded.spec == {"process": {"args": ["sh"]}}
    assert decoded.origin("/process/args/0") == "/Process/Args/0"
    assert [e.pointer for e in decoded.type_errors] == ["/Process/TERMINAL"]


def test_later_key_for_same_field_wins_and_bad_one_keeps_earlier() -> None:
    assert decode({"hostname": "a", "Hostname": "b"}, "runsc").spec == {"hostname": "b"}
    assert decode({"hostname": "a", "Hostname": 1}, "runsc").spec == {"hostname": "a"}


def test_unknown_members_are_listed_and_dropped() -> None:
    decoded = decode({"ociVersion": "1", "hooks": {"preStarts": []}, "extra": {"x": 1}}, "runsc")
    assert decoded.unknown == ["/hooks/preStarts", "/extra"]
    assert decoded.spec == {"ociVersion": "1", "hooks": {}}


@pytest.mark.parametrize(
    ("doc", "unknown_2018", "unknown_today"),
    [
        pytest.param({"domainname": "x"}, ["/domainname"], [], id="domainname-1.1"),
        pytest.param({"hooks": {"createRuntime": []}}, ["/hooks/createRuntime"], [], id="hooks-1.0.2"),
        pytest.param({"linux": {"resources": {"unified": {}}}}, ["/linux/resources/unified"], [], id="unified"),
        pytest.param({"linux": {"netDevices": {}}}, ["/linux/netDevices"], ["/linux/netDevices"], id="netdevices-1.3"),
    ],
)
def test_models_know_their_own_fields(doc: dict[str, Any], unknown_2018: list[str], unknown_today: list[str]) -> None:
    assert list(decode(doc, "runsc-2018").unknown) == unknown_2018
    assert list(decode(doc, "runsc").unknown) == unknown_today


def test_go_matches_a_differently_cased_hook_kind() -> None:
    # Go's decoder folds case, so runsc runs `preStart` hooks as `prestart` ones.
    decoded = decode({"hooks": {"preStart": [{"path": "/bin/true"}]}}, "runsc")
    assert not decoded.unknown
    assert decoded.spec == {"hooks": {"prestart": [{"path": "/bin/true"}]}}


def test_interface_field_takes_anything() -> None:
    assert not decode({"windows": {"credentialSpec": [1, {"a": None}]}}, "runsc").type_errors


def test_uint64_max_is_accepted() -> None:
    doc = {"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 2**64 - 1, "soft": 0}]}}
    assert not decode(doc, "runsc").type_errors


@pytest.mark.parametrize("model", ["runsc", "runsc-2018"])
def test_without_unknown_a_document_with_only_unknown_members_is_taken_as_it_is(model: str) -> None:
    doc = {"ociVersion": "1", "process": {"args": ["sh"], "later": 1}, "linux": {"netDevices": {"x": {}}}}
    decoded = decode(doc, model, unknown=False)
    assert decoded.spec is doc
    assert not decoded.type_errors
    assert not decoded.renamed


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param({"Process": {"args": ["sh"]}, "extra": 1}, id="renamed-top"),
        pytest.param({"process": {"ARGS": ["sh"], "extra": 1}}, id="renamed-nested"),
        pytest.param({"mounts": [{"destinatioN": "/x", "extra": 1}]}, id="renamed-in-slice"),
        pytest.param({"process": {"args": "sh"}, "extra": 1}, id="type-error"),
        pytest.param({"hoo\u212aS": {}, "extra": 1}, id="kelvin-sign"),  # Go folds the Kelvin sign to k
        pytest.param({"ho\u017fTNAME": "h", "extra": 1}, id="long-s"),  # and the long s to s
        pytest.param({"process": {"args": [None]}, "extra": 1}, id="null-element"),
        pytest.param({"ẋ": 1, "extra": 1}, id="non-ascii-unknown"),
    ],
)
@pytest.mark.parametrize("model", ["runsc", "runsc-2018"])
def test_without_unknown_everything_else_is_decoded_as_before(model: str, doc: dict[str, Any]) -> None:
    strict, lenient = decode(doc, model), decode(doc, model, unknown=False)
    assert lenient.spec == strict.spec
    assert [(e.pointer, e.message) for e in lenient.type_errors] == [(e.pointer, e.message) for e in strict.type_errors]
    assert dict(lenient.renamed) == dict(strict.renamed)
