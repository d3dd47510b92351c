"""How runsc serves each entry of `mounts` (runsc-mounts.md section 1), and the mount rules of sections A and G."""

from __future__ import annotations

from typing import Any, Final

from app.core.normalize import go_clean
from app.core.pointer import ptr
from app.core.profiles.runsc.annotations import MOUNT_HINT_PREFIX
from app.core.profiles.runsc.hints import RESTRICTIONS, MountHint, hint_for_source
from app.core.profiles.runsc.view import arr, quote
from app.core.rules import Findings
from app.models import Severity

# The tables are Final: the compiled module reads them as C statics, not with a module-dict lookup per use
# (check_mounts reads several per mount).
SENTRY_TYPES: Final = frozenset({"tmpfs", "proc", "sysfs", "devpts", "dev", "none", "cgroup", "cgroup2"})
"""getMountNameAndOptions: filesystem types the sentry creates itself."""

BIND_OPTIONS: Final = frozenset({"bind", "rbind"})
INVALID_GOFER_OPTIONS: Final = frozenset({"shared", "rshared"})
_BIND_OR_SHARED: Final = BIND_OPTIONS | INVALID_GOFER_OPTIONS

SENTRY_OPTIONS: Final = frozenset({"ro", "rw", "noatime", "atime", "noexec", "exec", "nosuid", "bind", "rbind"})
"""ParseMountOptions: generic options the sentry honours."""
TMPFS_DATA: Final = frozenset({"mode", "size", "uid", "gid"})
GOFER_DATA: Final = frozenset({"overlayfs_stale_read", "disable_file_handle_sharing", "dcache"})
RETYPED: Final = {"/dev": "dev", "/dev/pts": "devpts"}
"""compileMounts: spec mounts at these (cleaned) destinations get the sentry's own filesystem type."""

FILESYSTEM_DATA_OPTIONS: Final = frozenset(
    # The data options of the filesystems CRI runtimes mount (tmpfs, devpts, mqueue, cgroup, proc).
    "mode size uid gid nr_inodes nr_blocks huge mpol newinstance ptmxmode max hidepid subset".split()
)
LINUX_MOUNT_OPTIONS: Final = (
    frozenset(
        # mount(8) and the OCI Linux mount-option table: flags and propagation ...
        """
        acl async atime bind defaults dev diratime dirsync exec idmap iversion lazytime loud mand noacl noatime nodev
        nodiratime noexec noiversion nolazytime nomand norelatime nostrictatime nosuid nosymfollow private ratime
        rbind rdev rdiratime relatime remount rexec ridmap rnoatime rnodev rnodiratime rnorelatime rnostrictatime
        rnosymfollow ro rprivate rrelatime rrw rshared rslave rstrictatime rsuid rsymfollow runbindable rw
        shared silent slave strictatime suid symfollow sync tmpcopyup unbindable
        """.split()
    )
    | FILESYSTEM_DATA_OPTIONS  # ... and the filesystems' data options
)
"""Options Linux knows: runsc ignores them in the sentry, but they are no typo.

Left out on purpose, so that they stay warnings: the recursive restrictions rro, rnosuid and rnoexec
(Kubernetes' recursiveReadOnly writes rro), whose loss leaves a volume writable, setuid or executable in
the sandbox."""


class Mount:
    """One entry of `mounts`, read as runsc reads it (wrong-typed members as Go's zero values)."""

    __slots__ = ("index", "destination", "type", "source", "options", "is_object", "bind", "gofer_mount",
                 "sentry_type", "category", "gofer", "reasons")  # fmt: skip

    def __init__(
        self, index: int, destination: str, type_: str, source: str, options: list[str], *, is_object: bool = True
    ) -> None:
        self.index = index
        self.destination = destination
        self.type = type_
        self.source = source
        self.options = options
        """Every option, a non-string as "" so positions stay those of the document."""
        self.is_object = is_object
        bind_option = not BIND_OPTIONS.isdisjoint(options)
        self.bind = bind_option or type_ == "bind"
        """B(m): type bind, or a bind/rbind option (MaybeConvertToBindMount)."""
        self.gofer_mount = self.bind and source != ""
        """IsGoferMount: a bind mount with a non-empty source (the host side reads the spec as written)."""
        self.sentry_type = _sentry_type(destination, type_, bind_option) if destination[:1] == "/" else type_
        """The type getMountNameAndOptions switches on: compileMounts' retyping, then MaybeConvertToBindMount."""
        self.category = ""
        self.gofer = False
        self.reasons: list[str] = []


