"""The shortcuts of the oci hot paths agree with the slow reading they skip."""

from __future__ import annotations

import itertools
import posixpath
import random
from typing import Any
from unittest.mock import patch

import jsonschema_rs
import orjson
import pytest
from hypothesis import given, strategies as st

from app.core.accel import env_names_ok, env_names_ok_py
from app.core.capabilities import NUMBERS
from app.core.profiles.base import CheckOptions
from app.core.profiles.oci import checks_linux, checks_misc, checks_process, checks_resources, quiet
from app.core.profiles.oci.checks_misc import _rooted
from app.core.profiles.oci.context import Context, env_problem, env_problems
from app.core.profiles.oci.versions import release_for
from tests.conftest import SHARED

BENCH = SHARED / "bench"
PIECES = ["", "/", "//", ".", "..", "a", ".git", "b.c", "x/", "/./", "/../"]


def test_rooted_is_the_cleaned_path_read_relative_to_root() -> None:
    for parts in itertools.product(PIECES, repeat=3):
        path = "".join(parts)
        assert _rooted(path) == posixpath.normpath("/" + path.lstrip("/")), path


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param([], id="empty"),
        pytest.param(["PATH=/bin", "A_1=x=y", "_=", "HOME=/root"], id="well-formed"),
        pytest.param(["PATH=/bin", "1A=x"], id="name-starts-with-digit"),
        pytest.param(["PATH=/bin", "NOEQUALS"], id="no-equals"),
        pytest.param(["A=x\0B=y", "C=z"], id="embedded-nul"),
        pytest.param(["A=x\0bad", "C=z"], id="embedded-nul-then-no-equals"),
        pytest.param(["A=1", 5, None, "B"], id="non-strings"),
        pytest.param(["É=1"], id="non-ascii-name"),
        pytest.param(["=x"], id="empty-name"),
    ],
)
def test_env_problems_match_each_entry_alone(entries: list[Any]) -> None:
    expected = [(i, problem) for i, e in enumerate(entries) if (problem := env_problem(e))]
    assert env_problems(entries) == expected
    if expected:  # neither proof (C or Python) hides a problem
        assert not env_names_ok(entries) and not env_names_ok_py(entries)


@given(st.lists(st.one_of(st.text(alphabet="Ab_1=\0é -", max_size=6), st.none(), st.integers()), max_size=6))
def test_env_problems_match_each_entry_alone_on_generated_lists(entries: list[Any]) -> None:
    expected = [(i, problem) for i, e in enumerate(entries) if (problem := env_problem(e))]
    assert env_problems(entries) == expected
    if env_names_ok(entries) or env_names_ok_py(entries):  # what env_problems answers: no problem at all
        assert expected == []


def test_a_pods_environment_is_proved_well_formed_in_one_scan() -> None:
    env = orjson.loads((SHARED / "bench" / "k8s.json").read_bytes())["process"]["env"]
    assert env_names_ok(env) and env_names_ok_py(env)
    assert not env_names_ok([*env, "1BAD=x"]) and not env_names_ok_py([*env, "1BAD=x"])


# Mount pieces mixing the usual with every kind of oddity the per-mount rules look at.
DESTINATIONS = ["/proc", "/dev", "/dev/pts", "dev/shm", "/dev/", "/dev//x", "/a/./b", "/a/../dev", "", "/", "/d\0x"]
MOUNT_VALUES: list[tuple[str, list[Any]]] = [
    ("destination", [*DESTINATIONS, None, 5]),
    ("source", ["proc", "", None, 0, "/host"]),
    ("type", ["tmpfs", "", None, "bind"]),
    (
        "options",
        [
            ["nosuid", "mode=755"],
            ["rbind", "rw"],
            ["bind"],
            ["newinstance", "ro"],
            ["idmap"],
            ["ridmap", "rbind"],
            [1, None, "ro"],
            [["nested"]],
            "ro",
            None,
            [],
        ],
    ),
    ("uidMappings", [[{"containerID": 0, "hostID": 1000, "size": 1}]]),
    ("gidMappings", [[{"containerID": 0, "hostID": 1000, "size": 1}]]),
]


