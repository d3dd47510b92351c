"""bench/sections/grpc.py without running the load: the gRPC framing h2load sends, and the skip without h2load."""

from __future__ import annotations

import pytest

from app.grpc.gen import specgate_pb2 as pb
from bench.framework import Context
from bench.sections import grpc as section


def test_framing_is_grpc_length_prefixed_messages() -> None:
    messages = [pb.ValidateRequest(document=b"{}", profile=p).SerializeToString() for p in ("runsc", "oci")]
    body, decoded = section.framed(*messages), []
    while body:
        assert body[0] == 0  # not compressed
        size = int.from_bytes(body[1:5], "big")
        decoded.append(pb.ValidateRequest.FromString(body[5 : 5 + size]).profile)
        body = body[5 + size :]
    assert decoded == ["runsc", "oci"]


def test_without_h2load_the_section_says_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(section, "ensure_h2load", lambda: None)
    result = section.run(Context(quick=True))
    assert [t.met for t in result.targets] == [None] and "not measured" in result.markdown.lower()