def _sentry_type(destination: str, type_: str, bind_option: bool) -> str:
    # compileMounts retypes /dev and /dev/pts first; prepareMounts then applies MaybeConvertToBindMount, so a
    # bind/rbind option turns even those back into bind mounts.
    if bind_option:
        return "bind"
    return RETYPED.get(clean_destination(destination), type_)


def clean_destination(destination: str) -> str:
    """Go's filepath.Clean of a destination; a path that is clean already (the usual case) is returned as it is."""
    return destination if _is_clean(destination) else go_clean(destination)


def _is_clean(destination: str) -> bool:
    """True when filepath.Clean would return the (absolute) path unchanged; False proves nothing."""
    # No empty, "." or ".." element and no trailing slash: nothing for Clean to do.
    return destination[:1] == "/" and "//" not in destination and "/." not in destination and destination[-1:] != "/"


def read_mounts(spec: Any) -> list[Mount]:
    """Every entry of `mounts` (non-objects too, so indexes stay those of the document)."""
    found: list[Mount] = []
    for index, entry in enumerate(arr(spec, "mounts")):
        if not isinstance(entry, dict):
            found.append(Mount(index, "", "", "", [], is_object=False))
            continue
        get = entry.get
        destination = get("destination")
        type_ = get("type")
        source = get("source")
        raw = get("options")
        options = [o if isinstance(o, str) else "" for o in raw] if isinstance(raw, list) else []
        found.append(
            Mount(
                index,
                destination if isinstance(destination, str) else "",
                type_ if isinstance(type_, str) else "",
                source if isinstance(source, str) else "",
                options,
            )
        )
    return found


def classify(mount: Mount, hints: dict[str, MountHint] | None = None) -> Mount:
    """Fill in category, gofer and reasons (runsc-mounts.md section 1 and 3)."""
    _classify_kind(mount, hints)
    if hints and mount.category != "invalid":
        hint = shared_hint(mount, hints)
        problems = hint.incompatibilities(mount.options) if hint is not None else []
        if hint is not None and problems:
            mount.category = "invalid"
            mount.reasons.append(
                f"mount hint {quote(hint.name)} makes it a replica of a shared mount, and "
                f"{'; '.join(problems)}: container start fails (mountHint.checkCompatible)"
            )
    return mount


def shared_hint(mount: Mount, hints: dict[str, MountHint]) -> MountHint | None:
    """The hint that makes this mount a replica of a shared master (FindMount, then ShouldShareMount)."""
    if not mount.source.startswith("/"):
        # fixSpec joins a relative source onto the bundle before FindMount compares it with the hint's source
        # (taken as written): a relative source never matches a relative hint, an absolute one is unknowable here.
        return None
    hint = hint_for_source(hints, mount.source)
    return hint if hint is not None and hint.shares_mount else None


