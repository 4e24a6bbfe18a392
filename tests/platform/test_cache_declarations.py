"""Only public answers are cached: no route declared ``cacheable`` needs a credential or lives under a staff prefix,
walking both the app's routes and the OpenAPI document (a cached operation is the one declaring a 304)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.security.base import SecurityBase

from cityservices import deps
from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.platform.http_cache import cacheable, cached_topics
from cityservices.platform.openapi import cached_operations

CREDENTIALS: frozenset[Callable[..., Any]] = frozenset({deps.get_signed_in, deps.get_editor, deps.get_admin})


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return create_app(Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}"))


def _tree(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for dependency in dependant.dependencies:
        yield from _tree(dependency)


def _needs_credential(dependant: Dependant) -> bool:
    """A staff alias (``CurrentStaff``, ``RequireEditor``, ``RequireAdmin``), a security scheme or a cookie anywhere
    in the dependency tree: each makes the answer depend on who asks."""
    return any(
        node.call in CREDENTIALS or isinstance(node.call, SecurityBase) or node.cookie_params
        for node in _tree(dependant)
    )


def _unsafe_cached_routes(app: FastAPI) -> list[str]:
    staff_prefixes = app.state.domains.staff_prefixes
    unsafe = []
    for route in iter_route_contexts(app.routes):
        if cached_topics(route) is None:
            continue
        path = route.path or ""
        if path.startswith(staff_prefixes) or _needs_credential(route.dependant) or route.methods != {"GET"}:
            unsafe.append(path)
    return unsafe


def test_no_cached_route_needs_a_credential_or_is_a_staff_route(app: FastAPI) -> None:
    assert len(cached_operations(app.routes)) >= 30  # the service map's public reads
    assert _unsafe_cached_routes(app) == []


def test_no_cached_operation_of_the_openapi_document_needs_a_credential(app: FastAPI) -> None:
    staff_prefixes = app.state.domains.staff_prefixes
    cached = set()
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if "304" not in operation["responses"]:
                continue
            cached.add((path, method))
            assert method == "get", path
            assert not path.startswith(staff_prefixes), path
            assert "security" not in operation, path
            assert all(parameter["in"] != "cookie" for parameter in operation.get("parameters", ())), path
    assert cached == cached_operations(app.routes)
    assert ("/api/v1/health", "get") not in cached
    assert ("/api/v1/ready", "get") not in cached


def test_the_walk_finds_a_cached_route_that_needs_a_credential(app: FastAPI) -> None:
    @app.get("/api/v1/leak")
    @cacheable("test.leak")
    def leak(staff: deps.RequireEditor) -> dict[str, str]:
        return {"name": staff.account.username}

    @app.get("/api/v1/leak-deep", dependencies=[Depends(deps.get_admin)])
    @cacheable("test.leak")
    def leak_deep() -> dict[str, str]:
        return {}

    @app.get("/api/staff/leak")
    @cacheable("test.leak")
    def staff_leak() -> dict[str, str]:
        return {}

    assert _unsafe_cached_routes(app) == ["/api/v1/leak", "/api/v1/leak-deep", "/api/staff/leak"]
