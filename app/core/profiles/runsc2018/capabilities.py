"""Capabilities and capsFromNames of 2018 runsc: 38 names, ambient never read.

In 2018 ValidateSpec did not look at capabilities; the names were mapped when the container started
(boot), and an unknown name made the start fail. The profile reports that as an error on the spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core import capabilities as caps_mod
from app.core.pointer import ptr
from app.core.profiles.runsc2018 import catalog as c
from app.core.profiles.runsc2018.govalues import present, strings, struct
from app.core.profiles.runsc2018.issues import Issue

LAST_CAP = caps_mod.LAST_CAP_2018
"""CAP_AUDIT_READ (37): the seed's capFromName has 38 entries."""

CAP_FROM_NAME: Mapping[str, int] = {name: caps_mod.NUMBERS[name] for name in caps_mod.ALL_NAMES[: LAST_CAP + 1]}
"""The seed's capFromName: exact, case-sensitive names."""

READ_SETS: tuple[str, ...] = ("bounding", "effective", "inheritable", "permitted")
"""The sets Capabilities maps, in its order. `ambient` is left out: `// TODO: Support ambient capabilities.`"""

_KNOWN = frozenset(CAP_FROM_NAME)

IGNORED_SETS = frozenset({"ambient"})


def caps_from_names(names: list[str]) -> tuple[int, list[tuple[int, str]]]:
    """capsFromNames, without stopping: the mask of the known names and each unknown one with its index."""
    mask = 0
    unknown: list[tuple[int, str]] = []
    for index, name in enumerate(names):
        number = CAP_FROM_NAME.get(name)
        if number is None:
            unknown.append((index, name))
        else:
            mask |= 1 << number
    return mask, unknown


def capability_issues(spec: dict[str, Any]) -> list[Issue]:
    """What Capabilities would refuse (every unknown name) and note (a non-empty ambient set) for the spec."""
    process = spec.get("process")
    if not present(spec, "process") or not present(struct(process), "capabilities"):
        return []
    caps = struct(struct(process)["capabilities"])
    issues: list[Issue] = []
    for set_name in READ_SETS:
        names = caps.get(set_name)
        if _all_known(names):
            continue  # the usual set, decided in C
        _, unknown = caps_from_names(strings(names))
        for index, name in unknown:
            issues.append(
                Issue(
                    c.CAPS_UNKNOWN,
                    ptr("process", "capabilities", set_name, index),
                    f"{_unknown(name)}: 2018 runsc accepts the spec at create but the container fails to start "
                    f"(Capabilities); use one of the {len(CAP_FROM_NAME)} names CAP_CHOWN..CAP_AUDIT_READ"
                    f"{_hint(name)}.",
                )
            )
    if strings(caps.get("ambient")):
        issues.append(
            Issue(
                c.CAPS_AMBIENT,
                ptr("process", "capabilities", "ambient"),
                "process.capabilities.ambient is ignored by 2018 runsc (ambient capabilities were not supported "
                "yet): the process gets no ambient capabilities and these names are not checked.",
            )
        )
    return issues


def _all_known(names: Any) -> bool:
    """True when `names` is absent or an array of known names only (False proves nothing)."""
    if names is None:
        return True
    try:
        return isinstance(names, list) and _KNOWN.issuperset(names)
    except TypeError:  # an array or object among the names
        return False


def _unknown(name: str) -> str:
    return 'unknown capability "' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hint(name: str) -> str:
    """Why a name is unknown, when it is close to a known one."""
    upper = name.strip().upper()
    candidate = upper if upper.startswith("CAP_") else "CAP_" + upper
    if candidate in CAP_FROM_NAME:
        return f" (did you mean {candidate}? names are case-sensitive and need the CAP_ prefix)"
    if candidate in caps_mod.NUMBERS:
        return f" ({candidate} is number {caps_mod.NUMBERS[candidate]}, added to Linux and gVisor after 2018)"
    return ""