def check_shared(mounts: list[Mount], hints: dict[str, MountHint], out: Findings) -> None:
    """RUNSC-MOUNT-SHARED-COMPAT: mountSharedSubmount's checkCompatible, for every replica of a shared mount."""
    if not hints:
        return  # the usual spec: no pod mount hints, nothing is shared
    masters: set[str] = set()
    for m in mounts:
        if not m.is_object or not m.destination.startswith("/"):
            continue
        hint = shared_hint(m, hints)
        if hint is None:
            continue
        if hint.name not in masters:
            masters.add(hint.name)
            _check_master(hint, out)
        problems = hint.incompatibilities(m.options)
        if not problems:
            continue
        key = hint.keys.get("options", f"{MOUNT_HINT_PREFIX}{hint.name}.options")
        missing = [o for o, _ in RESTRICTIONS if o in hint.options and o not in m.options]
        out.add(
            "RUNSC-MOUNT-SHARED-COMPAT",
            ptr("mounts", m.index),
            f"mount shared mount {quote(hint.name)} to {quote(m.destination)}: {'; '.join(problems)}. Mount hint "
            f"{quote(hint.name)} ({key}={quote(','.join(hint.options))}) shares source {quote(hint.source)} in the "
            f"pod, and a mount of it may be more restrictive than the hint, never less: add "
            f"{', '.join(quote(o) for o in missing)} to this mount's options or remove "
            f"{'it' if len(missing) == 1 else 'them'} from the hint",
        )


def _check_master(hint: MountHint, out: Findings) -> None:
    """getSharedMount -> mountSharedMaster: the first replica mounts the master, a tmpfs with the hint's options,
    whose key=value options consumeMountOptions parses (at most one '=')."""
    for opt in hint.options:
        if opt.count("=") > 1:
            key = hint.keys.get("options", f"{MOUNT_HINT_PREFIX}{hint.name}.options")
            out.add(
                "RUNSC-MOUNT-HINT-KEY",
                ptr("annotations", key),
                f"getting shared mount {quote(hint.name)}: mounting shared master {quote(hint.name)}: invalid option "
                f"{quote(opt)}: a key=value option may contain only one '='; every container mounting "
                f"{quote(hint.source)} fails to start",
            )
            return


def _classify_kind(mount: Mount, hints: dict[str, MountHint] | None) -> None:
    reasons = mount.reasons
    mount.gofer = mount.is_object and mount.gofer_mount
    if not mount.is_object:
        mount.category = "invalid"
        reasons.append("the entry is not a JSON object, so Go's decoder rejects the spec")
        return
    if not mount.destination.startswith("/"):
        mount.category = "invalid"
        reasons.append(f"destination {quote(mount.destination)} is not absolute, so ValidateSpec rejects the spec")
        return
    if mount.type != "bind" and mount.bind:
        reasons.append(
            f"options contain {_bind_option(mount)}, so runsc treats it as a bind mount (type {quote(mount.type)} "
            "is a dummy)"
        )
    dest = go_clean(mount.destination)
    if mount.gofer_mount and mount.sentry_type != "bind":
        mount.category = "invalid"
        reasons.append(_RETYPE_MISMATCH.format(dest=dest, fs=mount.sentry_type))
        return
    if mount.gofer_mount:
        bad = [o for o in mount.options if o in INVALID_GOFER_OPTIONS]
        if bad:
            mount.category = "invalid"
            reasons.append(
                f"it is a gofer mount with option {quote(bad[0])}; ValidateSpec rejects shared propagation "
                "on gofer mounts"
            )
            return
        mount.category = "gofer"
        reasons.append("a bind mount with a source: the gofer serves the host path over lisafs (IsGoferMount)")
        if dest == "/dev":
            reasons.append("a bind mount at /dev with a source replaces the sentry's dev filesystem with the host dir")
        hint = hint_for_source(hints or {}, mount.source)
        if hint is not None:
            reasons.append(_hint_reason(hint))
        return
    if mount.sentry_type == "bind":
        mount.category = "invalid"
        reasons.append("a bind mount with an empty source: the sentry finds no gofer connection and start fails")
        return
    if dest in RETYPED:
        mount.category = "sentry"
        reasons.append(f"{dest} is retyped to the sentry {RETYPED[dest]} filesystem, whatever its type says")
        return
    if mount.type == "erofs":
        mount.category = "erofs"
        reasons.append("type erofs: the gofer opens the source image file and the sentry mounts it read-only")
        return
    if mount.type in SENTRY_TYPES:
        mount.category = "sentry"
        if mount.type == "none":
            reasons.append("type none (without bind/rbind) is mounted as sysfs inside the sentry")
        elif mount.type in ("cgroup", "cgroup2"):
            reasons.append(
                f"type {mount.type} becomes a tmpfs with cgroup v1 controller mounts inside the sentry "
                "(--mount-cgroup-v2 is off by default)"
            )
        else:
            reasons.append(f"type {mount.type} is created inside the sentry; nothing is read from the host")
        return
    mount.category = "skipped"
    reasons.append(f"ignoring unknown filesystem type {quote(mount.type)}: runsc skips this mount with a warning")
    return


