"""Profile `oci`: OCI runtime-spec conformance."""

from __future__ import annotations

from app.core.profiles.oci.profile import OciProfile

__all__ = ["OciProfile"]
