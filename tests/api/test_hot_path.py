"""The request path stays at the framework's floor: no thread hop for a small document, the model serialised once.

These tests check behaviour, not time: every dependency is a coroutine (a plain `def` runs in the thread pool),
document routes answer the exact bytes FastAPI's own serialisation of the model would, and every route with a
query parameter still refuses it repeated with different values.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter

from app import core
from app.models import MountsResult, NormalizeResult, ValidationReport

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = sorted([*DATA.glob("bench/*.json"), *DATA.glob("k8s/*.json")])
JSON = {"content-type": "application/json"}


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependants(sub)


def _api_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every route as the app serves it, with its full path (included routers are resolved lazily)."""
    return [(rc.path, rc.route) for rc in iter_route_contexts(app.routes) if isinstance(rc.route, APIRoute)]


def test_every_dependency_runs_on_the_event_loop(app: FastAPI) -> None:
    sync = [
        f"{path}: {sub.call.__qualname__}"
        for path, route in _api_routes(app)
        for sub in _dependants(route.dependant)
        if sub.call is not None and not inspect.iscoroutinefunction(sub.call)
    ]
    assert sync == [], "a plain `def` dependency runs in the thread pool on every request; make it `async def`"


def test_every_route_is_a_coroutine(app: FastAPI) -> None:
    assert [path for path, r in _api_routes(app) if not inspect.iscoroutinefunction(r.endpoint)] == []


@pytest.mark.parametrize("path", ["/validate", "/normalize", "/classify-mounts"])
def test_document_routes_solve_no_dependency(app: FastAPI, path: str) -> None:
    # Each dependency FastAPI solves costs tens of microseconds; the routes read the body themselves (judge).
    route = next(r for p, r in _api_routes(app) if p == path)
    assert [sub.call.__name__ for sub in _dependants(route.dependant) if sub.call] == []


Judge = Callable[[bytes, str], BaseModel]

ROUTES: list[tuple[str, Judge, type[BaseModel]]] = [
    ("/validate?profile={}", lambda raw, p: core.validate(raw, profile=p), ValidationReport),
    ("/classify-mounts?profile={}", lambda raw, p: core.classify_mounts(raw, profile=p), MountsResult),
]


@pytest.mark.parametrize("document", CORPUS, ids=lambda p: f"{p.parent.name}/{p.stem}")
@pytest.mark.parametrize("profile", core.profile_names())
def test_document_routes_answer_fastapis_own_bytes(client: TestClient, document: Path, profile: str) -> None:
    raw = document.read_bytes()
    for route, judge, model in ROUTES:
        response = client.post(route.format(profile), content=raw, headers=JSON)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        expected = judge(raw, profile)
        # What FastAPI sends for a returned model: pydantic's JSON of the response model, by alias.
        assert response.content == TypeAdapter(model).dump_json(expected, by_alias=True)
        assert orjson.loads(response.content) == expected.model_dump(mode="json")


def test_normalize_answers_fastapis_own_bytes(client: TestClient) -> None:
    raw = (DATA / "bench" / "small.json").read_bytes()
    response = client.post("/normalize?bundle=/run/b", content=raw, headers=JSON)
    if response.status_code == 200:
        expected = core.normalize(raw, profile="runsc", bundle="/run/b")
        assert response.content == TypeAdapter(NormalizeResult).dump_json(expected, by_alias=True)
    else:  # the bench document may be one the runtime refuses: then the problem carries the report
        assert response.status_code == 422


def _query_routes(app: FastAPI) -> list[tuple[str, str, str]]:
    found = []
    for path, route in _api_routes(app):
        if path == "/admission":
            continue  # the apiserver owns its query string: a well-formed review is answered whatever it holds
        for param in route.dependant.query_params:
            for method in sorted(route.methods):
                found.append((method, path, param.alias))
    return found


def test_every_query_parameter_given_twice_differently_is_422(app: FastAPI, client: TestClient) -> None:
    routes = _query_routes(app)
    assert len(routes) >= 8
    for method, path, name in routes:
        if path == "/admission":
            continue  # the API server adds ?timeout= itself; the review in the body is what is judged
        query: list[tuple[str, Any]] = [(name, "/a"), (name, "/b")]
        if name != "bundle" and path == "/normalize":
            query.append(("bundle", "/run/b"))
        response = client.request(method, f"{path}?{urlencode(query)}", content=b"{}", headers=JSON)
        if path == "/admission":
            # The apiserver owns a webhook's query string: it is never a reason to refuse a review
            # (here the body `{}` is the problem: 400, not AdmissionReview).
            assert response.status_code == 400 and "AdmissionReview" in response.text, response.text
            continue
        assert response.status_code == 422, (method, path, name, response.text)
        assert response.json()["errors"][0]["path"] == f"query.{name}", (method, path, name)


def test_uvicorn_serves_with_uvloop_and_httptools() -> None:
    # Installed with the package (pyproject): uvicorn's "auto" picks them; each is worth ~15-30% req/s.
    import uvicorn

    config = uvicorn.Config("app.main:app")
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    assert config.loop == "auto" and importlib.util.find_spec("uvloop") is not None
