"""The sans-IO core shared by `Client` and `AsyncClient`: what to send, how to read the answer, when to retry."""

from __future__ import annotations

import email.utils
import json
import os
import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import IO, Any, Generic, TypeVar, Union
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from specgate_client._exceptions import APIError, SpecgateError, TransportError
from specgate_client._models import (
    AdmissionReviewResponse,
    CapabilitiesResult,
    CapabilityTable,
    Health,
    MergedReport,
    MountsResult,
    NormalizeResult,
    Problem,
    ProfilesList,
    RulesList,
    RuntimeFeatures,
    TranslationResult,
    ValidationReport,
)
from specgate_client._version import __version__

Model = TypeVar("Model", bound=BaseModel)

Document = Union[bytes, str, "os.PathLike[str]", Mapping[str, Any], IO[bytes], IO[str]]
"""A config.json as raw bytes, as JSON text, as a file (a path, or a file object open for reading), or parsed.

A `str` is JSON text when it starts with `{` (or any JSON value); otherwise it must name an existing file,
which is read: `validate("bundle/config.json")` does what it says.
"""

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
"""Validation answers in milliseconds; a service that takes seconds is better reported than waited for."""

RETRY_STATUSES = frozenset({429, 503})
"""Answers that mean "not now": the service is overloaded or starting. Validation is idempotent, so POSTs retry too."""

MAX_DELAY = 30.0
"""No single wait is longer than this, whatever Retry-After asks for."""


@dataclass(frozen=True, slots=True)
class Call(Generic[Model]):
    """One API call: the request to make and the model its 2xx answer parses into."""

    method: str
    path: str
    model: type[Model]
    params: dict[str, str | list[str]]
    content: bytes | None = None
    accept_statuses: frozenset[int] = frozenset()
    """Non-2xx statuses whose body is still an answer of type `model` (503 from /readyz)."""

    def request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        headers = {"Content-Type": "application/json"} if self.content is not None else None
        return http.build_request(self.method, self.path, params=self.params, content=self.content, headers=headers)


def body(doc: Document) -> bytes:
    """The bytes to send for a document given in any of the accepted forms.

    Raises:
        ValueError: a str that is neither JSON text nor the name of an existing file.
        TypeError: a value of no accepted type.
        OSError: the file cannot be read.
    """
    if isinstance(doc, (bytes, bytearray, memoryview)):
        return bytes(doc)
    if isinstance(doc, str):
        return _text_or_file(doc)
    if isinstance(doc, os.PathLike):
        with open(doc, "rb") as f:
            return f.read()
    if isinstance(doc, Mapping):
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    read = getattr(doc, "read", None)
    if callable(read):
        content = read()
        if isinstance(content, str):
            return content.encode("utf-8")
        if isinstance(content, (bytes, bytearray)):
            return bytes(content)
    raise TypeError(
        f"cannot send a {type(doc).__name__} as a document; pass bytes, JSON text (str), a pathlib.Path, "
        "a file object opened with open(path, 'rb'), or a dict"
    )


def _text_or_file(doc: str) -> bytes:
    # A spec is a JSON object: text that starts like one is the document; otherwise a file may be meant.
    stripped = doc.lstrip("\ufeff \t\r\n")
    if not stripped or stripped[0] in "{[":
        return doc.encode("utf-8")
    if "\n" not in doc and os.path.isfile(doc):
        with open(doc, "rb") as f:
            return f.read()
    try:
        json.loads(doc)
    except ValueError:
        pass
    else:
        return doc.encode("utf-8")  # JSON, if not an object: the service says why it is not a spec
    shown = doc if len(doc) <= 60 else doc[:57] + "..."
    raise ValueError(
        f"{shown!r} is neither JSON text nor the name of an existing file; pass the document as bytes or JSON "
        "text, a file as pathlib.Path('config.json') or open('config.json', 'rb'), or a parsed dict"
    )


def headers(extra: Mapping[str, str] | None, token: str | None) -> dict[str, str]:
    """Default headers of every request."""
    result = {"User-Agent": f"specgate-client/{__version__}", "Accept": "application/json"}
    if token is not None:
        result["Authorization"] = f"Bearer {token}"
    result.update(extra or {})
    return result


def validate(
    doc: Document, profile: str | Sequence[str], platform: str, lifecycle: str | None
) -> Call[ValidationReport]:
    names = [profile] if isinstance(profile, str) else list(profile)
    params: dict[str, str | list[str]] = {"profile": names, "platform": platform}
    if lifecycle is not None:
        params["lifecycle"] = lifecycle
    # Several profiles answer with one merged report whose findings name their profile.
    model: type[ValidationReport] = MergedReport if len(set(names)) > 1 else ValidationReport
    return Call("POST", "/validate", model, params, body(doc))


def normalize(doc: Document, profile: str, bundle: str) -> Call[NormalizeResult]:
    return Call("POST", "/normalize", NormalizeResult, {"profile": profile, "bundle": bundle}, body(doc))


def capability_table(profile: str) -> Call[CapabilityTable]:
    return Call("GET", "/capabilities", CapabilityTable, {"profile": profile})


