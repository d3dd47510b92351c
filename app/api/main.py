"""The API's routers, one per resource, in the order their routes are matched."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routes import (
    admission,
    capabilities,
    health,
    metrics,
    mounts,
    normalize,
    profiles,
    rules,
    translate,
    validate,
)

api_routers: list[APIRouter] = [
    validate.router,
    normalize.router,
    capabilities.router,
    mounts.router,
    rules.router,
    admission.router,
    translate.router,
    profiles.router,
    health.router,
    metrics.router,
]
"""Included into the app one by one: every level of nested routers is walked again on each request."""
