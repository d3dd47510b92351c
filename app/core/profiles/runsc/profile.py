"""Profile `runsc`: today's gVisor runsc (runsc-rules.md, runsc-mounts.md).

The checks run on the document as Go decodes it (app.core.gospec, model "runsc": specs-go v1.2.x),
and their pointers are translated back into the submitted document.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any, ClassVar, Literal

# Imported by its full name: mypyc resolves `from ... import annotations` to the __future__ feature of that name.
import app.core.profiles.runsc.annotations as notes_mod
from app.core import capabilities as caps_mod, cri
from app.core.gospec import decode, decode_field, go_view
from app.core.loader import Document
from app.core.normalize import absolutize
from app.core.pointer import ptr, split
from app.core.profiles.base import CheckOptions, Profile
from app.core.profiles.runsc import (
    checks_linux,
    checks_process,
    mounts as mounts_mod,
    nvidia,
    seccomp,
)
from app.core.profiles.runsc.catalog import CATALOG
from app.core.profiles.runsc.hints import MountHint, pod_mount_hints, rootfs_hint
from app.core.profiles.runsc.view import string_annotations as read_annotations
from app.core.rules import Catalog, Findings
from app.core.sandbox import sandbox_info
from app.models import CapabilitiesResult, CapabilityTable, Finding, MountInfo, PatchOp, SandboxInfo

MODEL = "runsc"
LAST_CAP = 40
DROPPED = frozenset({"CAP_NET_RAW"})


class RunscProfile(Profile):
    name: ClassVar[str] = "runsc"
    title: ClassVar[str] = "today's gVisor runsc"
    description: ClassVar[str] = (
        "What today's gVisor runsc accepts, warns about and refuses with default flags: ValidateSpec, "
        "fixSpec and the annotation overrides, capabilities (41 names, CAP_NET_RAW dropped), env, rlimits, "
        "OCI seccomp, sysctls, devices, hooks and how each mount is served (gofer, sentry, skipped)."
    )
    catalog: ClassVar[Catalog] = CATALOG

    def check(self, doc: Document, options: CheckOptions) -> list[Finding]:
        # Repeated members are rare; only then is the raw text parsed again, to fold them as Go does.
        decoded = decode(go_view(doc.raw, doc.data, bool(doc.duplicates)), MODEL)
        out = Findings(self.catalog)
        for mismatch in decoded.type_errors:
            out.add(
                "RUNSC-JSON-INVALID",
                mismatch.pointer,
                f"error unmarshaling spec: {mismatch.message}: runsc refuses the whole spec; give this member a "
                f"value of Go type {mismatch.expected}",
            )
        for pointer in decoded.unknown:
            out.add(
                "RUNSC-JSON-UNKNOWN",
                pointer,
                f"OCI spec contains fields unknown to runsc: {split(pointer)[-1]!r} is ignored; check its spelling "
                "against the runtime-spec (runsc understands runtime-spec up to v1.2.1)",
            )
        for pointer in doc.duplicates:
            out.add(
                "RUNSC-JSON-DUPLICATE",
                pointer,
                f"member {split(pointer)[-1]!r} occurs more than once in its object: Go's decoder accepts this "
                "silently and the later value wins (objects are merged member by member); keep only one so every "
                "reader sees the same spec",
            )
        rules = Findings(self.catalog)
        run_rules(decoded.spec, rules)
        if not decoded.type_errors and not decoded.renamed:
            out.entries.extend(rules.entries)  # the usual document: every pointer is already the submitted one
            return out.items
        for rule, severity, path, message in rules.entries:
            path = decoded.origin(path)
            if not decoded.restates_refusal(path):
                out.add(rule, path, message, severity=severity)
        return out.items

    def sandbox(self, data: dict[str, Any]) -> SandboxInfo:
        # Only the annotations matter here: decode just the members Go would read into them.
        notes: dict[str, str] = decode_field(data, MODEL, "annotations").spec.get("annotations") or {}
        value, _ = notes_mod.container_type(notes)
        kind: Literal["sandbox", "container"] | None = (
            "sandbox" if value == cri.TYPE_SANDBOX else "container" if value == cri.TYPE_CONTAINER else None
        )
        return sandbox_info(kind, value != cri.TYPE_CONTAINER, notes_mod.sandbox_id(notes))

    def capability_table(self) -> CapabilityTable:
        return caps_mod.table(self.name, LAST_CAP)

    def capability_sets(self, caps: Any, *, base: str = "") -> CapabilitiesResult:
        return caps_mod.sets(caps, profile=self.name, last_cap=LAST_CAP, dropped=DROPPED, base=base)

    def classify_mounts(self, data: dict[str, Any]) -> list[MountInfo]:
        spec = decode(data, MODEL).spec
        hints = pod_mount_hints(read_annotations(spec))
        return [
            MountInfo(
                index=m.index,
                destination=_member(data, m.index, "destination"),
                type=_member(data, m.index, "type"),
                source=_member(data, m.index, "source"),
                category=m.category,
                gofer=m.gofer,
                reasons=m.reasons,
            )
            for m in (mounts_mod.classify(m, hints) for m in mounts_mod.read_mounts(spec))
        ]

    def normalize(self, data: dict[str, Any], bundle: str) -> tuple[dict[str, Any], list[PatchOp]]:
        spec, patch = absolutize(data, bundle)
        key = notes_mod.seccomp_runtime_default_key(read_annotations(spec))
        linux = spec.get("linux")
        if key is not None and isinstance(linux, dict) and linux.get("seccomp") is not None:
            del linux["seccomp"]
            patch.append(PatchOp(op="remove", path=ptr("linux", "seccomp")))
        return spec, patch


def run_rules(spec: dict[str, Any], out: Findings) -> None:
    """Every document rule of the profile, on the spec as Go decoded it (every value of its Go type, or null).

    A check that reads one section only runs when the section is there: one lookup here instead of a call that
    finds nothing.
    """
    notes: dict[str, str] = spec.get("annotations") or {}  # map[string]string: only strings survive decoding
    process: dict[str, Any] | None = spec.get("process")
    linux: dict[str, Any] | None = spec.get("linux")
    # A. ValidateSpec, in its order.
    checks_process.check_required(spec, out)
    checks_linux.check_sections(spec, out)
    if process is not None:
        checks_process.check_security_labels(process, out)
    if linux is not None:
        checks_linux.check_rootfs_propagation(linux, out)
    boot = mounts_mod.check_mounts(spec, out)  # the sentry's mount findings come last (G)
    hints: dict[str, MountHint] = {}
    rootfs: dict[str, str] | None = None
    oci_seccomp = False
    runtime_default: str | None = None
    if any(map(str.startswith, notes, repeat(notes_mod.GVISOR_PREFIX))):
        notes_mod.check_rootfs_tar(spec, notes, out)
        notes_mod.check_cri(notes, out)
        # C. Annotations (fixSpec / FixConfig).
        notes_mod.check_bundles(notes, out)
        oci_seccomp = notes_mod.check_flags(notes, out).oci_seccomp
        notes_mod.check_other(notes, out)
        hints = pod_mount_hints(notes, out)
        rootfs = rootfs_hint(notes, out)
        runtime_default = notes_mod.seccomp_runtime_default_key(notes)
    elif notes:
        # Every annotation runsc reads for itself starts with dev.gvisor.: without one, section C and the rootfs
        # tar have nothing to read, and only the CRI's own annotations remain.
        notes_mod.check_cri(notes, out)
    # D. Process.
    if process is not None:
        checks_process.check_capabilities(process, out)
        checks_process.check_env(process, out)
        checks_process.check_rlimits(process, out)
        checks_process.check_run_cwd(process, out)
    checks_process.check_ignored(process, linux, out)
    if linux is not None:
        # E. Seccomp.
        seccomp.check(linux, oci_seccomp, runtime_default, out)
        # F. Linux.
        checks_linux.check_userns(linux, out)
        root_container = notes_mod.container_type(notes)[0] != cri.TYPE_CONTAINER
        checks_linux.check_sysctl(linux, out, root_container=root_container)
        checks_linux.check_ignored_linux(linux, out)
        checks_linux.check_devices(linux, out)
    hooks = spec.get("hooks")
    if hooks is not None:
        rootfs_type = (rootfs or {}).get("type", "")
        checks_linux.check_hooks(hooks, rootfs_type, out)
        nvidia.check(spec, rootfs_type, out)
    # G. Mounts inside the sentry.
    out.entries.extend(boot)
    if hints:  # the usual spec has no pod mount hints, so nothing is shared
        mounts_mod.check_shared(mounts_mod.read_mounts(spec), hints, out)


def _member(data: dict[str, Any], index: int, key: str) -> str | None:
    """A mount member as submitted, when it is a string."""
    entries = data.get("mounts")
    if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
        value = entries[index].get(key)
        if isinstance(value, str):
            return value
    return None
