"""Vendored OCI runtime-spec JSON Schemas, one folder per release tag (package data; see SOURCE.md)."""
