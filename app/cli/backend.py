"""Where the CLI gets its answers: the core library in-process, or a specgate service through the client.

Both backends return the same wire models and raise the same few errors, so everything after
them (reporters, exit codes) cannot tell which one ran: the output is identical either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TypeVar

from pydantic import BaseModel

from app import core
from app.cli.errors import BadCapabilities, DocumentProblem, NotJudged, Refused, ServiceProblem, UsageProblem
from app.models import (
    CapabilitiesResult,
    CapabilityTable,
    MountsResult,
    NormalizeResult,
    RulesList,
    ValidationReport,
)

if TYPE_CHECKING:
    import specgate_client


class Backend(Protocol):
    """The operations the CLI needs, in-process or remote."""

    def validate(
        self, raw: bytes, *, profile: str, platform: str, lifecycle: str, bundle: str | None, file_name: str | None
    ) -> ValidationReport: ...

    def normalize(self, raw: bytes, *, profile: str, bundle: str) -> NormalizeResult: ...

    def capability_table(self, *, profile: str) -> CapabilityTable: ...

    def capabilities(self, raw: bytes, *, profile: str) -> CapabilitiesResult: ...

    def classify_mounts(self, raw: bytes, *, profile: str) -> MountsResult: ...

    def rules(self, *, profile: str | None) -> RulesList: ...

    def close(self) -> None: ...


M = TypeVar("M", bound=BaseModel)


class LocalBackend:
    """The core library, in this process: no server needed."""

    def validate(
        self, raw: bytes, *, profile: str, platform: str, lifecycle: str, bundle: str | None, file_name: str | None
    ) -> ValidationReport:
        with _core_errors():
            return core.validate(
                raw,
                profile=profile,
                platform=platform,
                lifecycle=lifecycle,  # type: ignore[arg-type]  # checked by the core
                bundle=bundle,
                file_name=file_name,
            )

    def normalize(self, raw: bytes, *, profile: str, bundle: str) -> NormalizeResult:
        with _core_errors():
            return core.normalize(raw, profile=profile, bundle=bundle)

    def capability_table(self, *, profile: str) -> CapabilityTable:
        with _core_errors():
            return core.capability_table(profile=profile)

    def capabilities(self, raw: bytes, *, profile: str) -> CapabilitiesResult:
        with _core_errors():
            return core.capabilities(core.load(raw).data, profile=profile)

    def classify_mounts(self, raw: bytes, *, profile: str) -> MountsResult:
        with _core_errors():
            return core.classify_mounts(raw, profile=profile)

    def rules(self, *, profile: str | None) -> RulesList:
        with _core_errors():
            return core.rules(profile)

    def close(self) -> None:
        """Nothing to release."""


@contextmanager
def _core_errors() -> Iterator[None]:
    """Translate the core's exceptions into the backend's."""
    try:
        yield
    except core.DocumentError as exc:
        raise DocumentProblem(str(exc), exc.line, exc.column) from exc
    except core.InvalidSpec as exc:
        raise Refused(exc.report) from exc
    except core.CapabilityError as exc:
        raise BadCapabilities(exc.errors) from exc
    except (core.UnknownProfile, core.UnknownPlatform, core.BadArgument) as exc:
        raise UsageProblem(str(exc)) from exc


class RemoteBackend:
    """A specgate service, through the client package."""

    def __init__(self, client: specgate_client.Client) -> None:
        self._client = client

    def validate(
        self, raw: bytes, *, profile: str, platform: str, lifecycle: str, bundle: str | None, file_name: str | None
    ) -> ValidationReport:
        if bundle is not None:
            # The server never reads the disk; bundle checks only make sense next to the files.
            raise UsageProblem("--bundle checks run in-process only; drop --server to use them")
        return _ask(
            ValidationReport,
            lambda: self._client.validate(raw, profile=profile, platform=platform, lifecycle=lifecycle),
        )

    def normalize(self, raw: bytes, *, profile: str, bundle: str) -> NormalizeResult:
        return _ask(NormalizeResult, lambda: self._client.normalize(raw, profile=profile, bundle=bundle))

    def capability_table(self, *, profile: str) -> CapabilityTable:
        return _ask(CapabilityTable, lambda: self._client.capability_table(profile=profile))

    def capabilities(self, raw: bytes, *, profile: str) -> CapabilitiesResult:
        return _ask(CapabilitiesResult, lambda: self._client.capabilities(raw, profile=profile))

    def classify_mounts(self, raw: bytes, *, profile: str) -> MountsResult:
        return _ask(MountsResult, lambda: self._client.classify_mounts(raw, profile=profile))

    def rules(self, *, profile: str | None) -> RulesList:
        return _ask(RulesList, lambda: self._client.rules(profile=profile))

    def close(self) -> None:
        self._client.close()


def _ask(model: type[M], call: Callable[[], BaseModel]) -> M:
    """The client's answer as the server's model (the client mirrors it), its errors as the backend's."""
    import specgate_client

    try:
        answer = call()
    except specgate_client.APIError as exc:
        raise _api_problem(exc) from exc
    except specgate_client.TransportError as exc:
        raise NotJudged(f"no answer from the service: {exc}") from exc
    except specgate_client.SpecgateError as exc:
        raise NotJudged(str(exc)) from exc
    return model.model_validate(answer.model_dump())


def _api_problem(exc: specgate_client.APIError) -> Exception:
    """The backend's error for a non-2xx answer, chosen by the problem type the server sent."""
    problem = exc.problem
    if exc.status in (401, 403):
        # The same for every file: the run cannot go on without a token the service accepts.
        detail = problem.detail if problem is not None else str(exc)
        return ServiceProblem(f"{exc.status}: {detail}; pass --token (or set SPECGATE_TOKEN) with a token it accepts")
    if problem is None:
        return NotJudged(str(exc))
    kind = problem.type.rsplit(":", 1)[-1]
    extra = problem.model_extra or {}
    if kind.startswith("document-"):
        return DocumentProblem(problem.detail, extra.get("line"), extra.get("column"))
    if kind == "invalid-spec" and exc.report is not None:
        return Refused(ValidationReport.model_validate(exc.report.model_dump()))
    if kind == "capabilities":
        return BadCapabilities([(error.path, error.message) for error in exc.errors])
    if kind in ("unknown-profile", "unknown-platform", "bad-argument", "request-parameters"):
        return UsageProblem(problem.detail)
    if exc.status == 413:
        return NotJudged(f"{exc}; drop --server to judge it in-process")
    return NotJudged(str(exc))
