"""Go's encoding/json decoding of a spec, modelled: what it accepts, what it rejects, what it drops.

The Go decoder that runsc uses (json.Unmarshal / json.Decoder into specs.Spec):
- matches object keys to struct fields exactly first, then case-insensitively ("Process" fills
  `process`), and when several keys land on one field the last one wins;
- ignores unknown keys (today's runsc first decodes strictly and warns about them);
- treats null as "leave the zero value" for every type, so null never fails;
- rejects a value of the wrong JSON kind, a number with a fraction or exponent for an integer
  field, and an integer outside the field's width, with an UnmarshalTypeError.

`decode` is fast for the common case: one compiled JSON Schema (jsonschema-rs, in Rust)
answers "exact names, right types, nothing unknown"; only documents that fail it are walked
in Python to reproduce the decoder's exact view and messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import jsonschema_rs

from app.core.gospec.types import INT_RANGES, MODELS, GoType, StructTable, parse_type
from app.core.pointer import join, split

SPEC = GoType("struct", struct="Spec")


@dataclass(frozen=True, slots=True)
class TypeMismatch:
    """A value Go's decoder refuses, at its pointer in the submitted document."""

    pointer: str
    message: str
    """Go's own words: `json: cannot unmarshal string into Go struct field Process.process.terminal of type bool`."""
    expected: str
    """The Go type wanted there, e.g. `bool`."""


_NOTHING_RENAMED: Mapping[str, str] = MappingProxyType({})


class GoDecoded:
    """A spec as Go decoded it: the canonical view, and what the decoder refused or did not know."""

    __slots__ = ("spec", "type_errors", "unknown", "renamed")

    def __init__(
        self,
        spec: dict[str, Any],
        type_errors: Sequence[TypeMismatch] = (),
        unknown: Sequence[str] = (),
        renamed: Mapping[str, str] = _NOTHING_RENAMED,
    ) -> None:
        # Read-only defaults: the usual document needs none of these, so none is built for it.
        self.spec = spec
        """The document with keys renamed to the json names Go matched them to and refused values dropped.
        Identical to the submitted document (the same object) when nothing needed changing."""
        self.type_errors = type_errors
        self.unknown = unknown
        """Pointers (in the submitted document) of members no field matches."""
        self.renamed = renamed
        """Canonical pointer -> submitted pointer, for members whose key differed from the json name."""

    def restates_refusal(self, pointer: str) -> bool:
        """True when `pointer` (submitted document) is at or below a value the decoder refused.

        Go's Unmarshal fails on such a value, so the runtime never validates further; what a rule would say
        about the zero value left in its place (`"process": 5` has no args) only restates that refusal.
        """
        return any(pointer == m.pointer or pointer.startswith(m.pointer + "/") for m in self.type_errors)

    def origin(self, pointer: str) -> str:
        """Translate a pointer into the canonical view back into the submitted document."""
        if not self.renamed:
            return pointer
        tokens = split(pointer)
        for size in range(len(tokens), 0, -1):
            prefix = join("", *tokens[:size])
            if prefix in self.renamed:
                return join(self.renamed[prefix], *tokens[size:])
        return pointer


class _Model:
    """The struct table of one specs-go version, parsed, with a field lookup per struct."""

    def __init__(self, table: StructTable) -> None:
        self.fields: dict[str, dict[str, GoType]] = {
            name: {json: parse_type(go, table) for json, go in members} for name, members in table.items()
        }
        self.folded: dict[str, dict[str, str]] = {
            name: {json.lower(): json for json in members} for name, members in self.fields.items()
        }
        self.spec_names = frozenset(self.fields["Spec"])
        if len(self.folded["Spec"]) != len(self.spec_names):  # decode_field relies on it
            raise ValueError("two Spec fields fold to the same name")
        schema = self._schema()
        self.validator = jsonschema_rs.Draft4Validator(schema)
        # One validator per struct, so the walk can take a whole valid subtree as it is (in Rust)
        # instead of visiting every node of, say, a long seccomp syscall list.
        self.struct_validators = {
            name: jsonschema_rs.Draft4Validator({**schema, "$ref": f"#/definitions/{name}"}) for name in self.fields
        }
        # And one per slice or map type met, so that a long array or map that needs nothing is taken whole too.
        self._containers: dict[int, Any] = {}
        self._lenient: Any = None

    @property
    def lenient_validator(self) -> Any:
        """The compiled check that a document needs no work from the walk but dropping unknown members (built on
        first use: only callers that do not report unknown members ask for it)."""
        if self._lenient is None:
            schema = self._schema()
            for members in schema["definitions"].values():
                del members["additionalProperties"]  # a member no field matches is simply ignored ...
                # ... unless Go would match it to a field case-insensitively: then the walk must rename it.
                members["patternProperties"] = {_renamed_pattern(members["properties"]): {"not": {}}}
            # The linear-time engine: the pattern needs no lookaround, and it runs on every member of every object.
            self._lenient = jsonschema_rs.Draft4Validator(schema, pattern_options=jsonschema_rs.RegexOptions())
        return self._lenient

    def container_validator(self, t: GoType) -> Any:
        """The compiled check that a slice or map of type `t` needs no work from the walk (built on first use)."""
        found = self._containers.get(id(t))  # by identity: the model's own types, and hashing a GoType recurses
        if found is None:
            found = jsonschema_rs.Draft4Validator(
                {"definitions": self._schema()["definitions"], **_schema_of(t, nullable=False)}
            )
            self._containers[id(t)] = found
        return found

    def _schema(self) -> dict[str, Any]:
        """A JSON Schema that accepts exactly the documents needing no work from the Python walk."""
        definitions = {
            name: {
                "type": ["object", "null"],
                "properties": {json: _schema_of(t, nullable=True) for json, t in members.items()},
                "additionalProperties": False,
            }
            for name, members in self.fields.items()
        }
        return {"$ref": "#/definitions/Spec", "definitions": definitions}


