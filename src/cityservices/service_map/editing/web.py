"""Wire staff editing into the app: its routers and the /media/ mount."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cityservices.config import Settings
from cityservices.service_map.editing import api, pages
from cityservices.service_map.editing.photos import media_path


def install_staff(app: FastAPI, settings: Settings) -> None:
    """Add the editing API and pages. They come after the routers of the installed domains (``Domain.routers``):
    the fixed staff paths (login, accounts, audit, feedback) must be matched before ``/{kinds}``."""
    for router in (api.router, pages.router):
        app.include_router(router)
    app.mount("/media", StaticFiles(directory=media_path(settings)), name="media")
