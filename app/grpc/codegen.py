"""Generate app/grpc/gen/ from proto/specgate/v1/specgate.proto: `python -m app.grpc.codegen` (`make grpc`).

The generators are development dependencies pinned to exact versions in pyproject.toml (grpcio-tools brings
protoc, mypy-protobuf the .pyi stubs), so the committed code is reproducible; tests/grpc/test_codegen.py
regenerates into a temporary directory and fails when the committed files differ.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROTO_ROOT = ROOT / "proto"
PROTO = "specgate/v1/specgate.proto"
OUTPUT = Path(__file__).resolve().parent / "gen"
GENERATED = ("specgate_pb2.py", "specgate_pb2.pyi", "specgate_pb2_grpc.py", "specgate_pb2_grpc.pyi")
"""The generated files; app/grpc/gen/__init__.py is written by hand."""

# protoc names the module by its path under the include root (`specgate.v1`); the code lives in app.grpc.gen.
_IMPORT = re.compile(r"^from specgate\.v1 import ", re.MULTILINE)


def _include_dirs() -> list[Path]:
    import google.rpc.status_pb2  # googleapis-common-protos ships google/rpc/status.proto beside its module
    import grpc_tools

    return [PROTO_ROOT, Path(grpc_tools.__file__).parent / "_proto", Path(google.rpc.status_pb2.__file__).parents[2]]


def generate() -> dict[str, str]:
    """Run protoc with the Python, gRPC and mypy generators; return each generated file's text by name."""
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            *(f"-I{path}" for path in _include_dirs()),
            f"--plugin=protoc-gen-mypy={bin_dir / 'protoc-gen-mypy'}",
            f"--plugin=protoc-gen-mypy_grpc={bin_dir / 'protoc-gen-mypy_grpc'}",
            f"--python_out={tmp}",
            f"--grpc_python_out={tmp}",
            f"--mypy_out={tmp}",
            f"--mypy_grpc_out={tmp}",
            PROTO,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"protoc failed ({done.returncode}):\n{done.stderr}")
        out = Path(tmp) / Path(PROTO).parent
        return {
            name: _IMPORT.sub("from app.grpc.gen import ", (out / name).read_text(encoding="utf-8"))
            for name in GENERATED
        }


def descriptor_set() -> bytes:
    """The .proto compiled to a serialized FileDescriptorSet with its comments (SourceCodeInfo), for checks."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "specgate.pb"
        command = [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            *(f"-I{path}" for path in _include_dirs()),
            "--include_source_info",
            f"--descriptor_set_out={out}",
            PROTO,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"protoc failed ({done.returncode}):\n{done.stderr}")
        return out.read_bytes()


def main() -> None:
    """Write the generated files into app/grpc/gen/."""
    for name, text in generate().items():
        (OUTPUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUT / name}")  # noqa: T201


if __name__ == "__main__":
    main()
