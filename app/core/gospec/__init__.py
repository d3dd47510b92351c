"""A model of Go's encoding/json decoding of runtime-spec documents (specs-go), as runsc does it."""

from __future__ import annotations

from app.core.gospec.decoder import GoDecoded, TypeMismatch, decode, model_names

__all__ = ["decode", "GoDecoded", "model_names", "TypeMismatch"]
