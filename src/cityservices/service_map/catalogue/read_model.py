"""Read models of the catalogue's public answers: item, guide and bundle, built once per data generation and
sent as encoded bytes (``platform.read_models``). Invalidated by every ``service_map.changed`` event, so a staff
edit shows at once in every worker. Only public catalogue data is kept (no personal data lives here)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from cityservices.deps import get_session
from cityservices.platform.read_models import EncodedJSON, read_model
from cityservices.service_map.catalogue.service import bundle_detail, guide_detail, item_detail
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
