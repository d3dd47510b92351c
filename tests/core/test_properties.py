"""Property tests (Hypothesis): the core never raises beyond its documented errors, and every pointer resolves.

Two kinds of input: arbitrary JSON values, and documents shaped like a config.json whose members hold
plausible values or arbitrary ones. For each profile, `validate`, `normalize`, `classify_mounts` and
`capabilities` either answer or raise the input error their docstrings name; every finding's JSON
Pointer resolves in the submitted document, or names a missing member whose parent resolves.

The example count is bounded and the search derandomized, so the suite stays fast and a failure
reproduces; SPECGATE_PROPERTY_EXAMPLES raises the count for a longer hunt.
"""

from __future__ import annotations

import os
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.core import (
    CapabilityError,
    DocumentError,
    InvalidSpec,
    capabilities,
    classify_mounts,
    normalize,
    profile_names,
    validate,
)
from app.core.pointer import unescape

EXAMPLES = int(os.environ.get("SPECGATE_PROPERTY_EXAMPLES", "60"))
PROFILES = profile_names()

bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# JSON as orjson writes it: no lone surrogates, integers within 64 bits, finite floats.
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
keys = st.one_of(text, st.sampled_from(["", "~", "/", "a~1b", "~0", "type", "path", "0"]))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=12,
)