def random_mounts(rng: random.Random, count: int) -> list[Any]:
    """Mounts that are mostly usual, some with one or two odd members, now and then not an object at all."""
    mounts: list[Any] = []
    for _ in range(count):
        if rng.random() < 0.03:
            mounts.append(rng.choice([None, "x", [], 1]))
            continue
        mount: dict[str, Any] = {
            "destination": rng.choice(["/proc", "/dev", "/dev/pts", "/sys", "/a", "/a/b", "/a/b/c", "/etc/hosts"]),
            "source": "src",
            "type": "tmpfs",
            "options": ["nosuid", "nodev"],
        }
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            key, values = rng.choice(MOUNT_VALUES)
            value = rng.choice(values)
            if value is None and rng.random() < 0.5:
                mount.pop(key, None)
            else:
                mount[key] = value
        mounts.append(mount)
    return mounts


def mount_findings(mounts: list[Any], version: str, platform: str, fast: bool) -> list[tuple[str, str, str]]:
    """The findings of the mount rules, through the shortcuts or (fast=False) mount by mount."""
    ctx = Context(data={"mounts": mounts}, judged=release_for(version), options=CheckOptions(platform=platform))
    if fast:
        checks_misc._mounts(ctx, mounts)
    else:
        with (
            patch.object(quiet, "mount", lambda table: lambda mount: False),
            patch.object(checks_misc, "_clean_destinations", lambda mounts: None),
            patch.object(checks_misc, "_usual_mounts", lambda mounts: None),
            patch.object(checks_misc, "_nothing_hidden", lambda paths: False),
        ):
            checks_misc._mounts(ctx, mounts)
    return [(rule, path, message) for rule, _, path, message in ctx.findings.entries]


@pytest.mark.parametrize("seed", range(40))
def test_mount_shortcuts_report_what_mount_by_mount_reports(seed: int) -> None:
    rng = random.Random(seed)
    mounts = random_mounts(rng, rng.choice([0, 1, 3, 10, 40]))
    for version in ("1.0.2", "1.1.0", "1.2.0"):
        for platform in ("linux", "vm", "windows", "freebsd"):
            assert mount_findings(mounts, version, platform, True) == mount_findings(mounts, version, platform, False)


@given(
    st.lists(
        st.lists(st.sampled_from(["a", "b", "ab", "a-b", "a.b", "b0"]), max_size=3).map(lambda p: "/" + "/".join(p)),
        max_size=10,
    )
)
def test_nothing_hidden_only_when_order_finds_nothing(paths: list[str]) -> None:
    # Rooted paths as _mounts hands them over, "/" included (a list of no names).
    ctx = Context(data={}, judged=release_for("1.2.0"), options=CheckOptions())
    checks_misc._order(ctx, list(enumerate(paths)))
    if "/" not in paths:  # a mount on "/" is always left to _order
        assert checks_misc._nothing_hidden(paths) == (not ctx.findings.entries), paths
    else:
        assert not checks_misc._nothing_hidden(paths)


def test_usual_mounts_take_the_shortcut() -> None:
    mounts = orjson.loads((BENCH / "k8s.json").read_bytes())["mounts"]
    is_quiet = quiet.mount(checks_misc.LINUX_MOUNT_OPTIONS)
    assert [i for i, m in enumerate(mounts) if not is_quiet(m)] == [2]  # devpts's 'newinstance', outside the table
    paths = checks_misc._clean_destinations(mounts)
    assert paths is not None and checks_misc._nothing_hidden(paths)
    assert checks_misc._usual_mounts(mounts) == (paths, [2])
    assert checks_misc._usual_mounts([*mounts, {**mounts[0], "destination": "/proc/"}]) is None


_USUAL_MOUNTS = jsonschema_rs.Draft4Validator({"type": "array", "items": quiet._usual_mount({"type": "string"})})
"""The whole-array quiet shape `_usual_mounts` replaced (one jsonschema-rs call): the reading it must agree with."""


def suspects_by_option_set(mounts: list[Any], table: frozenset[str]) -> list[int]:
    """The mounts of a usual array with an option `_mount_options` may report, as set algebra finds them."""
    options: list[list[str]] = [m.get("options", []) for m in mounts]
    flat: set[str] = set().union(*options)
    odd = {o for o in flat - table if "=" not in o} | (flat & {"idmap", "ridmap"})
    return [i for i, o in enumerate(options) if not odd.isdisjoint(o)]


