"""Every answer of the core, recorded and compared: the equivalence check behind performance work.

    .venv/bin/python tools/golden_reports.py record /tmp/golden.jsonl   # on the revision before the change
    .venv/bin/python tools/golden_reports.py check /tmp/golden.jsonl    # on the changed tree: "0 differ", or the diffs

The documents are every JSON file under tests/data and ../shared (conformance and bench), up to 600 KB, plus
deterministic mutations of each (wrong-typed values, nulls, dropped members, keys in another case, a member
repeated in the raw text, several changes at once). Each is judged by every profile on every platform it
supports, by `runsc` and `oci` merged, and by /classify-mounts, and the full reports are compared as JSON. The
record holds the documents themselves, so a check needs no second copy of the generator's choices. A speed-up
must leave every answer as it was: this is the check (about 25 s for about 2,800 documents).
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import app.core as core  # noqa: E402

JUDGED = [("runsc", "linux"), ("runsc-2018", "linux"), ("oci", "linux"), ("oci", "windows"), ("oci", "solaris"),
          ("oci", "vm"), ("oci", "zos"), ("oci", "freebsd"), ("features:runc-1.1", "linux")]  # fmt: skip
ODD_VALUES: list[Any] = [
    None, 0, -1, 1.5, 2**64, "", "x", "/", "../a", "a=b=c", "\u00e9\n", True, False, [], {}, [None], {"": None},
    ["nodev", "rbind", "shared"], {"type": "bind"}, "CAP_SYS_ADMIN", "RLIMIT_NOFILE", "SCMP_ACT_ERRNO",
]  # fmt: skip
MAX_BYTES = 600_000
MUTATIONS = 12
SEED = 20261201


def sources() -> Iterator[tuple[str, bytes]]:
    roots = [ROOT / "tests" / "data", ROOT.parent / "shared" / "conformance", ROOT.parent / "shared" / "bench"]
    for path in sorted({p for r in roots for p in r.rglob("*.json")}):
        raw = path.read_bytes()
        if len(raw) <= MAX_BYTES:
            yield str(path.relative_to(path.parents[len(path.parents) - 2])), raw


def paths(tree: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if at:
        yield at
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from paths(value, (*at, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from paths(value, (*at, index))


def parent(tree: Any, at: tuple[Any, ...]) -> Any:
    for step in at[:-1]:
        tree = tree[step]
    return tree


def dump(tree: Any, rng: random.Random) -> bytes | None:
    try:
        return orjson.dumps(tree, option=orjson.OPT_INDENT_2 if rng.random() < 0.5 else 0)
    except TypeError:  # an integer beyond 64 bits, or a key orjson will not write
        try:
            return json.dumps(tree).encode()
        except (TypeError, ValueError):
            return None


def mutations(raw: bytes, rng: random.Random) -> Iterator[bytes]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return
    if not isinstance(data, dict):
        return
    every = list(paths(data))
    if not every:
        return
    for _ in range(MUTATIONS):
        tree = copy.deepcopy(data)
        kind = rng.randrange(6)
        at = rng.choice(every)
        try:
            if kind in (0, 1):
                parent(tree, at)[at[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
            elif kind == 2 and isinstance(at[-1], str):
                parent(tree, at).pop(at[-1], None)
            elif kind == 3 and isinstance(at[-1], str):
                node = parent(tree, at)
                node[at[-1].capitalize() if rng.random() < 0.5 else at[-1].upper()] = node.pop(at[-1], None)
            elif kind == 4:
                # A member repeated in the raw text: the first top-level member again, with an odd value.
                first = next(iter(tree), None)
                text = dump(tree, rng)
                repeated = dump({first: copy.deepcopy(rng.choice(ODD_VALUES))}, rng) if first is not None else None
                if text is not None and repeated is not None:
                    yield b"{" + repeated.strip()[1:-1] + b"," + text.lstrip()[1:]
                continue
            else:
                for _ in range(3):
                    elsewhere = rng.choice(every)
                    try:
                        parent(tree, elsewhere)[elsewhere[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
                    except (KeyError, IndexError, TypeError):
                        pass
        except (KeyError, IndexError, TypeError):
            continue
        text = dump(tree, rng)
        if text is not None:
            yield text


def documents() -> Iterator[tuple[str, bytes]]:
    rng = random.Random(SEED)
    for name, raw in sources():
        yield name, raw
        for index, mutated in enumerate(mutations(raw, rng)):
            yield f"{name}#m{index}", mutated


def answers(raw: bytes) -> list[str]:
    """Every answer the core gives about the document, as JSON text (or the error it raises)."""

    def attempt(call: Any) -> str:
        try:
            return orjson.dumps(call().model_dump(mode="json")).decode()
        except core.SpecgateError as exc:
            return f"ERR {type(exc).__name__}: {exc}"

    found = []
    for profile, platform in JUDGED:
        for lifecycle in ("create", "start") if (profile, platform) == ("oci", "linux") else ("create",):
            found.append(attempt(partial(core.validate, raw, profile=profile, platform=platform, lifecycle=lifecycle)))
    found.append(attempt(partial(core.validate, raw, profile=["runsc", "oci"])))
    for profile in ("runsc", "runsc-2018", "oci"):
        found.append(attempt(partial(core.classify_mounts, raw, profile=profile)))
    return found


def record(path: Path) -> None:
    with path.open("w") as out:
        for name, raw in documents():
            if not _round_trips(raw):
                continue  # kept as text in the record: only documents that survive that
            out.write(json.dumps({"name": name, "raw": raw.decode(), "answers": answers(raw)}) + "\n")


def _round_trips(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return True


def check(path: Path) -> int:
    total = differ = 0
    with path.open() as recorded:
        for line in recorded:
            entry = json.loads(line)
            total += 1
            now = answers(entry["raw"].encode())
            if now == entry["answers"]:
                continue
            differ += 1
            if differ <= 5:
                was, got = next((a, b) for a, b in zip(entry["answers"], now, strict=True) if a != b)
                sys.stdout.write(f"DIFF {entry['name']}\n  was: {was[:1500]}\n  now: {got[:1500]}\n")
    sys.stdout.write(f"{total} documents, {differ} differ\n")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["record", "check"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    if args.mode == "record":
        record(args.file)
    else:
        sys.exit(check(args.file))


if __name__ == "__main__":
    main()
