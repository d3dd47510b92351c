"""Imported first by `app.core`: a compiled module older than its source, or every one with SPECGATE_NATIVE=0, is
then loaded from its source (app/core/native.py). A module apart so that tools/compile_core.py can read the module
list without activating anything."""

from __future__ import annotations

from app.core.native import activate

ROUTED = activate()
"""The compiled modules this process runs from source (stale, or all of them with SPECGATE_NATIVE=0)."""
