"""Capability table and sets: 41 names, CAP_NET_RAW dropped by default, ambient honoured."""

from __future__ import annotations

import pytest

from app.core.engine import capabilities, capability_table
from app.core.errors import CapabilityError


def test_table_has_41_names() -> None:
    table = capability_table(profile="runsc")
    assert table.last_cap == 40
    assert len(table.capabilities) == 41
    assert table.capabilities[40].name == "CAP_CHECKPOINT_RESTORE"


def test_docker_default_caps_mask_and_net_raw_dropped() -> None:
    names = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
             "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE",
             "CAP_SETFCAP"]  # fmt: skip
    result = capabilities({"bounding": names}, profile="runsc")
    assert result.bounding.mask == "0x00000000a80425fb"
    assert result.bounding.granted_mask == "0x00000000a80405fb"
    assert "CAP_NET_RAW" not in result.bounding.granted


def test_ambient_is_honoured() -> None:
    result = capabilities({"ambient": ["CAP_BPF", "CAP_PERFMON"]}, profile="runsc")
    assert result.ambient.names == ["CAP_PERFMON", "CAP_BPF"]
    assert result.ambient.mask == "0x000000c000000000"


@pytest.mark.parametrize(
    ("caps", "pointer"),
    [
        pytest.param({"ambient": ["CAP_NOPE"]}, "/ambient/0", id="ambient-unknown"),
        pytest.param({"effective": ["CAP_CHOWN", "cap_kill"]}, "/effective/1", id="lower-case"),
        pytest.param({"permitted": "CAP_CHOWN"}, "/permitted", id="not-a-list"),
    ],
)
def test_unknown_names_are_refused_with_pointers(caps: dict[str, object], pointer: str) -> None:
    with pytest.raises(CapabilityError) as err:
        capabilities(caps, profile="runsc")
    assert pointer in [p for p, _ in err.value.errors]
