"""`Client` and `AsyncClient`: the same methods, one blocking and one for asyncio."""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Mapping, Sequence
from types import TracebackType

import httpx

from specgate_client import _calls
from specgate_client._calls import DEFAULT_TIMEOUT, Call, Document, Model
from specgate_client._models import (
    AdmissionReviewResponse,
    CapabilitiesResult,
    CapabilityTable,
    Health,
    MountsResult,
    NormalizeResult,
    ProfilesList,
    RulesList,
    RuntimeFeatures,
    TranslationResult,
    ValidationReport,
)

__all__ = ["AsyncClient", "Client"]

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


def _required(caps: Document | None, method: str) -> Document:
    if caps is None:
        raise TypeError(
            f"{method}() needs a process.capabilities object; the table of every name is capability_table()"
        )
    return caps


class ClientState(enum.Enum):
    """Where a client is in its life: a closed one refuses to send, so a use after close fails loudly."""

    UNOPENED = 1
    """Built, not yet entered as a context manager (it can still be used directly)."""
    OPENED = 2
    """Entered as a context manager."""
    CLOSED = 3
    """Closed, by close()/aclose() or by leaving the context: it cannot send again."""


class _BaseClient:
    """What `Client` and `AsyncClient` share: their settings, their state and how they start a call."""

    def __init__(self, *, retries: int, backoff: float) -> None:
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, not {retries}")
        if backoff < 0:
            raise ValueError(f"backoff must be 0 or more seconds, not {backoff}")
        self._retries = retries
        self._backoff = backoff
        self._state = ClientState.UNOPENED

    def _open(self) -> None:
        if self._state is not ClientState.UNOPENED:
            raise RuntimeError(
                "a closed client cannot be reopened; build a new one"
                if self._state is ClientState.CLOSED
                else "the client is already open; enter it as a context manager only once"
            )
        self._state = ClientState.OPENED

    def _start(self, call: Call[Model], http: httpx.Client | httpx.AsyncClient) -> _calls.Retrying[Model]:
        if self._state is ClientState.CLOSED:
            raise RuntimeError(f"cannot {call.method} {call.path}: the client is closed; build a new one")
        return _calls.Retrying(call, call.request(http), retries=self._retries, backoff=self._backoff)


class Client(_BaseClient):
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
        super().__init__(retries=retries, backoff=backoff)
        self._http = httpx.Client(
            base_url=base_url, timeout=timeout, headers=_calls.headers(headers, token), transport=transport
        )

    def __enter__(self) -> Client:
        self._open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections; the client cannot be used afterwards."""
        self._state = ClientState.CLOSED
        self._http.close()

    def _run(self, call: Call[Model]) -> Model:
        retrying = self._start(call, self._http)
        while True:
            try:
                outcome: httpx.Response | httpx.HTTPError = self._http.send(retrying.request)
            except httpx.HTTPError as exc:
                outcome = exc
            step = retrying.after(outcome)
            if not isinstance(step, float):
                return step
            time.sleep(step)

    def validate(
        self,
        doc: Document,
        *,
        profile: str | Sequence[str] = "runsc",
        platform: str = "linux",
        lifecycle: str | None = None,
    ) -> ValidationReport:
        """Judge a config.json; an invalid spec is a report with `valid` false, not an exception.

        With several profiles (`profile=["oci", "features:runc-1.1"]`) the answer is one `MergedReport`: every
        finding names its profile, and it is valid only if no profile finds an error.
        """
        return self._run(_calls.validate(doc, profile, platform, lifecycle))

    def normalize(self, doc: Document, *, bundle: str, profile: str = "runsc") -> NormalizeResult:
        """The spec with relative paths joined onto `bundle`, as runsc's ReadSpec does (APIError 422 if invalid)."""
        return self._run(_calls.normalize(doc, profile, bundle))

    def capability_table(self, *, profile: str = "runsc") -> CapabilityTable:
        """Every capability name the profile knows, with its number."""
        return self._run(_calls.capability_table(profile))

    def capabilities(self, caps: Document, *, profile: str = "runsc") -> CapabilitiesResult:
        """Names and masks of a `process.capabilities` object (the table of every name: `capability_table()`)."""
        return self._run(_calls.capabilities(_required(caps, "capabilities"), profile))

    def classify_mounts(self, doc: Document, *, profile: str = "runsc") -> MountsResult:
        """How the profile's runtime would serve each mount."""
        return self._run(_calls.classify_mounts(doc, profile))

    def rules(self, *, profile: str | None = "runsc") -> RulesList:
        """The rule catalog of one profile (`runsc` by default, as everywhere), or of all of them with `"*"`."""
        return self._run(_calls.rules(profile))

    def profiles(self) -> ProfilesList:
        """Every profile the service judges with, where its rules come from and how many it has."""
        return self._run(_calls.profiles())

    def features(self, profile: str) -> RuntimeFeatures:
        """A runtime features document describing what a profile accepts (features.md)."""
        return self._run(_calls.features(profile))

    def translate(self, obj: Document, *, cri: str | None = None, cri_selinux: bool | None = None) -> TranslationResult:
        """The config.json of every container of a Pod or workload, as POST /admission judges them."""
        return self._run(_calls.translate(obj, cri, cri_selinux))

    def admission(self, review: Document) -> AdmissionReviewResponse:
        """Send an AdmissionReview as the apiserver would; the verdict is in `response.allowed`."""
        return self._run(_calls.admission(review))

    def health(self) -> Health:
        """Liveness: raises TransportError or APIError when the service is not alive."""
        return self._run(_calls.health())

    def ready(self) -> Health:
        """Readiness: `status` is "ready", or "not ready" while the service warms up."""
        return self._run(_calls.ready())