@pytest.mark.parametrize("seed", range(200))
def test_usual_mounts_is_the_quiet_shape_of_the_array(seed: int) -> None:
    rng = random.Random(seed)
    mounts = random_mounts(rng, rng.choice([0, 1, 3, 10]))
    usual = checks_misc._usual_mounts(mounts)
    assert (usual is not None) == _USUAL_MOUNTS.is_valid(mounts), mounts
    if usual is not None:
        assert usual[0] == [m["destination"] for m in mounts]
        for table in (checks_misc.LINUX_MOUNT_OPTIONS, checks_misc.LINUX_MOUNT_OPTIONS_1_1):
            assert usual[1] == suspects_by_option_set(mounts, table), mounts


@pytest.mark.parametrize("seed", range(60))
def test_suspects_cover_every_mount_with_findings(seed: int) -> None:
    rng = random.Random(seed)
    mounts = random_mounts(rng, rng.choice([1, 3, 10]))
    for version in ("1.1.0", "1.2.0"):
        table = checks_misc.LINUX_MOUNT_OPTIONS if version == "1.2.0" else checks_misc.LINUX_MOUNT_OPTIONS_1_1
        usual = checks_misc._usual_mounts(mounts)
        is_quiet = quiet.mount(table)
        suspects = set(usual[1]) if usual is not None else {i for i, m in enumerate(mounts) if not is_quiet(m)}
        for index, mount in enumerate(mounts):
            ctx = Context(data={"mounts": mounts}, judged=release_for(version), options=CheckOptions())
            if isinstance(mount, dict):
                checks_misc._mount(ctx, index, mount, True, table, version == "1.2.0")
            assert not ctx.findings.entries or index in suspects, (mount, ctx.findings.entries)


@pytest.mark.parametrize(
    "path",
    [
        "/a",
        "/a/b",
        "/a.b/c",
        "/a/b.",
        "/é/ü",
        "/a b",
        "/a\nb",
        "/a\n",
        "/a/",
        "/a//b",
        "//a",
        "/./a",
        "/a/.b",
        "/a/..",
        "a",
        "",
        "/",
        "/a\0/b",
    ],
)
def test_quiet_destination_pattern_is_the_clean_absolute_path(path: str) -> None:
    mount = {"destination": path, "source": "s", "type": "t"}
    clean = path.startswith("/") and "//" not in path and "/." not in path and not path.endswith("/")
    assert quiet.mount(checks_misc.LINUX_MOUNT_OPTIONS)(mount) == clean
    assert checks_misc._clean_destinations([mount]) == ([path] if clean else None)
    assert checks_misc._usual_mounts([mount]) == (([path], []) if clean else None)
    assert _USUAL_MOUNTS.is_valid([mount]) == clean


CAP_SETS: list[Any] = [
    ["CAP_KILL", "CAP_CHOWN"],
    ["CAP_KILL"],
    [],
    None,
    ["cap_kill"],
    ["CAP_NOPE"],
    [1, "CAP_KILL"],
    [["CAP_KILL"]],
    "CAP_KILL",
    {"a": 1},
]


@pytest.mark.parametrize("seed", range(80))
def test_capability_shortcut_reports_what_name_by_name_reports(seed: int) -> None:
    rng = random.Random(seed)
    caps = {name: rng.choice(CAP_SETS) for name in rng.sample(checks_process.SET_NAMES, rng.randint(0, 5))}
    found = []
    for fine in (checks_process._capabilities_fine, lambda caps: False):
        ctx = Context(data={}, judged=release_for("1.2.0"), options=CheckOptions())
        with patch.object(checks_process, "_capabilities_fine", fine):
            checks_process._capabilities(ctx, caps)
        found.append(ctx.findings.entries)
    assert found[0] == found[1], caps


def capabilities_fine_by_set_algebra(caps: dict[str, Any]) -> bool:
    """The reading `_capabilities_fine` replaced: set algebra over every set at once."""
    lists = [caps.get(name) for name in checks_process.SET_NAMES]
    if not {type(v) for v in lists} <= {list, type(None)}:
        return False
    try:
        if not frozenset(NUMBERS).issuperset(itertools.chain.from_iterable(v for v in lists if v)):
            return False
        effective, permitted = caps.get("effective") or [], caps.get("permitted") or []
        if effective != permitted and not set(effective) <= set(permitted):
            return False
        ambient = caps.get("ambient")
        return not ambient or set(ambient) <= set(permitted) & set(caps.get("inheritable") or ())
    except TypeError:
        return False


