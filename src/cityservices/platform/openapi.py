"""The OpenAPI document, with every error response the middleware and handlers can give declared.

Routes declare the errors of their own logic (``responses=error_responses(404, 409)``). The errors that come
from the layers around every route are added here, in one place, so the document cannot forget them:

- 422 on every operation that takes parameters or a body, with our body ``ErrorBody`` (FastAPI's default
  ``HTTPValidationError`` shape is not what the validation handler sends);
- 404 on every operation with a path parameter (an unknown id);
- 429 on the rate-limited public API (``/api/v1``, ``/api/hsds``), 401/403 on the installed domains' staff API
  paths (no session, role, scope or CSRF token), 413 on every request with a body (refused before it is
  read), 400 on a body that cannot be parsed at all;
- 304 on the cached reads (``If-None-Match``): the GET routes declared ``cacheable`` (``http_cache``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute

from cityservices.errors import ERROR_DESCRIPTIONS, ErrorBody, FieldError
from cityservices.platform.http_cache import cached_topics

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
RATE_LIMITED_PREFIXES = ("/api/v1/", "/api/hsds")
BODY_METHODS = frozenset({"post", "put", "patch"})


DOCS_ASSETS = "/static/vendor/swagger-ui"  # copied from the pinned npm package by `make install`


def install_docs(app: FastAPI) -> None:
    """``/api/docs``: Swagger UI served from this site (pinned in frontend/package-lock.json), never from a CDN
    on the origin that holds staff cookies."""

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/api/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )


def install_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` with a builder that completes the error responses (built once, then kept)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, routes=app.routes)
            domains = getattr(app.state, "domains", None)
            staff = tuple(p for p in domains.staff_prefixes if p.startswith("/api/")) if domains else ("/api/staff/",)
            logins = frozenset(path for domain in domains for path in domain.login_paths) if domains else frozenset()
            app.openapi_schema = complete_errors(
                document, cached=cached_operations(app.routes), staff_prefixes=staff, login_paths=logins
            )
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]


def cached_operations(routes: list[BaseRoute]) -> set[tuple[str, str]]:
    """``(path, "get")`` of every route declared ``cacheable``."""
    declared = (route for route in iter_route_contexts(routes) if cached_topics(route) is not None)
    return {(route.path, "get") for route in declared if route.path and "GET" in (route.methods or ())}


def complete_errors(
    document: dict[str, Any],
    *,
    cached: set[tuple[str, str]],
    staff_prefixes: tuple[str, ...] = ("/api/staff/",),
    login_paths: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Add the implied error statuses; ``staff_prefixes`` are the installed domains' staff API paths (401/403
    without a session, role, scope or CSRF token), ``login_paths`` their sign-in endpoints."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorBody, FieldError):
        schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas[model.__name__].pop("$defs", None)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_implied_statuses(path, method, operation, staff_prefixes, login_paths)):
                responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS.get(status, "Error")})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
            if (path, method) in cached:
                responses.setdefault("304", {"description": "Not modified: the ETag in If-None-Match still holds"})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def _implied_statuses(
    path: str, method: str, operation: dict[str, Any], staff_prefixes: tuple[str, ...], login_paths: frozenset[str]
) -> set[int]:
    staff = path.startswith(staff_prefixes) and path not in login_paths
    statuses: set[int] = set()
    if operation.get("parameters") or "requestBody" in operation:
        statuses.add(422)
    if "{" in path:
        statuses.add(404)
    if path.startswith(RATE_LIMITED_PREFIXES):
        statuses.add(429)
    if staff and not path.endswith("/csrf"):
        statuses.update({401, 403})
    if "requestBody" in operation:
        statuses.add(400)  # a body that cannot be read as its declared media type (e.g. not UTF-8)
    if method in BODY_METHODS:
        statuses.update({403, 413} if path.startswith(staff_prefixes) else {413})
    return statuses