def _renamed_pattern(names: Iterable[str]) -> str:
    """A regular expression matching the member names Go matches to one of `names` though they are not one of them
    exactly, and all non-ASCII names (the walk decides those: Unicode folding has special cases).

    For ASCII names Go's folding is ASCII case folding, so such a name differs from a field name in the case of at
    least one letter: for each letter of each name, the alternative with that letter in the other case and every
    other letter in either case.
    """

    def either(c: str) -> str:
        return f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c)

    alternatives = [
        "".join(either(x) for x in name[:i]) + re.escape(c.swapcase()) + "".join(either(x) for x in name[i + 1 :])
        for name in names
        for i, c in enumerate(name)
        if c.lower() != c.upper()
    ]
    return "^(?:" + "|".join(alternatives) + ")$|[^\\x00-\\x7f]"  # patterns search: any non-ASCII character


def _schema_of(t: GoType, *, nullable: bool) -> dict[str, Any]:
    # Array elements and map values must not be null here: Go turns those into zero values,
    # which the Python walk writes out so that rules see what the runtime sees.
    if t.kind == "ptr" and t.elem is not None:
        return _schema_of(t.elem, nullable=nullable)
    if t.kind == "struct":
        schema: dict[str, Any] = {"$ref": f"#/definitions/{t.struct}"}
        return schema if nullable else {"allOf": [schema, {"type": "object"}]}
    if t.kind == "slice" and t.elem is not None:
        return {"type": _nullable("array", nullable), "items": _schema_of(t.elem, nullable=False)}
    if t.kind == "map" and t.elem is not None:
        return {"type": _nullable("object", nullable), "additionalProperties": _schema_of(t.elem, nullable=False)}
    if t.kind == "any":
        return {}
    if t.kind in INT_RANGES:
        low, high = INT_RANGES[t.kind]
        return {"type": _nullable("integer", nullable), "minimum": low, "maximum": high}
    return {"type": _nullable("boolean" if t.kind == "bool" else "string", nullable)}


def _nullable(kind: str, nullable: bool) -> str | list[str]:
    return [kind, "null"] if nullable else kind


@cache
def _model(name: str) -> _Model:
    return _Model(MODELS[name])


def model_names() -> list[str]:
    """Names of the specs-go versions that can be decoded."""
    return list(MODELS)


def spec_fields(model: str) -> frozenset[str]:
    """The json names of the fields of `specs.Spec` in `model` (distinct even when case-folded)."""
    return _model(model).spec_names


def decode(data: dict[str, Any], model: str, *, unknown: bool = True) -> GoDecoded:
    """Decode a parsed spec the way Go's encoding/json would into `specs.Spec` of `model`.

    With `unknown` false the caller does not need the members no field matches (`GoDecoded.unknown`): a document
    whose only surprise is such members (a newer spec's, as runtimes write them) is then taken as it is, with
    them left in the view where no rule reads them, instead of being walked to drop them.
    """
    m = _model(model)
    if m.validator.is_valid(data) or (not unknown and m.lenient_validator.is_valid(data)):
        return GoDecoded(spec=data)
    walk = _Walk(m)
    spec = walk.struct(data, "Spec", None)
    return GoDecoded(spec=spec, type_errors=walk.errors, unknown=walk.unknown, renamed=walk.renamed)


def decode_field(data: dict[str, Any], model: str, name: str) -> GoDecoded:
    """Decode only the top-level members Go would match to the Spec field of json name `name`.

    The field reads exactly as in `decode(data, model)` (no other member can reach it), at the cost of
    checking those few members instead of the whole document.
    """
    m = _model(model)
    if name not in m.fields["Spec"]:
        raise ValueError(f"Spec of model {model} has no field {name!r}")
    if m.spec_names.issuperset(data):
        # The usual document spells every member as its field does, and distinct field names fold apart:
        # then only the member of that very name reaches the field, found without folding each key.
        if name not in data:
            return GoDecoded(spec={})  # an empty object is a valid Spec, and nothing reaches the field
        part = {name: data[name]}
    else:
        part = {key: value for key, value in data.items() if key == name or _fold(key) == name}
    return decode(part, model)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _zero(t: GoType) -> Any:
    """The zero value Go leaves for a null array element or map value, as JSON."""
    if t.kind == "struct":
        return {}
    if t.kind in INT_RANGES:
        return 0
    return {"string": "", "bool": False}.get(t.kind)


