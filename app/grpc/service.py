"""The specgate.v1.Specgate service: each call runs the same core function as its HTTP route."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.message import DecodeError, Message
from google.rpc import status_pb2

from app import core, metrics
from app.core.errors import InvalidSpec, SpecgateError
from app.core.policy_file import Policy
from app.core.profiles.base import Lifecycle
from app.grpc import convert, errors
from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc

logger = logging.getLogger("specgate.grpc")

R = TypeVar("R")
Req = TypeVar("Req")
Resp = TypeVar("Resp")
Service = TypeVar("Service", bound="SpecgateService")

DEFAULT_PROFILE = "runsc"
DEFAULT_PLATFORM = "linux"


def _deadline_passed() -> errors.RpcError:
    message = "the deadline passed before the document was judged"
    return errors.RpcError(status_pb2.Status(code=grpc.StatusCode.DEADLINE_EXCEEDED.value[0], message=message))


def _aborted_with(context: grpc.aio.ServicerContext[Any, Any]) -> str:
    """The name of the status code the handler aborted the call with."""
    try:
        code = context.code()
    except Exception:  # not every context keeps it
        code = None
    return code.name if isinstance(code, grpc.StatusCode) else "UNKNOWN"


def _lifecycle(value: int) -> Lifecycle:
    name = convert.LIFECYCLE.get(value)
    if name is None:
        raise errors.bad_argument("lifecycle", f"unknown value {value}; use LIFECYCLE_CREATE or LIFECYCLE_START")
    return "start" if name == "start" else "create"


class Undecodable:
    """A request whose bytes are not the message the method takes (corrupt wire format, a string field that is
    not UTF-8). grpcio would answer UNKNOWN for the DecodeError; the method answers INVALID_ARGUMENT instead."""

    def __init__(self, message: str, error: DecodeError) -> None:
        self.failure = errors.bad_request_message(message, str(error))


def _tolerant_decoder(message: type[Message]) -> Callable[[bytes], Message | Undecodable]:
    def decode(data: bytes) -> Message | Undecodable:
        try:
            return message.FromString(data)
        except DecodeError as exc:
            return Undecodable(message.DESCRIPTOR.full_name, exc)

    return decode


def decoded(
    method: Callable[[Service, Req, grpc.aio.ServicerContext[Req, Resp]], Awaitable[Resp]],
) -> Callable[[Service, Req, grpc.aio.ServicerContext[Req, Resp]], Awaitable[Resp]]:
    """Refuse an undecodable request of a unary method with INVALID_ARGUMENT before the method runs."""

    @functools.wraps(method)
    async def call(self: Service, request: Req, context: grpc.aio.ServicerContext[Req, Resp]) -> Resp:
        if isinstance(request, Undecodable):
            failure = request.failure
            metrics.observe_grpc_call(method.__name__, failure.code.name, 0.0)
            await context.abort(failure.code, failure.status.message, failure.trailing_metadata)
        return await method(self, request, context)

    return call


def add_to_server(service: SpecgateService, server: grpc.aio.Server) -> None:
    """Register `service` as the generated add_SpecgateServicer_to_server does, with decoders that never raise."""
    descriptor = pb.DESCRIPTOR.services_by_name["Specgate"]
    factories = {
        (False, False): grpc.unary_unary_rpc_method_handler,
        (False, True): grpc.unary_stream_rpc_method_handler,
        (True, False): grpc.stream_unary_rpc_method_handler,
        (True, True): grpc.stream_stream_rpc_method_handler,
    }
    handlers = {}
    for method in descriptor.methods:
        factory: Any = factories[method.client_streaming, method.server_streaming]
        handlers[method.name] = factory(
            getattr(service, method.name),
            request_deserializer=_tolerant_decoder(getattr(pb, method.input_type.name)),
            response_serializer=getattr(pb, method.output_type.name).SerializeToString,
        )
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(descriptor.full_name, handlers),))
    server.add_registered_method_handlers(descriptor.full_name, handlers)


class SpecgateService(pb_grpc.SpecgateServicer):
    """Answers every call from the core; errors become statuses in app.grpc.errors, never UNKNOWN."""

    def __init__(self, *, max_document_bytes: int, inline_bytes: int, policy: Policy | None = None) -> None:
        self.max_document_bytes = max_document_bytes
        self.inline_bytes = inline_bytes
        self.policy = policy
        """The service's policy file (SPECGATE_POLICY), applied as HTTP applies it."""

    # The calls.

    @decoded
    async def Validate(  # method names are the proto's (generated servicer)
        self, request: pb.ValidateRequest, context: grpc.aio.ServicerContext[pb.ValidateRequest, pb.ValidateResponse]
    ) -> pb.ValidateResponse:
        """Judge one document."""
        return await self._answer(context, "Validate", len(request.document), self._validate(request))

    async def ValidateStream(
        self,
        request_iterator: AsyncIterator[pb.ValidateStreamRequest],
        context: grpc.aio.ServicerContext[pb.ValidateStreamRequest, pb.ValidateStreamResponse],
    ) -> AsyncIterator[pb.ValidateStreamResponse]:
        """Judge each document of the stream in order; one that cannot be judged gets its error, not the stream."""
        started, code = time.perf_counter(), "OK"
        try:
            async for answer in self._stream(request_iterator, context):
                yield answer
        except asyncio.CancelledError:
            code = "CANCELLED"
            raise
        except Exception:
            code = _aborted_with(context)
            raise
        finally:
            metrics.observe_grpc_call("ValidateStream", code, time.perf_counter() - started)

    async def _stream(
        self,
        request_iterator: AsyncIterator[pb.ValidateStreamRequest],
        context: grpc.aio.ServicerContext[pb.ValidateStreamRequest, pb.ValidateStreamResponse],
    ) -> AsyncIterator[pb.ValidateStreamResponse]:
        index = 0
        async for item in request_iterator:
            if isinstance(item, Undecodable):
                yield pb.ValidateStreamResponse(index=index, error=item.failure.status)
                index += 1
                continue
            request = item.request
            answer = pb.ValidateStreamResponse(id=item.id, index=index)
            try:
                # The report is built inside the answer: handing a finished one over would copy it.
                await self._judge(context, len(request.document), self._validate(request, answer.report))
            except errors.RpcError as exc:
                if exc.code is grpc.StatusCode.DEADLINE_EXCEEDED:
                    await context.abort(exc.code, exc.status.message)
                yield pb.ValidateStreamResponse(id=item.id, index=index, error=exc.status)
            except SpecgateError as exc:
                yield pb.ValidateStreamResponse(id=item.id, index=index, error=errors.from_core(exc).status)
            except Exception:
                logger.exception("ValidateStream failed on document %d", index)
                failure = errors.internal("ValidateStream")
                await context.abort(failure.code, failure.status.message, failure.trailing_metadata)
            else:
                yield answer
            index += 1

    @decoded
    async def Normalize(
        self,
        request: pb.NormalizeRequest,
        context: grpc.aio.ServicerContext[pb.NormalizeRequest, pb.NormalizeResponse],
    ) -> pb.NormalizeResponse:
        """Normalize one document against its bundle path."""
        profile = request.profile or DEFAULT_PROFILE

        def work() -> pb.NormalizeResponse:
            try:
                result = core.normalize(request.document, profile=profile, bundle=request.bundle, policy=self.policy)
            except InvalidSpec as exc:
                metrics.observe_report(exc.report)  # a refused Normalize is a verdict too, as over HTTP
                raise
            return convert.normalize_result(result)

        return await self._answer(context, "Normalize", len(request.document), self._sized(request.document, work))

    @decoded
    async def Capabilities(
        self,
        request: pb.CapabilitiesRequest,
        context: grpc.aio.ServicerContext[pb.CapabilitiesRequest, pb.CapabilitiesResponse],
    ) -> pb.CapabilitiesResponse:
        """Resolve capability sets to names and masks."""
        profile = request.profile or DEFAULT_PROFILE
        raw = request.capabilities

        def work() -> pb.CapabilitiesResponse:
            try:
                caps = core.load(raw).data
            except SpecgateError as exc:
                raise errors.from_core(exc, "capabilities") from exc
            try:
                return convert.capabilities_result(core.capabilities(caps, profile=profile))
            except SpecgateError as exc:
                raise errors.from_core(exc, "capabilities") from exc

        return await self._answer(context, "Capabilities", len(raw), self._sized(raw, work, "capabilities"))

    @decoded
    async def ListCapabilities(
        self,
        request: pb.ListCapabilitiesRequest,
        context: grpc.aio.ServicerContext[pb.ListCapabilitiesRequest, pb.ListCapabilitiesResponse],
    ) -> pb.ListCapabilitiesResponse:
        """The capability table of a profile."""
        profile = request.profile or DEFAULT_PROFILE
        return await self._answer(
            context, "ListCapabilities", 0, lambda: convert.capability_table(core.capability_table(profile=profile))
        )

    @decoded
    async def ClassifyMounts(
        self,
        request: pb.ClassifyMountsRequest,
        context: grpc.aio.ServicerContext[pb.ClassifyMountsRequest, pb.ClassifyMountsResponse],
    ) -> pb.ClassifyMountsResponse:
        """How the runtime would serve each mount."""
        profile = request.profile or DEFAULT_PROFILE

        def work() -> pb.ClassifyMountsResponse:
            return convert.mounts_result(core.classify_mounts(request.document, profile=profile))

        return await self._answer(context, "ClassifyMounts", len(request.document), self._sized(request.document, work))

    @decoded
    async def ListRules(
        self,
        request: pb.ListRulesRequest,
        context: grpc.aio.ServicerContext[pb.ListRulesRequest, pb.ListRulesResponse],
    ) -> pb.ListRulesResponse:
        """The rule catalog."""
        profile = request.profile or None
        return await self._answer(
            context, "ListRules", 0, lambda: convert.rules_list(core.rules(profile, policy=self.policy))
        )

    # How every call is run.

    def _validate(
        self, request: pb.ValidateRequest, into: pb.ValidateResponse | None = None
    ) -> Callable[[], pb.ValidateResponse]:
        raw = request.document
        profile = request.profile or DEFAULT_PROFILE
        platform = request.platform or DEFAULT_PLATFORM
        lifecycle_value = request.lifecycle
        policy = self.policy

        def work() -> pb.ValidateResponse:
            lifecycle = _lifecycle(lifecycle_value)
            report = core.validate(raw, profile=profile, platform=platform, lifecycle=lifecycle, policy=policy)
            metrics.observe_report(report)
            return convert.validation_report(report, into)

        return self._sized(raw, work)

    def _sized(self, raw: bytes, work: Callable[[], R], field: str = "document") -> Callable[[], R]:
        """`work`, refused with RESOURCE_EXHAUSTED when `raw` is over the limit shared with HTTP."""
        limit = self.max_document_bytes
        if len(raw) <= limit:
            return work

        def refuse() -> R:
            raise errors.too_large(field, len(raw), limit)

        return refuse

    async def _judge(self, context: grpc.aio.ServicerContext[Any, Any], size: int, work: Callable[[], R]) -> R:
        """Run `work` on the event loop when the document is small, else in a thread, within the deadline.

        As over HTTP, a small document is judged faster than a thread hop costs, and a large one would hold
        the event loop (and so the health service) for too long.
        """
        remaining = context.time_remaining()
        if remaining is not None and remaining <= 0:
            raise _deadline_passed()
        if size <= self.inline_bytes:
            return work()
        try:
            return await asyncio.wait_for(asyncio.to_thread(work), timeout=remaining)
        except TimeoutError:
            raise _deadline_passed() from None

    async def _answer(
        self, context: grpc.aio.ServicerContext[Any, Any], operation: str, size: int, work: Callable[[], R]
    ) -> R:
        """The answer of `work`, or the call aborted with the status its error maps to; counted either way."""
        started = time.perf_counter()
        try:
            answer = await self._judge(context, size, work)
            metrics.observe_grpc_call(operation, "OK", time.perf_counter() - started)
            return answer
        except errors.RpcError as exc:
            failure = exc
        except SpecgateError as exc:
            failure = errors.from_core(exc)
        except Exception:
            logger.exception("%s failed", operation)
            failure = errors.internal(operation)
        metrics.observe_grpc_call(operation, failure.code.name, time.perf_counter() - started)
        await context.abort(failure.code, failure.status.message, failure.trailing_metadata)
        raise AssertionError("unreachable: abort raises")  # pragma: no cover
