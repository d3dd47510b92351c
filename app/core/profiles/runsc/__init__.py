"""Profile `runsc`: today's gVisor runsc."""

from __future__ import annotations

from app.core.profiles.runsc.profile import RunscProfile

__all__ = ["RunscProfile"]
