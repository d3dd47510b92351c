"""Values runsc parses with Go's strconv, re-compared with gVisor's code (3c5eee17dc45).

- runsc/specutils/specutils.go AnnotationToBool: strconv.ParseBool; on error a warning and false.
  Its callers: TPUProxyEnabled, nvidia.go NVProxyEnabled, runsc/boot/restore.go (checkpoint.resume, .direct,
  .exclude-committed-zero-pages, .cuda-checkpoint-sequential, .enable) and runsc/boot/fscheckpoint.go
  (fscheckpoint.enable, .resume, .direct).
- pkg/state/statefile/statefile.go CompressionLevelFromString: "", "none" or "flate-best-speed".
- runsc/boot/loader.go New: `strconv.Atoi(fs.nr_open)`, then `nrOpen <= 0 || nrOpen > MaxFdLimit` (math.MaxInt32).
- runsc/sandbox/sandbox.go getDisableIPv6: `strconv.Atoi(net.ipv6.conf.all.disable_ipv6)`, from StartRoot only.
- runsc/specutils/specutils.go ReadSpecFromFile: strict decode (DisallowUnknownFields) first; on failure
  json.Unmarshal, whose failure refuses the spec, while unknown members only log a warning.
"""

from __future__ import annotations

import json

import pytest

from tests.core.profiles.runsc.support import hits, note, put, report, spec

BOOLS = [
    "dev.gvisor.internal.tpuproxy",
    "dev.gvisor.internal.nvproxy",
    "dev.gvisor.internal.checkpoint.resume",
    "dev.gvisor.internal.checkpoint.direct",
    "dev.gvisor.internal.checkpoint.exclude-committed-zero-pages",
    "dev.gvisor.internal.checkpoint.cuda-checkpoint-sequential",
    "dev.gvisor.internal.checkpoint.enable",
    "dev.gvisor.internal.fscheckpoint.enable",
    "dev.gvisor.internal.fscheckpoint.resume",
    "dev.gvisor.internal.fscheckpoint.direct",
]
GO_BOOLS = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]


@pytest.mark.parametrize("key", BOOLS)
@pytest.mark.parametrize("value", GO_BOOLS)
def test_parse_bool_accepts(key: str, value: str) -> None:
    assert hits(spec(note(key, value)), "RUNSC-ANNOT-BOOL") == []


@pytest.mark.parametrize("key", BOOLS)
@pytest.mark.parametrize("value", ["yes", "on", "tRUE", "", " true", "2", "true\n"])
def test_parse_bool_refuses(key: str, value: str) -> None:
    assert hits(spec(note(key, value)), "RUNSC-ANNOT-BOOL") == [(f"/annotations/{key}", "warning")]


def test_non_boolean_checkpoint_annotations_are_not_bools() -> None:
    data = spec(note("dev.gvisor.internal.checkpoint.path", "/ckpt"),
                note("dev.gvisor.internal.checkpoint.cuda-checkpoint-path", "/bin/cuda-checkpoint"))  # fmt: skip
    assert hits(data, "RUNSC-ANNOT-BOOL") == []


@pytest.mark.parametrize(("value", "bad"), [("", False), ("none", False), ("flate-best-speed", False),
                                            ("gzip", True), ("None", True)])  # fmt: skip
def test_checkpoint_compression(value: str, bad: bool) -> None:
    key = "dev.gvisor.internal.checkpoint.compression"
    assert hits(spec(note(key, value)), "RUNSC-ANNOT-BOOL") == ([(f"/annotations/{key}", "warning")] if bad else [])


def _sysctl(key: str, value: str) -> dict[str, object]:
    return spec(put("linux/sysctl", {key: value}))


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("1048576", False),
        ("+5", False),  # Atoi accepts a sign
        ("007", False),
        ("2147483647", False),
        ("2147483648", True),  # above kernel.MaxFdLimit
        ("0", True),
        ("-1", True),
        ("5\n", True),  # strconv refuses a trailing newline
        (" 5", True),
        ("1_000", True),  # underscores only with base 0
        ("0x10", True),
        ("", True),
    ],
)
def test_fs_nr_open(value: str, bad: bool) -> None:
    found = hits(_sysctl("fs.nr_open", value), "RUNSC-SYSCTL-NROPEN")
    assert found == ([("/linux/sysctl/fs.nr_open", "error")] if bad else [])


@pytest.mark.parametrize(
    ("value", "bad"),
    [("0", False), ("1", False), ("-1", False), ("+2", False), ("9223372036854775807", False),
     ("9223372036854775808", True), ("1\n", True), ("true", True), ("", True)],
)  # fmt: skip
def test_disable_ipv6(value: str, bad: bool) -> None:
    key = "net.ipv6.conf.all.disable_ipv6"
    assert hits(_sysctl(key, value), "RUNSC-SYSCTL-IPV6") == ([(f"/linux/sysctl/{key}", "error")] if bad else [])


@pytest.mark.parametrize("key", ["fs.nr_open", "net.ipv6.conf.all.disable_ipv6"])
def test_sysctls_read_only_for_the_sandbox(key: str) -> None:
    # A CRI container joining a sandbox: boot.New and StartRoot ran for the sandbox's spec, not this one.
    joining = spec(note("io.kubernetes.cri.container-type", "container"), note("io.kubernetes.cri.sandbox-id", "s"),
                   put("linux/sysctl", {key: "x"}))  # fmt: skip
    assert hits(joining, "RUNSC-SYSCTL-NROPEN") == [] and hits(joining, "RUNSC-SYSCTL-IPV6") == []
    assert hits(joining, "RUNSC-SYSCTL-OTHER") == [(f"/linux/sysctl/{key}", "info")]
    sandbox = spec(note("io.kubernetes.cri.container-type", "sandbox"), put("linux/sysctl", {key: "x"}))
    assert [s for _, s in hits(sandbox, "RUNSC-SYSCTL-NROPEN") + hits(sandbox, "RUNSC-SYSCTL-IPV6")] == ["error"]


def test_strict_then_loose_decode() -> None:
    # Strict decode fails on the unknown member, the loose one succeeds: a warning, the spec runs.
    unknown = report(spec(put("process/argz", ["x"])))
    assert unknown.valid
    assert [(f.rule, f.severity) for f in unknown.findings] == [("RUNSC-JSON-UNKNOWN", "warning")]
    # A wrong type fails the loose decode too: the spec is refused.
    wrong = report(spec(put("process/terminal", "yes")))
    assert not wrong.valid
    assert ("RUNSC-JSON-INVALID", "/process/terminal") in [(f.rule, f.path) for f in wrong.findings]
    # Go matches member names case-insensitively in both decodes: "Process" is no unknown member.
    data = spec()
    data["Process"] = data.pop("process")
    assert [f.rule for f in report(json.dumps(data)).findings] == []
