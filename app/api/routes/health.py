"""GET /healthz and /readyz: liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from app import lifecycle
from app.models import Health

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="Liveness probe",
    description="200 while the process is alive; it checks nothing else.",
    response_description="The process is alive.",
    response_model_exclude_unset=True,
)
async def healthz() -> Health:
    """Answer while the process is alive."""
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness probe",
    description="200 once every profile has judged a document at startup (validators compiled), 503 before, "
    "and 503 again from the moment the process got SIGTERM (it is shutting down).",
    response_description="Ready, with the profiles that can be used.",
    responses={503: {"model": Health, "description": "Not ready yet, or shutting down."}},
)
async def readyz(request: Request, response: Response) -> Health:
    """Answer 200 once the profiles are warmed up, 503 before."""
    profiles: list[str] | None = getattr(request.app.state, "ready_profiles", None)
    if lifecycle.shutting_down():
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="shutting down")  # SIGTERM: traffic must move to other replicas
    if profiles is None:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="not ready")
    return Health(status="ready", profiles=profiles)