@given(
    st.dictionaries(
        st.sampled_from(["bounding", "effective", "inheritable", "permitted", "ambient", "other"]),
        st.one_of(
            st.lists(st.sampled_from(["CAP_KILL", "CAP_CHOWN", "CAP_SYS_ADMIN", "cap_kill", "CAP_NOPE", 1, None])),
            st.lists(st.lists(st.just("CAP_KILL"), max_size=1), max_size=1),
            st.sampled_from([None, "CAP_KILL", 0, {"a": 1}]),
        ),
    )
)
def test_capabilities_fine_is_the_set_algebra_reading(caps: dict[str, Any]) -> None:
    assert checks_process._capabilities_fine(caps) == capabilities_fine_by_set_algebra(caps), caps


ACTIONS = ["SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_NOTIFY", "SCMP_ACT_KILL", 3, None]


def random_seccomp(rng: random.Random) -> dict[str, Any]:
    seccomp: dict[str, Any] = {}
    if rng.random() < 0.9:
        seccomp["defaultAction"] = rng.choice(ACTIONS)
    for key, values in (
        ("defaultErrnoRet", [1, None]),
        ("listenerPath", ["/run/agent.sock", "", None]),
        ("listenerMetadata", ["x"]),
    ):
        if rng.random() < 0.2:
            seccomp[key] = rng.choice(values)
    if rng.random() < 0.9:
        rules: list[Any] = []
        for _ in range(rng.choice([0, 1, 3])):
            rule: dict[str, Any] = {"names": rng.choice([["read"], ["write", "read"], "write", None])}
            if rng.random() < 0.9:
                rule["action"] = rng.choice(ACTIONS)
            if rng.random() < 0.3:
                rule["errnoRet"] = 1
            if rng.random() < 0.4:
                rule["args"] = rng.choice([[{"index": rng.choice([0, 5, 6, 5.5, True, 2**64, None])}], [1], "x"])
            rules.append(rule if rng.random() < 0.95 else rng.choice([None, "x"]))
        seccomp["syscalls"] = rules if rng.random() < 0.95 else "x"
    return seccomp


def random_cgroup_devices(rng: random.Random) -> Any:
    entries: list[Any] = []
    for _ in range(rng.choice([0, 1, 2, 4])):
        entry: dict[str, Any] = {}
        for key, values in (
            ("allow", [False, True, 0, None]),
            ("type", ["a", "c", "b", "x", 1]),
            ("access", ["rwm", "r", "", "rx", "rw\n", 7]),
            ("major", [1, None]),
        ):
            if rng.random() < 0.6:
                entry[key] = rng.choice(values)
        entries.append(entry if rng.random() < 0.9 else rng.choice([None, "x"]))
    return entries if rng.random() < 0.95 else {"a": 1}


def resource_findings(linux: dict[str, Any], shortcuts: bool) -> list[tuple[str, str, str, str]]:
    ctx = Context(data={"linux": linux}, judged=release_for("1.2.0"), options=CheckOptions())
    if shortcuts:
        checks_resources.check(ctx)
    else:
        with (
            patch.object(quiet, "seccomp", lambda value: False),
            patch.object(quiet, "cgroup_devices", lambda value: False),
        ):
            checks_resources.check(ctx)
    return ctx.findings.entries


@pytest.mark.parametrize("seed", range(300))
def test_quiet_seccomp_and_cgroup_devices_hide_no_finding(seed: int) -> None:
    rng = random.Random(seed)
    linux = {"seccomp": random_seccomp(rng), "resources": {"devices": random_cgroup_devices(rng)}}
    assert resource_findings(linux, True) == resource_findings(linux, False), linux


def test_usual_seccomp_and_cgroup_devices_are_quiet() -> None:
    linux = orjson.loads((BENCH / "k8s.json").read_bytes())["linux"]
    assert quiet.seccomp(linux["seccomp"]) and quiet.cgroup_devices(linux["resources"]["devices"])


_ACTIONS = st.sampled_from(
    ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_NOTIFY", "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"]
)
_ODD = st.sampled_from([None, 5, True, [], {}, "x"])
_INDEX = st.sampled_from([0, 5, 6, -1, True, False, 5.0, 6.5, "1", None])
_ARG = st.one_of(
    st.fixed_dictionaries({}, optional={"index": _INDEX, "value": st.just(1), "op": st.just("SCMP_CMP_EQ")}), _ODD
)
_RULE = st.one_of(
    st.fixed_dictionaries(
        {"names": st.just(["read"])},
        optional={
            "action": st.one_of(_ACTIONS, _ODD),
            "errnoRet": st.just(1),
            "args": st.one_of(st.lists(_ARG, max_size=3), _ODD),
        },
    ),
    _ODD,
)
_SECCOMP_VALUES = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "defaultAction": st.one_of(_ACTIONS, _ODD),
            "defaultErrnoRet": st.just(1),
            "listenerMetadata": st.just("m"),
            "listenerPath": st.just("/run/agent.sock"),
            "syscalls": st.one_of(st.lists(_RULE, max_size=4), _ODD),
        },
    ),
    _ODD,
)


