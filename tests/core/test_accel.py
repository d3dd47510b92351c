"""The loops of app/core/accel.py: the C module and its pure-Python twins give the answers of the plain reading."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, strategies as st

from app.core import accel, native
from app.core.rules import findings_of
from app.models import Finding, PodFinding

COUNTS: list[Any] = [pytest.param(accel.count_py, id="python")]
ENV_PROOFS: list[Any] = [pytest.param(accel.env_names_ok_py, id="python")]
BUILDERS: list[Any] = [pytest.param(accel.build_models_py, id="python")]
if accel.NATIVE:
    from app.core import _accel

    COUNTS.append(pytest.param(_accel.count, id="c"))
    ENV_PROOFS.append(pytest.param(_accel.env_names_ok, id="c"))
    BUILDERS.append(pytest.param(_accel.build_models, id="c"))

_ENV_OK = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def env_reference(entries: list[Any]) -> bool:
    """The plain reading: every entry a str that starts with a portable name and '='."""
    return all(isinstance(e, str) and _ENV_OK.match(e) is not None for e in entries)


def agrees(proof: Callable[[list[Any]], bool], entries: list[Any]) -> bool:
    """The proof says what the plain reading says; only the Python twin may say False (proving nothing) for a list
    with a NUL in an entry, which its joined-by-NUL match cannot tell from a separator."""
    answer = proof(entries)
    if answer == env_reference(entries):
        return True
    nul = any(isinstance(e, str) and "\0" in e for e in entries)
    return proof is accel.env_names_ok_py and nul and not answer


def test_a_compiled_checkout_runs_the_c_loops() -> None:
    from app.core._activate import ROUTED

    # Routed to source although current: SPECGATE_NATIVE=0 when this process started.
    if not native.MANIFEST.exists() or (ROUTED and not native.stale_modules()):
        pytest.skip("the core is not compiled here (make compile), or runs from source (SPECGATE_NATIVE=0)")
    assert accel.NATIVE
    assert (accel.count, accel.env_names_ok, accel.build_models) == (
        _accel.count,
        _accel.env_names_ok,
        _accel.build_models,
    )


@pytest.mark.parametrize("count", COUNTS)
@given(data=st.binary(max_size=1100), byte=st.integers(0, 255))
def test_count_is_bytes_count(count: Callable[[bytes, int], int], data: bytes, byte: int) -> None:
    assert count(data, byte) == data.count(bytes((byte,)))


@pytest.mark.parametrize("count", COUNTS)
def test_count_across_the_block_boundaries(count: Callable[[bytes, int], int]) -> None:
    # The C loop sums at most 255 byte-wide comparisons per block: every length around a block's end, all matching.
    for length in (0, 1, 254, 255, 256, 509, 510, 511, 765, 70_000):
        assert count(b":" * length, 58) == length
        assert count(b"a:" * length, 58) == length
        assert count(b"\xff" * length, 0xFF) == length
    big = bytes(range(256)) * 1000  # past the size at which C lets other threads run
    assert count(big, 0) == 1000 and count(big, 255) == 1000


@pytest.mark.parametrize("count", COUNTS)
def test_count_refuses_what_is_not_a_byte_of_bytes(count: Callable[[Any, Any], int]) -> None:
    with pytest.raises(ValueError, match="range"):
        count(b"abc", 256)
    with pytest.raises(ValueError, match="range"):
        count(b"abc", -1)
    with pytest.raises(TypeError):
        count("abc", 58)


@pytest.mark.parametrize("proof", ENV_PROOFS)
@given(
    st.lists(
        st.one_of(
            # Names, '=', NUL, and characters of every width (Latin-1, BMP, astral), where a name may break.
            st.text(alphabet="Az_09=\0 -é€😀", max_size=8),
            st.none(),
            st.integers(),
            st.binary(max_size=3),
        ),
        max_size=6,
    )
)
def test_env_names_ok_is_the_plain_reading(proof: Callable[[list[Any]], bool], entries: list[Any]) -> None:
    assert agrees(proof, entries)


@pytest.mark.parametrize("proof", ENV_PROOFS)
def test_env_names_ok_on_every_ascii_character(proof: Callable[[list[Any]], bool]) -> None:
    for code in range(128):
        for entry in (chr(code) + "=", "A" + chr(code) + "=", chr(code), "A" + chr(code), "A=" + chr(code)):
            assert agrees(proof, [entry]), repr(entry)


@pytest.mark.parametrize("proof", ENV_PROOFS)
def test_env_names_ok_on_the_usual_and_the_odd(proof: Callable[[list[Any]], bool]) -> None:
    assert proof([])
    assert proof(["PATH=/usr/bin:/bin", "A_1=x=y", "_=", "HOME=/root", "Z=é😀"])
    assert not proof(["PATH=/bin", "1A=x"])
    assert not proof(["=x"])
    assert not proof(["NOEQUALS"])
    assert not proof(["É=1"])
    assert not proof(["A😀=1"])
    assert not proof(["A=1", None])
    assert not proof(["A=x\0B", "\0=y"])
    assert not proof(["A\0=x"])  # a NUL ends no name

    class Text(str):
        pass

    assert proof([Text("PATH=/bin"), Text("A_1=é")]) and not proof([Text("1A=x")]) and not proof([Text("A")])


FINDING_NAMES = ("rule", "severity", "path", "message")
FINDING_FIELDS = frozenset(FINDING_NAMES)
ROWS = [
    ("T-ERR", "error", "/a", "m"),
    ("T-INFO", "info", "", "é😀\0"),
    ("T-W", "warning", "/mounts/0/options/1", "x" * 300),
]


@pytest.mark.parametrize("build", BUILDERS)
def test_build_models_is_model_construct(build: Callable[..., list[Any]]) -> None:
    made = build(Finding, FINDING_NAMES, ROWS, FINDING_FIELDS)
    expected = [Finding.model_construct(**dict(zip(FINDING_NAMES, row, strict=True))) for row in ROWS]
    assert made == expected
    for fast, slow in zip(made, expected, strict=True):
        assert type(fast) is Finding
        assert fast.__dict__ == slow.__dict__ and list(vars(fast)) == list(FINDING_NAMES)
        assert fast.model_fields_set == slow.model_fields_set and type(fast.model_fields_set) is set
        assert fast.__pydantic_extra__ is None and fast.__pydantic_private__ is None
        assert fast.model_dump_json() == slow.model_dump_json()
        assert Finding.model_validate(fast.model_dump()) == fast
    # Each model its own: changing one changes nothing in another.
    made[0].message = "changed"
    made[0].model_fields_set.discard("path")
    assert made[1].message == "é😀\0" and made[1].model_fields_set == FINDING_FIELDS
    assert build(Finding, FINDING_NAMES, [], FINDING_FIELDS) == []
    assert build(Finding, FINDING_NAMES, tuple(ROWS), FINDING_FIELDS) == expected
    assert build(Finding, FINDING_NAMES, [list(row) for row in ROWS], FINDING_FIELDS) == expected


@pytest.mark.parametrize("build", BUILDERS)
def test_build_models_sets_what_a_subclass_declares(build: Callable[..., list[Any]]) -> None:
    names = tuple(PodFinding.model_fields)
    values = {**dict(zip(FINDING_NAMES, ROWS[0], strict=True)), "pod_path": "/spec/containers/0", "container": "app"}
    row = tuple(values.get(name) for name in names)
    made = build(PodFinding, names, [row], frozenset(names))
    assert made == [PodFinding(**values)]
    assert made[0].model_fields_set == set(names)


@pytest.mark.parametrize("build", BUILDERS)
def test_build_models_refuses_rows_that_do_not_fit(build: Callable[..., list[Any]]) -> None:
    with pytest.raises(ValueError):
        build(Finding, FINDING_NAMES, [("T-ERR", "error", "/a")], FINDING_FIELDS)
    with pytest.raises(ValueError):
        build(Finding, FINDING_NAMES, [(*ROWS[0], "extra")], FINDING_FIELDS)
    with pytest.raises(TypeError):
        build(Finding, FINDING_NAMES, [None], FINDING_FIELDS)


def test_build_models_in_c_refuses_what_it_cannot_build_as_a_model() -> None:
    if not accel.NATIVE:
        pytest.skip("the C module is not built here (make compile)")

    class Plain:
        pass

    class OwnNew(Finding):
        def __new__(cls, *args: Any, **kwargs: Any) -> OwnNew:
            return super().__new__(cls)

    for cls in (Plain, OwnNew, int, "Finding"):
        with pytest.raises(TypeError):
            _accel.build_models(cls, FINDING_NAMES, ROWS, FINDING_FIELDS)
    with pytest.raises(TypeError):
        _accel.build_models(Finding, list(FINDING_NAMES), ROWS, FINDING_FIELDS)
    with pytest.raises(TypeError):
        _accel.build_models(Finding, FINDING_NAMES, ROWS, list(FINDING_FIELDS))
    with pytest.raises(TypeError):
        _accel.build_models(Finding, FINDING_NAMES, ROWS)  # type: ignore[call-arg]


def test_build_models_in_c_keeps_its_references_straight() -> None:
    """Built and dropped many times, nothing leaks and nothing is freed early (a reference-count slip shows here as a
    crash or as a count that grows)."""
    if not accel.NATIVE:
        pytest.skip("the C module is not built here (make compile)")
    import sys

    rows = [("T-ERR", "error", f"/p/{i}", f"message {i}") for i in range(100)]
    # Only the strings made here: "error" and the rule are shared with the rest of the process, which may drop some.
    before = [sys.getrefcount(value) for row in rows for value in row[2:]]
    for _ in range(50):
        made = _accel.build_models(Finding, FINDING_NAMES, rows, FINDING_FIELDS)
        assert made[99].path == "/p/99"
        del made
    assert [sys.getrefcount(value) for row in rows for value in row[2:]] == before
    assert findings_of(rows) == [Finding(rule=r, severity=s, path=p, message=m) for r, s, p, m in rows]


@pytest.mark.parametrize("proof", ENV_PROOFS)
def test_env_names_ok_wherever_a_long_name_breaks(proof: Callable[[list[Any]], bool]) -> None:
    # The C scan classifies sixteen characters at a time: a break at every place of names longer than one block,
    # by every kind of neighbour of the name ranges (and a Latin-1 byte, which is negative as a signed char).
    breaks = ["-", "@", "[", "`", "{", "/", ":", " ", "\x7f", "é", "ÿ", "\0", "="]
    for length in (15, 16, 17, 31, 32, 33, 47):
        for at in range(1, length):
            for bad in breaks:
                entry = "A" * at + bad + "b" * (length - at) + "=x"
                assert agrees(proof, [entry]), repr(entry)
        assert agrees(proof, ["Z" * length]) and agrees(proof, ["z9_" * length + "=v"])
    # Sliced at every offset, so that the strings start at every alignment (and some near a page's end).
    text = "".join(f"NAME_{i:04d}_{'x' * (i % 40)}=value{i}" for i in range(300))
    entries = [text[i : i + 60] for i in range(0, len(text) - 60, 7)]
    assert agrees(proof, entries)
    assert all(agrees(proof, [entry]) for entry in entries)


def test_build_models_in_c_alternating_classes_and_a_changed_class() -> None:
    """The C module caches the slot offsets of the class it built last: other classes, one after the other, and a
    class changed since (a new version tag), each get their own."""
    if not accel.NATIVE:
        pytest.skip("the C module is not built here (make compile)")

    class Later(Finding):
        pass

    pod_names = tuple(PodFinding.model_fields)
    pod_row = ("T-ERR", "error", "/a", "m", "/spec", "app", None)
    for _ in range(3):
        for cls in (Finding, PodFinding, Later):
            names = pod_names if cls is PodFinding else FINDING_NAMES
            row = pod_row if cls is PodFinding else ROWS[0]
            made = _accel.build_models(cls, names, [row], frozenset(names))
            assert type(made[0]) is cls and made[0].model_dump() == dict(zip(names, row, strict=True))
            assert made[0].model_fields_set == set(names) and made[0].__pydantic_extra__ is None
        Later.note = "changed"  # type: ignore[attr-defined]  # a class attribute: the class's version tag changes
