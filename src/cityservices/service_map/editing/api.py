"""Staff JSON API (``/api/staff``): sign-in, records with versions, photos. Every route but ``csrf`` and
``login`` needs a staff session; unsafe methods also need the ``X-CSRF-Token`` header."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from cityservices.auth import repository as repo
from cityservices.auth.service import authenticate, end_session, start_session
from cityservices.auth.web import set_session_cookie, staff_read
from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, RequireEditor, client_ip
from cityservices.platform.security import SESSION_COOKIE, csrf_token, make_csrf_token
from cityservices.service_map.editing import photos
from cityservices.service_map.editing import service as svc
from cityservices.service_map.editing.schemas import (
    ChangeRead,
    CsrfRead,
    LoginRead,
    LoginRequest,
    RecordKind,
    RecordPage,
    RecordRead,
    RecordSummary,
    RecordWrite,
    SaveRead,
    StaffRead,
    VersionDetail,
    VersionRead,
)

router = APIRouter(prefix="/api/staff", tags=["staff"])


@router.get("/csrf", response_model=CsrfRead)
def read_csrf(request: Request) -> CsrfRead:
    """A CSRF token for this client (public): send it as ``X-CSRF-Token`` with every unsafe request."""
    return CsrfRead(csrf_token=csrf_token(request))


@router.post("/login", response_model=LoginRead, responses={401: {"description": "用户名或密码错误，或已锁定"}})
def login(request: Request, session: DbSession, runtime: CurrentRuntime, body: LoginRequest) -> Response:
    """Sign in: sets a new session cookie (the old one, if any, is ended) and returns the new CSRF token."""
    settings = runtime.settings
    result = authenticate(session, username=body.username, password=body.password, ip=client_ip(request),
                          settings=settings)  # fmt: skip
    if result.account is None:
        return JSONResponse({"error": "login_failed", "detail": result.error}, status_code=401)
    token = start_session(session, account=result.account, ip=client_ip(request), settings=settings,
                          previous_token=request.cookies.get(SESSION_COOKIE))  # fmt: skip
    body_out = LoginRead(account=staff_read(result.account),
                         csrf_token=make_csrf_token(request.app.state.security.secret, token))  # fmt: skip
    response = JSONResponse(body_out.model_dump(mode="json"))
    set_session_cookie(response, token, settings)
    return response


@router.post("/logout", status_code=204)
def logout(session: DbSession, staff: CurrentStaff) -> Response:
    end_session(session, signed_in=staff)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=StaffRead)
def me(staff: CurrentStaff) -> StaffRead:
    return staff_read(staff.account)


@router.get("/{kinds}", response_model=RecordPage)
def list_records(
    session: DbSession,
    staff: CurrentStaff,
    kinds: RecordKind,
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RecordPage:
    """Venues, items, items with a current guide, or bundles, by key or name."""
    rows, total = repo.search_records(session, kinds.kind, q=q.strip(), limit=limit, offset=offset)
    return RecordPage(total=total, limit=limit, offset=offset, items=[RecordSummary(**r) for r in rows])


@router.get("/{kinds}/{key}", response_model=RecordRead)
def read_record(session: DbSession, staff: CurrentStaff, kinds: RecordKind, key: str) -> RecordRead:
    """The record in the importer's format and its version (send it back as ``base_version``)."""
    record, version = svc.load_record(session, kind=kinds.kind, key=key)
    return RecordRead(kind=kinds.kind, key=key, version=version, record=record)


@router.put("/{kinds}/{key}", response_model=SaveRead)
def write_record(session: DbSession, staff: RequireEditor, kinds: RecordKind, key: str, body: RecordWrite) -> SaveRead:
    """Create or update a record, validated like an import; a new version and an audit row are stored."""
    result = svc.save_record(session, kind=kinds.kind, key=key, data=body.record, account=staff.account,
                             actor=staff.actor, base_version=body.base_version)  # fmt: skip
    return SaveRead(**vars(result))


@router.get("/{kinds}/{key}/versions", response_model=list[VersionRead])
def list_versions(session: DbSession, staff: CurrentStaff, kinds: RecordKind, key: str) -> list[VersionRead]:
    return [VersionRead.model_validate(v) for v in svc.version_history(session, kind=kinds.kind, key=key)]


@router.get("/{kinds}/{key}/versions/{version}", response_model=VersionDetail)
def read_version(session: DbSession, staff: CurrentStaff, kinds: RecordKind, key: str, version: int) -> VersionDetail:
    """A version's full snapshot and what it changed relative to the version before it."""
    view = svc.view_version(session, kind=kinds.kind, key=key, version=version)
    changes = [ChangeRead.model_validate(c) for c in view.changes]
    return VersionDetail(**VersionRead.model_validate(view.version).model_dump(), snapshot=view.version.snapshot,
                         changes=changes)  # fmt: skip


@router.post("/{kinds}/{key}/versions/{version}/restore", response_model=SaveRead)
def restore_version(session: DbSession, staff: RequireEditor, kinds: RecordKind, key: str, version: int) -> SaveRead:
    """Make a version current again (stored as a new version)."""
    result = svc.restore_version(session, kind=kinds.kind, key=key, version=version, account=staff.account,
                                 actor=staff.actor)  # fmt: skip
    return SaveRead(**vars(result))


@router.post("/venues/{venue_id}/photos", response_model=SaveRead, status_code=201)
def upload_photo(
    session: DbSession,
    staff: RequireEditor,
    runtime: CurrentRuntime,
    venue_id: str,
    file: Annotated[UploadFile, File()],
    caption: Annotated[str, Form(max_length=200)] = "",
) -> SaveRead:
    """Add a JPEG, PNG or WebP photo (checked by content, size-limited, re-encoded, with a thumbnail)."""
    data = file.file.read(runtime.settings.max_upload_bytes + 1)
    result = photos.add_photo(session, venue_id=venue_id, data=data, caption=caption, account=staff.account,
                              actor=staff.actor, settings=runtime.settings)  # fmt: skip
    return SaveRead(**vars(result))


@router.delete("/venues/{venue_id}/photos/{index}", response_model=SaveRead)
def delete_photo(session: DbSession, staff: RequireEditor, venue_id: str, index: int) -> SaveRead:
    result = photos.remove_photo(session, venue_id=venue_id, index=index, account=staff.account, actor=staff.actor)
    return SaveRead(**vars(result))
