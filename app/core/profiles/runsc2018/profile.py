"""Profile `runsc-2018`: the 2018 gVisor `runsc/specutils/specutils.go`, reproduced exactly.

ReadSpec decoded the bundle's config.json with json.Unmarshal into specs.Spec, then ran ValidateSpec and
made relative paths absolute; the container start later mapped capability names (Capabilities) and
decided which mounts the gofer serves (Is9PMount, IsSupportedDevMount). The checks here run on the
document as Go decoded it (app.core.gospec) and point back into the submitted document.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from app.core import capabilities as caps_mod
from app.core.gospec import decode, go_view, spec_fields
from app.core.loader import Document
from app.core.normalize import absolutize
from app.core.pointer import split
from app.core.profiles.base import CheckOptions, Profile
from app.core.profiles.runsc2018 import catalog as c
from app.core.profiles.runsc2018.annotations import sandbox_info
from app.core.profiles.runsc2018.capabilities import IGNORED_SETS, LAST_CAP, capability_issues
from app.core.profiles.runsc2018.mounts import classify, dev_mount_issues
from app.core.profiles.runsc2018.validation import validate_spec
from app.core.rules import Catalog, Findings
from app.models import CapabilitiesResult, CapabilityTable, Finding, MountInfo, PatchOp, SandboxInfo

MODEL = "runsc-2018"
"""The specs-go version 2018 runsc was built with (runtime-spec v1.0.x)."""


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
        # Repeated members are rare; only then is the raw text parsed again, to fold them as Go does. 2018 runsc
        # ignored unknown members silently (json.Unmarshal), and no rule here reports them.
        decoded = decode(go_view(doc.raw, doc.data, bool(doc.duplicates)), MODEL, unknown=False)
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
                "silently, later values overwriting earlier ones (objects merged member by member) while other "
                "readers keep only the last; keep one so every reader sees the same spec.",
            )
        spec = decoded.spec
        issues = (*validate_spec(spec), *capability_issues(spec), *dev_mount_issues(spec))
        if not decoded.type_errors and not decoded.renamed:
            for rule, path, message in issues:  # the usual document: every pointer is already the submitted one
                findings.add(rule, path, message)
            return findings.items
        for issue in issues:
            path = decoded.origin(issue.path)
            if not decoded.restates_refusal(path):
                findings.add(issue.rule, path, issue.message)
        return findings.items

    def sandbox(self, data: dict[str, Any]) -> SandboxInfo:
        return sandbox_info(decode(_members(data, "annotations"), MODEL).spec)

    def capability_table(self) -> CapabilityTable:
        return caps_mod.table(self.name, LAST_CAP)

    def capability_sets(self, caps: Any, *, base: str = "") -> CapabilitiesResult:
        return caps_mod.sets(caps, profile=self.name, last_cap=LAST_CAP, ignored_sets=IGNORED_SETS, base=base)

    def classify_mounts(self, data: dict[str, Any]) -> list[MountInfo]:
        return classify(decode(_members(data, "mounts"), MODEL).spec.get("mounts"))

    def normalize(self, data: dict[str, Any], bundle: str) -> tuple[dict[str, Any], list[PatchOp]]:
        decoded = decode(data, MODEL)
        if not decoded.renamed:
            return absolutize(data, bundle)
        # Go matched "Root"/"Path" (or "Mounts"/"Source") to the fields ReadSpec rewrites: rewrite them in place.
        _, canonical_patch = absolutize(decoded.spec, bundle)
        spec = copy.deepcopy(data)
        patch: list[PatchOp] = []
        for op in canonical_patch:
            path = decoded.origin(op.path)
            _replace(spec, path, op.value)
            patch.append(PatchOp(op="replace", path=path, value=op.value))
        return spec, patch


def _replace(doc: dict[str, Any], pointer: str, value: Any) -> None:
    """Set the member or element a pointer names (it exists: the decoder read it from there)."""
    *parents, last = split(pointer)
    node: Any = doc
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _members(data: dict[str, Any], name: str) -> dict[str, Any]:
    """Only the top-level members Go could match to field `name`: decoding them alone is much cheaper."""
    if spec_fields(MODEL).issuperset(data):
        # The usual document spells every member as its field does; distinct field names fold apart, so only the
        # member of that very name can match, found without folding each key.
        return {name: data[name]} if name in data else {}
    return {key: value for key, value in data.items() if key.casefold() == name}
