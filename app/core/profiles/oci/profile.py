"""Profile `oci`: conformance to the OCI runtime-spec, aware of the declared ociVersion and the target platform."""

from __future__ import annotations

from operator import itemgetter
from typing import Any, ClassVar

from app.core import capabilities as caps_mod, cri
from app.core.loader import Document
from app.core.normalize import absolutize
from app.core.profiles.base import CheckOptions, Profile
from app.core.profiles.oci import bundle, checks_document, checks_linux, checks_misc, checks_process, checks_resources
from app.core.profiles.oci.catalog import CATALOG
from app.core.profiles.oci.context import Context, arr, obj
from app.core.profiles.oci.platform import PLATFORMS, check as check_platform
from app.core.profiles.oci.versions import release_for
from app.core.rules import Catalog, Findings, construct
from app.models import CapabilitiesResult, CapabilityTable, Finding, MountInfo, PatchOp, SandboxInfo


class OciProfile(Profile):
    name: ClassVar[str] = "oci"
    title: ClassVar[str] = "OCI runtime-spec conformance"
    description: ClassVar[str] = (
        "Conformance to the OCI runtime-spec (v1.0.0 to v1.3.0), judged by the release the document declares in "
        "ociVersion, for the target platform."
    )
    platforms: ClassVar[tuple[str, ...]] = PLATFORMS
    catalog: ClassVar[Catalog] = CATALOG

    def check(self, doc: Document, options: CheckOptions) -> list[Finding]:
        ctx = Context(data=doc.data, judged=release_for(doc.data.get("ociVersion")), options=options)
        checks_document.duplicates(ctx, doc.duplicates)
        checks_document.version(ctx)
        checks_document.schema_layer(ctx)
        check_platform(ctx)
        checks_process.check(ctx)
        checks_misc.check(ctx)
        if ctx.platform in ("linux", "vm") or "linux" in doc.data:
            checks_linux.check(ctx)
            checks_resources.check(ctx)
        if ctx.platform == "zos" or "zos" in doc.data:
            checks_linux.zos(ctx)
        if options.bundle is not None:
            bundle.check(ctx, options.bundle)
        return _unique(ctx.findings)

    def sandbox(self, data: dict[str, Any]) -> SandboxInfo:
        """Informational: what the containerd / CRI-O annotations say (the spec itself has no sandboxes)."""
        annotations = obj(data.get("annotations"))
        kind = annotations.get(cri.CONTAINERD_CONTAINER_TYPE, annotations.get(cri.CRIO_CONTAINER_TYPE))
        sandbox_id = annotations.get(cri.CONTAINERD_SANDBOX_ID, annotations.get(cri.CRIO_SANDBOX_ID))
        container_type = kind if kind in (cri.TYPE_SANDBOX, cri.TYPE_CONTAINER) else None
        # Trusted values of the declared types (construct skips pydantic's validation, which would accept them).
        return construct(
            SandboxInfo,
            {
                "container_type": container_type,
                "creates_sandbox": container_type != cri.TYPE_CONTAINER,
                "sandbox_id": sandbox_id if isinstance(sandbox_id, str) and sandbox_id else None,
            },
        )

    def capability_table(self) -> CapabilityTable:
        return caps_mod.table(self.name, 40)

    def capability_sets(self, caps: Any, *, base: str = "") -> CapabilitiesResult:
        return caps_mod.sets(caps, profile=self.name, last_cap=40, base=base)

    def classify_mounts(self, data: dict[str, Any]) -> list[MountInfo]:
        """Bind mounts (options bind/rbind) versus filesystem mounts of the named type; the spec has no gofer."""
        result: list[MountInfo] = []
        for index, mount in enumerate(arr(data.get("mounts"))):
            if not isinstance(mount, dict):
                result.append(
                    MountInfo(index=index, category="invalid", gofer=False, reasons=["the entry is not an object"])
                )
                continue
            dest, kind, source = (mount.get(k) for k in ("destination", "type", "source"))
            options = arr(mount.get("options"))
            if not isinstance(dest, str):
                category, reasons = "invalid", ["destination is missing or not a string (REQUIRED)"]
            elif "bind" in options or "rbind" in options:
                opt = "rbind" if "rbind" in options else "bind"
                category, reasons = "bind", [f"options contain {opt!r}: a bind mount of source onto destination"]
            else:
                category = "oci"
                reasons = [
                    f"a {kind} filesystem mount"
                    if isinstance(kind, str) and kind
                    else "no type and no bind option: the runtime cannot tell what to mount"
                ]
            result.append(
                MountInfo(
                    index=index,
                    destination=dest if isinstance(dest, str) else None,
                    type=kind if isinstance(kind, str) else None,
                    source=source if isinstance(source, str) else None,
                    category=category,
                    gofer=False,
                    reasons=reasons,
                )
            )
        return result

    def normalize(self, data: dict[str, Any], bundle: str) -> tuple[dict[str, Any], list[PatchOp]]:
        return absolutize(data, bundle)


_RULE_AND_PATH = itemgetter(0, 2)


def _unique(collected: Findings) -> list[Finding]:
    """One finding per rule and pointer: the schema and a semantic check may see the same problem."""
    findings = collected.items
    if len(set(map(_RULE_AND_PATH, collected.entries))) == len(findings):
        return findings  # no pair twice (the usual case), told by one C-level pass
    seen: set[tuple[str, str]] = set()
    out: list[Finding] = []
    for finding in findings:
        key = (finding.rule, finding.path)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
