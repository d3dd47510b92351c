"""The JSON layer: Go's type errors, unknown members, duplicates, case-insensitive keys."""

from __future__ import annotations

from tests.core.profiles.runsc.support import hits, put, report, spec


def test_type_mismatch_is_an_error_at_its_pointer_and_not_restated() -> None:
    result = report(spec(put("process", "yes")))
    assert [(f.rule, f.path) for f in result.findings if f.severity == "error"] == [("RUNSC-JSON-INVALID", "/process")]


def test_terminal_yes() -> None:
    result = report(spec(put("process/terminal", "yes")))
    assert not result.valid
    assert [(f.rule, f.path) for f in result.findings] == [("RUNSC-JSON-INVALID", "/process/terminal")]
    assert "bool" in result.findings[0].message


def test_unknown_member_is_a_warning() -> None:
    assert hits(spec(put("linux/sysctls", {})), "RUNSC-JSON-UNKNOWN") == [("/linux/sysctls", "warning")]


def test_duplicate_member_is_a_warning_and_last_value_counts() -> None:
    raw = '{"process": {"args": ["/bin/sh"], "cwd": "/", "capabilities": {}, "selinuxLabel": "x", "selinuxLabel": ""},'
    raw += ' "root": {"path": "rootfs"}}'
    result = report(raw)
    assert result.valid
    assert ("RUNSC-JSON-DUPLICATE", "/process/selinuxLabel", "warning") in {
        (f.rule, f.path, f.severity) for f in result.findings
    }


def test_case_insensitive_keys_point_into_the_submitted_document() -> None:
    data = spec()
    data["Process"] = data.pop("process")
    data["Process"]["SelinuxLabel"] = "label"
    assert hits(data, "RUNSC-SELINUX") == [("/Process/SelinuxLabel", "error")]


def test_annotation_key_with_slash_is_escaped() -> None:
    data = spec()
    data["annotations"] = {"dev.gvisor.flag.a/b": "1"}
    assert hits(data, "RUNSC-ANNOT-FLAG-UNKNOWN") == [("/annotations/dev.gvisor.flag.a~1b", "error")]


def test_all_findings_at_once() -> None:
    data = spec(
        put("process/selinuxLabel", "l"),
        put("linux/rootfsPropagation", "shared"),
        put("process/env", ["NOEQUALS"]),
        put("solaris", {}),
    )
    rules = {f.rule for f in report(data).findings}
    assert {"RUNSC-SELINUX", "RUNSC-ROOTFS-PROPAGATION", "RUNSC-ENV-FORMAT", "RUNSC-SOLARIS"} <= rules


def test_repeated_objects_merge_as_in_go() -> None:
    # Go decodes both "process" members into the same struct: args from the first, cwd from the second.
    raw = '{"process": {"args": ["/bin/sh"], "capabilities": {}}, "process": {"cwd": "/"}, "root": {"path": "r"}}'
    result = report(raw)
    assert result.valid, result.findings
    assert [(f.rule, f.path) for f in result.findings] == [("RUNSC-JSON-DUPLICATE", "/process")]
