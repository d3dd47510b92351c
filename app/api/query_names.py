"""Query parameters the judging endpoints do not know, when they look like a typo of one they do.

FastAPI ignores undeclared query parameters, so `POST /validate?profil=oci` is judged as runsc
and the caller never learns why the verdict is not the one asked for. A name close to a declared
one (`profil`, `Profile`, `platfrom`) is answered 422 naming the parameter meant. Other names stay
accepted: the Kubernetes API server appends `timeout` to webhook calls, proxies and probes add
cache busters, and a client written against a newer specgate may send a parameter this one lacks.
"""

from __future__ import annotations

import difflib

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request

CUTOFF = 0.75
"""difflib's similarity above which an unknown name is taken for a misspelling (`profil`/`profile`: 0.92)."""

ADDED_BY_CALLERS = frozenset({"timeout", "dryRun", "fieldManager", "fieldValidation", "pretty"})
"""Parameters the Kubernetes API server and kubectl add to calls; never refused, whatever their spelling."""


_ATTRIBUTE = "_specgate_query_names"


def _declared(route: APIRoute) -> frozenset[str]:
    """The route's query parameter names, computed once and kept on the route (APIRoute is not hashable)."""
    names: frozenset[str] | None = getattr(route, _ATTRIBUTE, None)
    if names is None:
        names = frozenset(param.alias for param in route.dependant.query_params)
        setattr(route, _ATTRIBUTE, names)
    return names


def check_query_names(request: Request) -> None:
    """Raise RequestValidationError (422) for each query parameter that looks like a misspelt declared one."""
    query = request.query_params
    if not query:
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = _declared(route)
    errors = []
    for name in query:
        if name in declared or name in ADDED_BY_CALLERS:
            continue
        meant = difflib.get_close_matches(name.lower(), declared, n=1, cutoff=CUTOFF)
        if meant:
            errors.append(
                {
                    "type": "unknown-parameter",
                    "loc": ("query", name),
                    "msg": f"unknown parameter {name!r}; did you mean {meant[0]!r}? (it would be ignored and "
                    f"the default used instead)",
                    "input": query[name],
                }
            )
    if errors:
        raise RequestValidationError(errors)
