"""Checks of `mounts`, `hooks` and `annotations`."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import compress, repeat
from operator import not_
from typing import Any, Final

from app.core.pointer import escape, ptr
from app.core.profiles.oci import quiet
from app.core.profiles.oci.context import Context, arr, env_problems, is_abs, obj, windows_key
from app.models import Severity

LINUX_MOUNT_OPTIONS = frozenset(
    """async atime bind defaults dev diratime dirsync exec iversion lazytime loud mand noatime nodev nodiratime
    noexec noiversion nolazytime nomand norelatime nostrictatime nosuid nosymfollow private ratime rbind rdev
    rdiratime relatime remount rexec rnoatime rnodiratime rnoexec rnorelatime rnostrictatime rnosuid
    rnosymfollow ro rprivate rrelatime rro rrw rshared rslave rstrictatime rsuid rsymfollow runbindable rw shared
    silent slave strictatime suid symfollow sync tmpcopyup unbindable idmap ridmap""".split()
)
"""The Linux mount option table of config.md (1.2.0 and later), exactly: 61 names. It has `rdev` but no
`rnodev` (runc knows both), so `rnodev` is reported as outside the table (OCI-MNT-OPTS, info)."""
LINUX_MOUNT_OPTIONS_1_1 = LINUX_MOUNT_OPTIONS - {"idmap", "ridmap"}
"""The table of config.md v1.1.0, before idmap and ridmap were added (v1.2.0)."""
DEFAULT_FILESYSTEMS = {"/proc": "proc", "/sys": "sysfs", "/dev/pts": "devpts", "/dev/shm": "tmpfs"}
PLATFORM_FILESYSTEMS = {"linux": DEFAULT_FILESYSTEMS, "zos": {"/proc": "proc"}, "freebsd": {"/dev": "devfs"}}
"""The filesystems a container SHOULD have (config-linux.md, config-zos.md, config-freebsd.md#configFreeBSDDevices)."""
HOOK_KINDS = ("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")
IMAGE_KEYS = frozenset(
    "org.opencontainers.image." + k
    for k in ("os", "os.version", "os.features", "architecture", "variant", "author", "created", "stopSignal")
)
GOARCH = frozenset("386 amd64 arm arm64 loong64 mips mips64 mips64le mipsle ppc64 ppc64le riscv64 s390x wasm".split())
GOOS = frozenset(
    "aix android darwin dragonfly freebsd illumos ios js linux netbsd openbsd plan9 solaris wasip1 windows zos".split()
)
_RDNS = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9_-]+)+$")
# \\server\share or //server/share, and the \\?\UNC\ form; not device paths such as \\?\Volume{...} or \\.\pipe\x.
_UNC = re.compile(r"^([\\/]{2}[^\\/?.]|[\\/]{2}\?[\\/]UNC[\\/])", re.IGNORECASE)


def check(ctx: Context) -> None:
    """Every mounts, hooks and annotations rule."""
    data = ctx.data
    _mounts(ctx, arr(data.get("mounts")))  # always: no mounts at all misses the default filesystems
    if "hooks" in data:
        _hooks(ctx, obj(data["hooks"]))
    if "annotations" in data:
        _annotations(ctx, data["annotations"])


def _rooted(destination: str) -> str:
    """The destination read relative to / and cleaned; a path that is so already (the usual case) as it is."""
    if destination[:1] == "/" and "//" not in destination and "/." not in destination and destination[-1:] != "/":
        return destination  # one leading slash, no empty, "." or ".." element, no trailing slash
    return posixpath.normpath("/" + destination.lstrip("/"))


