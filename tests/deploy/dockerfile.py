"""Read a Dockerfile's stages and instructions, enough to test what the image does without a container engine."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [argument for word, argument in self.instructions if word == keyword]

    def env(self) -> dict[str, str]:
        """ENV KEY=VALUE pairs, in order (later ones win)."""
        values: dict[str, str] = {}
        for argument in self.all("ENV"):
            for pair in shlex.split(argument):
                key, _, value = pair.partition("=")
                values[key] = value
        return values

    def exec_form(self, keyword: str) -> list[str]:
        """The JSON array of the last ENTRYPOINT or CMD."""
        found = self.all(keyword)
        assert found, f"no {keyword}"
        value = json.loads(found[-1])
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), f"{keyword} is not in exec form"
        return value


def parse(path: Path) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages of the Dockerfile at `path`, with line continuations joined."""
    text = re.sub(r"\\\n", " ", path.read_text())
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, argument = line.partition(" ")
        word, argument = word.upper(), " ".join(argument.split())
        if word == "FROM":
            parts = argument.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), parts[0])
            stages.append(Stage(base, parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None))
        elif not stages and word == "ARG":
            key, _, value = argument.partition("=")
            args[key] = value
        elif stages:
            stages[-1].instructions.append((word, argument))
    return args, stages
