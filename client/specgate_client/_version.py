"""The version of the client distribution (read by hatch and sent in the User-Agent)."""

from __future__ import annotations

__version__ = "0.1.0"
