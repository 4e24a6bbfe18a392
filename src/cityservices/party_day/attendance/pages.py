"""The member's sign-in page (``/party/sign-in?token=…``), opened by scanning the activity's QR code: the
member types their ID number; it is checked against the participants and never shown."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from cityservices.deps import DbSession
from cityservices.errors import AppError, RequestInvalid
from cityservices.party_day.attendance import service
from cityservices.platform.templating import templates

router = APIRouter(prefix="/party", tags=["party pages"], include_in_schema=False)


def _page(
    request: Request, token: str, *, done: bool = False, error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {"staff": None, "token": token, "done": done, "error": error}
    return templates.TemplateResponse(request, "party_day/sign_in.html", context, status_code=status)


@router.get("/sign-in", response_class=HTMLResponse, name="party_sign_in_page")
def sign_in_page(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    return _page(request, token)


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in_submit(request: Request, session: DbSession, token: Annotated[str, Form(max_length=200)],
                   id_number: Annotated[str, Form(max_length=18)]) -> HTMLResponse:  # fmt: skip
    secret: bytes = request.app.state.security.secret
    try:
        service.sign_in_by_qr(session, token=token, id_number=id_number, now=dt.datetime.now(dt.UTC),
                              secret=secret.hex())  # fmt: skip
    except AppError as error:
        session.rollback()
        return _page(request, token, error=_plain(error), status=error.status_code)
    return _page(request, token, done=True)


def _plain(error: AppError) -> str:
    if isinstance(error, RequestInvalid):
        return "；".join(message for _, message in error.fields)
    return error.detail
