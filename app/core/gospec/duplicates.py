"""How Go's encoding/json folds a member that occurs twice in one object.

A parsed tree keeps only the last value of a repeated member, but Go decodes each occurrence in turn
into the same Go value: a struct or map already allocated is reused, so two objects merge member by
member, and a slice reuses its elements, so arrays of objects merge element by element (then take the
later length). Anything else, and null, is simply replaced. So `{"process": {"args": ["sh"]},
"process": {"cwd": "/"}}` is a process with args for runsc, not one without.
"""

from __future__ import annotations

import json
from typing import Any


def go_view(raw: bytes, parsed: dict[str, Any], repeated: bool = True) -> dict[str, Any]:
    """The document with repeated members folded as Go folds them.

    `parsed` itself when nothing is repeated (the loader knows: `Document.duplicates`), or if the text
    cannot be parsed again.
    """
    if not repeated:
        return parsed
    try:
        tree = json.loads(raw, object_pairs_hook=_fold_pairs)
    except (ValueError, RecursionError):  # pragma: no cover - the loader parsed the same text already
        return parsed
    return tree if isinstance(tree, dict) else parsed


def _fold_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        obj[key] = _fold(obj[key], value) if key in obj else value
    return obj


def _fold(old: Any, new: Any) -> Any:
    if isinstance(old, dict) and isinstance(new, dict):
        merged = dict(old)
        for key, value in new.items():
            merged[key] = _fold(merged[key], value) if key in merged else value
        return merged
    if isinstance(old, list) and isinstance(new, list):
        return [_fold(old[i], item) if i < len(old) else item for i, item in enumerate(new)]
    return new
