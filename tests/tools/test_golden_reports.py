"""tools/golden_reports.py: the same documents every time, and a changed answer is reported."""

from __future__ import annotations

import importlib.util
import json
from itertools import islice
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "golden_reports.py"


@pytest.fixture(scope="module")
def golden() -> ModuleType:
    spec = importlib.util.spec_from_file_location("golden_reports", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_documents_and_their_mutations_are_the_same_every_run(golden: ModuleType) -> None:
    first = list(islice(golden.documents(), 60))
    assert first == list(islice(golden.documents(), 60))
    assert any("#m" in name for name, _ in first) and any("#m" not in name for name, _ in first)


def test_check_finds_a_changed_answer(golden: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = b'{"ociVersion": "1.2.0", "root": {"path": "rootfs"}, "process": {"cwd": "/", "args": ["sh"]}}'
    record = tmp_path / "golden.jsonl"
    entry = {"name": "doc", "raw": raw.decode(), "answers": golden.answers(raw)}
    record.write_text(json.dumps(entry) + "\n")
    assert golden.check(record) == 0
    entry["answers"][0] = entry["answers"][0].replace('"valid":', '"valid" :')  # a different answer
    record.write_text(json.dumps(entry) + "\n")
    assert golden.check(record) == 1
    assert "1 documents, 1 differ" in capsys.readouterr().out