def _mounts(ctx: Context, mounts: list[Any]) -> None:
    linuxish = ctx.platform in ("linux", "vm")
    # Decided once per document rather than once per mount: the declared version and the platform.
    since_1_2 = ctx.judged.at_least(1, 2)
    table = LINUX_MOUNT_OPTIONS if since_1_2 else LINUX_MOUNT_OPTIONS_1_1 if ctx.judged.at_least(1, 1) else None
    options_table = table if linuxish else None
    usual = _usual_mounts(mounts)
    looked_at: Iterable[int]
    if usual is not None:
        # Every destination clean and absolute, as _rooted keeps it.
        paths: list[str] | None = usual[0]
        # Of a usual mount only its option names are left to object to (the same names under either table).
        looked_at = usual[1] if options_table is not None else range(len(mounts))
    else:
        paths = _clean_destinations(mounts)
        if options_table is not None:
            looked_at = compress(range(len(mounts)), map(not_, map(quiet.mount(options_table), mounts)))
        else:
            looked_at = range(len(mounts))
    options_only = usual is not None and options_table is not None
    for index in looked_at:
        mount = mounts[index]
        if options_only:  # every option a string and nothing else to object to: only the option rules
            options = mount.get("options", _NO_OPTIONS)
            _mount_options(ctx, index, mount, options, options, table, since_1_2)
        elif isinstance(mount, dict):
            _mount(ctx, index, mount, linuxish, table, since_1_2)
    dests = None
    if paths is None:
        dests = [
            (i, d) for i, m in enumerate(mounts) if isinstance(m, dict) and isinstance(d := m.get("destination"), str)
        ]
        paths = [_rooted(d) for _, d in dests]
    # On Windows _order also judges nesting, and compares paths as Windows resolves them: always run it there.
    if ctx.platform == "windows" or not _nothing_hidden(paths):
        _order(ctx, dests if dests is not None else list(enumerate(paths)))
    wanted = PLATFORM_FILESYSTEMS.get(ctx.platform)
    if wanted:
        # A relative destination is read relative to / (config.md#configMounts), so 'proc' provides /proc.
        present = set(paths)
        missing = [d for d in wanted if d not in present]
        if missing:
            ctx.add(
                "OCI-LINUX-DEFFS",
                "/mounts",
                "these filesystems should be available in the container: "
                + ", ".join(f"{d} ({wanted[d]})" for d in missing),
            )


_get: Callable[[dict[str, Any], str], Any] = dict.get
_NO_OPTIONS: Final[list[str]] = []
"""What a mount without options reads as (shared, never modified)."""
_PLAIN_OPTIONS: Final = LINUX_MOUNT_OPTIONS_1_1
"""The option names no rule reports under either table: every name of the table but idmap and ridmap (which call
for the ID-mapping rules). Final: compiled, the module reads it without a dictionary lookup."""


def _usual_mounts(mounts: list[Any]) -> tuple[list[str], list[int]] | None:
    """When every mount has the usual shape, its destinations and the indices of the mounts whose options `_mount`
    may have something to say about on a Linux platform; None when one mount is unusual.

    The usual shape: an object whose destination is clean and absolute (as `_rooted` keeps it: a leading '/', no
    '//', no '/.', no trailing '/'), whose source and type are non-empty strings, whose options (if any) are an
    array of strings, and which has no uidMappings or gidMappings. Of such a mount only its option names are left
    to object to: a name outside the option table that is not name=value data, or idmap or ridmap, which call for
    the ID-mapping rules; under the table of 1.1.0 (without idmap and ridmap) as under that of 1.2.0, these are the
    names outside `_PLAIN_OPTIONS` without '='.

    One loop, compiled with the module: cheaper than asking jsonschema-rs for the shape of the array and tracing odd
    options back with set algebra (what this did before; tests compare both readings).
    """
    paths: list[str] = []
    suspects: list[int] = []
    for index, mount in enumerate(mounts):
        if not isinstance(mount, dict):
            return None
        dest, source, kind = mount.get("destination"), mount.get("source"), mount.get("type")
        if not (isinstance(dest, str) and isinstance(source, str) and isinstance(kind, str) and source and kind):
            return None
        if not dest.startswith("/") or "//" in dest or "/." in dest or dest.endswith("/"):
            return None
        if "uidMappings" in mount or "gidMappings" in mount:
            return None
        options = mount.get("options", _NO_OPTIONS)
        if not isinstance(options, list):
            return None
        odd = False
        for option in options:
            if not isinstance(option, str):
                return None
            if option not in _PLAIN_OPTIONS and "=" not in option:
                odd = True
        if odd:
            suspects.append(index)
        paths.append(dest)
    return paths, suspects