_RETYPE_MISMATCH: Final = (
    "type bind with a source makes it a gofer mount on the host, but the sentry retypes {dest} to its {fs} "
    "filesystem (no bind/rbind option turns it back), so the gofer connection is never used and start fails "
    "(not all gofer FDs were consumed)"
)


def _bind_option(mount: Mount) -> str:
    return next(o for o in mount.options if o in BIND_OPTIONS)


def _hint_reason(hint: MountHint) -> str:
    if hint.type == "tmpfs" and hint.share in ("container", "pod"):
        return (
            f"mount hint {quote(hint.name)} (type tmpfs, share {hint.share}) turns it into a tmpfs inside the "
            "sandbox, backed by a file in the source directory"
        )
    if hint.type == "bind" and hint.share in ("container", "pod"):
        return f"mount hint {quote(hint.name)} (type bind, share {hint.share}) gives it a self-backed overlay"
    return f"mount hint {quote(hint.name)} (share {hint.share}) keeps it a shared-access gofer mount"


Entry = tuple[str, Severity, str, str]
"""A finding as `Findings.entries` holds it: (rule, severity, pointer, message)."""

KNOWN_TYPES: Final = SENTRY_TYPES | {"bind", "erofs"}
"""Filesystem types getMountNameAndOptions mounts (anything else is skipped with a warning)."""


