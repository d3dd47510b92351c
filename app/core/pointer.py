"""RFC 6901 JSON Pointers: building them and following them."""

from __future__ import annotations

from typing import Any


def escape(token: str | int) -> str:
    """Escape one reference token: '~' becomes '~0' and '/' becomes '~1'."""
    text = str(token)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def unescape(token: str) -> str:
    """Undo `escape`."""
    return token.replace("~1", "/").replace("~0", "~")


def join(base: str, *tokens: str | int) -> str:
    """Append tokens to a pointer: join("/process", "args", 0) == "/process/args/0"."""
    return base + "".join("/" + escape(t) for t in tokens)


def ptr(*tokens: str | int) -> str:
    """A pointer from the document root: ptr("mounts", 3, "destination") == "/mounts/3/destination"."""
    return join("", *tokens)


def split(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer ("" gives [])."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON Pointer must be empty or start with '/': {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


_MISSING = object()


def resolve(doc: Any, pointer: str, default: Any = _MISSING) -> Any:
    """The value the pointer names in doc; `default` (or KeyError) when it names nothing."""
    node = doc
    for token in split(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            if default is _MISSING:
                raise KeyError(pointer)
            return default
    return node
