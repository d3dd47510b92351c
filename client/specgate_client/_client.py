"""`Client` and `AsyncClient`: the same methods, one blocking and one for asyncio."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from types import TracebackType
from typing import overload

import httpx

from specgate_client import _calls
from specgate_client._calls import DEFAULT_TIMEOUT, RETRY_STATUSES, Call, Document, Model
from specgate_client._exceptions import TransportError
from specgate_client._models import (
    CapabilitiesResult,
    CapabilityTable,
    Health,
    MountsResult,
    NormalizeResult,
    RulesList,
    ValidationReport,
)

__all__ = ["AsyncClient", "Client"]

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


class _Settings:
    """What both clients are configured with."""

    def __init__(self, retries: int, backoff: float) -> None:
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, not {retries}")
        self.retries = retries
        self.backoff = backoff

    def retry_wait(self, call: Call[Model], attempt: int, response: httpx.Response | None = None) -> float | None:
        """Seconds to wait before sending again, or None when the answer (or error) is final."""
        if attempt >= self.retries:
            return None
        if response is not None and (
            response.status_code not in RETRY_STATUSES or response.status_code in call.accept_statuses
        ):
            return None
        return _calls.delay(attempt, self.backoff, response)


def _transport_error(exc: httpx.HTTPError, request: httpx.Request) -> TransportError:
    return TransportError(f"{request.method} {request.url}: {type(exc).__name__}: {exc or 'no answer'}")


class Client:
    """A blocking client of the specgate service. Build one per process and reuse it (it pools connections).

    **Parameters:**

    * **base_url** - where the service listens, e.g. `http://specgate.specgate.svc:8080`.
    * **timeout** - seconds (or an `httpx.Timeout`) for each attempt; default 5 s, 2 s to connect.
    * **retries** - how often to send again after a connection failure or a 429/503 answer.
    * **backoff** - first wait in seconds; it doubles with each retry (jittered) unless Retry-After says otherwise.
    * **headers** - extra headers for every request.
    * **token** - sent as `Authorization: Bearer <token>`.
    * **transport** - an `httpx.BaseTransport` to use instead of the network (tests, ASGI apps, proxies).
    """

    def __init__(
        self,
        *,
        base_url: str | httpx.URL = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
        backoff: float = 0.25,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._settings = _Settings(retries, backoff)
        self._http = httpx.Client(
            base_url=base_url, timeout=timeout, headers=_calls.headers(headers, token), transport=transport
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def _run(self, call: Call[Model]) -> Model:
        request = call.request(self._http)
        attempt = 0
        while True:
            try:
                response = self._http.send(request)
            except httpx.HTTPError as exc:
                wait = self._settings.retry_wait(call, attempt) if _calls.retryable(exc) else None
                if wait is None:
                    raise _transport_error(exc, request) from exc
            else:
                wait = self._settings.retry_wait(call, attempt, response)
                if wait is None:
                    return _calls.parse(call, response)
                response.close()
            time.sleep(wait)
            attempt += 1

    def validate(
        self, doc: Document, *, profile: str = "runsc", platform: str = "linux", lifecycle: str | None = None
    ) -> ValidationReport:
        """Judge a config.json; an invalid spec is a report with `valid` false, not an exception."""
        return self._run(_calls.validate(doc, profile, platform, lifecycle))

    def normalize(self, doc: Document, *, bundle: str, profile: str = "runsc") -> NormalizeResult:
        """The spec with relative paths joined onto `bundle`, as runsc's ReadSpec does (APIError 422 if invalid)."""
        return self._run(_calls.normalize(doc, profile, bundle))

    def capability_table(self, *, profile: str = "runsc") -> CapabilityTable:
        """Every capability name the profile knows, with its number."""
        return self._run(_calls.capability_table(profile))

    @overload
    def capabilities(self, caps: None = None, *, profile: str = "runsc") -> CapabilityTable: ...
    @overload
    def capabilities(self, caps: Document, *, profile: str = "runsc") -> CapabilitiesResult: ...
    def capabilities(
        self, caps: Document | None = None, *, profile: str = "runsc"
    ) -> CapabilityTable | CapabilitiesResult:
        """Names and masks of a `process.capabilities` object; without one, the capability table."""
        if caps is None:
            return self.capability_table(profile=profile)
        return self._run(_calls.capabilities(caps, profile))

    def classify_mounts(self, doc: Document, *, profile: str = "runsc") -> MountsResult:
        """How the profile's runtime would serve each mount."""
        return self._run(_calls.classify_mounts(doc, profile))

    def rules(self, *, profile: str | None = None) -> RulesList:
        """The rule catalog of one profile, or of all of them."""
        return self._run(_calls.rules(profile))

    def health(self) -> Health:
        """Liveness: raises TransportError or APIError when the service is not alive."""
        return self._run(_calls.health())

    def ready(self) -> Health:
        """Readiness: `status` is "ready", or "not ready" while the service warms up."""
        return self._run(_calls.ready())


