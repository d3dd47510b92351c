"""The vendored schemas: every release loads, and each upstream bug is fixed in memory (and only there)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from app.core.profiles.oci import schema
from tests.core.profiles.oci.support import LINUX, edit, of_rule, run

VM = {"hypervisor": {"path": "/usr/bin/qemu"}, "kernel": {"path": "/boot/vmlinuz"}}


@pytest.mark.parametrize("tag", schema.RELEASES)
def test_every_release_compiles_and_accepts_a_minimal_config(tag: str) -> None:
    doc = {"ociVersion": tag[1:], "root": {"path": "rootfs"}, "process": {"cwd": "/", "args": ["sh"]}}
    assert schema.errors(tag, doc) == []
    assert schema.errors(tag, {"root": {}}) != []


def test_vendored_files_are_untouched_with_license() -> None:
    package = resources.files("app.core.schemas")
    assert "Apache License" in package.joinpath("LICENSE").read_text()
    raw = json.loads(package.joinpath("v1.3.0", "defs.json").read_text())
    assert raw["definitions"]["ArrayOfUint32"]["items"]["$ref"] == "#definitions/uint32"


def test_uint32_ref_fixed() -> None:
    assert schema.files("v1.3.0")["defs.json"]["definitions"]["ArrayOfUint32"]["items"]["$ref"] == (
        "#/definitions/uint32"
    )
    bad = run(edit(LINUX, {"/vm": {**VM, "hwConfig": {"irqs": [1, -1]}}}), platform="vm")
    assert [f.path for f in bad.findings if f.severity == "error"] == ["/vm/hwConfig/irqs/1"]
    assert run(edit(LINUX, {"/vm": {**VM, "hwConfig": {"irqs": [1, 2]}}}), platform="vm").valid


def test_iomems_items_checked_beyond_the_first() -> None:
    entry = {"firstGFN": 1, "firstMFN": 1, "nrMFNs": 1}
    report = run(edit(LINUX, {"/vm": {**VM, "hwConfig": {"iomems": [entry, {"firstGFN": 1}]}}}), platform="vm")
    assert sorted(f.path for f in report.findings if f.severity == "error") == [
        "/vm/hwConfig/iomems/1/firstMFN",
        "/vm/hwConfig/iomems/1/nrMFNs",
    ]


@pytest.mark.parametrize(("version", "errors"), [("1.3.0", 0), ("1.2.1", 1), ("1.0.0", 1)])
def test_pids_limit_optional_since_1_3_0(version: str, errors: int) -> None:
    report = run(edit(LINUX, {"/ociVersion": version, "/linux/resources/pids": {}}))
    hits = of_rule(report, "OCI-PIDS-LIMIT")
    assert [(f.severity, f.path) for f in hits] == [("error", "/linux/resources/pids/limit")] * errors


def test_old_schema_ids_do_not_break_refs() -> None:
    # v1.0.0 schemas carry absolute ids that would move every relative $ref; a wrong type deep down still resolves.
    report = run(edit(LINUX, {"/ociVersion": "1.0.0", "/linux/devices": [{"path": "/dev/x", "type": "z"}]}))
    assert [f.path for f in of_rule(report, "OCI-DEV-TYPE")] == ["/linux/devices/0/type"]


def test_one_finding_per_schema_problem() -> None:
    report = run(edit(LINUX, {"/linux/namespaces/5": {"path": "/proc/1/ns/net"}}))
    assert [(f.rule, f.path) for f in report.findings if f.severity == "error"] == [
        ("OCI-NS-TYPE", "/linux/namespaces/5/type")
    ]
