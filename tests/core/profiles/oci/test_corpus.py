"""Upstream's own corpus: schema/test/config/{good,bad} and the config.md example, judged by profile oci."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import DocumentError
from app.core.profiles.oci.platform import platform_of
from tests.conftest import SHARED
from tests.core.profiles.oci.support import of_rule, run

RUNTIME_SPEC = SHARED / "conformance" / "runtime-spec"
CONFIG = RUNTIME_SPEC / "schema" / "test" / "config"
GOOD = sorted((CONFIG / "good").glob("*.json"))
BAD = sorted((CONFIG / "bad").glob("*.json"))


def _platform(path: Path) -> str:
    """zos-*.json are z/OS configs, freebsd-*.json FreeBSD ones, the rest Linux: read from the content."""
    return platform_of(json.loads(path.read_bytes()))


def test_corpus_is_complete() -> None:
    assert len(GOOD) == 9
    assert len(BAD) == 5


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_fixture_is_valid_on_its_platform(path: Path) -> None:
    report = run(path.read_text(), platform=_platform(path))
    assert report.valid, [f for f in report.findings if f.severity == "error"]


def test_good_fixture_platforms_follow_their_names() -> None:
    assert {p.name: _platform(p) for p in GOOD if not p.name.startswith(("linux", "minimal", "spec"))} == {
        "freebsd-example.json": "freebsd",
        "freebsd-minimal.json": "freebsd",
        "zos-example.json": "zos",
        "zos-minimal.json": "zos",
    }


BAD_EXPECT = {
    "freebsd-vnet-disable.json": ("OCI-SCHEMA", "/freebsd/jail/vnet"),
    "linux-hugepage.json": ("OCI-HUGE-SIZE", "/linux/resources/hugepageLimits/0/pageSize"),
    "linux-netdevice.json": ("OCI-NETDEV-NAME", "/linux/netDevices/eth0/name"),
    "linux-rdma.json": ("OCI-RDMA-ENTRY", "/linux/resources/rdma/mlx5_1/hcaHandles"),
}


@pytest.mark.parametrize("path", [p for p in BAD if p.name != "invalid-json.json"], ids=lambda p: p.name)
def test_bad_fixture_is_invalid_with_a_pointer(path: Path) -> None:
    report = run(path.read_text(), platform=_platform(path))
    assert not report.valid
    rule, pointer = BAD_EXPECT[path.name]
    assert [(f.severity, f.path) for f in of_rule(report, rule)] == [("error", pointer)]


def test_bad_invalid_json_is_a_document_error() -> None:
    with pytest.raises(DocumentError) as info:
        run((CONFIG / "bad" / "invalid-json.json").read_text())
    assert info.value.line == 1


def test_config_md_example_is_valid() -> None:
    report = run((RUNTIME_SPEC / "examples" / "config-example.json").read_text())
    assert report.valid
    # It declares 1.0.1 but uses 1.1.0 fields: warnings, never errors.
    gated = {f.path for f in of_rule(report, "OCI-VER-GATE")}
    assert {"/process/ioPriority", "/linux/timeOffsets", "/linux/namespaces/7/type"} <= gated


def test_spec_example_stray_member_is_reported() -> None:
    report = run((CONFIG / "good" / "spec-example.json").read_text())
    assert [f.path for f in of_rule(report, "OCI-DOC-UNKNOWN")] == ["/linux/resources/oomScoreAdj"]
    assert [f.severity for f in of_rule(report, "OCI-VER-MAJOR")] == ["warning"]


def test_minimal_needs_process_only_to_start() -> None:
    text = (CONFIG / "good" / "minimal.json").read_text()
    assert run(text).valid
    report = run(text, lifecycle="start")
    assert [(f.severity, f.path) for f in of_rule(report, "OCI-PROC-REQ-START")] == [("error", "/process")]
    assert run((CONFIG / "good" / "minimal-for-start.json").read_text(), lifecycle="start").valid


@pytest.mark.parametrize("path", sorted((SHARED / "bench").glob("*.json")), ids=lambda p: p.name)
def test_bench_workloads_have_no_error(path: Path) -> None:
    """Real containerd/Kubernetes-generated specs: nothing the spec forbids, so no error (warnings may remain)."""
    report = run(path.read_text())
    assert [f for f in report.findings if f.severity == "error"] == []
    assert of_rule(report, "OCI-HOST-UTS") == of_rule(report, "OCI-SYSCTL-NS") == []
