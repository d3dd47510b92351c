"""Members the declared release does not define: unknown to every release, newer than declared, or removed.

The member names come from the schemas' `properties`, merged over every release, each name tagged with the
releases that define it. Maps with free keys (annotations, sysctl, unified, rdma, netDevices...) are the
schemas' `patternProperties` / `additionalProperties` objects; their keys are never reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema_rs

from app.core.pointer import ptr
from app.core.profiles.oci.schema import RELEASES, ROOT, files


@dataclass(slots=True)
class Shape:
    """What a schema says about the members below one value, merged over releases."""

    props: dict[str, tuple[Shape, set[str]]] | None = None
    """Known member names with their shape and the releases that define them; None: not an object schema."""
    items: Shape | None = None
    free: Shape | None = None
    """Shape of every value of a free-key map."""
    closed_in: set[str] = field(default_factory=set)
    """Releases in which this object lists its members (only those releases can call a member unknown)."""


def _resolve(tag: str, current: str, ref: str) -> tuple[str, Any]:
    name, _, fragment = ref.partition("#")
    name = name or current
    node: Any = files(tag)[name]
    for token in fragment.split("/"):
        if token:
            node = node[token]
    return name, node


def _build(tag: str, current: str, schema: Any, into: Shape, depth: int = 0) -> None:
    """Merge what `schema` (in file `current` of release `tag`) says into `into`."""
    if not isinstance(schema, dict) or depth > 40:
        return
    while "$ref" in schema:
        current, schema = _resolve(tag, current, schema["$ref"])
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, ()):
            _build(tag, current, branch, into, depth + 1)
    props = schema.get("properties")
    if isinstance(props, dict):
        if into.props is None:
            into.props = {}
        into.closed_in.add(tag)
        for name, sub in props.items():
            child, tags = into.props.setdefault(name, (Shape(), set()))
            tags.add(tag)
            _build(tag, current, sub, child, depth + 1)
    free: list[Any] = []
    if isinstance(schema.get("additionalProperties"), dict):
        free.append(schema["additionalProperties"])
    if isinstance(schema.get("patternProperties"), dict):
        free.extend(schema["patternProperties"].values())
    for sub in free:
        if into.free is None:
            into.free = Shape()
        _build(tag, current, sub, into.free, depth + 1)
    items = schema.get("items")
    for sub in items if isinstance(items, list) else [items] if isinstance(items, dict) else []:
        if into.items is None:
            into.items = Shape()
        _build(tag, current, sub, into.items, depth + 1)


_FREE_KEYED = (("linux", "timeOffsets"),)
"""Objects the spec text keys freely although the schema lists properties: "The name of the clock is the entry
key" (config-linux.md#configLinuxTimeOffset). Their keys are judged by their own rule, never as unknown members."""


@cache
def merged() -> Shape:
    """The shape of config.json over every vendored release."""
    shape = Shape()
    for tag in RELEASES:
        _build(tag, ROOT, files(tag)[ROOT], shape)
    for path in _FREE_KEYED:
        _make_free(shape, path)
    return shape


def _make_free(shape: Shape, path: tuple[str, ...]) -> None:
    """Turn the object at `path` into a free-keyed map whose values have the shape of its listed members."""
    for name in path:
        if shape.props is None or name not in shape.props:
            return
        shape = shape.props[name][0]
    if shape.props:
        values = Shape()
        for child, _ in shape.props.values():
            values.props = {**(values.props or {}), **(child.props or {})}
            values.closed_in |= child.closed_in
        shape.free, shape.props = values, None


@dataclass(frozen=True, slots=True)
class Member:
    """A member the declared release does not define."""

    pointer: str
    name: str
    parent: str
    """Pointer of the object holding the member."""
    known_in: frozenset[str]
    """Releases that define the member (empty: none does)."""