def _clean_destinations(mounts: list[Any]) -> list[str] | None:
    """Every mount's destination when each mount is an object whose destination is a string that `_rooted` leaves
    as it is (the usual case), told by C-level passes; None otherwise.

    _rooted keeps a path that starts with '/' and has no '//', '/.' or trailing '/'. Joined by NUL, a destination
    with any of them leaves it in the joined text (a NUL inside a destination can only add false alarms).
    """
    try:
        destinations: list[str] = list(map(_get, mounts, repeat("destination")))  # TypeError: not an object
        joined = "\0".join(destinations)  # TypeError: a destination that is not a string
    except TypeError:
        return None
    if (
        all(map(str.startswith, destinations, repeat("/")))
        and "//" not in joined
        and "/." not in joined
        and "/\0" not in joined
        and joined[-1:] != "/"
    ):
        return destinations
    return None


def _mount(
    ctx: Context, index: int, mount: dict[str, Any], linuxish: bool, table: frozenset[str] | None, since_1_2: bool
) -> None:
    """The rules of one mount."""
    at = f"/mounts/{index}"  # ptr("mounts", index): a fixed name and an index, nothing to escape
    dest = mount.get("destination")
    if isinstance(dest, str):
        if linuxish and not dest.startswith("/"):
            # 1.2.0 relaxed "MUST be absolute" to SHOULD (a relative value is read relative to /, deprecated).
            if since_1_2:
                ctx.add(
                    "OCI-MNT-DEST-LINUX",
                    at + "/destination",
                    f"destination {dest!r} is relative: it is read relative to / but that is deprecated; "
                    f"write /{dest.lstrip('./')}",
                )
            else:
                ctx.add(
                    "OCI-MNT-DEST-LINUX",
                    at + "/destination",
                    f"destination {dest!r} must be absolute before spec 1.2.0: write /{dest.lstrip('./')}",
                    severity="error",
                )
        elif not linuxish and not is_abs(dest, ctx.platform):
            ctx.add(
                "OCI-MNT-DEST-ABS-OTHER",
                at + "/destination",
                f"destination {dest!r} must be absolute on {ctx.platform}",
            )
    source = mount.get("source")
    if ctx.platform == "windows" and isinstance(source, str) and _UNC.match(source):
        ctx.add(
            "OCI-MNT-SRC-WIN",
            at + "/source",
            f"source {source!r} is a UNC path, which Windows containers do not support: "
            "use a local directory of the host",
        )
    raw_options = arr(mount.get("options"))
    bind = "bind" in raw_options or "rbind" in raw_options
    if bind and not mount.get("source"):
        ctx.add("OCI-MNT-BIND-SRC", at + "/source", "a bind mount needs a source: the path to bind")
    if linuxish and not bind and not mount.get("type"):
        ctx.add(
            "OCI-MNT-TYPE",
            at + "/type",
            "no filesystem type: set type (e.g. tmpfs, proc) or add the bind option for a bind mount",
        )
    options = [o for o in raw_options if isinstance(o, str)]
    _mount_options(ctx, index, mount, raw_options, options, table if linuxish else None, since_1_2)


def _mount_options(
    ctx: Context,
    index: int,
    mount: dict[str, Any],
    raw_options: list[Any],
    options: list[str],
    table: frozenset[str] | None,
    since_1_2: bool,
) -> None:
    """The option and ID-mapping rules of one mount (`options`: the strings of `raw_options`; `table`: None off
    Linux or before the table). All `_mount` can report about a mount of the usual shape (quiet.mount_shapes)."""
    # The option table came with v1.1.0 (idmap and ridmap with v1.2.0); before, options were free-form.
    if table is not None and not table.issuperset(options):
        for o_index, option in enumerate(raw_options):
            if isinstance(option, str) and "=" not in option and option not in table:
                ctx.add(
                    "OCI-MNT-OPTS",
                    f"/mounts/{index}/options/{o_index}",
                    f"{option!r} is not in the spec's option table; it is passed to mount(2) as "
                    "filesystem-specific data",
                )
    if "uidMappings" in mount or "gidMappings" in mount or "idmap" in options or "ridmap" in options:
        _idmap(ctx, mount, ("mounts", index), options, since_1_2)  # else it has nothing to say: the usual mount


