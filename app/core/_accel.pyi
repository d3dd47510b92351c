# The C module app/core/_accel.c (app/core/accel.py: what each function does, and its pure-Python twin).
from collections.abc import Sequence, Set
from typing import Any, TypeVar

_T = TypeVar("_T")

def count(data: bytes, byte: int, /) -> int: ...
def env_names_ok(entries: list[Any], /) -> bool: ...
def build_models(
    cls: type[_T], names: tuple[str, ...], rows: Sequence[Sequence[Any]], fields: Set[str], /
) -> list[_T]: ...
