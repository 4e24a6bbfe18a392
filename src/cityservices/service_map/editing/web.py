"""Wire staff editing into the app: its routers and the /media/ mount."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope

from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.service_map.editing import api, pages
from cityservices.service_map.editing import repository as repo
from cityservices.service_map.editing.photos import media_path


def install_staff(app: FastAPI, settings: Settings) -> None:
    """Add the editing API and pages. They come after the routers of the installed domains (``Domain.routers``):
    the fixed staff paths (login, accounts, audit, feedback) must be matched before ``/{kinds}``."""
    for router in (api.router, pages.router):
        app.include_router(router)
    app.mount("/media", CurrentPhotos(directory=media_path(settings)), name="media")


class CurrentPhotos(StaticFiles):
    """The media directory, serving only the photos a venue shows now: a removed photo (its file is kept so that
    an earlier version can be restored) and a file no venue refers to are not found."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        parts = path.split("/")
        if len(parts) != 3 or parts[0] != "venues":
            raise HTTPException(status_code=404)
        if not await run_in_threadpool(_is_shown, scope, parts[1], f"/media/{path}"):
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)


def _is_shown(scope: Scope, venue_id: str, url: str) -> bool:
    with session_scope(scope["app"].state.runtime.sessions) as session:
        return url in repo.venue_photo_urls(session, venue_id)
