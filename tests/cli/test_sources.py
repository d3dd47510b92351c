"""Which files `specgate validate` reads, and what it says about the ones it cannot."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli.sources import Source, Unreadable, discover, display

UNDECODABLE = os.fsdecode(b"spec-\xff.json")


def test_directory_search_finds_config_json_at_any_depth(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "config.json").write_text("{}")
    (tmp_path / "a" / "state.json").write_text("{}")
    sources, unreadable = discover([str(tmp_path)])
    assert sources == [Source(str(tmp_path / "a" / "b" / "config.json"), tmp_path / "a" / "b" / "config.json")]
    assert unreadable == []


def test_directory_without_config_json_is_searched_for_every_json(tmp_path: Path) -> None:
    for name in ("b.json", "a.json", "notes.txt"):
        (tmp_path / name).write_text("{}")
    sources, _ = discover([str(tmp_path)])
    assert [s.path for s in sources] == [tmp_path / "a.json", tmp_path / "b.json"]


def test_pattern_matches_names_at_any_depth(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "web.spec.json").write_text("{}")
    (tmp_path / "config.json").write_text("{}")
    sources, _ = discover([str(tmp_path)], "*.spec.json")
    assert [s.path for s in sources] == [tmp_path / "x" / "web.spec.json"]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda p: None, "No such file or directory", id="missing"),
        pytest.param(lambda p: p.symlink_to(p), "Too many levels of symbolic links", id="symlink-loop"),
        pytest.param(lambda p: p.symlink_to(p.parent / "gone"), "No such file or directory", id="dangling-link"),
    ],
)
def test_an_argument_that_names_nothing_readable_says_why(tmp_path: Path, make: Any, reason: str) -> None:
    target = tmp_path / "spec.json"
    make(target)
    sources, unreadable = discover([str(target)])
    assert sources == [] and unreadable == [Unreadable(str(target), reason)]


def test_a_link_loop_under_a_directory_does_not_make_the_search_endless(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "self").symlink_to(tmp_path)
    sources, unreadable = discover([str(tmp_path)])
    assert [s.path for s in sources] == [tmp_path / "config.json"] and unreadable == []


@pytest.fixture
def unlistable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A directory that cannot be listed (as without read permission, which root would ignore)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "config.json").write_text("{}")
    scandir = os.scandir

    def refuse(path: Any = ".") -> Iterator[os.DirEntry[str]]:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    return locked


def test_a_directory_that_cannot_be_listed_is_unreadable_not_skipped(tmp_path: Path, unlistable: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    sources, unreadable = discover([str(tmp_path)])
    assert [s.path for s in sources] == [tmp_path / "config.json"]
    assert unreadable == [Unreadable(str(unlistable), "Permission denied")]
    assert discover([str(unlistable)]) == ([], [Unreadable(str(unlistable), "Permission denied")])


def test_a_fifo_named_on_the_command_line_is_read_but_one_found_in_a_directory_is_not(tmp_path: Path) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    assert discover([str(tmp_path)]) == ([], [])  # reading it would block the whole run
    assert discover([str(fifo)]) == ([Source(str(fifo), fifo)], [])  # e.g. bash's <(generate-spec)


def test_undecodable_file_names_are_shown_escaped_and_read_exactly(tmp_path: Path) -> None:
    (tmp_path / UNDECODABLE).write_text("{}")
    sources, _ = discover([str(tmp_path)])
    assert sources[0].name == f"{tmp_path}/spec-\\xff.json"
    assert sources[0].read() == b"{}"
    assert display("plain/é.json") == "plain/é.json"
