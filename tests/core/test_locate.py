"""Locating a JSON Pointer's value in the raw text."""

from __future__ import annotations

import pytest

from app.core.locate import locate

DOC = b"""{
  "ociVersion": "1.0.2",
  "process": {"args": ["sh", "-c"], "cwd": "/", "a~/b": 1, "caf\\u00e9": true},
  "mounts": [{"destination": "/x"}, {"destination": "/y", "type": "bind"}],
  "annotations": {"io.kubernetes.cri.container-type": "sandbox"},
  "dup": 1, "dup": {"k": "\xc3\xa9\xc3\xa9", "z": 2},
  "empty": {}, "none": []
}"""


@pytest.mark.parametrize(
    ("pointer", "where"),
    [
        pytest.param("", (1, 1), id="root"),
        pytest.param("/ociVersion", (2, 17), id="member"),
        pytest.param("/process", (3, 14), id="object"),
        pytest.param("/process/args/1", (3, 30), id="array-element"),
        pytest.param("/process/a~0~1b", (3, 57), id="escaped-key"),
        pytest.param("/process/caf\u00e9", (3, 73), id="unicode-escape-in-key"),
        pytest.param("/mounts/1/type", (4, 67), id="deep"),
        pytest.param("/annotations/io.kubernetes.cri.container-type", (5, 55), id="map-key"),
        pytest.param("/dup", (6, 20), id="repeated-member-last-wins"),
        pytest.param("/dup/z", (6, 37), id="columns-count-code-points-not-bytes"),
        pytest.param("/process/user", (3, 14), id="missing-member-falls-back-to-parent"),
        pytest.param("/process/args/9", (3, 23), id="missing-index-falls-back-to-array"),
        pytest.param("/mounts/x", (4, 13), id="non-index-token-on-array"),
        pytest.param("/mounts/01", (4, 13), id="leading-zero-is-not-an-index"),
        pytest.param("/mounts/\u00b9", (4, 13), id="superscript-digit-is-not-an-index"),
        pytest.param("/mounts/-", (4, 13), id="past-the-end-falls-back-to-array"),
        pytest.param("/ociVersion/x", (2, 17), id="below-a-scalar"),
        pytest.param("/empty/a", (7, 12), id="empty-object"),
        pytest.param("/none/0", (7, 24), id="empty-array"),
    ],
)
def test_locate(pointer: str, where: tuple[int, int]) -> None:
    assert locate(DOC, pointer) == where


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        pytest.param(b"{bad", "/a", id="not-json"),
        pytest.param(b"", "", id="empty"),
        pytest.param(b'{"a": 1}', "a", id="not-a-pointer"),
    ],
)
def test_unlocatable(raw: bytes, pointer: str) -> None:
    assert locate(raw, pointer) is None


def test_byte_order_mark_is_not_a_column() -> None:
    assert locate(b'\xef\xbb\xbf{"a": 1}', "/a") == (1, 7)
