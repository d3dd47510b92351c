"""Profile `runsc-2018`: the 2018 gVisor `runsc/specutils/specutils.go`, reproduced exactly.

ReadSpec decoded the bundle's config.json with json.Unmarshal into specs.Spec, then ran ValidateSpec and
made relative paths absolute; the container start later mapped capability names (Capabilities) and
decided which mounts the gofer serves (Is9PMount, IsSupportedDevMount). The checks here run on the
document as Go decoded it (app.core.gospec) and point back into the submitted document.
"""

from __future__ import annotations

from typing import Any, ClassVar

from app.core import capabilities as caps_mod
from app.core.gospec import GoDecoded, decode
from app.core.loader import Document
from app.core.normalize import absolutize
from app.core.pointer import ptr, split
from app.core.profiles.base import CheckOptions, Profile
from app.core.profiles.runsc2018 import catalog as c
from app.core.profiles.runsc2018.annotations import sandbox_info
from app.core.profiles.runsc2018.capabilities import IGNORED_SETS, LAST_CAP, capability_issues
from app.core.profiles.runsc2018.mounts import classify
from app.core.profiles.runsc2018.validation import validate_spec
from app.core.rules import Catalog, Findings
from app.models import CapabilitiesResult, CapabilityTable, Finding, MountInfo, PatchOp, SandboxInfo

MODEL = "runsc-2018"
"""The specs-go version 2018 runsc was built with (runtime-spec v1.0.x)."""

_STRUCT_POINTERS: tuple[tuple[str, ...], ...] = (
    ("process",),
    ("process", "capabilities"),
    ("root",),
    ("solaris",),
    ("windows",),
    ("linux",),
    ("linux", "seccomp"),
)
"""Pointer-to-struct fields the seed tests against nil, parents first."""


class Runsc2018Profile(Profile):
    name: ClassVar[str] = "runsc-2018"
    title: ClassVar[str] = "gVisor runsc as of 2018 (specutils.go)"
    description: ClassVar[str] = (
        "Exactly what the 2018 gVisor runsc/specutils/specutils.go accepts and refuses: ValidateSpec, "
        "the 38 capability names, Is9PMount/IsSupportedDevMount, the containerd sandbox annotations "
        "and ReadSpec's path normalization."
    )
    catalog: ClassVar[Catalog] = c.CATALOG

    def check(self, doc: Document, options: CheckOptions) -> list[Finding]:
        decoded = decode(doc.data, MODEL)
        findings = Findings(self.catalog)
        for mismatch in decoded.type_errors:
            findings.add(
                c.JSON_INVALID,
                mismatch.pointer,
                f"{mismatch.message}: 2018 runsc refuses the spec (error unmarshaling spec); "
                f"give this member a value of Go type {mismatch.expected}.",
            )
        for pointer in doc.duplicates:
            findings.add(
                c.JSON_DUPLICATE,
                pointer,
                f"member {split(pointer)[-1]!r} occurs more than once in its object: Go's decoder accepts this "
                "silently and later values overwrite earlier ones; keep one so every reader sees the same spec.",
            )
        spec = _go_view(decoded)
        for issue in (*validate_spec(spec), *capability_issues(spec)):
            path = decoded.origin(issue.path)
            if not _follows_from_refusal(path, decoded):
                findings.add(issue.rule, path, issue.message)
        return findings.items

    def sandbox(self, data: dict[str, Any]) -> SandboxInfo:
        return sandbox_info(decode(data, MODEL).spec)

    def capability_table(self) -> CapabilityTable:
        return caps_mod.table(self.name, LAST_CAP)

    def capability_sets(self, caps: Any, *, base: str = "") -> CapabilitiesResult:
        return caps_mod.sets(caps, profile=self.name, last_cap=LAST_CAP, ignored_sets=IGNORED_SETS, base=base)

    def classify_mounts(self, data: dict[str, Any]) -> list[MountInfo]:
        return classify(decode(data, MODEL).spec.get("mounts"))

    def normalize(self, data: dict[str, Any], bundle: str) -> tuple[dict[str, Any], list[PatchOp]]:
        return absolutize(data, bundle)


def _follows_from_refusal(path: str, decoded: GoDecoded) -> bool:
    """True when an issue only restates a type mismatch already reported.

    That is the case below a refused value (`"process": 5` has no args because it is not an object) and
    at a refused string, which Go reads as "" (an empty capability name, an empty destination).
    """
    for mismatch in decoded.type_errors:
        if path.startswith(mismatch.pointer + "/") or (path == mismatch.pointer and mismatch.expected == "string"):
            return True
    return False


def _go_view(decoded: GoDecoded) -> dict[str, Any]:
    """The canonical spec, with a refused pointer-to-struct member back as an empty struct.

    Go allocates the struct before it finds that the JSON value has the wrong type, so `"process": 5`
    leaves a non-nil, empty Process: the seed then complains about process.args, not about process.
    """
    spec = decoded.spec
    refused = {mismatch.pointer for mismatch in decoded.type_errors}
    if not refused:
        return spec
    spec = dict(spec)
    for tokens in _STRUCT_POINTERS:
        if decoded.origin(ptr(*tokens)) not in refused:
            continue
        parent = spec
        for token in tokens[:-1]:
            child = parent.get(token)
            if not isinstance(child, dict):
                break
            copied = dict(child)  # copy on the way down: the decoded spec may be the caller's document
            parent[token] = copied
            parent = copied
        else:
            parent.setdefault(tokens[-1], {})
    return spec
