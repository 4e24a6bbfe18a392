"""Staff editing JSON API (``/api/staff``): the dashboard, records with versions, photos. Every route needs a
staff session (list routes hold only rows inside the account's scopes); unsafe methods also need the
``X-CSRF-Token`` header."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile

from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, RequireEditor
from cityservices.kit.audit import utc_now
from cityservices.platform import versioning
from cityservices.service_map.editing import photos
from cityservices.service_map.editing import repository as repo
from cityservices.service_map.editing import service as svc
from cityservices.service_map.editing.dashboard import build_dashboard
from cityservices.service_map.editing.schemas import (
    ChangeRead,
    DashboardRead,
    RecordKind,
    RecordPage,
    RecordRead,
    RecordSummary,
    RecordWrite,
    SaveRead,
    VersionDetail,
    VersionRead,
)

router = APIRouter(prefix="/api/staff", tags=["staff"])
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=40, description='所基于的版本，如 "3"')]


def based_on(if_match: str | None, base_version: int | None) -> int | None:
    """The version a write is based on: the ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``, the record's ETag)
    or the ``base_version`` field; both may be given if they agree. ``None`` when neither is (the service then
    refuses the write)."""
    return versioning.based_on(if_match, base_version, what="记录")


@router.get("/dashboard", response_model=DashboardRead)
def dashboard(
    session: DbSession,
    staff: CurrentStaff,
    runtime: CurrentRuntime,
    stale_days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> DashboardRead:
    """Satisfaction by venue and by item, and current guides not verified for ``stale_days`` days."""
    return build_dashboard(session, account=staff.account, today=utc_now().date(),
                           stale_days=stale_days or runtime.settings.guide_stale_days)  # fmt: skip


@router.get("/{kinds}", response_model=RecordPage)
def list_records(
    session: DbSession,
    staff: CurrentStaff,
    kinds: RecordKind,
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RecordPage:
    """Venues, items, items with a current guide, or bundles, by key or name, inside the account's scopes."""
    rows, total = repo.search_records(session, kinds.kind, account=staff.account, q=q.strip(), limit=limit,
                                      offset=offset)  # fmt: skip
    return RecordPage(total=total, limit=limit, offset=offset, items=[RecordSummary(**r) for r in rows])


@router.get("/{kinds}/{key}", response_model=RecordRead)
def read_record(session: DbSession, staff: CurrentStaff, kinds: RecordKind, key: str, response: Response) -> RecordRead:
    """The record in the importer's format and its version (also the ``ETag``): send it back as ``If-Match`` or
    ``base_version`` with the change."""
    record, version = svc.load_record(session, kind=kinds.kind, key=key)
    response.headers["ETag"] = versioning.etag(version)
    return RecordRead(kind=kinds.kind, key=key, version=version, record=record)


@router.put("/{kinds}/{key}", response_model=SaveRead)
def write_record(
    session: DbSession, staff: RequireEditor, kinds: RecordKind, key: str, body: RecordWrite, if_match: IfMatch = None
) -> SaveRead:
    """Create or update a record, validated like an import; a new version and an audit row are stored. The
    version it is based on is required (``If-Match`` or ``base_version``; 0 to create); 409 if it is not the
    latest."""
    result = svc.save_record(session, kind=kinds.kind, key=key, data=body.record, account=staff.account,
                             actor=staff.actor, base_version=based_on(if_match, body.base_version))  # fmt: skip
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
def restore_version(
    session: DbSession,
    staff: RequireEditor,
    kinds: RecordKind,
    key: str,
    version: int,
    if_match: IfMatch = None,
    base_version: Annotated[int | None, Query(ge=0)] = None,
) -> SaveRead:
    """Make a version current again (stored as a new version); the current version it replaces is required
    (``If-Match`` or ``?base_version=``), 409 if a later change came in."""
    result = svc.restore_version(session, kind=kinds.kind, key=key, version=version, account=staff.account,
                                 actor=staff.actor, base_version=based_on(if_match, base_version))  # fmt: skip
    return SaveRead(**vars(result))


@router.post("/venues/{venue_id}/photos", response_model=SaveRead, status_code=201)
def upload_photo(
    session: DbSession,
    staff: RequireEditor,
    runtime: CurrentRuntime,
    venue_id: str,
    file: Annotated[UploadFile, File()],
    caption: Annotated[str, Form(max_length=200)] = "",
    base_version: Annotated[int | None, Form(ge=0)] = None,
    if_match: IfMatch = None,
) -> SaveRead:
    """Add a JPEG, PNG or WebP photo (checked by content, size-limited, re-encoded, with a thumbnail); the
    venue's version is required (``If-Match`` or ``base_version``)."""
    result = photos.upload_photo(session, venue_id=venue_id, upload=file.file, caption=caption,
                                 account=staff.account, actor=staff.actor, settings=runtime.settings,
                                 base_version=based_on(if_match, base_version))  # fmt: skip
    return SaveRead(**vars(result))


@router.delete("/venues/{venue_id}/photos/{index}", response_model=SaveRead)
def delete_photo(
    session: DbSession,
    staff: RequireEditor,
    venue_id: str,
    index: int,
    if_match: IfMatch = None,
    base_version: Annotated[int | None, Query(ge=0)] = None,
) -> SaveRead:
    """Remove the photo at ``index`` of the venue's version given by ``If-Match`` or ``?base_version=``."""
    result = photos.remove_photo(session, venue_id=venue_id, index=index, account=staff.account, actor=staff.actor,
                                 base_version=based_on(if_match, base_version))  # fmt: skip
    return SaveRead(**vars(result))
