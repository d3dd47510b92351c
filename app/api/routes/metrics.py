"""GET /metrics: Prometheus exposition of app/metrics.py."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from app import metrics

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description=(
        "Requests by route, method, status and profile; latency histogram (1 ms .. 10 s); verdicts; findings by "
        "rule and severity; admission outcomes; requests in flight; build info. Added up over every worker "
        "process when the server runs several. Prometheus text format, or OpenMetrics when the scraper asks for "
        "it. Never needs a token."
    ),
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "The metrics."}},
)
async def prometheus_metrics(request: Request) -> Response:
    accept = request.headers.get("accept")
    if metrics.multiprocess_dir() is None:
        body, content_type = metrics.exposition(accept)
    else:
        # Collecting reads every worker's files: not on the event loop.
        body, content_type = await run_in_threadpool(metrics.exposition, accept)
    return Response(body, media_type=content_type)
