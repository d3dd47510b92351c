"""The sandbox placement a profile reports for a document (`SandboxInfo`), built cheaply."""

from __future__ import annotations

from typing import Literal

from app.core.rules import construct
from app.models import SandboxInfo

ContainerType = Literal["sandbox", "container"] | None

_SHARED = {
    (kind, creates): construct(SandboxInfo, {"container_type": kind, "creates_sandbox": creates, "sandbox_id": None})
    for kind in ("sandbox", "container", None)
    for creates in (True, False)
}
"""Every placement without a sandbox ID, built once at import: a report never changes its sandbox, so one
instance serves every document that has no CRI sandbox annotation (most of them)."""


def sandbox_info(kind: ContainerType, creates: bool, sandbox_id: str | None) -> SandboxInfo:
    """A `SandboxInfo` of these values (shared when there is no sandbox ID)."""
    if sandbox_id is None:
        return _SHARED[kind, creates]
    return construct(  # every field, in field order: model_construct without its per-field loop
        SandboxInfo, {"container_type": kind, "creates_sandbox": creates, "sandbox_id": sandbox_id}
    )
