"""bench/sections/http.py and the load helpers of bench/framework.py, without running the load."""

from __future__ import annotations

import os
import time

import pytest

from bench import framework
from bench.framework import Context
from bench.sections import http as section


def test_without_h2load_the_section_says_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(section, "ensure_h2load", lambda: None)
    result = section.run(Context(quick=True))
    assert [t.met for t in result.targets] == [None] and "not measured" in result.markdown.lower()


def test_cpu_seconds_counts_this_process_and_not_a_gone_one() -> None:
    before = framework.cpu_seconds([os.getpid()])
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:  # burn a little CPU (bounded)
        pass
    assert framework.cpu_seconds([os.getpid()]) >= before
    assert framework.cpu_seconds([2**22 + 1]) == 0.0  # above the kernel's pid limit: no such process
