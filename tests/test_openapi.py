"""The committed openapi/openapi.json is the app's document; regenerate it with `make openapi`."""

from __future__ import annotations

import json

from app.api.openapi_export import render
from app.main import create_app
from tests.conftest import ROOT

COMMITTED = ROOT / "openapi" / "openapi.json"


def test_committed_document_matches_the_app() -> None:
    live = render(create_app())
    committed = COMMITTED.read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(live), "openapi/openapi.json is stale: run `make openapi`"
    assert committed == live, "openapi/openapi.json is not in the exported format: run `make openapi`"


def test_document_is_openapi_3_1_with_every_contract_path() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    assert {"/validate", "/normalize", "/capabilities", "/classify-mounts", "/rules", "/healthz", "/readyz"} <= set(
        document["paths"]
    )
