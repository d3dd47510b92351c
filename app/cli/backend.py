"""Where the CLI gets its answers: the core library in-process, or a specgate service through the client.

Both backends return the same wire models and raise the same few errors, so everything after
them (reporters, exit codes) cannot tell which one ran: the output is identical either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from app import core
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


class DocumentProblem(Exception):
    """The input is not a JSON object; `line`/`column` say where, when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(message)


class UsageProblem(Exception):
    """An argument is unusable (unknown profile or platform, relative bundle): exit 2."""


class Refused(Exception):
    """/normalize refused an invalid spec; `report` says why."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(f"the spec is invalid for profile {report.profile!r}")


class BadCapabilities(Exception):
    """Capability sets name unknown capabilities or have the wrong shape: (pointer, message) each."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors))


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


class _core_errors:
    """Translate the core's exceptions into the backend's."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if exc is None:
            return
        if isinstance(exc, core.DocumentError):
            raise DocumentProblem(str(exc), exc.line, exc.column) from exc
        if isinstance(exc, core.InvalidSpec):
            raise Refused(exc.report) from exc
        if isinstance(exc, core.CapabilityError):
            raise BadCapabilities(exc.errors) from exc
        if isinstance(exc, (core.UnknownProfile, core.UnknownPlatform, core.BadArgument)):
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
        with _api_errors():
            answer = self._client.validate(raw, profile=profile, platform=platform, lifecycle=lifecycle)
        return ValidationReport.model_validate(answer.model_dump())

    def normalize(self, raw: bytes, *, profile: str, bundle: str) -> NormalizeResult:
        with _api_errors():
            answer = self._client.normalize(raw, profile=profile, bundle=bundle)
        return NormalizeResult.model_validate(answer.model_dump())

    def capability_table(self, *, profile: str) -> CapabilityTable:
        with _api_errors():
            answer = self._client.capability_table(profile=profile)
        return CapabilityTable.model_validate(answer.model_dump())

    def capabilities(self, raw: bytes, *, profile: str) -> CapabilitiesResult:
        with _api_errors():
            answer = self._client.capabilities(raw, profile=profile)
        return CapabilitiesResult.model_validate(answer.model_dump())

    def classify_mounts(self, raw: bytes, *, profile: str) -> MountsResult:
        with _api_errors():
            answer = self._client.classify_mounts(raw, profile=profile)
        return MountsResult.model_validate(answer.model_dump())

    def rules(self, *, profile: str | None) -> RulesList:
        with _api_errors():
            answer = self._client.rules(profile=profile)
        return RulesList.model_validate(answer.model_dump())

    def close(self) -> None:
        self._client.close()


class ServiceProblem(Exception):
    """The service could not be reached or answered with an error the CLI cannot turn into a finding: exit 2."""


class _api_errors:
    """Translate the client's exceptions into the backend's, using the problem type the server sent."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        import specgate_client

        if exc is None or not isinstance(exc, specgate_client.SpecgateError):
            return
        if not isinstance(exc, specgate_client.APIError) or exc.problem is None:
            raise ServiceProblem(str(exc)) from exc
        problem = exc.problem
        kind = problem.type.rsplit(":", 1)[-1]
        extra = problem.model_extra or {}
        if kind.startswith("document-"):
            raise DocumentProblem(problem.detail, extra.get("line"), extra.get("column")) from exc
        if kind == "invalid-spec" and exc.report is not None:
            raise Refused(ValidationReport.model_validate(exc.report.model_dump())) from exc
        if kind == "capabilities":
            raise BadCapabilities(exc.errors) from exc
        if kind in ("unknown-profile", "unknown-platform", "bad-argument", "request-parameters"):
            raise UsageProblem(problem.detail) from exc
        raise ServiceProblem(str(exc)) from exc