def capabilities(caps: Document, profile: str) -> Call[CapabilitiesResult]:
    return Call("POST", "/capabilities", CapabilitiesResult, {"profile": profile}, body(caps))


def classify_mounts(doc: Document, profile: str) -> Call[MountsResult]:
    return Call("POST", "/classify-mounts", MountsResult, {"profile": profile}, body(doc))


def rules(profile: str | None) -> Call[RulesList]:
    return Call("GET", "/rules", RulesList, {"profile": "*" if profile is None else profile})


def profiles() -> Call[ProfilesList]:
    return Call("GET", "/profiles", ProfilesList, {})


def features(profile: str) -> Call[RuntimeFeatures]:
    return Call("GET", f"/profiles/{quote(profile, safe=':')}/features", RuntimeFeatures, {})


def translate(obj: Document, cri: str | None, cri_selinux: bool | None) -> Call[TranslationResult]:
    params: dict[str, str | list[str]] = {}
    if cri is not None:
        params["cri"] = cri
    if cri_selinux is not None:
        params["cri_selinux"] = "true" if cri_selinux else "false"
    return Call("POST", "/translate", TranslationResult, params, body(obj))


def admission(review: Document) -> Call[AdmissionReviewResponse]:
    return Call("POST", "/admission", AdmissionReviewResponse, {}, body(review))


def health() -> Call[Health]:
    return Call("GET", "/healthz", Health, {})


def ready() -> Call[Health]:
    return Call("GET", "/readyz", Health, {}, accept_statuses=frozenset({503}))


def parse(call: Call[Model], response: httpx.Response) -> Model:
    """The answer as the call's model; APIError for any other status."""
    if not (response.is_success or response.status_code in call.accept_statuses):
        raise api_error(response)
    try:
        return call.model.model_validate_json(response.content)
    except ValidationError as exc:
        raise SpecgateError(
            f"{call.method} {call.path} answered {response.status_code} with a body that is not a "
            f"{call.model.__name__}: {exc.error_count()} error(s), first: {exc.errors()[0]['msg']}"
        ) from exc


def api_error(response: httpx.Response) -> APIError:
    """An APIError carrying the problem details of a non-2xx answer."""
    try:
        parsed: Any = response.json()
    except ValueError:
        parsed = response.text
    problem: Problem | None = None
    if isinstance(parsed, dict):
        try:
            problem = Problem.model_validate(parsed)
        except ValidationError:
            problem = None
    return APIError(response.status_code, problem, parsed)


def retryable(exc: httpx.HTTPError) -> bool:
    """Errors after which the request certainly did not reach the application, so sending it again is safe."""
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def delay(attempt: int, backoff: float, response: httpx.Response | None = None) -> float | None:
    """Seconds to wait before retry number `attempt` (0-based): jittered exponential, or what Retry-After asks.

    None when Retry-After asks for longer than MAX_DELAY: sending again sooner than the service asked
    would be refused again, so the answer is final.
    """
    asked = retry_after(response.headers.get("Retry-After")) if response is not None else None
    if asked is not None:
        return asked if asked <= MAX_DELAY else None
    return min(backoff * (2.0**attempt) * (0.5 + random.random() / 2), MAX_DELAY)


_DELTA_SECONDS = re.compile(r"[0-9]+")
"""ASCII digits only: str.isdigit() also accepts "²" or "٣", which float() refuses."""


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for: delta-seconds or an HTTP-date (RFC 9110, 10.2.3); None if unusable."""
    if value is None:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # an HTTP-date is always GMT; "-0000" parses as naive
    return max(when.timestamp() - time.time(), 0.0)


class Retrying(Generic[Model]):
    """The retry loop of one call without its I/O: told each attempt's outcome, it says what to do next.

    Both clients drive it the same way; only how they send and how they sleep differ:

        while True:
            outcome = send(request) or the httpx.HTTPError it raised
            step = retrying.after(outcome)     # the answer, or seconds to wait; raises when final
            if not isinstance(step, float): return step
            sleep(step)
    """

    def __init__(self, call: Call[Model], request: httpx.Request, *, retries: int, backoff: float) -> None:
        self.call = call
        self.request = request
        self.retries = retries
        self.backoff = backoff
        self.attempt = 0

    def after(self, outcome: httpx.Response | httpx.HTTPError) -> Model | float:
        """The call's answer, or the seconds to wait before sending again; raises SpecgateError when final."""
        wait = self._wait(outcome)
        if wait is not None:
            self.attempt += 1
            return wait
        if isinstance(outcome, httpx.HTTPError):
            detail = str(outcome) or "no answer"
            raise TransportError(
                f"{self.request.method} {self.request.url}: {type(outcome).__name__}: {detail}"
            ) from outcome
        return parse(self.call, outcome)

    def _wait(self, outcome: httpx.Response | httpx.HTTPError) -> float | None:
        if self.attempt >= self.retries:
            return None
        if isinstance(outcome, httpx.HTTPError):
            return delay(self.attempt, self.backoff) if retryable(outcome) else None
        if outcome.status_code not in RETRY_STATUSES or outcome.status_code in self.call.accept_statuses:
            return None
        # The body of a response from send() was read in full, so dropping it leaves no connection behind.
        return delay(self.attempt, self.backoff, outcome)
