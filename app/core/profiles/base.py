"""What every profile provides. A profile is an independent rule set that judges as one runtime (or the spec) does."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from app.core.loader import Document
from app.core.rules import Catalog
from app.models import CapabilitiesResult, CapabilityTable, Finding, MountInfo, PatchOp, SandboxInfo

Lifecycle = Literal["create", "start"]


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """How to judge a document, beyond the document itself."""

    platform: str = "linux"
    lifecycle: Lifecycle = "create"
    """`start`: the container is to be started, so `process` is required (OCI-PROC-REQ-START)."""
    bundle: str | None = None
    """Bundle directory for bundle-mode checks (library and CLI only; the HTTP server never sets it)."""
    file_name: str | None = None
    """Name of the file the document was read from, for bundle-mode checks."""


class Profile(abc.ABC):
    """A rule set plus the runtime behaviours that go with it: capabilities, mount classification, normalization."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    platforms: ClassVar[tuple[str, ...]] = ("linux",)
    catalog: ClassVar[Catalog]
    source: ClassVar[str] = "built-in"
    """Where the rules come from: `built-in`, or the features document a profile was made from."""

    @abc.abstractmethod
    def check(self, doc: Document, options: CheckOptions) -> list[Finding]:
        """Every finding for the document, all at once."""

    @abc.abstractmethod
    def sandbox(self, data: dict[str, Any]) -> SandboxInfo:
        """Sandbox placement from the CRI annotations, as the runtime reads them."""

    @abc.abstractmethod
    def capability_table(self) -> CapabilityTable:
        """Every capability name the profile accepts, with its number."""

    @abc.abstractmethod
    def capability_sets(self, caps: Any, *, base: str = "") -> CapabilitiesResult:
        """Map an OCI `process.capabilities` object to names and masks.

        Raises:
            CapabilityError: a set is not a list of strings or names an unknown capability
                (each with its pointer, below `base`).
        """

    @abc.abstractmethod
    def classify_mounts(self, data: dict[str, Any]) -> list[MountInfo]:
        """How the runtime would serve each entry of `mounts`."""

    @abc.abstractmethod
    def normalize(self, data: dict[str, Any], bundle: str) -> tuple[dict[str, Any], list[PatchOp]]:
        """The spec as the runtime holds it after reading the bundle (ReadSpec), and the RFC 6902 patch to get there.

        `data` is not modified.
        """