def _nothing_hidden(paths: list[str]) -> bool:
    """True when no mount is hidden by a later one on the same directory or a parent (see `_order`).

    `paths` are rooted destinations (`_rooted`) in mount order: mount i is hidden exactly when the path of a later
    mount is its own or one of its ancestors. Walking from the last mount back, each path and its ancestors are
    looked up among the paths of the mounts after it (one set). A mount on "/" hides everything before it: that is
    left to `_order`. False means "look closer" (`_order` decides), never "hidden".
    """
    later: set[str] = set()
    for index in range(len(paths) - 1, -1, -1):
        path = paths[index]
        if path == "/":
            return False
        probe = path
        while True:
            if probe in later:
                return False
            cut = probe.rfind("/")
            if cut <= 0:
                break
            probe = probe[:cut]
        later.add(path)
    return True


def _idmap(ctx: Context, mount: dict[str, Any], where: tuple[str, int], options: list[str], since_1_2: bool) -> None:
    # The pair MUST, the idmap/ridmap options and their rules came with 1.2.0 (`since_1_2`); 1.1.0 had only the
    # two fields. Called only for a mount with mappings or an idmap/ridmap option: for others it finds nothing.
    has_uid, has_gid = "uidMappings" in mount, "gidMappings" in mount
    if has_uid != has_gid:
        missing = "gidMappings" if has_uid else "uidMappings"
        ctx.add(
            "OCI-MNT-IDMAP-PAIR",
            ptr(*where, missing),
            f"{missing} is missing: mount mappings must give both uidMappings and gidMappings"
            + ("" if since_1_2 else " (a MUST since spec 1.2.0; the declared version does not require it)"),
            severity=None if since_1_2 else "warning",
        )
    if not since_1_2:
        return
    wants_idmap = "idmap" in options or "ridmap" in options
    if (has_uid or has_gid) and not wants_idmap:
        ctx.add(
            "OCI-MNT-IDMAP-OPT", ptr(*where, "options"), "the mount has ID mappings: add the idmap or ridmap option"
        )
    if wants_idmap and not (has_uid or has_gid) and "user" not in ctx.namespaces():
        ctx.add(
            "OCI-MNT-IDMAP-USERNS",
            ptr(*where, "options"),
            "idmap/ridmap needs uidMappings/gidMappings on the mount or a user namespace: add one of them",
        )


def _ancestors(path: str, sep: str) -> list[str]:
    """The path and each of its parents (without the root), longest first."""
    found = [path]
    while (cut := path.rfind(sep)) > 0:
        path = path[:cut]
        found.append(path)
    return found


def _order(ctx: Context, dests: list[tuple[int, str]]) -> None:
    # Each destination is looked up by its ancestors, not compared with every other mount: O(n * depth).
    windows = ctx.platform == "windows"
    sep = "\\" if windows else "/"
    # Windows paths as Windows resolves them: '/' is '\\' too, repeated separators collapse, names are
    # case-insensitive (windows_key); the root's own separator goes so that _ancestors finds "c:" above "c:\\a".
    norm = [(i, windows_key(d).rstrip(sep) if windows else _rooted(d)) for i, d in dests if d]
    later: dict[str, int] = {}
    hidden: list[tuple[int, int, str]] = []
    for i, path in reversed(norm):
        for parent in _ancestors(path, sep) if path != "/" else ["/"]:
            if parent in later:
                hidden.append((i, later[parent], parent))
                break
        if "/" in later and not windows and path != "/" and all(p not in later for p in _ancestors(path, sep)):
            hidden.append((i, later["/"], "/"))
        later[path] = i
    for i, j, parent in sorted(hidden):
        ctx.add(
            "OCI-MNT-ORDER",
            ptr("mounts", i, "destination"),
            f"this mount is hidden by mount {j} ({parent}), mounted later on a parent or the same "
            "directory: move it after that mount",
        )
    if windows:
        seen: dict[str, int] = {}
        for j, path in norm:
            for parent in _ancestors(path, sep)[1:]:
                if parent in seen:
                    ctx.add(
                        "OCI-MNT-DEST-WIN-NEST",
                        ptr("mounts", j, "destination"),
                        f"on Windows a mount must not be nested in another (mount {seen[parent]})",
                    )
                    break
            seen.setdefault(path, j)
        first = {path: j for j, path in reversed(norm)}
        for i, path in norm:
            for parent in _ancestors(path, sep)[1:]:
                if parent in first and first[parent] > i:
                    ctx.add(
                        "OCI-MNT-DEST-WIN-NEST",
                        ptr("mounts", first[parent], "destination"),
                        f"on Windows a mount must not be nested in another (mount {i})",
                    )
                    break


