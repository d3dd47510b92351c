"""The contract itself: every element commented, enums as the style guides want them, and no field number
ever changed or reused (proto/specgate/v1/specgate.fields lists every field and enum value ever published)."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf import descriptor_pb2

from app.grpc import codegen
from tests.conftest import ROOT

LOCK = ROOT / "proto" / "specgate" / "v1" / "specgate.fields"


def _file() -> descriptor_pb2.FileDescriptorProto:
    files = descriptor_pb2.FileDescriptorSet.FromString(codegen.descriptor_set()).file
    (proto,) = (f for f in files if f.name == codegen.PROTO)
    return proto


def _elements(proto: descriptor_pb2.FileDescriptorProto) -> Iterator[tuple[str, tuple[int, ...]]]:
    """Every service, method, message, field, oneof, enum and enum value, with its SourceCodeInfo path."""

    def enum(
        e: descriptor_pb2.EnumDescriptorProto, name: str, path: tuple[int, ...]
    ) -> Iterator[tuple[str, tuple[int, ...]]]:
        yield name, path
        for i, value in enumerate(e.value):
            yield f"{name}.{value.name}", (*path, 2, i)

    def message(
        m: descriptor_pb2.DescriptorProto, name: str, path: tuple[int, ...]
    ) -> Iterator[tuple[str, tuple[int, ...]]]:
        yield name, path
        for i, field in enumerate(m.field):
            yield f"{name}.{field.name}", (*path, 2, i)
        for i, oneof in enumerate(m.oneof_decl):
            if not oneof.name.startswith("_"):  # the synthetic oneof of a proto3 `optional` field
                yield f"{name}.{oneof.name}", (*path, 8, i)
        for i, nested in enumerate(m.nested_type):
            if not nested.options.map_entry:
                yield from message(nested, f"{name}.{nested.name}", (*path, 3, i))
        for i, nested_enum in enumerate(m.enum_type):
            yield from enum(nested_enum, f"{name}.{nested_enum.name}", (*path, 4, i))

    for i, service in enumerate(proto.service):
        yield service.name, (6, i)
        for j, method in enumerate(service.method):
            yield f"{service.name}.{method.name}", (6, i, 2, j)
    for i, m in enumerate(proto.message_type):
        yield from message(m, m.name, (4, i))
    for i, e in enumerate(proto.enum_type):
        yield from enum(e, e.name, (5, i))


def test_every_element_has_a_comment() -> None:
    proto = _file()
    commented = {tuple(loc.path) for loc in proto.source_code_info.location if loc.leading_comments.strip()}
    missing = [name for name, path in _elements(proto) if path not in commented]
    assert not missing, f"add a comment above: {', '.join(missing)}"


def test_enums_start_with_unspecified_and_prefix_their_values() -> None:
    for e in _file().enum_type:
        prefix = "".join(f"_{c}" if c.isupper() else c.upper() for c in e.name).lstrip("_") + "_"
        assert e.value[0].name == prefix + "UNSPECIFIED" and e.value[0].number == 0, e.name
        assert all(v.name.startswith(prefix) for v in e.value), e.name


def _published(proto: descriptor_pb2.FileDescriptorProto) -> dict[str, str]:
    """`Message.field` -> "number type", `Enum.VALUE` -> "number", for the whole file."""
    entries: dict[str, str] = {}

    def message(m: descriptor_pb2.DescriptorProto, name: str) -> None:
        for field in m.field:
            kind = field.type_name.lstrip(".") or descriptor_pb2.FieldDescriptorProto.Type.Name(field.type)
            label = "repeated " if field.label == field.LABEL_REPEATED else ""
            entries[f"{name}.{field.name}"] = f"{field.number} {label}{kind}"
        for nested in m.nested_type:
            message(nested, f"{name}.{nested.name}")

    for m in proto.message_type:
        message(m, m.name)
    for e in proto.enum_type:
        for value in e.value:
            entries[f"{e.name}.{value.name}"] = str(value.number)
    return entries


def _reserved(proto: descriptor_pb2.FileDescriptorProto, owner: str) -> tuple[set[int], set[str]]:
    for m in proto.message_type:
        if m.name == owner:
            return {n for r in m.reserved_range for n in range(r.start, r.end)}, set(m.reserved_name)
    for e in proto.enum_type:
        if e.name == owner:
            return {n for r in e.reserved_range for n in range(r.start, r.end + 1)}, set(e.reserved_name)
    return set(), set()


def test_no_published_number_changes_or_is_reused() -> None:
    proto = _file()
    now = _published(proto)
    lines = [line for line in LOCK.read_text().splitlines() if line and not line.startswith("#")]
    locked = {name: value for name, _, value in (line.partition(" = ") for line in lines)}
    for name, value in locked.items():
        if name in now:
            assert now[name] == value, f"{name} was published as {value}, is now {now[name]}: add a new field instead"
            continue
        owner, _, member = name.rpartition(".")
        numbers, names = _reserved(proto, owner)
        assert int(value.split()[0]) in numbers and member in names, (
            f"{name} ({value}) was removed: reserve its number and its name in {owner}"
        )
    taken = {(name.rpartition(".")[0], value.split()[0]) for name, value in locked.items()}
    for name, value in now.items():
        if name not in locked:
            assert (name.rpartition(".")[0], value.split()[0]) not in taken, f"{name} reuses a published number"
    new = sorted(set(now) - set(locked))
    assert not new, "published fields are listed in specgate.fields; add: " + "; ".join(f"{n} = {now[n]}" for n in new)
