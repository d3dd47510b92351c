"""The committed app/grpc/gen/ is what protoc makes of proto/specgate/v1/specgate.proto; regenerate: `make grpc`."""

from __future__ import annotations

from app.grpc import codegen


def test_generated_code_matches_the_proto() -> None:
    fresh = codegen.generate()
    assert sorted(fresh) == sorted(codegen.GENERATED)
    stale = [name for name, text in fresh.items() if (codegen.OUTPUT / name).read_text(encoding="utf-8") != text]
    assert not stale, f"app/grpc/gen/{', '.join(stale)} differ from the .proto: run `make grpc`"


def test_generated_code_imports_from_the_package() -> None:
    # protoc names the module after its path under proto/ (specgate.v1); nothing may import that name.
    for name in codegen.GENERATED:
        assert "from specgate.v1 import" not in (codegen.OUTPUT / name).read_text(encoding="utf-8")
