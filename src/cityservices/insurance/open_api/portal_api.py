"""``/api/v1/enterprise/apps``: a signed-in enterprise representative requests apps for its unit, sees them (the
app id once approved), is shown an HMAC secret exactly once, and rotates keys (a new serial; the earlier keys stay
valid for the overlap). Scoped to the account's unit, audited, never cached."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from cityservices.deps import DbSession
from cityservices.errors import RequestInvalid, error_responses
from cityservices.insurance.enterprises.accounts.web import CurrentEnterprise
from cityservices.insurance.open_api import lifecycle
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api.models import APP_PENDING, APP_REJECTED, OpenApp
from cityservices.insurance.open_api.schemas import AppRead, AppRequest, KeyCreate, KeyIssued, SecretShown
from cityservices.kit.audit import record_audit, utc_now
from cityservices.platform.security import load_secret

router = APIRouter(prefix="/api/v1/enterprise/apps", tags=["enterprise"], responses=error_responses(401, 403, 404))
AppId = Annotated[str, Path(pattern=r"^app[0-9a-f]{16}$", description="应用编号 app_id")]
Serial = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="密钥序列号")]


class OwnAppRead(AppRead):
    """An app as its enterprise sees it: ``app_id`` only once approved (``request_ref`` names it before)."""

    app_id: str | None  # type: ignore[assignment]
    request_ref: str


def _own(session: DbSession, row: OpenApp) -> OwnAppRead:
    read = open_api.app_read(session, row).model_dump()
    hidden = row.status in (APP_PENDING, APP_REJECTED)
    read["app_id"] = None if hidden else row.app_id
    return OwnAppRead(**read, request_ref=row.app_id[-6:])


def _audit(session: DbSession, signed_in: CurrentEnterprise, action: str, app_id: str, **detail: object) -> None:
    record_audit(session, actor=signed_in.actor, action=action, target_kind="open_app", target_key=app_id,
                 detail=detail)  # fmt: skip


class OwnApps(BaseModel):
    apps: list[OwnAppRead]


@router.get("", response_model=OwnApps)
def my_apps(session: DbSession, signed_in: CurrentEnterprise, response: Response) -> OwnApps:
    """The unit's apps with their status, the reason of a refusal or suspension, and their keys."""
    response.headers["Cache-Control"] = "no-store"
    return OwnApps(apps=[_own(session, row) for row in lifecycle.apps_of(session, signed_in.emp_no)])


@router.post("", response_model=OwnAppRead, status_code=201, responses=error_responses(422))
def request_app(
    request: Request, session: DbSession, signed_in: CurrentEnterprise, data: AppRequest, response: Response
) -> OwnAppRead:
    """Ask for an app: it waits for staff approval; an uploaded public key is checked now."""
    response.headers["Cache-Control"] = "no-store"
    limit = request.app.state.runtime.settings.open_app_rate_limit_per_minute
    row = lifecycle.request_app(
        session, account_id=signed_in.account.id, emp_no=signed_in.emp_no, data=data, rate_limit=limit, now=utc_now()
    )
    _audit(session, signed_in, "open.app.request", row.app_id, profile=data.profile, operations=row.operations)
    return _own(session, row)


@router.post("/{app_id}/keys/{serial}/secret", response_model=SecretShown, responses=error_responses(409))
def show_secret(
    request: Request, session: DbSession, signed_in: CurrentEnterprise, app_id: AppId, serial: Serial,
    response: Response,
) -> SecretShown:  # fmt: skip
    """The HMAC secret of an approved app's key, shown exactly once (409 afterwards: rotate the key if lost)."""
    response.headers["Cache-Control"] = "no-store"
    row = lifecycle.own_app_or_404(session, app_id, emp_no=signed_in.emp_no)
    if row.status in (APP_PENDING, APP_REJECTED):
        raise RequestInvalid("app_id", "应用尚未获批")
    secret = lifecycle.reveal_secret(
        session, row.app_id, serial, platform_secret=load_secret(request.app.state.runtime.settings), now=utc_now()
    )
    _audit(session, signed_in, "open.key.secret_shown", row.app_id, serial=serial)
    return SecretShown(app_id=row.app_id, serial=serial, secret=secret)


@router.post("/{app_id}/keys", response_model=KeyIssued, status_code=201, responses=error_responses(422))
def rotate_key(
    request: Request, session: DbSession, signed_in: CurrentEnterprise, app_id: AppId, data: KeyCreate,
    response: Response,
) -> KeyIssued:  # fmt: skip
    """A new key for an approved app (next serial); earlier keys stay valid for ``overlap_days``. An HMAC secret
    is in this answer only."""
    response.headers["Cache-Control"] = "no-store"
    row = lifecycle.own_app_or_404(session, app_id, emp_no=signed_in.emp_no)
    if row.status in (APP_PENDING, APP_REJECTED):
        raise RequestInvalid("app_id", "应用尚未获批")
    key, secret = lifecycle.issue_key(
        session, app_id, profile=data.profile, public_key=data.public_key,
        platform_secret=load_secret(request.app.state.runtime.settings), now=utc_now(),
        overlap=dt.timedelta(days=data.overlap_days),
    )  # fmt: skip
    _audit(session, signed_in, "open.key.add", app_id, serial=key.serial, profile=key.profile)
    return KeyIssued(**open_api.key_read(key).model_dump(), secret=secret)
