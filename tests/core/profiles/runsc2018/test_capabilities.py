"""Capabilities and capsFromNames of 2018 runsc: 38 names, an unknown one fails the start, ambient unread."""

from __future__ import annotations

from typing import Any

import pytest

from app.core import engine
from app.core.errors import CapabilityError
from app.core.profiles.runsc2018.capabilities import CAP_FROM_NAME, caps_from_names
from tests.core.profiles.runsc2018.support import PROFILE, judge, spec, triples

SEED_NAMES = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
]  # fmt: skip
"""The seed's capFromName, in Linux number order."""


AMBIENT = ("RUNSC2018-CAPS-AMBIENT", "info", "/process/capabilities/ambient")


def with_caps(caps: Any) -> dict[str, Any]:
    return spec(process={"args": ["sh"], "capabilities": caps})


def test_table_is_the_seeds_38_names() -> None:
    table = engine.capability_table(profile=PROFILE)
    assert [(c.name, c.number) for c in table.capabilities] == [(n, i) for i, n in enumerate(SEED_NAMES)]
    assert table.last_cap == 37
    assert table.profile == PROFILE
    assert dict(CAP_FROM_NAME) == {n: i for i, n in enumerate(SEED_NAMES)}


@pytest.mark.parametrize(
    ("names", "mask", "unknown"),
    [
        pytest.param([], 0, [], id="empty"),
        pytest.param(["CAP_CHOWN"], 1, [], id="first"),
        pytest.param(["CAP_AUDIT_READ"], 1 << 37, [], id="last"),
        pytest.param(["CAP_KILL", "CAP_KILL"], 1 << 5, [], id="duplicate"),
        pytest.param(["CAP_CHOWN", "CAP_FSETID"], 0x11, [], id="two"),
        pytest.param(["CAP_PERFMON"], 0, [(0, "CAP_PERFMON")], id="perfmon-newer"),
        pytest.param(["CAP_BPF"], 0, [(0, "CAP_BPF")], id="bpf-newer"),
        pytest.param(["CAP_CHECKPOINT_RESTORE"], 0, [(0, "CAP_CHECKPOINT_RESTORE")], id="checkpoint-newer"),
        pytest.param(["cap_chown"], 0, [(0, "cap_chown")], id="lower-case"),
        pytest.param(["CHOWN"], 0, [(0, "CHOWN")], id="no-prefix"),
        pytest.param(["CAP_CHOWN", ""], 1, [(1, "")], id="empty-name"),
        pytest.param(["CAP_CHOWN "], 0, [(0, "CAP_CHOWN ")], id="trailing-space"),
    ],
)
def test_caps_from_names(names: list[str], mask: int, unknown: list[tuple[int, str]]) -> None:
    assert caps_from_names(names) == (mask, unknown)


@pytest.mark.parametrize("set_name", ["bounding", "effective", "inheritable", "permitted"])
def test_unknown_name_in_a_read_set_is_an_error(set_name: str) -> None:
    report = judge(with_caps({set_name: ["CAP_CHOWN", "CAP_BPF"]}))
    assert triples(report) == [("RUNSC2018-CAPS-UNKNOWN", "error", f"/process/capabilities/{set_name}/1")]
    assert "CAP_BPF" in report.findings[0].message
    assert "start" in report.findings[0].message


def test_every_unknown_name_is_reported_in_set_order() -> None:
    caps = {"permitted": ["X"], "bounding": ["CAP_PERFMON", "CAP_CHOWN", "Y"], "effective": ["cap_kill"]}
    assert [f.path for f in judge(with_caps(caps)).findings] == [
        "/process/capabilities/bounding/0",
        "/process/capabilities/bounding/2",
        "/process/capabilities/effective/0",
        "/process/capabilities/permitted/0",
    ]


def test_hint_for_a_misspelled_name() -> None:
    (finding,) = judge(with_caps({"bounding": ["cap_net_admin"]})).findings
    assert "CAP_NET_ADMIN" in finding.message


@pytest.mark.parametrize(
    ("caps", "expected"),
    [
        pytest.param({"ambient": ["CAP_NOT_A_CAP"]}, [AMBIENT], id="ambient-unknown-not-checked"),
        pytest.param({"ambient": ["CAP_CHOWN"]}, [AMBIENT], id="ambient-known-ignored"),
        pytest.param({"ambient": []}, [], id="ambient-empty"),
        pytest.param({"ambient": None}, [], id="ambient-null"),
        pytest.param({}, [], id="no-sets"),
        pytest.param(None, [], id="capabilities-null"),
        pytest.param(dict.fromkeys(("bounding", "effective", "inheritable", "permitted"), SEED_NAMES), [], id="all-38"),
        pytest.param({"bounding": ["CAP_NET_RAW"]}, [], id="net-raw-kept-in-2018"),
    ],
)  # fmt: skip
def test_ambient_and_empty_sets(caps: Any, expected: list[tuple[str, str, str]]) -> None:
    report = judge(with_caps(caps))
    assert triples(report) == expected
    assert report.valid


def test_capability_sets_masks_without_net_raw_stripping() -> None:
    result = engine.capabilities(
        {"bounding": ["CAP_NET_RAW", "CAP_CHOWN"], "effective": ["CAP_KILL"], "ambient": ["CAP_WHATEVER"]},
        profile=PROFILE,
    )
    assert result.profile == PROFILE
    assert result.bounding.names == ["CAP_CHOWN", "CAP_NET_RAW"]
    assert result.bounding.mask == "0x0000000000002001"
    assert result.bounding.granted == ["CAP_CHOWN", "CAP_NET_RAW"]
    assert result.effective.mask == "0x0000000000000020"
    assert result.ambient.names == []
    assert result.ambient.mask == "0x0000000000000000"


def test_capability_sets_refuse_names_newer_than_2018() -> None:
    with pytest.raises(CapabilityError) as caught:
        engine.capabilities({"bounding": ["CAP_BPF"], "permitted": ["CAP_CHOWN", "CAP_PERFMON"]}, profile=PROFILE)
    assert [path for path, _ in caught.value.errors] == ["/bounding/0", "/permitted/1"]