def _hooks(ctx: Context, hooks: dict[str, Any]) -> None:
    if not hooks:
        return  # the usual config: no rule below has anything to look at
    if ctx.platform == "windows":
        ctx.add(
            "OCI-POSIX-ONLY",
            "/hooks",
            'hooks are defined for POSIX platforms only (config.md: "For POSIX platforms, the configuration '
            'structure supports hooks"): a Windows runtime does not run them; remove the hooks object',
        )
    # v1.0.2 marked prestart DEPRECATED; in v1.0.0 and v1.0.1 it is a plain OPTIONAL property.
    if "prestart" in hooks and ctx.judged.at_least(1, 0, 2):
        ctx.add(
            "OCI-HOOK-PRESTART-DEP",
            "/hooks/prestart",
            "prestart is deprecated: move these hooks to createRuntime (since 1.1.0 prestart also runs at create)",
        )
    for kind in HOOK_KINDS:
        for index, hook in enumerate(arr(hooks.get(kind))):
            if not isinstance(hook, dict):
                continue
            path = hook.get("path")
            if isinstance(path, str) and not is_abs(path, ctx.platform):
                ctx.add("OCI-HOOK-PATH-ABS", ptr("hooks", kind, index, "path"), f"hook path {path!r} must be absolute")
            for e_index, problem in env_problems(arr(hook.get("env"))):
                ctx.add("OCI-HOOK-ENV", ptr("hooks", kind, index, "env", e_index), problem)


def _annotations(ctx: Context, annotations: Any) -> None:
    if not isinstance(annotations, dict):
        return
    if _plain_keys(annotations):
        return
    image_allowed = ctx.judged.at_least(1, 2)
    for key, value in annotations.items():
        where = "/annotations/" + escape(key)  # ptr("annotations", key) without its generic join
        if key == "":
            ctx.add("OCI-ANNO-KEY-EMPTY", where, "an annotation key must not be empty")
            continue
        if key == "org.opencontainers" or key.startswith("org.opencontainers."):
            if key in IMAGE_KEYS and image_allowed:
                if isinstance(value, str) and (problem := _image_value(key, value, annotations)):
                    text, severity = problem
                    ctx.add("OCI-ANNO-IMAGE-VAL", where, text, severity=severity)
            else:
                allowed = " (since 1.2.0 only the eight org.opencontainers.image.* keys are allowed)"
                ctx.add(
                    "OCI-ANNO-RESERVED",
                    where,
                    f"{key!r} is in the reserved org.opencontainers namespace: "
                    "use your own reverse-domain prefix" + (allowed if image_allowed else ""),
                )
            continue
        if not _RDNS.match(key):
            ctx.add("OCI-ANNO-KEY-RDNS", where, f"{key!r} should use reverse-domain notation, e.g. com.example.{key}")


_RDNS_NAME = r"[A-Za-z][A-Za-z0-9-]*+(?:\.[A-Za-z0-9_-]++)++"
# Possessive quantifiers are exact here: each run is followed by a character ('.' or NUL) its class lacks.
_RDNS_KEYS = re.compile(rf"{_RDNS_NAME}(?:\0{_RDNS_NAME})*+")


def _plain_keys(annotations: dict[str, Any]) -> bool:
    """True when `_annotations` has nothing to say: no key is empty or reserved and every key is in reverse-domain
    notation, checked in one C-level match over the keys joined by NUL (when no key holds a NUL itself) instead of
    one regex call per key. False means "look closer"."""
    if not annotations:
        return True
    try:
        joined = "\0".join(annotations)
    except TypeError:
        return False
    return (
        joined.count("\0") == len(annotations) - 1
        and "org.opencontainers" not in joined
        and _RDNS_KEYS.fullmatch(joined) is not None
    )


