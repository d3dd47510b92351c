"""Settings of the HTTP service, read from SPECGATE_* environment variables at the edge only."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What an operator can tune without touching code."""

    model_config = SettingsConfigDict(env_prefix="SPECGATE_", env_ignore_empty=True, extra="ignore")

    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1,
        description="Largest request body accepted, in bytes; larger ones get 413. A config.json with an embedded "
        "seccomp profile is tens of KiB, so 1 MiB leaves ample room.",
    )
    inline_bytes: int = Field(
        default=64 * 1024,
        ge=0,
        description="Documents up to this size are judged on the event loop; larger ones in a worker thread, "
        "so that probes stay answered while a big document is judged.",
    )
    docs: bool = Field(default=True, description="Serve /docs, /redoc and /openapi.json.")
    warm_up: bool = Field(default=True, description="Judge a small document with every profile at startup.")