def either(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a plausible value, sometimes anything."""
    return st.one_of(plausible, plausible, json_values)


def obj(required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]) -> Any:
    return either(st.fixed_dictionaries({k: either(v) for k, v in required.items()}, optional=optional))


paths = st.sampled_from(["/", "/proc", "/dev/shm", "rootfs", "../escape", "/a/../b", "", "/x//y/", "relative/dir"])
cap_names = st.lists(
    st.sampled_from(["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_RAW", "cap_kill", "CAP_BOGUS", "", "CAP_LAST_CAP"]),
    max_size=4,
)
capability_sets = obj(
    {}, {name: either(cap_names) for name in ("bounding", "effective", "inheritable", "permitted", "ambient")}
)
process = obj(
    {"cwd": paths},
    {
        "args": either(st.lists(text, max_size=3)),
        "env": either(st.lists(st.sampled_from(["PATH=/bin", "A=", "=x", "NOEQUALS", "A=b=c"]), max_size=3)),
        "terminal": either(st.booleans()),
        "user": obj({"uid": st.integers(-1, 2**32), "gid": st.integers(-1, 2**32)}, {}),
        "capabilities": capability_sets,
        "rlimits": either(
            st.lists(obj({"type": st.sampled_from(["RLIMIT_NOFILE", "RLIMIT_BOGUS"])}, {"hard": st.integers(0, 9)}))
        ),
        "noNewPrivileges": either(st.booleans()),
        "selinuxLabel": text,
        "apparmorProfile": text,
        "oomScoreAdj": st.integers(-2000, 2000),
    },
)
mount = obj(
    {"destination": paths},
    {
        "type": st.sampled_from(["bind", "proc", "tmpfs", "overlay", "9p", ""]),
        "source": paths,
        "options": either(st.lists(st.sampled_from(["ro", "rbind", "nosuid", "bogus", "mode=755"]), max_size=3)),
    },
)
hook = obj(
    {"path": paths},
    {"args": st.lists(text, max_size=2), "env": st.lists(text, max_size=2), "timeout": st.integers(-1, 5)},
)
namespace = obj(
    {"type": st.sampled_from(["pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", "bogus"])},
    {"path": paths},
)
linux = obj(
    {},
    {
        "namespaces": either(st.lists(namespace, max_size=4)),
        "uidMappings": either(
            st.lists(
                obj({"containerID": st.integers(0, 9), "hostID": st.integers(0, 9), "size": st.integers(0, 9)}, {}),
                max_size=2,
            )
        ),
        "resources": either(
            st.fixed_dictionaries(
                {},
                optional={
                    "memory": either(st.fixed_dictionaries({}, optional={"limit": st.integers(-1, 2**40)})),
                    "pids": either(st.fixed_dictionaries({"limit": st.integers(-1, 99)})),
                },
            )
        ),
        "maskedPaths": either(st.lists(paths, max_size=3)),
        "readonlyPaths": either(st.lists(paths, max_size=3)),
        "rootfsPropagation": st.sampled_from(["private", "rprivate", "shared", "bogus"]),
        "seccomp": either(
            st.fixed_dictionaries({"defaultAction": st.sampled_from(["SCMP_ACT_ERRNO", "SCMP_ACT_BOGUS"])})
        ),
        "devices": either(
            st.lists(obj({"path": paths, "type": st.sampled_from(["c", "b", "u", "p", "x"])}, {}), max_size=2)
        ),
        "sysctl": either(st.dictionaries(st.sampled_from(["net.ipv4.ip_forward", "kernel.bogus"]), text, max_size=2)),
    },
)
configs = st.fixed_dictionaries(
    {"ociVersion": either(st.sampled_from(["1.0.0", "1.0.2", "1.1.0", "1.2.0", "1.3.0", "0.9", "2.0.0", "x"]))},
    optional={
        "process": process,
        "root": obj({"path": paths}, {"readonly": either(st.booleans())}),
        "hostname": text,
        "domainname": text,
        "mounts": either(st.lists(mount, max_size=4)),
        "hooks": either(
            st.fixed_dictionaries(
                {},
                optional={
                    k: either(st.lists(hook, max_size=2))
                    for k in ("prestart", "createRuntime", "poststart", "poststop")
                },
            )
        ),
        "annotations": either(
            st.dictionaries(
                st.sampled_from(
                    [
                        "io.kubernetes.cri.container-type",
                        "io.kubernetes.cri.sandbox-id",
                        "dev.gvisor.spec.mount.x.share",
                        "a/b~c",
                    ]
                ),
                text,
                max_size=3,
            )
        ),
        "linux": linux,
        "windows": json_values,
        "vm": json_values,
    },
)


def resolves(document: Any, pointer: str) -> bool:
    """The pointer names a value of the document, or a missing member whose parent resolves (an object, or
    null, which Go decodes into a zero struct)."""
    if pointer == "":
        return True
    assert pointer.startswith("/"), pointer
    node = document
    tokens = [unescape(t) for t in pointer[1:].split("/")]
    for position, token in enumerate(tokens):
        last = position == len(tokens) - 1
        if isinstance(node, dict):
            if token not in node:
                return last
            node = node[token]
        elif isinstance(node, list):
            if not (token.isdigit() and (token == "0" or not token.startswith("0"))):
                return False
            index = int(token)
            if index >= len(node):
                return last and index == len(node)
            node = node[index]
        else:
            # A member of null: Go decodes null into a zero struct, whose fields the runtime then judges.
            return last and node is None
    return True


def check_findings(document: Any, findings: list[Any]) -> None:
    for finding in findings:
        assert finding.severity in ("error", "warning", "info")
        assert finding.rule and finding.message
        assert resolves(document, finding.path), f"{finding.rule}: {finding.path!r} does not resolve"


def run_all(document: Any) -> None:
    raw = orjson.dumps(document)
    for profile in PROFILES:
        if not isinstance(document, dict):
            with pytest.raises(DocumentError):
                validate(raw, profile=profile)
            with pytest.raises(DocumentError):
                classify_mounts(raw, profile=profile)
            continue
        report = validate(raw, profile=profile)
        check_findings(document, report.findings)
        assert report.valid == (report.summary.errors == 0)
        started = validate(raw, profile=profile, lifecycle="start")
        check_findings(document, started.findings)
        classify_mounts(raw, profile=profile)
        try:
            result = normalize(raw, profile=profile, bundle="/run/bundle")
        except InvalidSpec as refused:
            assert not refused.report.valid
            check_findings(document, refused.report.findings)
        else:
            check_findings(document, result.findings)
        caps = document.get("process", {}).get("capabilities") if isinstance(document.get("process"), dict) else None
        if caps is not None:
            try:
                capabilities(caps, profile=profile)
            except CapabilityError as refused:
                assert refused.errors
                for pointer, _ in refused.errors:
                    assert resolves(caps, pointer), pointer


@bounded
@given(json_values)
def test_arbitrary_json_values(document: Any) -> None:
    run_all(document)


@bounded
@given(configs)
def test_config_shaped_documents(document: dict[str, Any]) -> None:
    run_all(document)


@bounded
@given(json_values)
def test_capabilities_of_any_value(caps: Any) -> None:
    for profile in PROFILES:
        try:
            capabilities(caps, profile=profile)
        except CapabilityError as refused:
            assert refused.errors