def _image_value(key: str, value: str, annotations: dict[str, Any]) -> tuple[str, Severity | None] | None:
    """What is wrong with an org.opencontainers.image.* value as the image-spec defines the property (config.md of
    the image-spec; values copied by the runtime conversion, conversion.md), with the severity when the image-spec
    only says SHOULD. os.version and author are free-form strings there."""
    name = key.removeprefix("org.opencontainers.image.")
    if name == "created":
        if not _rfc3339(value):
            return f"created {value!r} is not an RFC 3339 section 5.6 date-time such as 2025-01-02T15:04:05Z", None
    elif name == "architecture" and value not in GOARCH:
        return f"architecture {value!r} is not a GOARCH value such as amd64 or arm64", None
    elif name == "os" and value not in GOOS:
        return f"os {value!r} is not a GOOS value such as linux or windows", None
    elif name == "stopSignal" and not _stop_signal(value):
        return (
            f"stopSignal {value!r} is not a signal name in the format SIGNAME, such as SIGTERM, SIGKILL or SIGRTMIN+3",
            None,
        )
    elif name == "variant":
        return _variant(value, annotations.get("org.opencontainers.image.architecture"))
    elif name == "os.features":
        return _os_features(value, annotations.get("org.opencontainers.image.os"))
    return None


# RFC 3339 section 5.6: full-date "T" full-time, seconds required, time-offset Z or +hh:mm ("T" and "Z" may be
# lower case, section 5.6 NOTE).
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))")


def _rfc3339(value: str) -> bool:
    match = _RFC3339.fullmatch(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    offset_ok = match[8] is None or (int(match[8]) <= 23 and int(match[9]) <= 59)
    return hour <= 23 and minute <= 59 and second <= 60 and offset_ok  # 60: a leap second


SIGNALS = frozenset(
    "SIG" + n
    for n in "ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV STKFLT STOP SYS "
    "TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ RTMIN RTMAX".split()
)
"""Signal names of signal(7); with SIGRTMIN+n and SIGRTMAX-n the forms the image-spec's StopSignal names."""
_REALTIME = re.compile(r"SIGRTMIN\+([0-9]+)|SIGRTMAX-([0-9]+)")
_REALTIME_SPAN = 30
"""SIGRTMIN (34) to SIGRTMAX (64) on Linux."""


def _stop_signal(value: str) -> bool:
    if value in SIGNALS:
        return True
    if value.isascii() and value.isdigit():
        return 1 <= int(value) <= 64  # Dockerfile STOPSIGNAL also takes a number, which the image keeps as written
    match = _REALTIME.fullmatch(value)
    return match is not None and 1 <= int(match[1] or match[2]) <= _REALTIME_SPAN


VARIANTS: dict[str, re.Pattern[str]] = {
    "arm": re.compile(r"v[5-8]"),
    "arm64": re.compile(r"v[89](\.[0-9])?"),
    "ppc64le": re.compile(r"power[89]|power1[0-9]"),
    "riscv64": re.compile(r"rva[0-9]{2}u64"),
    "amd64": re.compile(r"v[1-4]"),
}
"""The image-spec's Platform Variants table (image-index.md): arm v6, v7, v8; arm64 v8, v8.1, ...; ppc64le power8,
power9, ...; riscv64 rva20u64, ...; amd64 v1, v2, v3, ... (Go's GOARM, GOARM64, GOPPC64, GORISCV64, GOAMD64)."""


def _variant(value: str, architecture: Any) -> tuple[str, Severity | None] | None:
    if isinstance(architecture, str) and architecture in VARIANTS:
        if VARIANTS[architecture].fullmatch(value):
            return None
        return (
            f"variant {value!r} is not a variant of architecture {architecture!r} in the image-spec's Platform "
            "Variants table (configurations SHOULD use those values)",
            "warning",
        )
    if isinstance(architecture, str) or any(p.fullmatch(value) for p in VARIANTS.values()):
        return None  # an architecture the table does not list: its variants are implementation-defined
    return (
        f"variant {value!r} is none of the image-spec's Platform Variants (v7, v8, v8.1, v3, power9, rva20u64...); "
        "configurations SHOULD use those values",
        "warning",
    )


def _os_features(value: str, os_name: Any) -> tuple[str, Severity | None] | None:
    # os.features is an array of strings in the image configuration; conversion writes it comma-separated.
    features = value.split(",")
    if value and any(not f.strip() for f in features):
        return (
            f"os.features {value!r} has an empty entry: write the features comma-separated, e.g. win32k",
            "warning",
        )
    if os_name == "windows":
        unknown = [f for f in features if f and f != "win32k"]
        if unknown:
            return (
                f"os.features {unknown[0]!r} is not a Windows OS feature the image-spec defines (win32k); image "
                "indexes SHOULD use, and implementations SHOULD understand, only those",
                "warning",
            )
    return None
