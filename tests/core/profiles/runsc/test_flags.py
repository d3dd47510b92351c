"""Flag annotations: Go's strconv parsing, the allowlist, and every allowlisted flag's accepted values."""

from __future__ import annotations

import pytest

from app.core.profiles.runsc import flags
from tests.core.profiles.runsc.support import note, report, spec


@pytest.mark.parametrize("value", ["1", "t", "T", "TRUE", "true", "True"])
def test_parse_bool_true(value: str) -> None:
    assert flags.parse_bool(value) is True


@pytest.mark.parametrize("value", ["yes", "on", "tRUE", " true", "2", ""])
def test_parse_bool_rejects(value: str) -> None:
    assert flags.parse_bool(value) is None


@pytest.mark.parametrize(
    ("value", "number"),
    [("10", 10), ("0x1f", 31), ("017", 15), ("0o17", 15), ("0b101", 5), ("1_000", 1000), ("-1", None), ("1e3", None),
     ("18446744073709551615", 2**64 - 1), ("18446744073709551616", None), ("", None)],
)  # fmt: skip
def test_parse_uint(value: str, number: int | None) -> None:
    assert flags.parse_uint(value) == number


GOOD_VALUES = {
    "debug": "true", "debug-command": "create,start", "debug-to-user-log": "1", "strace": "false",
    "strace-syscalls": "read,write", "strace-log-size": "4096", "host-uds": "all", "net-disconnect-ok": "F",
    "reproduce-nftables": "true", "overlay2": "root:memory,size=1g", "oci-seccomp": "true",
    "pause-external-networking": "false", "allow-connected-on-save": "true", "qdisc-tbf-rate": "100",
    "qdisc-tbf-burst": "100", "mount-cgroup-v2": "true",
}  # fmt: skip


def test_every_allowlisted_flag_has_a_tested_value() -> None:
    assert set(flags.ALLOWLIST) - {"qdisc"} == set(GOOD_VALUES)
    assert set(flags.ALLOWLIST) <= flags.FLAG_NAMES


@pytest.mark.parametrize(("name", "value"), sorted(GOOD_VALUES.items()))
def test_allowlisted_flag_with_good_value_is_fine(name: str, value: str) -> None:
    result = report(spec(note(f"dev.gvisor.flag.{name}", value)))
    assert result.valid, result.findings
    assert result.findings == []


@pytest.mark.parametrize("name", ["directfs", "network", "net-raw", "allow-flag-override", "overlay", "file-access"])
def test_real_flags_outside_the_allowlist_are_refused(name: str) -> None:
    result = report(spec(note(f"dev.gvisor.flag.{name}", "true")))
    assert [f.rule for f in result.findings] == ["RUNSC-ANNOT-FLAG-NOT-ALLOWED"]
    assert "flag override disabled, use --allow-flag-override to enable it" in result.findings[0].message


@pytest.mark.parametrize("name", ["vfs2", "buffer-pooling", "in-sandbox-cgroup", "DEBUG", ""])
def test_names_without_a_config_field_are_not_found(name: str) -> None:
    result = report(spec(note(f"dev.gvisor.flag.{name}", "true")))
    assert [f.rule for f in result.findings] == ["RUNSC-ANNOT-FLAG-UNKNOWN"]
    assert f'flag "{name}" not found. Cannot set it to "true"' in result.findings[0].message


def test_bundle_with_the_known_name_applies_silently() -> None:
    assert report(spec(note("dev.gvisor.bundle.experimental-high-performance", "true"))).findings == []


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        # Go's flag package turns strconv's errors into its own errParse / errRange for bool and uint flags.
        pytest.param("debug", "123", 'error setting flag debug="123": parse error', id="bool"),
        pytest.param("strace-log-size", "x", 'error setting flag strace-log-size="x": parse error', id="uint-syntax"),
        pytest.param("strace-log-size", "18446744073709551616", "value out of range", id="uint-range"),
        # flag.Value.Set of runsc's own types, and the allowlist checks that run before it.
        pytest.param("host-uds", "x", 'error setting flag host-uds="x": invalid host UDS type "x"', id="host-uds"),
        pytest.param("qdisc", "x", 'error setting flag qdisc="x": invalid qdisc "x"', id="qdisc"),
        pytest.param("overlay2", "root:foo", 'invalid overlay2 annotation: unexpected medium: "foo"', id="overlay2"),
        pytest.param("qdisc-tbf-rate", "-1",
                     'invalid qdisc-tbf-rate annotation "-1": strconv.ParseUint: parsing "-1": invalid syntax',
                     id="tbf-rate"),
        pytest.param("oci-seccomp", "x", 'strconv.ParseBool: parsing "x": invalid syntax', id="oci-seccomp"),
    ],
)  # fmt: skip
def test_flag_value_errors_read_as_runsc_writes_them(name: str, value: str, error: str) -> None:
    result = report(spec(note(f"dev.gvisor.flag.{name}", value)))
    assert [f.rule for f in result.findings] == ["RUNSC-ANNOT-FLAG-VALUE"]
    assert error in result.findings[0].message


@pytest.mark.parametrize(
    ("value", "problem"), [("1", None), ("0x", "invalid syntax"), ("1" * 30, "value out of range")]
)
def test_uint_error(value: str, problem: str | None) -> None:
    assert flags.uint_error(value) == problem