def check_mounts(spec: dict[str, Any], out: Findings) -> list[Entry]:
    """Every mount rule but the shared-mount ones, in one pass over the Go-decoded `mounts`.

    ValidateSpec's mount loop (RUNSC-MOUNT-DEST-ABS, RUNSC-MOUNT-SHARED-PROPAGATION) is added to `out`; the
    sentry's (prepareMounts, getMountNameAndOptions: bind without source, types, options) is returned, for the
    caller to add after the checks runsc makes in between. `spec` is the decoder's view, so every entry is an
    object and its members have their Go types or are null (the Python view of absent).

    A spec can have thousands of mounts and a CRI runtime writes a few options on each that the sentry ignores
    (each one a finding), so the usual mount is decided inline with set operations and table lookups; the
    rare cases (a refused mount, a key=value option) are helpers.
    """
    # Typed as the decoder guarantees, so that the compiled module uses dict, list and str operations directly.
    mounts: list[dict[str, Any]] | None = spec.get("mounts")
    if not mounts:
        return []
    boot: list[Entry] = []
    for index, entry in enumerate(mounts):
        destination: str = entry.get("destination") or ""
        type_: str = entry.get("type") or ""
        options: list[str] = entry.get("options") or []
        # One compiled pass over the options for both flags (a set method with a list argument is a Python-level
        # call that allocates an iterator, per mount); the two sets are disjoint.
        bind_option = False
        shared = False
        for opt in options:
            if opt in _BIND_OR_SHARED:  # one lookup for the usual option, which is neither
                if opt in BIND_OPTIONS:
                    bind_option = True
                else:
                    shared = True
        # IsGoferMount: a bind mount (type bind, or a bind/rbind option) with a non-empty source.
        gofer = (bind_option or type_ == "bind") and bool(entry.get("source"))
        absolute = destination[:1] == "/"
        if not absolute or (gofer and shared):
            _check_validate(index, destination, options, gofer, out)
            if not absolute:
                continue  # the sentry never gets this far
        # The type getMountNameAndOptions switches on: compileMounts retypes /dev and /dev/pts first; prepareMounts
        # then applies MaybeConvertToBindMount, so a bind/rbind option turns even those back into bind mounts.
        if bind_option:
            fs = "bind"
        elif destination in RETYPED:  # written clean, as usual
            fs = RETYPED[destination]
        elif "dev" in destination and not _is_clean(destination):
            # Clean only drops elements, so only a destination containing "dev" can clean to /dev or /dev/pts,
            # and one that is clean already is not either of them (it failed the lookup above).
            fs = RETYPED.get(go_clean(destination), type_)
        else:
            fs = type_
        if gofer != (fs == "bind") or fs not in KNOWN_TYPES:
            boot.append(_refused(index, destination, type_, fs, gofer, out))
            continue
        kind = _OPTION_KINDS.get(fs, _PLAIN)
        # Most findings here are RUNSC-MOUNT-OPT-UNKNOWN infos: their pointer is joined from a prefix made once per
        # mount, and their message from the option's part (made at import) and the mount's, in one step each. Both
        # mount parts are made at the mount's first finding (many mounts have none).
        where = ""
        tail = ""
        explained = kind.explained
        table = kind.table
        for i, opt in enumerate(options):
            start = table.get(opt, "")
            if start is None:
                continue  # an option that draws no finding
            if not where:
                where = f"/mounts/{index}/options/"
                if destination.isprintable() and '"' not in destination and "\\" not in destination:
                    tail = f' on "{destination}"{explained}'  # quote's usual case, without a call
                else:
                    tail = f" on {quote(destination)}{explained}"
                # tail: the end of every option finding's message on this mount
            if start:  # an option Linux knows: one lookup decides it and gives the message's start
                boot.append(("RUNSC-MOUNT-OPT-UNKNOWN", "info", where + _token(i), start + tail))
                continue
            if kind.data_keys and opt.count("=") > 1:
                boot.append(_key_value(where + _token(i), opt, out))
                continue
            name = opt.partition("=")[0]
            if name in kind.data_keys:
                continue
            # runsc warns about every such option, but an option Linux knows (nodev, relatime, rprivate,
            # mode=0755 on a devpts mount...) is what every CRI runtime writes on every mount; only an option no
            # layer knows (a typo) deserves a warning here, the rest are reported as info so they do not bury it.
            severity = "info" if name in LINUX_MOUNT_OPTIONS else out.severity_of("RUNSC-MOUNT-OPT-UNKNOWN")
            boot.append(("RUNSC-MOUNT-OPT-UNKNOWN", severity, where + _token(i),
                         f"ignoring unknown mount option {quote(opt)}{tail}"))  # fmt: skip
    return boot


_DIGITS: Final = tuple(str(i) for i in range(32))
"""The pointer tokens of the first option indexes: formatting an int costs more than a tuple lookup."""


def _token(index: int) -> str:
    """The pointer token of an option index."""
    return _DIGITS[index] if index < 32 else str(index)


def _check_validate(index: int, destination: str, options: list[str], gofer: bool, out: Findings) -> None:
    """ValidateSpec's mount loop, for a mount it refuses."""
    if destination[:1] != "/":
        out.add(
            "RUNSC-MOUNT-DEST-ABS",
            ptr("mounts", index, "destination"),
            f"Mount.Destination must be an absolute path: {quote(destination)}; write the path inside the "
            "container starting with '/'",
        )
    if gofer:
        for i, opt in enumerate(options):
            if opt in INVALID_GOFER_OPTIONS:
                out.add(
                    "RUNSC-MOUNT-SHARED-PROPAGATION",
                    ptr("mounts", index, "options", i),
                    f"mount option {quote(opt)} is not supported: a sandbox must not propagate mounts back to "
                    "the host; use rprivate or rslave (Kubernetes: mountPropagation None or HostToContainer)",
                )


