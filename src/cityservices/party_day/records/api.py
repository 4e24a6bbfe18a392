"""``/api/v1/party/activities/{id}/minutes``: the minutes of an activity (staff, scoped, audited), their photos,
the printable record of a Party Day (PDF) and the export of a branch's year (PDF, ZIP with CSV tables)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Response, UploadFile
from fastapi import Path as FastPath

from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.organisation.schemas import OrgCodePath
from cityservices.party_day.records import photos, service
from cityservices.party_day.records.schemas import MinutesCreate, MinutesRead, PhotoList

router = APIRouter(prefix="/api/v1/party", tags=["party"])


@router.post("/activities/{activity_id}/minutes", response_model=MinutesRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def record_minutes(session: DbSession, staff: RequireEditor, activity_id: int, data: MinutesCreate) -> MinutesRead:
    """Record the minutes: present + absent must equal expected, present must match the sign-in records."""
    return service.record_minutes(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                                  data=data, now=dt.datetime.now(dt.UTC))  # fmt: skip


@router.get("/activities/{activity_id}/minutes", response_model=MinutesRead, responses=error_responses(403, 404))
def read_minutes(session: DbSession, staff: CurrentStaff, activity_id: int) -> MinutesRead:
    return service.read_minutes(session, account=staff.account, actor=staff.actor, activity_id=activity_id)


# --- photos of the minutes, the printable record and the year export ---------------------------------------------

ActivityId = Annotated[int, FastPath(ge=1, le=2_147_483_647, description="活动编号")]
PhotoName = Annotated[str, FastPath(pattern=r"^[0-9a-f]{32}\.jpg$", max_length=36, description="照片文件名")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="年份（缺省: 今年，北京时间）")]


def _download(data: bytes, media_type: str, filename: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


@router.post("/activities/{activity_id}/photos", response_model=PhotoList, status_code=201,
             responses=error_responses(403, 404, 413))  # fmt: skip
def upload_photo(session: DbSession, staff: RequireEditor, runtime: CurrentRuntime, activity_id: ActivityId,
                 file: Annotated[UploadFile, File()]) -> PhotoList:  # fmt: skip
    """Add a JPEG, PNG or WebP photo to the minutes (checked by content, size and pixel limits, re-encoded without
    metadata, kept private). At most twelve per activity."""
    data = file.file.read(runtime.settings.max_upload_bytes + 1)
    names = photos.add_photo(session, account=staff.account, actor=staff.actor, activity_id=activity_id, data=data,
                             settings=runtime.settings)  # fmt: skip
    return PhotoList(activity_id=activity_id, photos=[n for n in names if photos.PHOTO_NAME.match(n)])


@router.get("/activities/{activity_id}/photos/{name}", response_class=Response, responses=error_responses(403, 404))
def read_photo(
    session: DbSession,
    staff: CurrentStaff,
    runtime: CurrentRuntime,
    activity_id: ActivityId,
    name: PhotoName,
    thumbnail: Annotated[bool, Query(description="缩略图")] = False,
) -> Response:
    """A photo of the minutes (JPEG), to accounts whose scope covers the branch. Audited."""
    data = photos.read_photo(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                             name=name, thumbnail=thumbnail, settings=runtime.settings)  # fmt: skip
    return Response(data, media_type="image/jpeg")


@router.get("/activities/{activity_id}/record.pdf", response_class=Response, responses=error_responses(403, 404))
def activity_record(session: DbSession, staff: CurrentStaff, runtime: CurrentRuntime,
                    activity_id: ActivityId) -> Response:  # fmt: skip
    """The printable record of a Party Day (PDF): plan, procedure, attendance, minutes, self-check, photos."""
    from cityservices.party_day.records import export

    data = export.activity_pdf(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                               photo_root=photos.photo_root(runtime.settings))  # fmt: skip
    return _download(data, "application/pdf", f"主题党日活动记录-{activity_id}.pdf")


def _year_export(session: DbSession, staff: Any, runtime: Any, code: str, year: int | None) -> Any:
    from cityservices.party_day.records import export

    today = dt.datetime.now(BEIJING).date()
    shown = year or today.year
    on = today if today.year == shown else max(min(today, dt.date(shown, 12, 31)), dt.date(shown, 1, 1))
    return export.year_export(session, account=staff.account, actor=staff.actor, branch_code=code, year=shown, on=on,
                              photo_root=photos.photo_root(runtime.settings))  # fmt: skip


@router.get("/organisations/{code}/year-record.pdf", response_class=Response, responses=error_responses(403, 404))
def year_record(session: DbSession, staff: CurrentStaff, runtime: CurrentRuntime, code: OrgCodePath,
                year: Year = None) -> Response:  # fmt: skip
    """A branch's year as one PDF: the compliance calendar, a list of its Party Days and each day's record."""
    from cityservices.party_day.records import export

    exported = _year_export(session, staff, runtime, code, year)
    return _download(export.year_pdf(exported), "application/pdf", f"{exported.branch_code}-{exported.year}.pdf")


@router.get("/organisations/{code}/year-export.zip", response_class=Response, responses=error_responses(403, 404))
def year_archive(session: DbSession, staff: CurrentStaff, runtime: CurrentRuntime, code: OrgCodePath,
                 year: Year = None) -> Response:  # fmt: skip
    """A branch's year as a ZIP: the year's PDF and CSV tables of Party Days, attendance and the calendar."""
    from cityservices.party_day.records import export

    exported = _year_export(session, staff, runtime, code, year)
    return _download(export.year_zip(exported), "application/zip", f"{exported.branch_code}-{exported.year}.zip")
