"""specgate: judges OCI runtime-spec config.json documents the way a real runtime would."""

from __future__ import annotations

__version__ = "0.1.0"
