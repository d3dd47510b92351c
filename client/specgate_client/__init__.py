"""Thin httpx client for the specgate service (placeholder until the client lands)."""

from __future__ import annotations

__version__ = "0.1.0"
