"""The runtime-spec JSON Schemas of every release, loaded from package data with the upstream bugs fixed in memory.

One draft-04 validator is compiled per release, lazily and once. The vendored files stay byte-identical to
upstream (app/core/schemas/SOURCE.md); every fix lives here, next to the reason for it.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

RELEASES: tuple[str, ...] = ("v1.0.0", "v1.0.1", "v1.0.2", "v1.1.0", "v1.2.0", "v1.2.1", "v1.3.0")
"""Every vendored release, oldest first."""
LATEST = RELEASES[-1]
ROOT = "config-schema.json"
_PACKAGE = "app.core.schemas"


def base_uri(tag: str) -> str:
    """Where the files of one release live in the registry (their relative $refs resolve against it)."""
    return f"file:///runtime-spec/{tag}/"


@cache
def files(tag: str) -> dict[str, Any]:
    """Every config schema file of a release, by file name, with the known upstream bugs fixed."""
    folder = resources.files(_PACKAGE).joinpath(tag)
    loaded: dict[str, Any] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = entry.name
        if not name.endswith(".json") or name.startswith(("state-", "features-")):
            continue
        loaded[name] = fix(tag, name, json.loads(entry.read_text(encoding="utf-8")))
    return loaded


def fix(tag: str, name: str, schema: Any) -> Any:
    """The schema file with the upstream bugs of its release fixed (the input is not modified)."""
    schema = copy.deepcopy(schema)
    _drop_ids(schema)
    _fix_refs(schema)
    if name == "config-vm.json":
        _fix_iomems(schema)
    if name == "config-windows.json":
        _fix_affinity(schema)
    if name == "config-linux.json" and tag >= "v1.3.0":
        _optional_pids_limit(schema)
    if name == ROOT:
        schema["id"] = base_uri(tag) + ROOT
    return schema


def _drop_ids(node: Any) -> None:
    """Remove the schema `id`s of v1.0.0/v1.0.1.

    They are absolute URLs (https://opencontainers.org/schema/bundle/linux/...) that move the base
    URI of every nested relative $ref ("defs.json#/...") to a file that does not exist there. Only
    string values are schema ids: a *property* called `id` (windows devices) has an object value.
    """
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            del node["id"]
        for value in node.values():
            _drop_ids(value)
    elif isinstance(node, list):
        for value in node:
            _drop_ids(value)


def _fix_refs(node: Any) -> None:
    """`"$ref": "#definitions/uint32"` (defs.json ArrayOfUint32, v1.0.2..v1.3.0) lacks the '/' after '#'.

    It names a plain-name anchor that does not exist, so every document with vm.hwConfig.irqs fails
    to resolve. Fixed upstream in 04836b1, after v1.3.0.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and "#definitions/" in ref:
            node["$ref"] = ref.replace("#definitions/", "#/definitions/")
        for value in node.values():
            _fix_refs(value)
    elif isinstance(node, list):
        for value in node:
            _fix_refs(value)


def _fix_iomems(schema: dict[str, Any]) -> None:
    """`hwConfig.iomems.items` is a one-element tuple, which checks only element 0 (fixed upstream in 4361740)."""
    try:
        iomems = schema["vm"]["properties"]["hwConfig"]["properties"]["iomems"]
    except (KeyError, TypeError):
        return
    items = iomems.get("items")
    if isinstance(items, list) and len(items) == 1:
        iomems["items"] = items[0]


def _fix_affinity(schema: dict[str, Any]) -> None:
    """`windows.resources.cpu.affinity` is an array of {mask, group} objects (config-windows.md, specs-go
    `[]WindowsCPUGroupAffinity`), but the v1.2.1 and v1.3.0 schemas describe one object, so every real value fails."""
    try:
        cpu = schema["windows"]["properties"]["resources"]["properties"]["cpu"]["properties"]
    except (KeyError, TypeError):
        return
    entry = cpu.get("affinity")
    if isinstance(entry, dict) and entry.get("type") == "object":
        cpu["affinity"] = {"type": "array", "items": {**entry, "required": ["mask", "group"]}}


def _optional_pids_limit(schema: dict[str, Any]) -> None:
    """config-linux.md made `pids.limit` OPTIONAL in v1.3.0, but the v1.3.0 schema still requires it."""
    try:
        pids = schema["linux"]["properties"]["resources"]["properties"]["pids"]
    except (KeyError, TypeError):
        return
    required = pids.get("required")
    if isinstance(required, list) and "limit" in required:
        required.remove("limit")
        if not required:
            del pids["required"]


@cache
def validator(tag: str) -> jsonschema_rs.Draft4Validator:
    """The compiled config.json validator of one release (compiled on first use, then kept)."""
    schemas = files(tag)
    registry = jsonschema_rs.Registry(
        [(base_uri(tag) + name, schema) for name, schema in schemas.items()], draft=jsonschema_rs.Draft4
    )
    return jsonschema_rs.Draft4Validator(schemas[ROOT], registry=registry, base_uri=base_uri(tag) + ROOT)


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema problem: the pointer tokens of the offending value, the keyword, and the message."""

    tokens: tuple[str | int, ...]
    keyword: str
    message: str
    value: Any = None


def errors(tag: str, instance: Any) -> list[SchemaError]:
    """Every schema problem of the document under one release, one per problem, at the deepest useful pointer."""
    compiled = validator(tag)
    if compiled.is_valid(instance):
        return []
    found: list[SchemaError] = []
    for error in compiled.iter_errors(instance):
        _flatten(error, found)
    return found


def _flatten(error: jsonschema_rs.ValidationError, out: list[SchemaError]) -> None:
    """Replace vague anyOf/oneOf errors by the errors of the branch that came closest."""
    kind = error.kind
    name = kind.name
    branches: list[list[jsonschema_rs.ValidationError]] | None = getattr(kind, "context", None)
    if name in ("anyOf", "oneOf") and branches:
        best = min(branches, key=lambda branch: (len(branch), -max((len(e.instance_path) for e in branch), default=0)))
        if best:
            for sub in best:
                _flatten(sub, out)
            return
    tokens = tuple(error.instance_path)
    if name == "required":
        # Point at the missing member itself, as the findings contract asks.
        prop = str(getattr(kind, "property", ""))
        tokens = (*tokens, prop)
        out.append(SchemaError(tokens, name, f"the required member {prop!r} is missing"))
        return
    out.append(SchemaError(tokens, name, error.message, error.instance))
