"""The CRI runtime's security choices: capability set operations, the default seccomp profile, SELinux labels.

Sources: containerd `internal/cri/opts/spec_opts.go` (WithCapabilities), `pkg/oci/spec_opts.go`
(WithAddedCapabilities, WithDroppedCapabilities, WithPrivileged), `contrib/seccomp/seccomp_default.go`
(DefaultProfile, kept as data in data/seccomp_default.json), `internal/cri/sputil` (seccomp/AppArmor selection),
go-selinux `label.InitLabels` (container_t / container_file_t with an MCS level).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import orjson

from app.core.kube.identity import hexid

Json = dict[str, Any]

APPARMOR_DEFAULT = "cri-containerd.apparmor.d"
"""The profile containerd generates and loads for RuntimeDefault (apparmor.WithDefaultProfile)."""

SELINUX_PROCESS = "system_u:system_r:container_t"
SELINUX_FILE = "system_u:object_r:container_file_t"


@functools.cache
def _seccomp_data() -> Json:
    text = resources.files("app.core.kube").joinpath("data/seccomp_default.json").read_text()
    return json.loads(text)  # type: ignore[no-any-return]


def default_seccomp(bounding: list[str], *, arch: str = "amd64", kernel_4_8: bool = True) -> Json:
    """containerd's seccomp.DefaultProfile for a spec whose bounding set is `bounding`.

    The top-level object and its lists are the caller's own; the syscall rules inside them are shared by every
    spec with the same capability set and arch and must be treated as read-only (nothing in the translation or the
    judges writes into them).
    """
    shared = _default_seccomp(tuple(bounding), arch, kernel_4_8)
    return {**shared, "architectures": list(shared["architectures"]), "syscalls": list(shared["syscalls"])}


@functools.lru_cache(maxsize=64)
def _default_seccomp(bounding: tuple[str, ...], arch: str, kernel_4_8: bool) -> Json:
    # Built once per capability set and arch: copying ~400 syscall names for every container would cost a large
    # share of an admission review; the rules are constant, so specs share them (read-only) and only the
    # containers around them are fresh.
    data = orjson.loads(orjson.dumps(_seccomp_data()))  # detached from the data file's cached tree
    syscalls: list[Json] = list(data["base"])
    if kernel_4_8:
        syscalls += data["kernel_4_8"]
    syscalls += data["by_arch"].get(arch, [])
    for cap in bounding:
        syscalls += data["by_cap"].get(cap, [])
    if "CAP_SYS_ADMIN" not in bounding:
        syscalls += data["not_admin"]["s390x" if arch == "s390x" else "default"]
        syscalls += data["not_admin"]["clone3"]
    return {"defaultAction": "SCMP_ACT_ERRNO", "architectures": data["arches"].get(arch, []), "syscalls": syscalls}


def apply_capabilities(
    caps: dict[str, list[str]], add: list[str], drop: list[str], all_caps: tuple[str, ...]
) -> dict[str, list[str]]:
    """containerd WithCapabilities: ALL first (add, then drop), then each named add, then each named drop.

    The CRI runtime prepends `CAP_` to every name (so `CAP_SYS_ADMIN` becomes `CAP_CAP_SYS_ADMIN`), and a drop also
    removes the name from the inheritable set.
    """
    out = {key: list(value) for key, value in caps.items()}
    sets = ("bounding", "effective", "permitted")
    if any(a == "ALL" for a in add):
        for key in sets:
            out[key] = list(all_caps)
    if any(d == "ALL" for d in drop):
        for key in sets:
            out[key] = []
        out["inheritable"] = []
    for name in add:
        if name.upper() == "ALL":
            continue
        cap = "CAP_" + name.upper()
        for key in sets:
            if cap not in out.setdefault(key, []):
                out[key].append(cap)
    for name in drop:
        if name.upper() == "ALL":
            continue
        cap = "CAP_" + name.upper()
        for key in (*sets, "inheritable"):
            if key in out:
                out[key] = [c for c in out[key] if c != cap]
    return out


def crio_cap(name: str) -> str:
    """CRI-O's toCAPPrefixed: the prefix is added only when it is missing."""
    upper = name.upper()
    return upper if upper.startswith("CAP_") else "CAP_" + upper


def mcs_level(seed: str) -> str:
    """A reproducible MCS level `s0:cA,cB` (go-selinux picks two random categories below 1024)."""
    digest = hexid("mcs/" + seed)
    a, b = int(digest[:4], 16) % 1024, int(digest[4:8], 16) % 1024
    if a == b:
        b = (b + 1) % 1024
    low, high = sorted((a, b))
    return f"s0:c{low},c{high}"


def selinux_labels(options: dict[str, Any] | None, seed: str) -> tuple[str, str]:
    """label.InitLabels: the container's process and mount labels, with the Pod's user/role/type/level applied."""
    level = mcs_level(seed)
    process = SELINUX_PROCESS.split(":") + [level]
    mount = SELINUX_FILE.split(":") + [level]
    opts = options or {}
    for index, key in ((0, "user"), (1, "role"), (2, "type"), (3, "level")):
        value = opts.get(key)
        if isinstance(value, str) and value:
            process[index] = value
            if key in ("user", "level"):
                mount[index] = value
    return ":".join(process), ":".join(mount)


def has_selinux_options(options: Any) -> bool:
    """An seLinuxOptions object that sets anything (an empty `{}`, as Bitnami charts render, sets nothing)."""
    return isinstance(options, dict) and any(isinstance(v, str) and v for v in options.values())
