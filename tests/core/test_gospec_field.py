"""decode_field: one Spec field decoded alone reads exactly as in the whole document."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.gospec import decode, decode_field, model_names, spec_fields

DOCUMENTS = [
    pytest.param({"annotations": {"a": "b"}, "process": {"args": ["sh"]}}, id="valid"),
    pytest.param({"annotations": {"a": "b"}, "process": {"args": "sh"}}, id="other-member-refused"),
    pytest.param({"Annotations": {"a": "b"}, "annotations": {"c": "d"}}, id="folded-then-exact-last-wins"),
    pytest.param({"annotations": {"c": "d"}, "ANNOTATIONS": {"a": "b"}}, id="exact-then-folded-last-wins"),
    pytest.param({"annotations": {"a": "b", "n": None, "x": 5}}, id="null-and-wrong-typed-values"),
    pytest.param({"annotations": {"a": "b"}, "Annotations": None}, id="later-null-clears"),
    pytest.param({"annotations": {"a": "b"}, "Annotations": 7}, id="later-refused-keeps-earlier"),
    pytest.param({"annotation": {"a": "b"}, "hostname": "h"}, id="near-miss-is-unknown"),
    pytest.param({"mounts": [{"destination": "/x", "Options": ["ro"]}], "MOUNTS": [{"type": 1}]}, id="mounts"),
    pytest.param({}, id="empty"),
]


@pytest.mark.parametrize("model", model_names())
@pytest.mark.parametrize("data", DOCUMENTS)
@pytest.mark.parametrize("name", ["annotations", "mounts"])
def test_field_reads_as_in_the_whole_document(data: dict[str, Any], model: str, name: str) -> None:
    assert decode_field(data, model, name).spec.get(name) == decode(data, model).spec.get(name)


def test_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError):
        decode_field({}, "runsc", "nonsense")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # The document fails the whole-document check (Process is folded), so each container below is judged alone.
        pytest.param(
            {"Process": {"args": ["sh"]}, "mounts": [{"destination": "/a"}, None], "annotations": {"a": None}},
            {"process": {"args": ["sh"]}, "mounts": [{"destination": "/a"}, {}], "annotations": {"a": ""}},
            id="null-element-and-value-become-zero",
        ),
        pytest.param(
            {"Process": {"env": ["A=1", "B=2"]}, "linux": {"maskedPaths": ["/x", 5, "/y"]}},
            {"process": {"env": ["A=1", "B=2"]}, "linux": {"maskedPaths": ["/x", "", "/y"]}},
            id="refused-element-becomes-zero",
        ),
        pytest.param(
            {"Process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 1.0}]}},
            {"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1}]}},
            id="fraction-in-slice-of-structs",
        ),
        pytest.param(
            {"Process": {}, "linux": {"sysctl": {"a": "1", "b": "2"}, "uidMappings": [{"containerID": 2**32}]}},
            {"process": {}, "linux": {"sysctl": {"a": "1", "b": "2"}, "uidMappings": [{}]}},
            id="integer-out-of-range-in-slice",
        ),
        pytest.param(
            {"Process": {}, "mounts": [{"Destination": "/a"}]},
            {"process": {}, "mounts": [{"destination": "/a"}]},
            id="folded-key-inside-slice",
        ),
    ],
)
def test_containers_inside_a_walked_document(data: dict[str, Any], expected: dict[str, Any]) -> None:
    assert decode(data, "runsc").spec == expected


@pytest.mark.parametrize("model", ["runsc", "runsc-2018"])
def test_spec_fields_are_the_spec_members_and_fold_apart(model: str) -> None:
    fields = spec_fields(model)
    assert {"ociVersion", "process", "root", "mounts", "annotations", "linux"} <= fields
    assert len({name.casefold() for name in fields}) == len(fields)
