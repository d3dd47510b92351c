"""The grpcurl lines of the README name real methods and send JSON their request messages accept."""

from __future__ import annotations

import base64
import re
import shlex

import orjson
from google.protobuf import descriptor_pool, json_format, message_factory
from grpc_health.v1 import health_pb2

from app.api.examples import CONFIG
from app.grpc.gen import specgate_pb2
from tests.conftest import ROOT

README = ROOT / "README.md"


def _grpcurl_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## gRPC") :]
    section = section[: section.index("\n## ", 1)]
    document = base64.b64encode(orjson.dumps(CONFIG)).decode()
    joined = re.sub(r"\\\n\s*", "", section).replace("$(base64 -w0 config.json)", document)
    return [shlex.split(line.replace("$TOKEN", "t")) for line in joined.splitlines() if line.startswith("grpcurl ")]


def test_grpcurl_lines_match_the_contract() -> None:
    pool = descriptor_pool.Default()
    assert specgate_pb2.DESCRIPTOR and health_pb2.DESCRIPTOR  # both files are in the default pool
    commands = _grpcurl_commands()
    called = []
    for argv in commands:
        target = argv[-1]
        if argv[-2] in ("list", "describe") or target == "list":
            if argv[-2] == "describe":
                pool.FindServiceByName(target)
            continue
        service, _, method = target.rpartition("/")
        rpc = pool.FindServiceByName(service).methods_by_name[method]
        body = argv[argv.index("-d") + 1]
        request = message_factory.GetMessageClass(rpc.input_type)()
        json_format.Parse(body, request)  # raises on an unknown field or a bad value
        called.append(target)
    assert "specgate.v1.Specgate/Validate" in called and "grpc.health.v1.Health/Check" in called
    assert len(commands) >= 6