@dataclass(slots=True)
class _Node:
    """The merged shape seen from one release: which names it knows, and where to look deeper."""

    known: frozenset[str] = frozenset()
    releases: dict[str, frozenset[str]] = field(default_factory=dict)
    """Every name some release defines, with those releases (for names the judging release lacks)."""
    deep: dict[str, _Node] = field(default_factory=dict)
    """Members whose values have structure worth walking into."""
    items: _Node | None = None
    free: _Node | None = None
    listed: bool = False
    """True when the object lists its members, so other names are unknown."""


def _has_structure(shape: Shape) -> bool:
    return shape.props is not None or shape.items is not None or shape.free is not None


def _compile(shape: Shape, tag: str) -> _Node:
    node = _Node()
    if shape.props is not None:
        node.listed = True
        # An object the judging release lacks (itself newer) is judged by the union of all releases,
        # so that typos inside it are still seen; its own newness is reported once, at its pointer.
        own = tag in shape.closed_in
        node.known = frozenset(n for n, (_, tags) in shape.props.items() if not own or tag in tags)
        node.releases = {n: frozenset(tags) for n, (_, tags) in shape.props.items()}
        node.deep = {n: _compile(child, tag) for n, (child, _) in shape.props.items() if _has_structure(child)}
    if shape.items is not None and _has_structure(shape.items):
        node.items = _compile(shape.items, tag)
    if shape.free is not None:
        node.free = _compile(shape.free, tag)
    return node


@cache
def compiled(tag: str) -> _Node:
    """The member table of one release (built on first use, then kept)."""
    return _compile(merged(), tag)


def _as_schema(node: _Node) -> dict[str, Any]:
    """A JSON Schema accepting exactly the values in which `scan` finds nothing."""
    schema: dict[str, Any] = {}
    if node.listed:
        never: dict[str, Any] = {"not": {}}  # draft-04 has no `false` schema
        props = {name: (_as_schema(node.deep[name]) if name in node.deep else {}) for name in node.known}
        # Names other releases define are reported even where free keys are allowed.
        props.update({name: never for name in node.releases if name not in node.known})
        schema["properties"] = props
        schema["additionalProperties"] = _as_schema(node.free) if node.free is not None else False
    elif node.free is not None:
        schema["additionalProperties"] = _as_schema(node.free)
    if node.items is not None:
        schema["items"] = _as_schema(node.items)
    return schema


@cache
def _clean(tag: str) -> jsonschema_rs.Validator:
    """One compiled check per release that a document has no member to report (the common case, in Rust)."""
    return jsonschema_rs.Draft4Validator(_as_schema(compiled(tag)))


def scan(data: dict[str, Any], tag: str) -> list[Member]:
    """Every member of `data` that release `tag` does not define, in pointer order."""
    if _clean(tag).is_valid(data):
        return []
    found: list[Member] = []
    # Paths stay token tuples while walking; only reported members pay for building a pointer.
    stack: list[tuple[tuple[str | int, ...], Any, _Node]] = [((), data, compiled(tag))]
    while stack:
        path, value, node = stack.pop()
        if isinstance(value, dict):
            if node.listed:
                for key in value.keys() - node.known:
                    if key in node.releases:
                        found.append(Member(ptr(*path, key), key, ptr(*path), node.releases[key]))
                    elif node.free is not None:
                        stack.append(((*path, key), value[key], node.free))
                    else:
                        found.append(Member(ptr(*path, key), key, ptr(*path), frozenset()))
                for key in node.deep.keys() & value.keys():
                    sub = value[key]
                    if isinstance(sub, dict | list):
                        stack.append(((*path, key), sub, node.deep[key]))
            elif node.free is not None:
                free = node.free
                stack.extend(((*path, k), v, free) for k, v in value.items() if isinstance(v, dict | list))
        elif isinstance(value, list) and node.items is not None:
            items = node.items
            stack.extend(((*path, i), v, items) for i, v in enumerate(value) if isinstance(v, dict | list))
    found.sort(key=lambda m: m.pointer)
    return found
