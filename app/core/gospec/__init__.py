"""A model of Go's encoding/json decoding of runtime-spec documents (specs-go), as runsc does it."""

from __future__ import annotations

from app.core.gospec.decoder import GoDecoded, TypeMismatch, decode, decode_field, model_names, spec_fields
from app.core.gospec.duplicates import go_view

__all__ = ["decode", "decode_field", "go_view", "GoDecoded", "model_names", "spec_fields", "TypeMismatch"]
