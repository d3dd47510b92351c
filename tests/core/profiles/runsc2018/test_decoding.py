"""ReadSpec's json.Unmarshal into the 2018 specs.Spec: what Go's decoder does before ValidateSpec runs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.profiles.runsc2018.support import MINIMAL, judge, spec, triples

E, W, INFO = "error", "warning", "info"
INVALID = "RUNSC2018-JSON-INVALID"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param({"Process": {"Args": ["sh"]}, "ROOT": {"Path": "r"}}, [], id="keys-match-case-insensitively"),
        pytest.param(
            {"Process": {"args": ["sh"], "SelinuxLabel": "l"}, "root": {"path": "r"}},
            [("RUNSC2018-SELINUX", E, "/Process/SelinuxLabel")],
            id="finding-points-at-submitted-key",
        ),
        pytest.param(
            {"process": {"args": ["sh"]}, "root": {"path": "r"}, "Solaris": {}},
            [("RUNSC2018-SOLARIS", E, "/Solaris")],
            id="solaris-any-case",
        ),
        pytest.param(spec(unknownField=1, process={"args": ["sh"], "bogus": True}), [], id="unknown-fields-ignored"),
        pytest.param(spec(hooks={"createRuntime": [{"path": "rel"}]}), [], id="2019-field-unknown-to-2018-ignored"),
    ],
)
def test_go_key_matching(doc: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert triples(judge(doc)) == expected


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(spec(ociVersion=1), [(INVALID, E, "/ociVersion")], id="string-field-number"),
        pytest.param(
            spec(process={"args": "sh"}),
            [(INVALID, E, "/process/args")],
            id="args-not-array",
        ),
        pytest.param(spec(process={"args": ["sh", 1]}), [(INVALID, E, "/process/args/1")], id="args-element-number"),
        pytest.param(
            spec(process={"args": ["sh"], "terminal": "yes"}),
            [(INVALID, E, "/process/terminal")],
            id="bool-field-string",
        ),
        pytest.param(spec(process=5), [(INVALID, E, "/process")], id="process-number"),
        pytest.param(spec(root="rootfs"), [(INVALID, E, "/root")], id="root-string"),
        pytest.param(
            spec(solaris=5),
            [(INVALID, E, "/solaris")],
            id="solaris-number",
        ),
        pytest.param(spec(mounts={"a": 1}), [(INVALID, E, "/mounts")], id="mounts-object"),
        pytest.param(spec(mounts=[5]), [(INVALID, E, "/mounts/0")], id="mount-element-number"),
        pytest.param(
            spec(mounts=[{"destination": 5}]), [(INVALID, E, "/mounts/0/destination")], id="destination-number"
        ),
        pytest.param(
            spec(annotations={"io.kubernetes.cri.container-type": 1}),
            [(INVALID, E, "/annotations/io.kubernetes.cri.container-type")],
            id="annotation-number",
        ),
        pytest.param(
            spec(process={"args": ["sh"], "capabilities": {"bounding": ["CAP_CHOWN", 7]}}),
            [(INVALID, E, "/process/capabilities/bounding/1")],
            id="capability-number",
        ),
        pytest.param(
            spec(process={"args": ["sh"], "user": {"uid": -1}}), [(INVALID, E, "/process/user/uid")], id="uid-negative"
        ),
    ],
)
def test_type_mismatch_refuses_the_spec(doc: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    report = judge(doc)
    assert triples(report) == expected
    assert not report.valid


def test_type_mismatch_message_is_gos() -> None:
    (finding,) = judge(spec(process={"args": ["sh"], "terminal": "yes"})).findings
    assert "cannot unmarshal string into Go struct field" in finding.message
    assert "bool" in finding.message


def test_duplicate_member_is_info_and_last_wins() -> None:
    raw = '{"process": {"args": ["sh"]}, "root": {"path": "a"}, "root": {"path": ""}}'
    report = judge(raw)
    assert triples(report) == [
        ("RUNSC2018-JSON-DUPLICATE", INFO, "/root"),
        ("RUNSC2018-ROOTPATH-REQUIRED", E, "/root/path"),
    ]


def test_duplicate_alone_keeps_the_spec_valid() -> None:
    raw = '{"process": {"args": ["sh"], "args": ["bash"]}, "root": {"path": "r"}}'
    report = judge(raw)
    assert report.valid
    assert triples(report) == [("RUNSC2018-JSON-DUPLICATE", INFO, "/process/args")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            '{"process": {"args": ["sh"]}, "process": {"cwd": "/"}, "root": {"path": "r"}}',
            [("RUNSC2018-JSON-DUPLICATE", INFO, "/process")],
            id="objects-merge",
        ),
        pytest.param(
            '{"process": {"args": ["sh"]}, "process": null, "root": {"path": "r"}}',
            [("RUNSC2018-JSON-DUPLICATE", INFO, "/process"), ("RUNSC2018-PROCESS-REQUIRED", E, "/process")],
            id="null-resets",
        ),
        pytest.param(
            '{"process": {"args": ["sh"]}, "root": {"path": "r"},'
            ' "mounts": [{"destination": "rel"}, {"destination": "/b"}], "mounts": [{"destination": "/a"}]}',
            [("RUNSC2018-JSON-DUPLICATE", INFO, "/mounts")],
            id="array-takes-later-length",
        ),
        pytest.param(
            '{"process": {"args": ["sh"]}, "root": {"path": "r"},'
            ' "mounts": [{"destination": "/a", "type": "x"}], "mounts": [{"type": "y"}]}',
            [("RUNSC2018-JSON-DUPLICATE", INFO, "/mounts")],
            id="array-elements-merge",
        ),
        pytest.param(
            '{"process": {"args": ["sh"]}, "root": {"path": "r"}, "annotations": '
            '{"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.container-type": "sandbox"}}',
            [("RUNSC2018-JSON-DUPLICATE", INFO, "/annotations/io.kubernetes.cri.container-type")],
            id="map-key-last-wins",
        ),
    ],
)
def test_duplicates_fold_as_go_decodes_them(raw: str, expected: list[tuple[str, str, str]]) -> None:
    assert triples(judge(raw)) == expected


def test_valid_minimal_spec_is_not_copied_or_changed() -> None:
    doc = dict(MINIMAL)
    judge(doc)
    assert doc == MINIMAL