def _refused(index: int, destination: str, type_: str, fs: str, gofer: bool, out: Findings) -> Entry:
    """The sentry's finding for a mount it does not mount: a gofer mount retyped, a bind without source, or a
    type it does not know."""
    if gofer and fs != "bind":
        return (
            "RUNSC-MOUNT-DEV-RETYPE",
            "error",
            f"/mounts/{index}/type",
            _RETYPE_MISMATCH.format(dest=go_clean(destination), fs=fs)
            + ': add the "rbind" option to serve the host directory, or drop the source to use the sentry\'s',
        )
    if fs == "bind":
        return (
            "RUNSC-MOUNT-BIND-NOSOURCE",
            out.severity_of("RUNSC-MOUNT-BIND-NOSOURCE"),
            f"/mounts/{index}/source",
            "mountOptions failed: gofer mount requires a connection FD: this bind mount has no source; set "
            "source to the host path to bind",
        )
    return (
        "RUNSC-MOUNT-TYPE-UNKNOWN",
        out.severity_of("RUNSC-MOUNT-TYPE-UNKNOWN"),
        f"/mounts/{index}/type",
        f"ignoring unknown filesystem type {quote(type_)}: the mount at {quote(destination)} is skipped. "
        "runsc mounts bind, tmpfs, proc, sysfs, devpts, cgroup, cgroup2 and erofs",
    )


def _key_value(where: str, opt: str, out: Findings) -> Entry:
    return (
        "RUNSC-MOUNT-OPT-KV",
        out.severity_of("RUNSC-MOUNT-OPT-KV"),
        where,
        f"invalid option {quote(opt)}: a key=value option may contain only one '='",
    )


class _OptionKind:
    """What the sentry does with the options of one kind of filesystem, as static tables.

    consumeMountOptions takes the filesystem's data keys (and refuses key=value=value) for tmpfs, bind and
    cgroup mounts; ParseMountOptions then warns about every remaining option it does not know.
    """

    __slots__ = ("data_keys", "skip", "table", "explained")

    def __init__(self, data_keys: frozenset[str], *, bind: bool) -> None:
        self.data_keys = data_keys
        # ValidateSpec already refuses shared propagation on a bind mount (RUNSC-MOUNT-SHARED-PROPAGATION): it
        # never reaches the sentry; a bare data key is consumed like key=value.
        self.skip = SENTRY_OPTIONS | data_keys | (INVALID_GOFER_OPTIONS if bind else frozenset())
        """Options that draw no finding."""
        self.table: dict[str, str | None] = dict.fromkeys(self.skip)
        self.table.update((o, f"ignoring unknown mount option {quote(o)}") for o in LINUX_MOUNT_OPTIONS - self.skip)
        """None for an option that draws no finding; for an option Linux knows (an info finding), the start of its
        message (it has no '=', so it is not a key=value and is its own name). Other options are not listed."""
        self.explained = (
            f": the sentry applies only {_SENTRY_LIST}{_data_hint(data_keys)}; host mount flags such as nodev or "
            "relatime and propagation options have no effect inside the sandbox"
        )
        """The end of RUNSC-MOUNT-OPT-UNKNOWN's message: it only depends on the filesystem."""


_SENTRY_LIST: Final = ", ".join(sorted(SENTRY_OPTIONS))


def _data_hint(keys: frozenset[str]) -> str:
    return f" and the data options {', '.join(sorted(keys))}" if keys else ""


_PLAIN: Final = _OptionKind(frozenset(), bind=False)
# With --mount-cgroup-v2 off, mountCgroupSubmounts mounts a cgroup mount as a tmpfs.
_TMPFS: Final = _OptionKind(TMPFS_DATA, bind=False)
_OPTION_KINDS: Final = {
    "tmpfs": _TMPFS,
    "cgroup": _TMPFS,
    "cgroup2": _TMPFS,
    "bind": _OptionKind(GOFER_DATA, bind=True),
}
"""The data options consumeMountOptions takes, per filesystem type (others: none, ParseMountOptions sees all)."""
