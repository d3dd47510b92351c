"""The data shipped from gVisor's code, and the checks that read it.

gVisor 3c5eee17dc45 (google/gvisor@3c5eee17dc45659fb86843531074f38e78e0cc35):
- pkg/sentry/syscalls/linux/linux64.go: `var AMD64` and `var ARM64` tables (e.g. `0: ... ("read", ...)` on
  amd64, `63: ... ("read", ...)` on arm64; arm64 has no "open").
- runsc/specutils/seccomp/seccomp.go convertRules: `lookupSyscallNo(nativeArchAuditNo, name)`; on error
  `log.Warningf("OCI seccomp: ignoring syscall %q", name); continue`.
- runsc/specutils/seccomp/seccomp.go convertArgs: `if arg.Index > 6 { return invalid index }`, then
  `argCounts[arg.Index]++` on a slice of length 6.
- pkg/cpuid/features_amd64.go / features_arm64.go allFeatures; runsc/boot/loader.go New reads
  dev.gvisor.internal.cpufeatures with cpuid.FeatureFromString (error "contains unknown feature"), then
  FeatureSet.Intersect, which native_arm64.go refuses outright.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.profiles.runsc.tables import tables
from tests.conftest import ROOT
from tests.core.profiles.runsc.support import Change, hits, note, put, report, spec

DATA = ROOT / "app" / "core" / "profiles" / "runsc" / "data" / "gvisor_tables.json"
ON = note("dev.gvisor.flag.oci-seccomp", "true")


def test_data_names_its_source_and_commit() -> None:
    data = json.loads(DATA.read_text())
    assert data["gvisor"]["commit"] == "3c5eee17dc45659fb86843531074f38e78e0cc35"
    assert "linux64.go" in data["syscalls"]["source"]
    assert data["syscalls"]["amd64"]["read"] == 0
    assert data["syscalls"]["amd64"]["openat"] == 257
    assert data["syscalls"]["arm64"]["read"] == 63
    assert data["syscalls"]["arm64"]["openat"] == 56
    assert len(data["syscalls"]["amd64"]) == 351
    assert len(data["syscalls"]["arm64"]) == 294


def test_tables_per_architecture() -> None:
    t = tables()
    assert {"open", "arch_prctl", "epoll_wait"} <= t.syscalls["amd64"] - t.syscalls["arm64"]
    assert "open" not in t.syscalls["arm64"]
    assert {"sse4_2", "avx2", "aes"} <= t.cpufeatures["amd64"]
    assert {"asimd", "aes"} <= t.cpufeatures["arm64"]


def _rules(*names: Any) -> Change:
    return put("linux/seccomp", {"defaultAction": "SCMP_ACT_ERRNO",
                                 "syscalls": [{"names": list(names), "action": "SCMP_ACT_ALLOW"}]})  # fmt: skip


@pytest.mark.parametrize(
    ("name", "severity"),
    [
        pytest.param("read", None, id="both-arches"),
        pytest.param("openat", None, id="openat"),
        pytest.param("open", "info", id="amd64-only"),
        pytest.param("arch_prctl", "info", id="amd64-only-arch-prctl"),
        # A Linux syscall of other architectures only (libseccomp knows it): skipped on every runsc host.
        pytest.param("_llseek", "info", id="32-bit-only"),
        pytest.param("s390_pci_mmio_read", "info", id="s390-only"),
        # No architecture has it: a typo, the rule silently does not cover what was meant.
        pytest.param("raed", "warning", id="typo"),
        pytest.param("READ", "warning", id="case-sensitive"),
    ],
)
def test_syscall_names(name: str, severity: str | None) -> None:
    found = hits(spec(ON, _rules(name)), "RUNSC-SECCOMP-NAMES")
    assert found == ([] if severity is None else [("/linux/seccomp/syscalls/0/names/0", severity)])


def test_names_not_checked_while_oci_seccomp_is_off() -> None:
    # buildOCISeccompProgram is never called: the whole filter is ignored (RUNSC-SECCOMP-OFF).
    assert hits(spec(_rules("raed")), "RUNSC-SECCOMP-NAMES") == []


def test_amd64_only_name_says_where_it_is_skipped() -> None:
    (finding,) = [f for f in report(spec(ON, _rules("read", "open"))).findings if f.rule == "RUNSC-SECCOMP-NAMES"]
    assert finding.path == "/linux/seccomp/syscalls/0/names/1"
    assert 'ignoring syscall "open" on arm64' in finding.message


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        pytest.param(5, None, id="last-argument"),
        pytest.param(6, "index out of range [6] with length 6", id="six-panics"),
        pytest.param(7, "invalid index: 7", id="seven-refused"),
    ],
)
def test_seccomp_argument_index(index: int, expected: str | None) -> None:
    rules = {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": index, "value": 1, "op": "SCMP_CMP_EQ"}]}
    data = spec(ON, put("linux/seccomp", {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [rules]}))
    found = [f for f in report(data).findings if f.rule == "RUNSC-SECCOMP-ARGINDEX"]
    if expected is None:
        assert found == []
    else:
        assert [f.path for f in found] == ["/linux/seccomp/syscalls/0/args/0/index"]
        assert expected in found[0].message


CPU = "dev.gvisor.internal.cpufeatures"


@pytest.mark.parametrize(
    ("value", "severity"),
    [
        pytest.param("sse4_2,avx2", "info", id="known"),
        pytest.param("", "info", id="empty-names-ignored"),
        pytest.param("sse4_2,,avx2", "info", id="empty-element-ignored"),
        pytest.param("sse4_2,avx9", "error", id="unknown"),
        # strings.SplitSeq without trimming: " avx2" is not a feature name.
        pytest.param("sse4_2, avx2", "error", id="space-not-trimmed"),
        pytest.param("asimd", "error", id="arm64-name-on-amd64"),
    ],
)
def test_cpu_features(value: str, severity: str) -> None:
    assert hits(spec(note(CPU, value)), "RUNSC-ANNOT-CPUFEATURES") == [(f"/annotations/{CPU}", severity)]


def test_no_cpu_features_annotation_no_finding() -> None:
    assert hits(spec(), "RUNSC-ANNOT-CPUFEATURES") == []


X86 = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]  # what Docker and containerd write on amd64 hosts
ARM = ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]  # ... and on arm64 hosts


@pytest.mark.parametrize(
    ("architectures", "name", "expected"),
    [
        pytest.param(X86, "open", None, id="amd64-host-open"),
        pytest.param(X86, "arch_prctl", None, id="amd64-host-arch-prctl"),
        pytest.param(X86, "_llseek", ("info", "on amd64"), id="amd64-host-32-bit-name"),
        pytest.param(ARM, "open", ("info", "on arm64"), id="arm64-host-open"),
        pytest.param(ARM, "openat", None, id="arm64-host-openat"),
        pytest.param(X86 + ARM, "open", ("info", "on arm64"), id="both-hosts"),
        pytest.param(["SCMP_ARCH_X86"], "open", ("info", "on arm64"), id="no-native-arch-named"),
        pytest.param(X86, "raed", ("warning", "no architecture"), id="typo-anywhere"),
    ],
)
def test_names_against_the_host_the_filter_is_for(
    architectures: list[str], name: str, expected: tuple[str, str] | None
) -> None:
    # runsc ignores `architectures` and searches its native table; the list says which host the filter was made for.
    seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "architectures": architectures,
               "syscalls": [{"names": [name], "action": "SCMP_ACT_ALLOW"}]}  # fmt: skip
    found = [f for f in report(spec(ON, put("linux/seccomp", seccomp))).findings if f.rule == "RUNSC-SECCOMP-NAMES"]
    if expected is None:
        assert found == []
    else:
        severity, text = expected
        assert [(f.path, f.severity) for f in found] == [("/linux/seccomp/syscalls/0/names/0", severity)]
        assert text in found[0].message
