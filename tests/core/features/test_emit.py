"""The inverse: features documents of the built-in profiles, valid against the schema and true to the profiles."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from app import core
from app.core.capabilities import ALL_NAMES
from app.core.features import diff, features_of, make_profile, parse_features, render_diff
from app.core.profiles import register, unregister
from tests.conftest import SHARED

CORPORA = [
    *sorted((SHARED / "k8s").glob("*.json")),
    *sorted((SHARED / "conformance" / "runtime-spec" / "schema" / "test" / "config" / "good").glob("*.json")),
    *sorted((SHARED / "bench").glob("*.json")),
]


@pytest.fixture
def emitted() -> Iterator[dict[str, str]]:
    names = {}
    for profile in ("runsc", "runsc-2018", "oci"):
        document = parse_features(orjson.dumps(features_of(profile)), name=f"features:emitted-{profile}", source="t")
        register(make_profile(document))
        names[profile] = document.name
    yield names
    for name in names.values():
        unregister(name)


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018", "oci"])
def test_emitted_documents_are_valid_against_the_features_schema(profile: str) -> None:
    document = parse_features(orjson.dumps(features_of(profile)), name="features:x", source=profile)
    assert document.schema_tag in ("v1.0.0", "v1.1.0", "v1.2.1", "v1.3.0")


def test_runsc_features_say_what_runsc_accepts() -> None:
    data = features_of("runsc")
    assert data["linux"]["capabilities"] == list(ALL_NAMES) and len(ALL_NAMES) == 41
    assert "time" not in data["linux"]["namespaces"]  # runsc's KnownNamespaces has no time namespace
    assert data["linux"]["selinux"] == {"enabled": False}  # ValidateSpec refuses SELinux labels
    assert data["linux"]["mountExtensions"] == {"idmap": {"enabled": True}}
    annotations = data["annotations"]
    assert annotations["io.specgate.runsc.oci-seccomp.actions"].split(",") == sorted(
        ["SCMP_ACT_KILL", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW"]
    )
    unsafe = data["potentiallyUnsafeConfigAnnotations"]
    assert "dev.gvisor.container-name-remap." in unsafe and "dev.gvisor.flag.debug" not in unsafe  # allowlisted
    assert "dev.gvisor.flag.platform" in unsafe


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_emitted_runsc_profile_accepts_every_document_runsc_accepts(path, emitted: dict[str, str]) -> None:
    raw = path.read_bytes()
    try:
        verdict = core.validate(raw, profile="runsc")
    except core.DocumentError:
        pytest.skip("not a JSON object")
    if not verdict.valid:
        pytest.skip("runsc refuses it")
    report = core.validate(raw, profile=emitted["runsc"])
    assert report.valid, [(f.rule, f.path, f.message) for f in report.findings if f.severity == "error"]


def test_features_of_a_features_profile_is_its_document() -> None:
    shipped = (SHARED / "conformance" / "runtime-spec" / "examples" / "features-runc-example.json").read_bytes()
    assert features_of("features:runc-1.1") == orjson.loads(shipped)


def test_diff_lists_what_one_accepts_and_the_other_does_not() -> None:
    differences = {d.path: d for d in diff(features_of("runsc"), features_of("features:runc-1.1"))}
    assert "/linux/namespaces" not in differences  # the same seven: cgroup ipc mount network pid user uts
    namespaces = {d.path: d for d in diff(features_of("oci"), features_of("runsc"))}["/linux/namespaces"]
    assert (namespaces.only_a, namespaces.only_b) == (("time",), ())
    assert differences["/linux/selinux/enabled"].value_a is False
    assert differences["/linux/selinux/enabled"].value_b is True
    text = render_diff(list(differences.values()), "runsc", "runc")
    assert "/linux/selinux/enabled: runsc false, runc true" in text
    assert diff(features_of("oci"), features_of("oci")) == []
    # A property one leaves out is "does not say", not an empty list.
    assert differences["/linux/memoryPolicy"].value_a is None
