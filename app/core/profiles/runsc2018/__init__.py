"""Profile `runsc-2018`: gVisor runsc as of 2018 (specutils.go)."""

from __future__ import annotations

from app.core.profiles.runsc2018.profile import Runsc2018Profile

__all__ = ["Runsc2018Profile"]