# A path from the root as a chain of cells (parent, submitted token, canonical token, is a struct field),
# so that walking a large document builds no pointer strings unless something has to be reported.
_Path = tuple[Any, "str | int", "str | int", bool] | None


def _tokens(path: _Path, which: int) -> list[str | int]:
    out: list[str | int] = []
    while path is not None:
        out.append(path[which])
        path = path[0]
    out.reverse()
    return out


def _pointer(path: _Path, which: int = 1) -> str:
    return join("", *_tokens(path, which))


def _field_path(path: _Path) -> str:
    """Go's name for the field: the json names of the struct fields leading to it (no indexes, no map keys)."""
    names: list[str] = []
    while path is not None:
        if path[3]:
            names.append(str(path[2]))
        path = path[0]
    return ".".join(reversed(names))


def _fold(key: str) -> str:
    """Go's case folding for field names (simple folding: 'K' and the Kelvin sign match 'k', 'ß' matches nothing)."""
    if key.isascii():
        return key.lower()
    return "".join(u.lower() if len(u := c.upper()) == 1 else c.lower() for c in key)


class _Walk:
    """One pass over a document that failed the fast check."""

    def __init__(self, model: _Model) -> None:
        self.model = model
        self.errors: list[TypeMismatch] = []
        self.unknown: list[str] = []
        self.renamed: dict[str, str] = {}

    def struct(self, obj: dict[str, Any], name: str, path: _Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        members = self.model.fields[name]
        folded = self.model.folded[name]
        for key, value in obj.items():
            json_name = key if key in members else folded.get(_fold(key))
            if json_name is None:
                self.unknown.append(_pointer((path, key, key, True)))
                continue
            here: _Path = (path, key, json_name, True)
            if json_name != key:
                self.renamed[_pointer(here, 2)] = _pointer(here)
            ok, decoded = self.value(value, members[json_name], here, name)
            if not ok:
                continue  # Go leaves the field as it was (zero, or an earlier key's value)
            if decoded is None:
                out.pop(json_name, None)  # null: nil pointer / zero value, which rules read as absent
            else:
                out[json_name] = decoded
        return out

    def value(self, value: Any, t: GoType, path: _Path, owner: str) -> tuple[bool, Any]:
        """(accepted, decoded value); null is accepted as 'absent' (None)."""
        if value is None:
            return True, None
        kind = t.kind
        if kind == "ptr" and t.elem is not None:
            return self.value(value, t.elem, path, owner)
        if kind == "string":
            return (True, value) if isinstance(value, str) else self._refuse(value, t, path, owner)
        if kind == "bool":
            return (True, value) if isinstance(value, bool) else self._refuse(value, t, path, owner)
        if kind == "any":
            return True, value
        if kind == "struct" and t.struct is not None:
            if isinstance(value, dict):
                if self.model.struct_validators[t.struct].is_valid(value):
                    return True, value
                return True, self.struct(value, t.struct, path)
            return self._refuse(value, t, path, owner)
        if kind == "slice" and t.elem is not None:
            if not isinstance(value, list):
                return self._refuse(value, t, path, owner)
            if self.model.container_validator(t).is_valid(value):
                return True, value
            items = []
            for index, item in enumerate(value):
                ok, decoded = self.value(item, t.elem, (path, index, index, False), owner)
                items.append(decoded if ok and decoded is not None else _zero(t.elem))
            return True, items
        if kind == "map" and t.elem is not None:
            if not isinstance(value, dict):
                return self._refuse(value, t, path, owner)
            if self.model.container_validator(t).is_valid(value):
                return True, value
            entries = {}
            for key, item in value.items():
                ok, decoded = self.value(item, t.elem, (path, key, key, False), owner)
                entries[key] = decoded if ok and decoded is not None else _zero(t.elem)
            return True, entries
        low, high = INT_RANGES[kind]
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return True, value
        return self._refuse(value, t, path, owner)

    def _refuse(self, value: Any, t: GoType, path: _Path, owner: str) -> tuple[bool, Any]:
        kind = _json_kind(value)
        if kind == "number" and t.kind in INT_RANGES:
            # Go names the literal when a number does not fit the integer field.
            kind = f"number {_go_number(value)}"
        message = (
            f"json: cannot unmarshal {kind} into Go struct field {owner}.{_field_path(path)} of type {t.go_name()}"
        )
        self.errors.append(TypeMismatch(pointer=_pointer(path), message=message, expected=t.go_name()))
        return False, None


def _go_number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return f"{value:.1f}"
    return repr(value)
