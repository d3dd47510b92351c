"""POST /admission: the Kubernetes validating admission webhook."""

from __future__ import annotations

import logging
import re
import time
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from app import metrics
from app.api.deps import read_document
from app.api.errors import problem_responses
from app.api.examples import admission_body
from app.config import Settings
from app.core.kube.admission import Gate, Verdict, answer, parse_review
from app.models import AdmissionReviewResponse

router = APIRouter(tags=["kubernetes"])
logger = logging.getLogger("specgate.admission")

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def go_duration(text: str | None) -> float | None:
    """Seconds in a Go duration such as `10s` or `1m30s` (client-go's `?timeout=`); None when unreadable."""
    if not text:
        return None
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        return None
    return sum(float(number) * _SECONDS[unit] for number, unit in parts)


TimeoutQuery = Annotated[
    str | None,
    Query(
        description="The apiserver's deadline for this call, a Go duration such as `10s` (client-go adds it from "
        "the webhook's `timeoutSeconds`). Accepted and logged when exceeded; judging takes milliseconds.",
        examples=["10s"],
    ),
]


def _log(verdict: Verdict, uid: str, seconds: float, budget: float | None) -> None:
    if budget is not None and seconds > budget:
        logger.warning(
            "admission %s of %s took %.3fs, over the apiserver's %.3fs", uid, verdict.subject, seconds, budget
        )
    if verdict.decision in ("deny", "error", "would-deny"):
        # Wording follows the action: an audit-mode refusal is logged as what it is, a would-deny (gatekeeper#2420).
        rules = verdict.audit_annotations.get("rules", "")
        logger.warning("admission %s: %s %s (%s): %s", uid, verdict.decision, verdict.subject, rules, verdict.message)


def _count(verdict: Verdict) -> None:
    if not verdict.allowed:
        outcome: metrics.AdmissionOutcome = "denied"
    elif verdict.decision == "would-deny":
        outcome = "would-deny"
    else:
        outcome = "allowed"
    metrics.observe_admission(outcome, verdict.profile or "none")
    metrics.observe_findings(verdict.findings)


@router.post(
    "/admission",
    summary="Admit or refuse a Pod or workload (AdmissionReview)",
    description=(
        "The validating admission webhook. An `admission.k8s.io/v1` (or `v1beta1`) AdmissionReview in, an "
        "AdmissionReview out, in the same apiVersion and with `response.uid` echoed.\n\n"
        "CREATE and UPDATE of Pods (also the `ephemeralcontainers` subresource: only the added ephemeral "
        "containers are judged) and of every workload kind (Deployment, StatefulSet, DaemonSet, ReplicaSet, "
        "ReplicationController, Job, CronJob, PodTemplate) are translated into the config.json each container "
        "would get and judged with the profile mapped to the Pod's `runtimeClassName` (SPECGATE_RUNTIME_CLASSES). "
        "A refusal is `allowed: false` with `status.code` 403 and a message naming the object, the container, "
        "the Pod field and the rule; every finding is also a warning. DELETE, CONNECT, other subresources, "
        "other kinds, exempt namespaces and unmapped runtime classes are admitted untouched.\n\n"
        "A well-formed review is always answered with HTTP 200, whatever the verdict: the verdict is in the "
        "body. A body that is not an AdmissionReview gets 400. With `dryRun` the answer is the same, and "
        "nothing is logged or counted in the metrics."
    ),
    response_model=AdmissionReviewResponse,
    response_description="The AdmissionReview reply.",
    responses=problem_responses(400, 413, 415),
    openapi_extra=admission_body(),
)
async def admission(request: Request, timeout: TimeoutQuery = None) -> Response:
    """Admit or refuse a Pod or workload."""
    # No FastAPI dependency and no thread hop for a review of normal size: each would cost more than parsing it.
    started = time.perf_counter()
    settings: Settings = request.app.state.settings
    # The apiserver owns the query string: whatever it holds, a well-formed review gets its answer.
    raw = await read_document(
        request,
        limit=settings.admission_max_body_bytes,
        limit_name="SPECGATE_ADMISSION_MAX_BODY_BYTES",
        check_query=False,
    )
    gate: Gate = request.app.state.kube_gate
    review = parse_review(raw)
    if len(raw) <= settings.inline_bytes:
        verdict = gate.decide(review.request)
    else:
        verdict = await run_in_threadpool(gate.decide, review.request)
    if not review.request.dryRun:  # a dry run leaves no trace: not in the logs, not in the metrics
        _log(verdict, review.request.uid, time.perf_counter() - started, go_duration(timeout))
        _count(verdict)
    return Response(orjson.dumps(answer(review, verdict)), media_type="application/json")
