"""Wire the staff side into the app: routers and the /media/ mount."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cityservices.config import Settings
from cityservices.service_map.editing import api, api_admin, pages, pages_admin
from cityservices.service_map.editing.photos import media_path


def install_staff(app: FastAPI, settings: Settings) -> None:
    """Add the staff API and pages. The fixed paths (feedback, audit, accounts) come before ``/{kinds}``."""
    for router in (api_admin.router, api.router, pages_admin.router, pages.router):
        app.include_router(router)
    app.mount("/media", StaticFiles(directory=media_path(settings)), name="media")
