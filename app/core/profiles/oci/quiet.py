"""Quiet shapes: JSON Schemas that accept only values on which a Python rule has nothing to report.

A config is mostly made of the usual: mounts with an absolute destination, a source, a type and options from the
spec's table; a seccomp filter without notify actions; a device cgroup list led by deny-all. Asking jsonschema-rs
(Rust) whether a value has that shape costs a fraction of walking it in Python, so the rules look closely only at
the values a quiet shape rejects. A quiet shape may reject more than the rule would report (then the rule looks
and finds nothing), never less: each keyword below negates one condition under which the rule reports something,
and tests (tests/core/profiles/oci/test_fast_paths.py) compare both readings. Every validator is compiled once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema_rs

_ANY_NOT: dict[str, Any] = {"not": {}}
"""Draft 4 has no `false` schema: this one rejects every value, so a member under it must be absent."""
CLEAN_ABSOLUTE = "^(/[^/.][^/]*)+$"
"""A path that starts with '/' and has no empty, '.'-led or trailing segment: no '//', no '/.', no trailing '/'."""


def _usual_mount(option: dict[str, Any]) -> dict[str, Any]:
    """A mount object of the usual shape: clean absolute destination, non-empty source and type, each option
    matching `option`, no ID mappings."""
    return {
        "type": "object",
        "required": ["destination", "source", "type"],
        "properties": {
            "destination": {"type": "string", "pattern": CLEAN_ABSOLUTE},
            "source": {"type": "string", "minLength": 1},
            "type": {"type": "string", "minLength": 1},
            "options": {"type": "array", "items": option},
            "uidMappings": _ANY_NOT,
            "gidMappings": _ANY_NOT,
        },
    }


@cache
def mount(table: frozenset[str]) -> Callable[[Any], bool]:
    """Is this mount one `checks_misc._mount` has nothing to say about, on a Linux platform with option table `table`?

    An object whose destination is clean and absolute, whose source and type are non-empty strings, whose options
    are names of the table or name=value data (neither idmap nor ridmap, which call for ID-mapping rules), and which
    has no uidMappings or gidMappings.
    """
    names = sorted(table - {"idmap", "ridmap"})
    schema = _usual_mount({"type": "string", "anyOf": [{"enum": names}, {"pattern": "="}]})
    is_valid: Callable[[Any], bool] = jsonschema_rs.Draft4Validator(schema).is_valid
    return is_valid


_CGROUP_DEVICE: dict[str, Any] = {
    "properties": {"type": {"enum": ["a", "c", "b"]}, "access": {"pattern": "^[rwm]+$"}},
}
_DENY_ALL: dict[str, Any] = {
    "type": "object",
    "required": ["allow"],
    "properties": {"allow": {"enum": [False]}, "type": {"enum": ["a"]}, "access": {"pattern": "^[rwm]+$"}},
    "not": {"required": ["major"]},
}


@cache
def _cgroup_devices() -> Callable[[Any], bool]:
    schema = {"type": "array", "items": [_DENY_ALL], "additionalItems": _CGROUP_DEVICE}
    is_valid: Callable[[Any], bool] = jsonschema_rs.Draft4Validator(schema).is_valid
    return is_valid


def cgroup_devices(devices: Any) -> bool:
    """Is `linux.resources.devices` a list `checks_resources._devices` has nothing to say about: led by a deny-all
    entry ({"allow": false} of type a, no major), each entry of type a, c or b with access combining r, w and m?"""
    return _usual_cgroup_devices(devices) or _cgroup_devices()(devices)


def _usual_access(access: str) -> bool:
    """`access` matches ^[rwm]+$. Compared code point by code point (compiled: reads of the string's buffer) rather
    than looked up in a set: a string of the document has no hash yet, and computing one costs more."""
    if not access:
        return False
    for i in range(len(access)):
        c = ord(access[i])
        if c != 114 and c != 119 and c != 109:  # r, w, m
            return False
    return True


def _usual_cgroup_devices(devices: Any) -> bool:
    """True only when the cgroup device schema accepts `devices`, told by a compiled loop (a C call per member
    instead of jsonschema-rs looking up each schema property); False means "ask the schema", never "rejected".

    An array whose first entry is a deny-all object (allow false, no major, type a if given) and whose entries are
    objects with a type of a, c or b (if given) and an access combining r, w and m (if given)."""
    if not isinstance(devices, list):
        return False
    first = True
    for device in devices:
        if not isinstance(device, dict):
            return False
        if "type" in device:
            kind = device["type"]
            if not isinstance(kind, str) or not (kind == "a" or (not first and (kind == "c" or kind == "b"))):
                return False
        if "access" in device:
            access = device["access"]
            if not isinstance(access, str) or not _usual_access(access):
                return False
        if first:
            if device.get("allow", None) is not False or "major" in device:
                return False
            first = False
    return True


_ERRNO_ACTIONS = ["SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"]
_NOTIFY = "SCMP_ACT_NOTIFY"
_KILL_ACTIONS = ["SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD"]
_SYSCALL: dict[str, Any] = {
    "properties": {
        "action": {"not": {"enum": [_NOTIFY]}},
        "args": {"items": {"properties": {"index": {"maximum": 5}}}},
    },
    # errnoRet only with an action that returns it
    "anyOf": [
        {"not": {"required": ["errnoRet"]}},
        {"required": ["action"], "properties": {"action": {"enum": _ERRNO_ACTIONS}}},
    ],
}
_SECCOMP: dict[str, Any] = {
    "type": "object",
    "properties": {
        "defaultAction": {"not": {"enum": [_NOTIFY]}},
        "listenerMetadata": _ANY_NOT,
        "syscalls": {"type": "array", "items": _SYSCALL},
    },
    "allOf": [
        # defaultErrnoRet only with a default action that returns it
        {
            "anyOf": [
                {"not": {"required": ["defaultErrnoRet"]}},
                {"required": ["defaultAction"], "properties": {"defaultAction": {"enum": _ERRNO_ACTIONS}}},
            ]
        },
        # a killing default action only with syscall rules
        {
            "anyOf": [
                {"properties": {"defaultAction": {"not": {"enum": _KILL_ACTIONS}}}},
                {"required": ["syscalls"], "properties": {"syscalls": {"minItems": 1}}},
            ]
        },
    ],
}


@cache
def _seccomp() -> Callable[[Any], bool]:
    is_valid: Callable[[Any], bool] = jsonschema_rs.Draft4Validator(_SECCOMP).is_valid
    return is_valid


def seccomp(value: Any) -> bool:
    """Is `linux.seccomp` an object `checks_resources._seccomp` has nothing to say about: no SCMP_ACT_NOTIFY
    anywhere (so no listener needed), no listenerMetadata, errno values only with actions that return them, a
    killing default only with syscall rules, argument indices within 0..5?"""
    return _usual_seccomp(value) or _seccomp()(value)


def _usual_seccomp(value: Any) -> bool:
    """True only when `_SECCOMP` accepts `value`, told by a compiled loop over the syscall rules (a C call per
    member instead of jsonschema-rs looking up each schema property); False means "ask the schema", never
    "rejected". Anything out of the ordinary (a value of an unexpected type included) is left to the schema."""
    if not isinstance(value, dict) or "listenerMetadata" in value:
        return False
    default = value.get("defaultAction")
    if not isinstance(default, str) or default == _NOTIFY:
        return False  # absent or not a string: the schema's to judge
    if "defaultErrnoRet" in value and not _errno_action(default):
        return False
    if "syscalls" in value:
        syscalls = value["syscalls"]
        if not isinstance(syscalls, list):
            return False
        for rule in syscalls:
            if not isinstance(rule, dict):
                return False
            action = rule.get("action")
            if not isinstance(action, str) or action == _NOTIFY:
                return False
            if "errnoRet" in rule and not _errno_action(action):
                return False
            if "args" in rule and not _usual_args(rule["args"]):
                return False
        if syscalls:
            return True  # a killing default is fine with syscall rules
    return default not in _KILL_ACTIONS


def _usual_args(args: Any) -> bool:
    """A syscall rule's `args`: objects whose index, if given, is an integer of at most 5."""
    if not isinstance(args, list):
        return False
    for arg in args:
        if not isinstance(arg, dict):
            return False
        if "index" in arg:
            index = arg["index"]
            if not isinstance(index, int) or isinstance(index, bool) or index > 5:
                return False
    return True


def _errno_action(action: str) -> bool:
    """`action` is one of `_ERRNO_ACTIONS`: a list, searched by string comparison (a document's string has no hash
    yet, and a set would compute one)."""
    return action in _ERRNO_ACTIONS
