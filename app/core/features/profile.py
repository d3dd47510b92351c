"""Profile `features:<name>`: a config judged against what one runtime's features document says it recognizes."""

from __future__ import annotations

from typing import Any, ClassVar

# By its full name: app.core also exports a function `capabilities`, and a cold mypyc build (tools/compile_core.py)
# resolves `from app.core import capabilities` to that function here.
import app.core.capabilities as caps_mod
from app.core.errors import CapabilityError
from app.core.features import catalog, checks
from app.core.features.document import FeaturesDocument
from app.core.loader import Document
from app.core.normalize import absolutize
from app.core.pointer import join
from app.core.profiles.base import CheckOptions, Profile
from app.core.profiles.oci.profile import OciProfile
from app.core.rules import Findings
from app.models import CapabilitiesResult, CapabilityInfo, CapabilityTable, Finding, MountInfo, PatchOp, SandboxInfo

_OCI = OciProfile()


class FeaturesProfile(Profile):
    """Judges only what the features document describes; combine it with `oci` for the spec's own rules."""

    features: ClassVar[FeaturesDocument]
    source: ClassVar[str]

    def check(self, doc: Document, options: CheckOptions) -> list[Finding]:
        out = Findings(self.catalog)
        checks.check(doc.data, self.features, out)
        return out.items

    def sandbox(self, data: dict[str, Any]) -> SandboxInfo:
        return _OCI.sandbox(data)

    def capability_table(self) -> CapabilityTable:
        known = self.features.linux_list("capabilities")
        names = [n for n in caps_mod.ALL_NAMES if known is None or n in known]
        return CapabilityTable(
            profile=self.name,
            capabilities=[CapabilityInfo(name=n, number=caps_mod.NUMBERS[n]) for n in names],
            last_cap=max((caps_mod.NUMBERS[n] for n in names), default=-1),
        )

    def capability_sets(self, caps: Any, *, base: str = "") -> CapabilitiesResult:
        result = caps_mod.sets(caps, profile=self.name, last_cap=len(caps_mod.ALL_NAMES) - 1, base=base)
        known = self.features.linux_list("capabilities")
        if known is not None and isinstance(caps, dict):
            unknown = [
                (join(base, set_name, index), f"the runtime does not recognize the capability {name!r}")
                for set_name in caps_mod.SET_NAMES
                for index, name in enumerate(caps.get(set_name) or [])
                if name not in known
            ]
            if unknown:
                raise CapabilityError(unknown)
        return result

    def classify_mounts(self, data: dict[str, Any]) -> list[MountInfo]:
        return _OCI.classify_mounts(data)

    def normalize(self, data: dict[str, Any], bundle: str) -> tuple[dict[str, Any], list[PatchOp]]:
        return absolutize(data, bundle)


def make_profile(features: FeaturesDocument) -> FeaturesProfile:
    """The profile of one features document (a class of its own, since a profile's name and catalog are per class)."""
    runtime = features.data.get("annotations") or {}
    # runc writes org.opencontainers.runc.version beside io.github.seccomp.libseccomp.version: the runtime's own.
    version = next(
        (v for k, v in runtime.items() if k.endswith(".version") and "seccomp" not in k and isinstance(v, str)), None
    )
    described = f" ({version})" if version else ""
    attributes: dict[str, Any] = {
        "name": features.name,
        "title": f"Runtime features {features.name.removeprefix('features:')}{described}",
        "description": (
            f"What the runtime described by {features.source} recognizes (OCI {features.data['ociVersionMin']} to "
            f"{features.data['ociVersionMax']}): hooks, mount options, namespaces, capabilities, cgroup managers, "
            "seccomp vocabulary, security modules and unsafe annotations. Only what the document describes is "
            "judged; combine it with profile `oci` for the spec's own rules."
        ),
        "platforms": ("linux",),
        "catalog": catalog.catalog(features.name),
        "features": features,
        "source": features.source,
    }
    cls = type(f"FeaturesProfile[{features.name}]", (FeaturesProfile,), attributes)
    profile: FeaturesProfile = cls()
    return profile
