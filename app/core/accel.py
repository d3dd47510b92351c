"""The loops of the core that touch every byte, character or finding of a document: in C when app/core/_accel.c is
built (`make compile`), else their pure-Python twins below, which give the same answers (tests/core/test_accel.py
checks one against the other on generated inputs).

Measured on the 2-CPU bench machine: counting the colons of big.json's 455 KB takes 8 us in C and 92 us here (the
duplicate-member proof counts them twice); checking a Kubernetes pod's 240 environment names takes 1.4 us in C,
14 us in compiled Python and about 30 us with the regular expression below; building big.json's 4,000 Finding
models takes 470 us in C and 744 us in compiled Python; the SARIF locator's scan of big.json's 20,000 values
(app/core/locate.py) takes 3.7 ms in C and 23.5 ms with its regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from typing import Any, TypeVar

_T = TypeVar("_T")


def count_py(data: bytes, byte: int) -> int:
    """How many bytes of `data` equal `byte`, told by what removing them takes away.

    `bytes.count` of one byte reads the text a byte at a time; `replace` finds the byte with memchr and copies the
    runs between, which in JSON (a colon per member, members of several bytes) is faster: 87 against 146 us on
    big.json."""
    if not 0 <= byte <= 255:
        raise ValueError("byte must be in range(0, 256)")
    return len(data) - len(data.replace(bytes((byte,)), b""))


# Every entry well formed, told in one C-level match over the entries joined by NUL (which a name cannot contain):
# one regex call instead of one per entry. Possessive quantifiers: what follows each run is a character the run
# cannot hold, so giving one back never helps, and re is spared the backtracking bookkeeping.
_ENV_ALL = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*+=[^\0]*+\0)*+")


def env_names_ok_py(entries: list[Any]) -> bool:
    """True when every entry is a str starting with a portable name and '=' ([A-Za-z_][A-Za-z0-9_]*=).

    False proves nothing about which entry (or that any string entry) is wrong: look at each. (An entry holding a NUL
    gives False here, where the C twin looks past it.)"""
    try:
        joined = "\0".join(entries) + "\0" if entries else ""
    except TypeError:  # a non-string entry
        return False
    return _ENV_ALL.fullmatch(joined) is not None


def build_models_py(cls: type[_T], names: tuple[str, ...], rows: Sequence[Sequence[Any]], fields: Set[str]) -> list[_T]:
    """A `cls` instance for each row, built as `cls.model_construct` builds a pydantic model from trusted values that
    set every field, without its per-field loop over aliases and defaults: a new instance, each of `names` set to the
    row's value at the same place, its own fields-set (models are mutable), extra and private None.

    The fields are stored one by one, not as a new `__dict__`: on Python 3.11 an instance starts with inline attribute
    values (its class has a managed dict), so assigning `__dict__` would first build a throwaway dict from them."""
    new, store = object.__new__, object.__setattr__
    made_all: list[_T] = []
    for row in rows:
        made = new(cls)
        for name, value in zip(names, row, strict=True):
            store(made, name, value)
        store(made, "__pydantic_fields_set__", set(fields))
        store(made, "__pydantic_extra__", None)
        store(made, "__pydantic_private__", None)
        made_all.append(made)
    return made_all


count: Callable[[bytes, int], int]
env_names_ok: Callable[[list[Any]], bool]
build_models: Callable[[type[_T], tuple[str, ...], Sequence[Sequence[Any]], Set[str]], list[_T]]
index_offsets: Callable[[str, int], dict[str, int]] | None
"""The SARIF locator's scan in C; its twin is `_index` in app/core/locate.py, which documents it (None: use that)."""
try:
    from app.core import _accel
except ImportError:  # not built, stale, or SPECGATE_NATIVE=0 (app/core/native.py)
    NATIVE = False
    count, env_names_ok, build_models = count_py, env_names_ok_py, build_models_py
    index_offsets = None
else:
    NATIVE = True
    count, env_names_ok, build_models = _accel.count, _accel.env_names_ok, _accel.build_models
    index_offsets = _accel.index_offsets
