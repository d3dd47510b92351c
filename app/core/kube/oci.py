"""Pieces of an OCI spec every CRI flavour builds the same way: users, environment, default mounts, binds.

Sources: containerd `pkg/oci/spec.go` (populateDefaultUnixSpec), `pkg/oci/mounts.go` (defaultMounts),
`pkg/oci/spec_opts.go` (WithUser, WithAdditionalGIDs, ensureAdditionalGids, replaceOrAppendEnvValues),
`internal/cri/opts/spec_opts.go` (WithSupplementalGroups / mergeGids, WithProcessArgs).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from app.core.kube.cri_config import CriMount, Note
from app.core.kube.node import ImageConfig

Json = dict[str, Any]

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MQUEUE_OPTIONS = ["nosuid", "noexec", "nodev"]


@dataclass
class Provenance:
    """config.json pointer -> Pod pointer, filled while a spec is built."""

    map: dict[str, str] = field(default_factory=dict)

    def mark(self, oci: str, pod: str | None) -> None:
        if pod:
            self.map[oci] = pod


def default_mounts(*, writable_sys: bool = False) -> list[Json]:
    """defaultMounts minus /run (WithoutRunMount); /dev/shm is replaced by the sandbox's."""
    return [
        {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
        {
            "destination": "/dev",
            "type": "tmpfs",
            "source": "tmpfs",
            "options": ["nosuid", "strictatime", "mode=755", "size=65536k"],
        },
        {
            "destination": "/dev/pts",
            "type": "devpts",
            "source": "devpts",
            "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
        },
        {
            "destination": "/dev/shm",
            "type": "tmpfs",
            "source": "shm",
            "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
        },  # fmt: skip
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": list(MQUEUE_OPTIONS)},
        {
            "destination": "/sys",
            "type": "sysfs",
            "source": "sysfs",
            "options": ["nosuid", "noexec", "nodev", "rw" if writable_sys else "ro"],
        },
    ]


def replace_or_append_env(env: list[str], overrides: list[str]) -> list[str]:
    """replaceOrAppendEnvValues: a known key is replaced in place, a new one appended, `KEY` alone unsets."""
    out = list(env)
    index = {e.split("=", 1)[0]: i for i, e in enumerate(out)}
    removed: set[int] = set()
    for value in overrides:
        key, sep, _ = value.partition("=")
        if not sep:
            if key in index:
                removed.add(index[key])
            continue
        if key in index:
            out[index[key]] = value
            removed.discard(index[key])
        else:
            out.append(value)
            index[key] = len(out) - 1
    return [e for i, e in enumerate(out) if i not in removed]


def _passwd_by_uid(image: ImageConfig, uid: int) -> tuple[str, int, int] | None:
    return next((entry for entry in image.passwd if entry[1] == uid), None)


def resolve_user(image: ImageConfig, userstr: str, notes: list[Note], src: str) -> tuple[int, int]:
    """oci.WithUser: `uid`, `uid:gid`, `name`, `name:group` against the image's /etc/passwd and /etc/group."""
    user, _, group = userstr.partition(":")
    uid: int | None = int(user) if user.isdigit() else None
    gid: int | None = int(group) if group.isdigit() else None
    if uid is None:
        entry = next((e for e in image.passwd if e[0] == user), None)
        if entry is None:
            notes.append(
                Note("KUBE-USER-UNKNOWN", "error", src, f"user {user!r} is not in the image's /etc/passwd: "
                     "containerd fails to create the container (no users found)")
            )  # fmt: skip
            return 0, 0
        uid = entry[1]
        if not group:
            gid = entry[2]
    if group and gid is None:
        found = next((g for g in image.groups if g[0] == group), None)
        if found is None:
            notes.append(Note("KUBE-USER-UNKNOWN", "error", src, f"group {group!r} is not in the image's /etc/group"))
            return uid, 0
        gid = found[1]
    if gid is None:
        entry = _passwd_by_uid(image, uid)
        gid = entry[2] if entry else 0
    return uid, gid


def image_groups(image: ImageConfig, userstr: str) -> list[int]:
    """WithAdditionalGIDs: the gids of the groups that list the user as a member (not its own-named group)."""
    user = userstr.partition(":")[0]
    name = user
    if user.isdigit():
        entry = _passwd_by_uid(image, int(user))
        if entry is None:
            return []
        name = entry[0]
    return [gid for group, gid, members in image.groups if group != name and name in members]


def merge_gids(*groups: list[int]) -> list[int]:
    """mergeGids: the union, sorted."""
    return sorted({g for gs in groups for g in gs})


def process_args(command: list[str] | None, args: list[str] | None, image: ImageConfig) -> list[str]:
    """WithProcessArgs: Docker's rules for combining the Pod's command/args with the image's Entrypoint/Cmd."""
    cmd = list(command or [])
    arg = list(args or [])
    if not cmd:
        if not arg:
            arg = list(image.cmd)
        if command is None and not (len(image.entrypoint) == 1 and image.entrypoint[0] == ""):
            cmd = list(image.entrypoint)
    return cmd + arg


def unknown_entrypoint(image_ref: str) -> list[str]:
    """process.args for a container whose command comes from an image the node model does not know.

    The node would take the image's ENTRYPOINT/CMD; unknown is not empty, so the args hold one clearly marked
    placeholder naming the image instead of nothing (an empty args would be refused by every runtime).
    """
    return [f"<entrypoint of image {image_ref}>"]


def unknown_entrypoint_message(image_ref: str) -> str:
    return (
        f"the Pod gives no command and the node model does not know image {image_ref!r}: its ENTRYPOINT/CMD is "
        f"unknown, so process.args holds the placeholder {unknown_entrypoint(image_ref)[0]!r}"
    )


def bind(mount: CriMount, options: list[str], userns: list[Json] | None) -> Json:
    out: Json = {"destination": mount.container_path, "type": "bind", "source": mount.host_path, "options": options}
    if userns is not None and mount.id_mapped:
        out["uidMappings"] = [dict(m) for m in userns]
        out["gidMappings"] = [dict(m) for m in userns]
    return out


def depth(path: str) -> int:
    """orderedMounts.parts: the number of separators in the cleaned path."""
    return posixpath.normpath(path).count("/") if path else 0