@given(_SECCOMP_VALUES)
def test_usual_seccomp_loop_agrees_with_the_quiet_shape(value: Any) -> None:
    by_schema = quiet._seccomp()(value)
    if quiet._usual_seccomp(value):
        assert by_schema
    assert quiet.seccomp(value) == by_schema


_ACCESS_VALUES = st.one_of(st.text(alphabet="rwmx\n", max_size=4), _ODD)
_DEVICE = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "allow": st.sampled_from([False, True, 0, None]),
            "type": st.one_of(st.sampled_from(["a", "b", "c", "u", ""]), _ODD),
            "access": _ACCESS_VALUES,
            "major": st.just(1),
            "minor": st.just(3),
        },
    ),
    _ODD,
)


@given(st.one_of(st.lists(_DEVICE, max_size=4), _ODD))
def test_usual_cgroup_devices_loop_agrees_with_the_quiet_shape(devices: Any) -> None:
    by_schema = quiet._cgroup_devices()(devices)
    if quiet._usual_cgroup_devices(devices):
        assert by_schema
    assert quiet.cgroup_devices(devices) == by_schema


def test_usual_loops_take_the_bench_documents() -> None:
    for name in ("small", "k8s", "big"):
        linux = orjson.loads((BENCH / f"{name}.json").read_bytes()).get("linux", {})
        seccomp, devices = linux.get("seccomp"), linux.get("resources", {}).get("devices")
        if seccomp is not None:
            assert quiet._usual_seccomp(seccomp) == quiet._seccomp()(seccomp), name
        if devices is not None:
            assert quiet._usual_cgroup_devices(devices) == quiet._cgroup_devices()(devices), name


def linux_findings(data: dict[str, Any], platform: str = "linux") -> list[tuple[str, str, str, str]]:
    ctx = Context(data=data, judged=release_for("1.2.0"), options=CheckOptions(platform=platform))
    checks_linux.check(ctx)
    return ctx.findings.entries


def plain_linux_findings(data: dict[str, Any], platform: str = "linux") -> list[tuple[str, str, str, str]]:
    """The plain reading: the hostname rules first, each reading the namespaces itself, then every other rule."""
    ctx = Context(data=data, judged=release_for("1.2.0"), options=CheckOptions(platform=platform))
    if "hostname" in data or "domainname" in data:
        checks_linux._hostname(ctx)
    rest = {k: v for k, v in data.items() if k not in ("hostname", "domainname")}
    return ctx.findings.entries + linux_findings(rest, platform)


_NAMESPACE_LISTS: list[Any] = [
    None,
    [],
    [{"type": "uts"}, {"type": "mount"}],
    [{"type": "pid"}, {"type": "pid"}, {"type": "network", "path": "net"}],
    [{"type": "uts", "path": "/proc/1/ns/uts"}, {"type": "uts"}],
    [{"type": "mount"}, "x", {"type": 5, "path": "rel"}],
    "not a list",
]


@pytest.mark.parametrize("namespaces", _NAMESPACE_LISTS)
@pytest.mark.parametrize(
    "names", [{}, {"hostname": "box"}, {"domainname": "d" * 70}, {"hostname": "", "domainname": "x"}]
)
@pytest.mark.parametrize("masked", [None, ["/proc/kcore"], ["rel"]])
@pytest.mark.parametrize("platform", ["linux", "vm"])
def test_hostname_rules_report_as_if_they_ran_first(
    namespaces: Any, names: dict[str, str], masked: Any, platform: str
) -> None:
    linux: dict[str, Any] = {}
    if namespaces is not None:
        linux["namespaces"] = namespaces
    if masked is not None:
        linux["maskedPaths"] = masked
    for data in ({**names, "linux": linux}, {**names}, {**names, "linux": "odd"}):
        assert linux_findings(data, platform) == plain_linux_findings(data, platform), data
