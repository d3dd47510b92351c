"""Reading features documents: the upstream fixtures, the runc example, and what makes a document unusable."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from app.core.features import FeaturesError, parse_features, read_features_dir, read_features_file
from app.core.features.document import builtin_features
from tests.conftest import SHARED

SPEC = SHARED / "conformance" / "runtime-spec"
GOOD = sorted((SPEC / "schema" / "test" / "features" / "good").glob("*.json"))
BAD = sorted((SPEC / "schema" / "test" / "features" / "bad").glob("*.json"))


@pytest.mark.parametrize("path", [*GOOD, SPEC / "examples" / "features-runc-example.json"], ids=lambda p: p.name)
def test_upstream_good_documents_load(path: Path) -> None:
    document = read_features_file(str(path))
    assert document.name == f"features:{path.stem}"
    assert document.data["ociVersionMin"] == orjson.loads(path.read_bytes())["ociVersionMin"]


def test_the_bad_upstream_fixture_is_refused_with_its_pointer() -> None:
    # schema/test/features/bad/missing-ociVersionMax.json: features.md, ociVersionMax "(string, REQUIRED)".
    (path,) = BAD
    with pytest.raises(FeaturesError) as caught:
        read_features_file(str(path))
    assert ("/ociVersionMax", "the required member 'ociVersionMax' is missing") in caught.value.problems
    assert path.name in str(caught.value)


def test_schema_of_the_ociversionmax_era_is_used() -> None:
    # features.md appeared in v1.1.0; memoryPolicy and intelRdt.schemata came later: members the schema does not
    # close off are accepted, the era decides what types are checked.
    doc = parse_features(b'{"ociVersionMin": "1.0.0", "ociVersionMax": "1.1.0"}', name="features:x", source="x")
    assert doc.schema_tag == "v1.1.0"
    doc = parse_features(b'{"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.1"}', name="features:x", source="x")
    assert doc.schema_tag == "v1.2.1"
    doc = parse_features(b'{"ociVersionMin": "1.0.0", "ociVersionMax": "1.4.0"}', name="features:x", source="x")
    assert doc.schema_tag == "v1.3.0"


@pytest.mark.parametrize(
    ("raw", "pointer", "fragment"),
    [
        pytest.param(
            b'{"ociVersionMin": "1.1.0", "ociVersionMax": "1.0.2"}', "/ociVersionMax", "less than", id="max-below-min"
        ),  # features.md: "MUST NOT be less than the value of the ociVersionMin"
        pytest.param(
            b'{"ociVersionMin": "1.0", "ociVersionMax": "1.0.2"}', "/ociVersionMin", "SemVer", id="not-semver"
        ),
        pytest.param(
            b'{"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0", "hooks": "prestart"}',
            "/hooks",
            "array",
            id="hooks-not-array",
        ),
        pytest.param(
            b'{"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0", "linux": {"namespaces": ["nope"]}}',
            "/linux/namespaces/0",
            "nope",
            id="unknown-namespace",
        ),
        pytest.param(b"{oops", "", "invalid JSON", id="not-json"),
        pytest.param(b"[]", "", "features document", id="not-object"),
    ],
)
def test_unusable_documents_are_refused(raw: bytes, pointer: str, fragment: str) -> None:
    with pytest.raises(FeaturesError) as caught:
        parse_features(raw, name="features:x", source="x.json")
    assert any(path == pointer and fragment in message for path, message in caught.value.problems), caught.value


def test_null_is_unknown_not_empty() -> None:
    # features.md: "The null value MUST NOT be confused with an empty value such as 0, false, "", [], and {}."
    doc = parse_features(
        b'{"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0", "hooks": [], "linux": {"seccomp": {"actions": []}}}',
        name="features:x",
        source="x",
    )
    assert doc.hooks == frozenset()
    assert doc.mount_options is None
    assert doc.linux_list("seccomp", "actions") == frozenset()
    assert doc.linux_list("seccomp", "operators") is None


def test_directory_loads_every_json_by_stem(tmp_path: Path) -> None:
    (tmp_path / "crun-1.15.json").write_bytes(b'{"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0"}')
    (tmp_path / "notes.txt").write_text("not a features document")
    (tmp_path / "runc.json").write_bytes((SPEC / "examples" / "features-runc-example.json").read_bytes())
    assert [d.name for d in read_features_dir(str(tmp_path))] == ["features:crun-1.15", "features:runc"]


def test_a_bad_document_in_a_directory_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_bytes(b'{"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0"}')
    (tmp_path / "broken.json").write_bytes(b'{"ociVersionMin": "1.0.0"}')
    with pytest.raises(FeaturesError) as caught:
        read_features_dir(str(tmp_path))
    assert caught.value.source == "broken.json"
    assert "broken.json: " in str(caught.value) and "/ociVersionMax" in str(caught.value)


def test_the_runc_example_ships_as_runc_1_1() -> None:
    shipped = builtin_features()
    assert list(shipped) == ["features:runc-1.1"]
    assert shipped["features:runc-1.1"] == (SPEC / "examples" / "features-runc-example.json").read_bytes()
