"""Errors the client raises.

    SpecgateError                 base class: catch this around any call
     ├── TransportError           the service could not be reached or did not answer in time (wraps httpx.HTTPError)
     └── APIError                 the service answered with a status other than 2xx
                                  (.status, .problem: the RFC 9457 problem details, .body: the parsed JSON)

An invalid spec is not an error: `validate()` returns a report whose `valid` is false.
"""

from __future__ import annotations

from typing import Any

from specgate_client._models import Problem, ProblemError, ValidationReport

__all__ = ["APIError", "SpecgateError", "TransportError"]


class SpecgateError(Exception):
    """Base class of every error the client raises."""


class TransportError(SpecgateError):
    """The request did not get an HTTP answer: connection refused, DNS, TLS, timeout (the cause is chained)."""


class APIError(SpecgateError):
    """The service answered with a non-2xx status; `problem` holds its RFC 9457 problem details when it sent them."""

    def __init__(self, status: int, problem: Problem | None, body: Any = None) -> None:
        self.status = status
        self.problem = problem
        self.body = body
        if problem is not None:
            message = f"{status} {problem.title}: {problem.detail}"
        else:
            message = f"HTTP {status}"
        super().__init__(message)

    @property
    def errors(self) -> list[ProblemError]:
        """Each problem the service listed, with its `path` (a JSON Pointer, or `query.NAME`) and `message`.

        The same objects as `problem.errors`; an empty list when the answer listed none.
        """
        if self.problem is None or not self.problem.errors:
            return []
        return list(self.problem.errors)

    @property
    def report(self) -> ValidationReport | None:
        """The validation report a 422 from /normalize carries (the spec was invalid), else None."""
        if not isinstance(self.body, dict) or "findings" not in self.body:
            return None
        try:
            return ValidationReport.model_validate(self.body)
        except ValueError:
            return None
