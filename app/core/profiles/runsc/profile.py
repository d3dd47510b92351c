"""Profile `runsc` (placeholder until its rules land)."""

from __future__ import annotations

from typing import Any, ClassVar

from app.core import capabilities as caps_mod
from app.core.loader import Document
from app.core.profiles.base import CheckOptions, Profile
from app.core.rules import Catalog
from app.models import CapabilitiesResult, CapabilityTable, Finding, MountInfo, PatchOp, SandboxInfo


class RunscProfile(Profile):
    name: ClassVar[str] = "runsc"
    title: ClassVar[str] = "today's gVisor runsc"
    description: ClassVar[str] = "today's gVisor runsc"
    catalog: ClassVar[Catalog] = Catalog("runsc", [])

    def check(self, doc: Document, options: CheckOptions) -> list[Finding]:
        return []

    def sandbox(self, data: dict[str, Any]) -> SandboxInfo:
        return SandboxInfo()

    def capability_table(self) -> CapabilityTable:
        return caps_mod.table(self.name, 40)

    def capability_sets(self, caps: Any, *, base: str = "") -> CapabilitiesResult:
        return caps_mod.sets(caps, profile=self.name, last_cap=40, base=base)

    def classify_mounts(self, data: dict[str, Any]) -> list[MountInfo]:
        return []

    def normalize(self, data: dict[str, Any], bundle: str) -> tuple[dict[str, Any], list[PatchOp]]:
        return data, []
