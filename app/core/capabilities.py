"""Linux capability names and numbers, and how a set of names becomes a mask.

Numbers are those of Linux `include/uapi/linux/capability.h` (and gVisor's
`pkg/abi/linux/capability.go`). A set is a 64-bit mask with bit N for capability N,
printed as /proc/PID/status prints it: 16 hex digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.core.errors import CapabilityError
from app.core.pointer import join
from app.models import CapabilitiesResult, CapabilityInfo, CapabilitySet, CapabilityTable

ALL_NAMES: tuple[str, ...] = (
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
)
"""Index = capability number. 41 names, CAP_LAST_CAP = 40 (Linux >= 5.9, gVisor since 2023-02)."""

NUMBERS: Mapping[str, int] = {name: number for number, name in enumerate(ALL_NAMES)}

LAST_CAP_2018 = NUMBERS["CAP_AUDIT_READ"]
"""2018 gVisor stopped at CAP_AUDIT_READ (37): 38 names."""

SET_NAMES: tuple[str, ...] = ("bounding", "effective", "inheritable", "permitted", "ambient")
"""The five sets of an OCI `process.capabilities` object, in the contract's order."""


def table(profile: str, last_cap: int) -> CapabilityTable:
    """The capability table of a profile that knows capabilities 0..last_cap."""
    return CapabilityTable(
        profile=profile,
        capabilities=[CapabilityInfo(name=n, number=i) for i, n in enumerate(ALL_NAMES[: last_cap + 1])],
        last_cap=last_cap,
    )


def mask_of(numbers: Iterable[int]) -> str:
    """The mask of capability numbers as 0x + 16 hex digits."""
    bits = 0
    for n in numbers:
        bits |= 1 << n
    return f"0x{bits:016x}"


def known_number(name: str, last_cap: int) -> int | None:
    """The number of an exactly spelled name (runtimes match case-sensitively, CAP_ prefix required), or None."""
    number = NUMBERS.get(name)
    return number if number is not None and number <= last_cap else None


def sets(
    caps: Any,
    *,
    profile: str,
    last_cap: int,
    ignored_sets: frozenset[str] = frozenset(),
    dropped: frozenset[str] = frozenset(),
    base: str = "",
) -> CapabilitiesResult:
    """Map an OCI capabilities object to five named sets with masks.

    Args:
        caps: the parsed `process.capabilities` object (None or absent sets mean empty).
        profile: profile name for the result.
        last_cap: highest capability number the profile knows.
        ignored_sets: sets the runtime never reads (2018 runsc ignored `ambient`): their names are not
            checked and nothing of them is granted.
        dropped: names the runtime strips from every set with default flags (runsc: CAP_NET_RAW).
        base: pointer of `caps` inside its document, for error paths.

    Raises:
        CapabilityError: the object is not an object, a set is not a list of strings, or a name is unknown.
    """
    errors: list[tuple[str, str]] = []
    if caps is None:
        caps = {}
    if not isinstance(caps, dict):
        raise CapabilityError(
            [
                (
                    base,
                    "capabilities must be an object with the sets bounding, effective, "
                    "inheritable, permitted and ambient",
                )
            ]
        )
    result: dict[str, CapabilitySet] = {}
    for set_name in SET_NAMES:
        value = caps.get(set_name)
        where = join(base, set_name)
        numbers: set[int] = set()
        if value is None:
            value = []
        if not isinstance(value, list):
            errors.append((where, f"{set_name} must be an array of capability names"))
            value = []
        for index, name in enumerate(value):
            if set_name in ignored_sets:
                continue
            if not isinstance(name, str):
                errors.append((join(where, index), "a capability name must be a string"))
                continue
            number = known_number(name, last_cap)
            if number is None:
                errors.append((join(where, index), _unknown_message(name, last_cap)))
                continue
            numbers.add(number)
        ordered = sorted(numbers)
        granted = [n for n in ordered if ALL_NAMES[n] not in dropped]
        result[set_name] = CapabilitySet(
            names=[ALL_NAMES[n] for n in ordered],
            mask=mask_of(ordered),
            granted=[ALL_NAMES[n] for n in granted],
            granted_mask=mask_of(granted),
        )
    if errors:
        raise CapabilityError(errors)
    return CapabilitiesResult(profile=profile, **result)


def _unknown_message(name: str, last_cap: int) -> str:
    hint = ""
    upper = name.upper()
    candidate = upper if upper.startswith("CAP_") else "CAP_" + upper
    if candidate != name and known_number(candidate, last_cap) is not None:
        hint = f"; did you mean {candidate!r}? names are case-sensitive and need the CAP_ prefix"
    elif candidate in NUMBERS:
        hint = (
            f" ({candidate} is number {NUMBERS[candidate]}, newer than this runtime knows;"
            f" its last is {ALL_NAMES[last_cap]})"
        )
    return f"unknown capability {name!r}{hint}"
