"""The service honours the client's deadline: nothing starts after it passed, a long judgement is not waited for."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import grpc
import orjson
import pytest

from app.api.examples import CONFIG
from app.grpc import errors
from app.grpc.gen import specgate_pb2 as pb
from app.grpc.service import SpecgateService

VALID = orjson.dumps(CONFIG)


class Aborted(Exception):
    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        self.code, self.details = code, details


class FakeContext:
    """What the service reads of a grpc.aio.ServicerContext: the time left, and abort."""

    def __init__(self, remaining: float | None) -> None:
        self.remaining = remaining

    def time_remaining(self) -> float | None:
        return self.remaining

    async def abort(self, code: grpc.StatusCode, details: str = "", trailing_metadata: Any = ()) -> None:
        raise Aborted(code, details)


def _service() -> SpecgateService:
    return SpecgateService(max_document_bytes=1 << 20, inline_bytes=1024)


def test_no_work_starts_after_the_deadline() -> None:
    with pytest.raises(Aborted) as caught:
        asyncio.run(_service().Validate(pb.ValidateRequest(document=VALID), FakeContext(-0.5)))  # type: ignore[arg-type]
    assert caught.value.code is grpc.StatusCode.DEADLINE_EXCEEDED


def test_work_within_the_deadline_is_answered() -> None:
    answer = asyncio.run(_service().Validate(pb.ValidateRequest(document=VALID), FakeContext(30.0)))  # type: ignore[arg-type]
    assert answer.valid


def test_a_judgement_in_a_thread_is_not_waited_for_past_the_deadline() -> None:
    release = threading.Event()

    def slow() -> str:
        release.wait(10)
        return "late"

    async def judge() -> str:
        try:
            return await _service()._judge(FakeContext(0.05), 1 << 16, slow)  # type: ignore[arg-type]
        finally:
            release.set()  # before asyncio.run waits for its threads

    with pytest.raises(errors.RpcError) as caught:
        asyncio.run(judge())
    assert caught.value.code is grpc.StatusCode.DEADLINE_EXCEEDED


def test_a_stream_ends_when_its_deadline_passes() -> None:
    context = FakeContext(30.0)

    async def requests() -> AsyncIterator[pb.ValidateStreamRequest]:
        yield pb.ValidateStreamRequest(id="first", request=pb.ValidateRequest(document=VALID))
        context.remaining = -1.0
        yield pb.ValidateStreamRequest(id="second", request=pb.ValidateRequest(document=VALID))

    async def consume() -> list[str]:
        seen = []
        async for answer in _service().ValidateStream(requests(), context):  # type: ignore[arg-type]
            seen.append(answer.id)
        return seen

    seen: list[str] = []
    with pytest.raises(Aborted) as caught:
        seen = asyncio.run(consume())
    assert caught.value.code is grpc.StatusCode.DEADLINE_EXCEEDED and seen == []