class AsyncClient:
    """The asyncio twin of `Client`: same parameters, same methods, awaited."""

    def __init__(
        self,
        *,
        base_url: str | httpx.URL = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 2,
        backoff: float = 0.25,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = _Settings(retries, backoff)
        self._http = httpx.AsyncClient(
            base_url=base_url, timeout=timeout, headers=_calls.headers(headers, token), transport=transport
        )

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def _run(self, call: Call[Model]) -> Model:
        request = call.request(self._http)
        attempt = 0
        while True:
            try:
                response = await self._http.send(request)
            except httpx.HTTPError as exc:
                wait = self._settings.retry_wait(call, attempt) if _calls.retryable(exc) else None
                if wait is None:
                    raise _transport_error(exc, request) from exc
            else:
                wait = self._settings.retry_wait(call, attempt, response)
                if wait is None:
                    return _calls.parse(call, response)
                await response.aclose()
            await asyncio.sleep(wait)
            attempt += 1

    async def validate(
        self, doc: Document, *, profile: str = "runsc", platform: str = "linux", lifecycle: str | None = None
    ) -> ValidationReport:
        """Judge a config.json; an invalid spec is a report with `valid` false, not an exception."""
        return await self._run(_calls.validate(doc, profile, platform, lifecycle))

    async def normalize(self, doc: Document, *, bundle: str, profile: str = "runsc") -> NormalizeResult:
        """The spec with relative paths joined onto `bundle`, as runsc's ReadSpec does (APIError 422 if invalid)."""
        return await self._run(_calls.normalize(doc, profile, bundle))

    async def capability_table(self, *, profile: str = "runsc") -> CapabilityTable:
        """Every capability name the profile knows, with its number."""
        return await self._run(_calls.capability_table(profile))

    @overload
    async def capabilities(self, caps: None = None, *, profile: str = "runsc") -> CapabilityTable: ...
    @overload
    async def capabilities(self, caps: Document, *, profile: str = "runsc") -> CapabilitiesResult: ...
    async def capabilities(
        self, caps: Document | None = None, *, profile: str = "runsc"
    ) -> CapabilityTable | CapabilitiesResult:
        """Names and masks of a `process.capabilities` object; without one, the capability table."""
        if caps is None:
            return await self.capability_table(profile=profile)
        return await self._run(_calls.capabilities(caps, profile))

    async def classify_mounts(self, doc: Document, *, profile: str = "runsc") -> MountsResult:
        """How the profile's runtime would serve each mount."""
        return await self._run(_calls.classify_mounts(doc, profile))

    async def rules(self, *, profile: str | None = None) -> RulesList:
        """The rule catalog of one profile, or of all of them."""
        return await self._run(_calls.rules(profile))

    async def health(self) -> Health:
        """Liveness: raises TransportError or APIError when the service is not alive."""
        return await self._run(_calls.health())

    async def ready(self) -> Health:
        """Readiness: `status` is "ready", or "not ready" while the service warms up."""
        return await self._run(_calls.ready())
