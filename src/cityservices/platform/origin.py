"""Absolute URLs of this site, made from the ``public_origin`` setting and never from the request's ``Host``.

A ``Host`` header is chosen by the client and is not part of any cache key: an answer shaped by it could be
cached and served to everyone (cache poisoning). So links are built from the configured public origin, and
without one they are root-relative (``/api/hsds/profile``), which every client resolves against the address it
used itself. Page templates get the same rule: their ``url_for`` gives root-relative paths.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from starlette.requests import Request

from cityservices.config import Settings


def public_url(settings: Settings, path: str, *, root_path: str = "") -> str:
    """``path`` (``/api/…``) as a link for clients: ``public_origin`` + path, else root-relative."""
    origin = settings.public_origin.rstrip("/")
    return f"{origin}{root_path}{path}"


def request_public_url(request: Request, path: str) -> str:
    settings: Settings = request.app.state.runtime.settings
    return public_url(settings, path, root_path=request.scope.get("root_path", ""))


@pass_context
def relative_url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    """The templates' ``url_for``: a root-relative path (Starlette's own makes it absolute from ``Host``)."""
    request: Request = context["request"]
    path = request.app.url_path_for(name, **path_params)
    return f"{request.scope.get('root_path', '')}{path}"
