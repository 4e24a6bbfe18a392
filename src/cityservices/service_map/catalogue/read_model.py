"""Read models of the catalogue's public answers: item, guide and bundle, built once per data generation and
sent as encoded bytes (``platform.read_models``). Invalidated by every ``service_map.changed`` event, so a staff
edit shows at once in every worker. Only public catalogue data is kept (no personal data lives here).

The current guides and the bundles are prebuilt: all of them when the worker warms up and again, in the
background, after each change (``prebuild_catalogue``), since the read load asks for thousands of different
guides and a first request for each would otherwise build it from the ORM. Items and older guide versions are
built on first request."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from cityservices.deps import get_session
from cityservices.platform.lifecycle import shares_one_connection
from cityservices.platform.read_models import EncodedJSON, encode, read_model
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.service import bundle_detail, current_guide_details, guide_detail, item_detail
from cityservices.service_map.install import CHANGED

M = TypeVar("M", bound=BaseModel)
session_of = contextmanager(get_session)  # the request's own transaction rules (and Busy on a locked SQLite)


def in_session(request: Request, use: Callable[[Session], M]) -> Callable[[], M]:
    """``use`` run in a session of its own, for a read model's build (on the thread pool)."""

    def build() -> M:
        with session_of(request) as session:
            return use(session)

    return build


async def item_answer(request: Request, code: str) -> EncodedJSON:
    model = read_model(request.app, "items", (CHANGED,))
    return await model.answer(code, in_session(request, lambda s: item_detail(s, code)))


async def guide_answer(request: Request, code: str, *, version: int | None) -> EncodedJSON:
    model = read_model(request.app, "guides", (CHANGED,))
    return await model.answer((code, version), in_session(request, lambda s: guide_detail(s, code, version=version)))


async def bundle_answer(request: Request, code: str) -> EncodedJSON:
    model = read_model(request.app, "bundles", (CHANGED,))
    return await model.answer(code, in_session(request, lambda s: bundle_detail(s, code)))


Table = Mapping[Hashable, bytes]


def filled_from(app: Any, build: Callable[[Session], Table]) -> Callable[[], Table]:
    """``build`` run in a read session of the app's own (for a table's fill, on whatever thread runs it)."""

    def fill() -> Table:
        with app.state.runtime.sessions() as session:
            return build(session)

    return fill


def all_current_guides(session: Session) -> dict[Hashable, bytes]:
    return {(code, None): encode(guide) for code, guide in current_guide_details(session).items()}


def all_bundles(session: Session) -> dict[Hashable, bytes]:
    return {code: encode(bundle_detail(session, code)) for code in repo.bundle_codes(session)}


def prebuild_catalogue(app: Any) -> None:
    """Fill the guides' and bundles' read models now, and again after every change (the worker's warm-up)."""
    refill = not shares_one_connection(app)
    read_model(app, "guides", (CHANGED,)).prebuild(filled_from(app, all_current_guides), refill=refill)
    read_model(app, "bundles", (CHANGED,)).prebuild(filled_from(app, all_bundles), refill=refill)