class AsyncClient(_BaseClient):
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
        super().__init__(retries=retries, backoff=backoff)
        self._http = httpx.AsyncClient(
            base_url=base_url, timeout=timeout, headers=_calls.headers(headers, token), transport=transport
        )

    async def __aenter__(self) -> AsyncClient:
        self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections; the client cannot be used afterwards."""
        self._state = ClientState.CLOSED
        await self._http.aclose()

    async def _run(self, call: Call[Model]) -> Model:
        retrying = self._start(call, self._http)
        while True:
            try:
                outcome: httpx.Response | httpx.HTTPError = await self._http.send(retrying.request)
            except httpx.HTTPError as exc:
                outcome = exc
            step = retrying.after(outcome)
            if not isinstance(step, float):
                return step
            await asyncio.sleep(step)

    async def validate(
        self,
        doc: Document,
        *,
        profile: str | Sequence[str] = "runsc",
        platform: str = "linux",
        lifecycle: str | None = None,
    ) -> ValidationReport:
        """Judge a config.json; an invalid spec is a report with `valid` false, not an exception.

        With several profiles (`profile=["oci", "features:runc-1.1"]`) the answer is one `MergedReport`: every
        finding names its profile, and it is valid only if no profile finds an error.
        """
        return await self._run(_calls.validate(doc, profile, platform, lifecycle))

    async def normalize(self, doc: Document, *, bundle: str, profile: str = "runsc") -> NormalizeResult:
        """The spec with relative paths joined onto `bundle`, as runsc's ReadSpec does (APIError 422 if invalid)."""
        return await self._run(_calls.normalize(doc, profile, bundle))

    async def capability_table(self, *, profile: str = "runsc") -> CapabilityTable:
        """Every capability name the profile knows, with its number."""
        return await self._run(_calls.capability_table(profile))

    async def capabilities(self, caps: Document, *, profile: str = "runsc") -> CapabilitiesResult:
        """Names and masks of a `process.capabilities` object (the table of every name: `capability_table()`)."""
        return await self._run(_calls.capabilities(_required(caps, "capabilities"), profile))

    async def classify_mounts(self, doc: Document, *, profile: str = "runsc") -> MountsResult:
        """How the profile's runtime would serve each mount."""
        return await self._run(_calls.classify_mounts(doc, profile))

    async def rules(self, *, profile: str | None = "runsc") -> RulesList:
        """The rule catalog of one profile (`runsc` by default, as everywhere), or of all of them with `"*"`."""
        return await self._run(_calls.rules(profile))

    async def profiles(self) -> ProfilesList:
        """Every profile the service judges with, where its rules come from and how many it has."""
        return await self._run(_calls.profiles())

    async def features(self, profile: str) -> RuntimeFeatures:
        """A runtime features document describing what a profile accepts (features.md)."""
        return await self._run(_calls.features(profile))

    async def translate(
        self, obj: Document, *, cri: str | None = None, cri_selinux: bool | None = None
    ) -> TranslationResult:
        """The config.json of every container of a Pod or workload, as POST /admission judges them."""
        return await self._run(_calls.translate(obj, cri, cri_selinux))

    async def admission(self, review: Document) -> AdmissionReviewResponse:
        """Send an AdmissionReview as the apiserver would; the verdict is in `response.allowed`."""
        return await self._run(_calls.admission(review))

    async def health(self) -> Health:
        """Liveness: raises TransportError or APIError when the service is not alive."""
        return await self._run(_calls.health())

    async def ready(self) -> Health:
        """Readiness: `status` is "ready", or "not ready" while the service warms up."""
        return await self._run(_calls.ready())
