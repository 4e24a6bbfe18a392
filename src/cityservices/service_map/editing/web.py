"""Wire the staff side into the app: routers, the /media/ mount, and sign-in redirects for pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from cityservices.config import Settings
from cityservices.errors import Unauthenticated
from cityservices.service_map.editing import api, api_admin, pages, pages_admin
from cityservices.service_map.editing.photos import media_path


def install_staff(app: FastAPI, settings: Settings) -> None:
    """Add the staff API and pages. The fixed paths (feedback, audit, accounts) come before ``/{kinds}``."""
    for router in (api_admin.router, api.router, pages_admin.router, pages.router):
        app.include_router(router)
    app.mount("/media", StaticFiles(directory=media_path(settings)), name="media")
    app.add_exception_handler(Unauthenticated, _unauthenticated)  # type: ignore[arg-type]


async def _unauthenticated(request: Request, exc: Unauthenticated) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": exc.code, "detail": exc.detail}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/login?next={quote(target, safe='')}", status_code=303)
