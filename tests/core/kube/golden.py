"""Loading tests/data/k8s/pods/*.yaml and comparing translated documents with the corpus, field by field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from app.core.kube import DeviceAllocation, ImageConfig, NodeModel, PodState, TranslatedContainer, translate
from app.core.pointer import join, resolve

CORPUS = Path(__file__).resolve().parents[2] / "data" / "k8s"
PODS = CORPUS / "pods"


@dataclass(frozen=True)
class Case:
    """One Pod file: the object, the node and state it ran with, and the corpus documents it stands for."""

    file: str
    obj: dict[str, Any]
    node: NodeModel
    state: PodState
    documents: dict[str, dict[str, str]]


def _yaml(path: Path) -> Any:
    return yaml.load(path.read_text(), Loader=yaml.CSafeLoader)


def _image(raw: dict[str, Any]) -> ImageConfig:
    return ImageConfig(
        entrypoint=tuple(raw.get("entrypoint", ())),
        cmd=tuple(raw.get("cmd", ())),
        env=tuple(raw.get("env", ())),
        working_dir=raw.get("working_dir", ""),
        user=raw.get("user", ""),
        passwd=tuple((n, u, g) for n, u, g in raw.get("passwd", ())),
        groups=tuple((n, g, tuple(m)) for n, g, m in raw.get("groups", ())),
    )


def load_case(path: Path) -> Case:
    raw = _yaml(path)
    if "object" in raw:
        obj = raw["object"]
    else:
        obj = resolve(json.loads((path.parent / raw["object_file"]).read_text()), raw["object_pointer"])
    node_fields = dict(raw.get("node") or {})
    if isinstance(node_fields.get("host_devices"), str):
        node_fields["host_devices"] = tuple(_yaml(PODS / node_fields["host_devices"])["devices"])
    if "seccomp_profiles" in node_fields:
        node_fields["seccomp_profiles"] = MappingProxyType(
            {name: json.loads((PODS / file).read_text()) for name, file in node_fields["seccomp_profiles"].items()}
        )
    if "device_plugins" in node_fields:
        node_fields["device_plugins"] = MappingProxyType(
            {
                resource: DeviceAllocation(
                    devices=tuple(raw.get("devices", ())),
                    env=tuple(raw.get("env", ())),
                    mounts=tuple(tuple(m) for m in raw.get("mounts", ())),
                )
                for resource, raw in node_fields["device_plugins"].items()
            }
        )
    if "crio_default_ulimits" in node_fields:
        node_fields["crio_default_ulimits"] = tuple(tuple(x) for x in node_fields["crio_default_ulimits"])
    images = {ref: _image(image or {}) for ref, image in (raw.get("images") or {}).items()}
    node = NodeModel(**node_fields, images=MappingProxyType(images))
    state_fields = dict(raw.get("state") or {})
    for key in ("container_pids", "volume_names", "extra"):
        if key in state_fields:
            state_fields[key] = MappingProxyType(state_fields[key])
    return Case(path.stem, obj, node, PodState(**state_fields), raw["documents"])


def cases() -> list[Case]:
    return [load_case(p) for p in sorted(PODS.glob("*.yaml")) if p.name != "host-devices.yaml"]


def translated(case: Case, selector: dict[str, str]) -> TranslatedContainer:
    translation = translate(case.obj, case.node, state=case.state)
    found = [
        c
        for c in translation.containers
        if c.kind == selector["kind"] and (selector["kind"] == "sandbox" or c.name == selector["name"])
    ]
    assert len(found) == 1, selector
    return found[0]


def corpus_document(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((CORPUS / f"{name}.json").read_text())
    return document


def diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Pointers where the two documents differ: a member missing on either side, a list of another length, or
    a different scalar. `mounts` are matched by destination (their order is compared separately)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                out.append(join(path, key))
            else:
                out += diff(expected[key], actual[key], join(path, key))
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if path == "/mounts":
            return _mounts(expected, actual)
        if len(expected) != len(actual):
            return [path]
        return [p for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for p in diff(e, a, join(path, i))]
    if expected != actual or type(expected) is not type(actual):
        return [path]
    return []


def _mounts(expected: list[Any], actual: list[Any]) -> list[str]:
    by_dest = {m["destination"]: m for m in actual}
    out: list[str] = []
    for m in expected:
        other = by_dest.pop(m["destination"], None)
        where = join("/mounts", m["destination"])
        out += [where] if other is None else diff(m, other, where)
    out += [join("/mounts", d) for d in by_dest]
    if not out and [m["destination"] for m in expected] != [m["destination"] for m in actual]:
        out.append("/mounts#order")
    return out
