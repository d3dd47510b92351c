"""Kubernetes manifests: the objects of a multi-document YAML (or JSON) file, each with where it sits in the file.

Read with libyaml (PyYAML's C loader) as a node graph first, then constructed: the nodes keep the
line and column of every member, so a finding's JSON Pointer into an object can be shown as a place
in the file (SARIF regions, `file:line` in text). A `kind: List` (what `kubectl get -o yaml` prints)
is opened into its items.

Values are read as Kubernetes reads them (sigs.k8s.io/yaml turns YAML into JSON): a timestamp such as
`creationTimestamp: 2026-03-14T09:26:53Z` stays a string.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from app.core.pointer import escape, split

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KubeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader without YAML 1.1 timestamps (Kubernetes keeps them as strings)."""


KubeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class Manifest:
    """One Kubernetes object of a file."""

    document: int
    """1-based number of the YAML document it is in."""
    prefix: str
    """JSON Pointer of the object inside its document: "" or `/items/N` for an item of a List."""
    data: dict[str, Any]
    node: yaml.Node
    """The object's node, for positions."""

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def position(self, pointer: str) -> tuple[int, int]:
        """1-based line and column of what `pointer` (into the object) names, or of its nearest existing parent."""
        node = self.node
        for token in split(pointer) if pointer.startswith("/") else []:
            child = _child(node, token)
            if child is None:
                break
            node = child
        return int(node.start_mark.line) + 1, int(node.start_mark.column) + 1

    def describe(self) -> str:
        """`Deployment shop/web`, how reports name the object."""
        kind = self.data.get("kind") or "object"
        meta = self.data.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        name = meta.get("name") or (f"{meta['generateName']}*" if meta.get("generateName") else "")
        namespace = meta.get("namespace")
        qualified = f"{namespace}/{name}" if namespace and name else str(name or "")
        return f"{kind} {qualified}".strip()


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    """A document that is not YAML, or not a Kubernetes object."""

    document: int
    line: int
    column: int
    message: str


def _child(node: yaml.Node, token: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == token:
                return value  # type: ignore[no-any-return]
        return None
    if isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
        return node.value[int(token)]  # type: ignore[no-any-return]
    return None


def read_manifests(text: str) -> tuple[list[Manifest], list[ManifestProblem]]:
    """Every object of a multi-document YAML text; what could not be read is a problem, with its place.

    A syntax error ends the stream (YAML cannot resynchronise): the objects before it are kept.
    """
    manifests: list[Manifest] = []
    problems: list[ManifestProblem] = []
    loader = KubeLoader(text)
    document = 0
    try:
        for document, node in enumerate(_nodes(loader), 1):
            data = loader.construct_document(node)
            if data is None:
                continue  # an empty document (`---` twice, a trailing comment)
            for prefix, item, item_node in _objects(data, node):
                if isinstance(item, dict):
                    manifests.append(Manifest(document, prefix, item, item_node))
                else:
                    line, column = item_node.start_mark.line + 1, item_node.start_mark.column + 1
                    problems.append(
                        ManifestProblem(document, line, column, f"expected a Kubernetes object, not {_type(item)}")
                    )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        problems.append(ManifestProblem(document + 1, line, column, f"not YAML: {reason}"))
    except yaml.YAMLError as exc:
        problems.append(ManifestProblem(document + 1, 0, 0, f"not YAML: {exc}"))
    finally:
        loader.dispose()
    return manifests, problems


def _nodes(loader: Any) -> Iterator[yaml.Node]:
    while loader.check_node():
        yield loader.get_node()


def _objects(data: Any, node: yaml.Node) -> Iterator[tuple[str, Any, yaml.Node]]:
    items = data.get("items") if isinstance(data, dict) and data.get("kind") == "List" else None
    if isinstance(items, list):
        items_node = _child(node, "items")
        for index, item in enumerate(items):
            item_node = _child(items_node, str(index)) if items_node is not None else None
            yield f"/items/{escape(index)}", item, item_node or node
        return
    yield "", data, node


def _type(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
