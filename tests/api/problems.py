"""Assertions on RFC 9457 problem responses."""

from __future__ import annotations

from typing import Any

import httpx
import httpx2

from app.models import Problem


def assert_problem(response: httpx.Response | httpx2.Response, status: int) -> dict[str, Any]:
    """The response is a problem+json with this status and the four RFC 9457 members; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == "application/problem+json"
    body: dict[str, Any] = response.json()
    Problem.model_validate(body)
    assert body["status"] == status
    assert body["type"].startswith("urn:specgate:problem:"), "one type scheme for every status, never about:blank"
    assert body["title"]
    assert len(body["detail"]) > 10, "the detail must say what is wrong"
    return body
