"""Staff editing pages (``/staff``): the dashboard, record lists (inside the account's scopes), editing with
versions, photos.

Every form carries ``csrf_token``; templates hold no inline script or style (the CSP forbids them).
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from cityservices.auth.service import SignedIn
from cityservices.auth.web import render_staff_page, see_other
from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, FormValues, RequireEditor
from cityservices.errors import Conflict
from cityservices.kit.audit import utc_now
from cityservices.service_map.editing import photos
from cityservices.service_map.editing import repository as repo
from cityservices.service_map.editing import service as svc
from cityservices.service_map.editing.dashboard import build_dashboard
from cityservices.service_map.editing.diff import FIELD_LABELS
from cityservices.service_map.editing.forms import ROW_COLUMNS, ROW_ERROR, WEEKDAY_NAMES, build_form, parse_form
from cityservices.service_map.editing.records import KIND_NAMES, RECORD_TYPES, RecordInvalid
from cityservices.service_map.editing.schemas import RecordKind

router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)
KEY_FIELDS = {"venue": "id", "item": "code", "guide": "item_code", "bundle": "code"}


def render(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    base = {"KIND_NAMES": KIND_NAMES, "WEEKDAY_NAMES": WEEKDAY_NAMES, "FIELD_LABELS": FIELD_LABELS}
    return render_staff_page(request, f"staff/{name}", {**base, **context}, status=status)


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    runtime: CurrentRuntime,
    stale_days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> HTMLResponse:
    board = build_dashboard(session, account=staff.account, today=utc_now().date(),
                            stale_days=stale_days or runtime.settings.guide_stale_days)  # fmt: skip
    context = {
        "staff": staff, "open_count": board.open_feedback, "stale_days": board.stale_days,
        "venues": board.venues[:20], "items": board.items[:20], "stale": board.stale_guides[:50],
    }  # fmt: skip
    return render(request, "dashboard.html", context)


@router.get("/{kinds}", response_class=HTMLResponse)
def list_records(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    kinds: RecordKind,
    q: Annotated[str, Query(max_length=100)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    rows, total = repo.search_records(session, kinds.kind, account=staff.account, q=q.strip(), limit=50,
                                      offset=offset)  # fmt: skip
    context = {"staff": staff, "kinds": kinds.value, "kind": kinds.kind, "rows": rows, "total": total, "q": q,
               "offset": offset}  # fmt: skip
    return render(request, "records.html", context)


def _form_context(staff: SignedIn, kinds: RecordKind, key: str, values: dict[str, Any], version: int) -> dict[str, Any]:
    kind = kinds.kind
    fields = build_form(RECORD_TYPES[kind], values, key_field=KEY_FIELDS[kind])
    return {"staff": staff, "kinds": kinds.value, "kind": kind, "key": key, "fields": fields, "version": version,
            "photos": values.get("photos", []) if kind == "venue" else None, "errors": []}  # fmt: skip


@router.get("/{kinds}/{key}", response_class=HTMLResponse)
def edit_page(
    request: Request, session: DbSession, staff: CurrentStaff, kinds: RecordKind, key: str, saved: int | None = None
) -> HTMLResponse:
    record, version = svc.load_record(session, kind=kinds.kind, key=key)
    context = _form_context(staff, kinds, key, record, version)
    context["saved"] = saved
    found = svc.last_verification(session, kind=kinds.kind, key=key)
    if found is not None:
        names = "、".join(FIELD_LABELS.get(f, "坐标" if f == "coordinates" else f) for f in found.fields)
        context["verified_last"] = {"fields": names, "actor": found.actor, "at": found.at}
    return render(request, "record_form.html", context)


@router.post("/{kinds}/{key}", response_class=HTMLResponse)
def save(
    request: Request, session: DbSession, staff: RequireEditor, kinds: RecordKind, key: str, values: FormValues
) -> Response:
    return _save_record_form(request, session, staff, kinds, key, values)


def _save_record_form(
    request: Request, session: Session, staff: SignedIn, kinds: RecordKind, key: str, values: dict[str, str]
) -> Response:
    kind = kinds.kind
    data, problems = parse_form(RECORD_TYPES[kind], values)
    data[KEY_FIELDS[kind]] = key
    base = int(values["base_version"]) if values.get("base_version", "").isdigit() else None
    errors = [f"{FIELD_LABELS.get(k, k)}：{v}" for k, v in problems.items()]
    if base is None:
        errors.append("base_version: 缺少所基于的版本，请刷新页面后再编辑")
    if not errors:
        try:
            result = svc.save_record(session, kind=kind, key=key, data=data, account=staff.account,
                                     actor=staff.actor, base_version=base)  # fmt: skip
            return see_other(f"/staff/{kinds.value}/{quote(key)}?saved={result.version}")
        except RecordInvalid as exc:
            errors = [_issue_text(data, field, message) for field, message in exc.issues]
        except Conflict as exc:  # the form keeps the stale version: saving again needs a reload first
            context = _form_context(staff, kinds, key, data, base or 0)
            context["errors"] = [exc.detail]
            return render(request, "record_form.html", context, status=409)
    context = _form_context(staff, kinds, key, data, base or 0)
    context["errors"] = errors
    return render(request, "record_form.html", context, status=422)


def _issue_text(data: dict[str, Any], field: str, message: str) -> str:
    """A validation issue in Chinese: ``materials.2.name`` is “申请材料 第 3 行：…”, and the row is marked so that
    the form shows the message beside it."""
    message = message.removeprefix("Value error, ")
    name, _, rest = field.partition(".")
    index = rest.split(".")[0]
    rows = data.get(name)
    if name in ROW_COLUMNS and index.isdigit() and isinstance(rows, list) and int(index) < len(rows):
        row = rows[int(index)]
        if isinstance(row, dict):
            row[ROW_ERROR] = message
        return f"{FIELD_LABELS.get(name, name)} 第 {int(index) + 1} 行：{message}"
    return f"{FIELD_LABELS.get(name, field)}：{message}"


@router.get("/{kinds}/{key}/versions", response_class=HTMLResponse)
def versions_page(request: Request, session: DbSession, staff: CurrentStaff, kinds: RecordKind, key: str) -> Response:
    versions = svc.version_history(session, kind=kinds.kind, key=key)
    context = {"staff": staff, "kinds": kinds.value, "kind": kinds.kind, "key": key, "versions": versions}
    return render(request, "versions.html", context)


@router.get("/{kinds}/{key}/versions/{version}", response_class=HTMLResponse)
def version_page(
    request: Request, session: DbSession, staff: CurrentStaff, kinds: RecordKind, key: str, version: int
) -> Response:
    view = svc.view_version(session, kind=kinds.kind, key=key, version=version)
    context = {"staff": staff, "kinds": kinds.value, "kind": kinds.kind, "key": key, "view": view,
               "snapshot_text": _pretty(view.version.snapshot),
               "current": svc.current_version(session, kind=kinds.kind, key=key)}  # fmt: skip
    return render(request, "version.html", context)


def _pretty(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


@router.post("/{kinds}/{key}/versions/{version}/restore")
def restore(
    session: DbSession,
    staff: RequireEditor,
    kinds: RecordKind,
    key: str,
    version: int,
    base_version: Annotated[int | None, Form(ge=0)] = None,
) -> Response:
    result = svc.restore_version(session, kind=kinds.kind, key=key, version=version, account=staff.account,
                                 actor=staff.actor, base_version=base_version)  # fmt: skip
    return see_other(f"/staff/{kinds.value}/{quote(key)}?saved={result.version}")


@router.post("/venues/{venue_id}/photos")
def upload_photo(
    session: DbSession,
    staff: RequireEditor,
    runtime: CurrentRuntime,
    venue_id: str,
    file: Annotated[UploadFile, File()],
    caption: Annotated[str, Form(max_length=200)] = "",
    base_version: Annotated[int | None, Form(ge=0)] = None,
) -> Response:
    result = photos.upload_photo(session, venue_id=venue_id, upload=file.file, caption=caption,
                                 account=staff.account, actor=staff.actor, settings=runtime.settings,
                                 base_version=base_version)  # fmt: skip
    return see_other(f"/staff/venues/{quote(venue_id)}?saved={result.version}")


@router.post("/venues/{venue_id}/photos/{index}/delete")
def delete_photo(
    session: DbSession,
    staff: RequireEditor,
    venue_id: str,
    index: int,
    base_version: Annotated[int | None, Form(ge=0)] = None,
) -> Response:
    result = photos.remove_photo(session, venue_id=venue_id, index=index, account=staff.account, actor=staff.actor,
                                 base_version=base_version)  # fmt: skip
    return see_other(f"/staff/venues/{quote(venue_id)}?saved={result.version}")
