"""The inverse: a features document describing what a built-in profile accepts, so runtimes can be compared.

For `runsc` it is `runsc features` (specutils.Features, runsc-rules.md section I) adjusted where the profile, with
runsc's default flags, accepts more than that command prints: runsc runs under cgroup v2 and the systemd cgroup
manager (runsc/cgroup: cgroup_v2.go, systemd.go; `--systemd-cgroup`), which `runsc features` leaves false, and with
`--oci-seccomp=false` it accepts (and ignores) any seccomp vocabulary; the actions, operators and architectures it
honours with the flag on are kept as annotations (`io.specgate.runsc.oci-seccomp.*`). Lists
are taken from the profiles' own tables wherever they exist, so the document cannot drift from the rules.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import orjson

from app.core.capabilities import ALL_NAMES, LAST_CAP_2018
from app.core.errors import UnknownProfile
from app.core.profiles import get_profile, profile_names
from app.core.profiles.runsc import flags as runsc_flags, seccomp as runsc_seccomp
from app.core.profiles.runsc.annotations import BOOL_ANNOTATIONS, REMAP_PREFIX, SECCOMP_PREFIX, TAR_UPPER
from app.core.profiles.runsc.checks_linux import HOOK_KINDS
from app.core.profiles.runsc.mounts import FILESYSTEM_DATA_OPTIONS, LINUX_MOUNT_OPTIONS

HOOKS = list(HOOK_KINDS)
_RECURSIVE_LOSSES = ("rro", "rnosuid", "rnoexec")
"""runsc warns that these recursive restrictions are lost in the sandbox: not options it honours."""


@cache
def _linux_definitions() -> dict[str, Any]:
    defs = orjson.loads(resources.files("app.core.schemas").joinpath("v1.3.0", "defs-linux.json").read_bytes())
    definitions: dict[str, Any] = defs["definitions"]
    return definitions


def _enum(name: str) -> list[str]:
    return sorted(_linux_definitions()[name]["enum"])


def _every_seccomp_value() -> dict[str, Any]:
    """linux.seccomp of a runtime that accepts every action, operator, architecture and flag the spec defines."""
    return {
        "enabled": True,
        "actions": _enum("SeccompAction"),
        "operators": _enum("SeccompOperators"),
        "archs": _enum("SeccompArch"),
        "knownFlags": _enum("SeccompFlag"),
        "supportedFlags": _enum("SeccompFlag"),
    }


def _spec_mount_options() -> list[str]:
    # The Linux mount-option table of config.md (v1.3.0), as features.md's example lists it.
    return sorted(LINUX_MOUNT_OPTIONS - FILESYSTEM_DATA_OPTIONS - {"idmap", "ridmap"})


def _runsc() -> dict[str, Any]:
    allowlisted = set(runsc_flags.ALLOWLIST)
    flag_annotations = sorted(runsc_flags.FLAG_NAMES)
    return {
        "ociVersionMin": "1.0.0",
        "ociVersionMax": "1.2.1",
        "hooks": HOOKS,
        "mountOptions": sorted(set(_spec_mount_options()) - set(_RECURSIVE_LOSSES)),
        "linux": {
            "namespaces": ["cgroup", "ipc", "mount", "network", "pid", "user", "uts"],
            "capabilities": list(ALL_NAMES),
            "cgroup": {"v1": True, "v2": True, "systemd": True, "systemdUser": False, "rdma": False},
            # With --oci-seccomp=false (the default) runsc reads no part of linux.seccomp, so every value is
            # accepted; what it honours when the flag is on is in the annotations below.
            "seccomp": _every_seccomp_value(),
            "apparmor": {"enabled": False},
            "selinux": {"enabled": False},
            "intelRdt": {"enabled": False},
            "mountExtensions": {"idmap": {"enabled": True}},
        },
        "annotations": {
            "io.specgate.profile": "runsc",
            "io.specgate.runsc.oci-seccomp.actions": ",".join(sorted(runsc_seccomp.ACTIONS)),
            "io.specgate.runsc.oci-seccomp.operators": ",".join(sorted(runsc_seccomp.OPERATORS)),
            "io.specgate.runsc.oci-seccomp.archs": "SCMP_ARCH_AARCH64,SCMP_ARCH_X86_64",
        },
        "potentiallyUnsafeConfigAnnotations": sorted(
            [f"dev.gvisor.flag.{name}" for name in flag_annotations if name not in allowlisted]
            + [REMAP_PREFIX, TAR_UPPER, SECCOMP_PREFIX, *BOOL_ANNOTATIONS, "dev.gvisor.internal.cpufeatures"]
        ),
    }


def _runsc_2018() -> dict[str, Any]:
    # 2018 runsc vendored runtime-spec v1.0.1: three hook kinds, 38 capabilities, no seccomp (it warned and ignored).
    return {
        "ociVersionMin": "1.0.0",
        "ociVersionMax": "1.0.1",
        "hooks": ["prestart", "poststart", "poststop"],
        "mountOptions": sorted(set(_spec_mount_options()) - set(_RECURSIVE_LOSSES)),
        "linux": {
            "namespaces": ["cgroup", "ipc", "mount", "network", "pid", "user", "uts"],
            "capabilities": list(ALL_NAMES[: LAST_CAP_2018 + 1]),
            # No `cgroup`: the 2018 profile judges ValidateSpec only, which never looked at cgroups.
            "apparmor": {"enabled": False},
            "selinux": {"enabled": False},
        },
        "annotations": {"io.specgate.profile": "runsc-2018"},
    }


def _oci() -> dict[str, Any]:
    return {
        "ociVersionMin": "1.0.0",
        "ociVersionMax": "1.3.0",
        "hooks": HOOKS,
        "mountOptions": _spec_mount_options(),
        "linux": {
            "namespaces": ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
            "capabilities": list(ALL_NAMES),
            "cgroup": {"v1": True, "v2": True, "systemd": True, "systemdUser": True, "rdma": True},
            "seccomp": _every_seccomp_value(),
            "apparmor": {"enabled": True},
            "selinux": {"enabled": True},
            "intelRdt": {"enabled": True},
            "mountExtensions": {"idmap": {"enabled": True}},
            "netDevices": {"enabled": True},
        },
        "annotations": {"io.specgate.profile": "oci"},
    }


_EMITTERS = {"runsc": _runsc, "runsc-2018": _runsc_2018, "oci": _oci}


def features_of(profile: str) -> dict[str, Any]:
    """A features document for a profile: built-in profiles describe what they accept; a `features:` profile
    gives back the document it was made from.

    Raises:
        UnknownProfile: no profile has that name.
    """
    emitter = _EMITTERS.get(profile)
    if emitter is not None:
        return emitter()
    prof = get_profile(profile)
    features = getattr(prof, "features", None)
    if features is None:  # pragma: no cover - every profile is built-in or made from a features document
        raise UnknownProfile(profile, profile_names())
    data: dict[str, Any] = features.data
    return data
