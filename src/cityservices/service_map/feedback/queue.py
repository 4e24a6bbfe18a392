"""The staff side of citizen feedback: queues per district / department, resolution, the dashboard.

Contact details are personal data: lists show them masked; ``reveal_contact`` shows them in full and writes
an audit row for every read.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import Conflict, NotFound, RuleViolation
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.masking import mask_name, mask_phone, mask_text
from cityservices.service_map.catalogue.models import Feedback, Guide, Item, Venue
from cityservices.service_map.scopes import feedback_filter, item_filter

log = logging.getLogger(__name__)
STATUSES = ("open", "resolved")


def feedback_row(row: Feedback, *, venue_name: str | None = None, item_name: str | None = None) -> dict[str, Any]:
    """A feedback entry for lists and pages, personal data masked."""
    return {
        "id": row.id, "created_at": row.created_at, "target_kind": row.target_kind, "venue_id": row.venue_id,
        "venue_name": venue_name, "item_id": row.item_id, "item_name": item_name, "rating": row.rating,
        "reports_error": row.reports_error, "comment": mask_text(row.comment),
        "contact_name": mask_name(row.contact_name), "contact_phone": mask_phone(row.contact_phone),
        "district_code": row.district_code, "department_code": row.department_code, "status": row.status,
        "resolution_note": row.resolution_note, "resolved_by": row.resolved_by, "resolved_at": row.resolved_at,
    }  # fmt: skip


def list_feedback(
    session: Session, *, account: StaffAccount, status: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The account's queue (its district and department), newest first."""
    query = (
        select(Feedback, Venue.name, Item.name)
        .outerjoin(Venue, Venue.id == Feedback.venue_id)
        .outerjoin(Item, Item.id == Feedback.item_id)
        .where(feedback_filter(account))
    )
    if status:
        query = query.where(Feedback.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Feedback.id.desc()).limit(limit).offset(offset)).all()
    return [feedback_row(f, venue_name=v, item_name=i) for f, v, i in rows], total


def get_feedback(session: Session, *, account: StaffAccount, feedback_id: int) -> Feedback:
    """One entry of the account's queue; entries of other queues are not found (no IDOR)."""
    row = session.scalar(select(Feedback).where(Feedback.id == feedback_id, feedback_filter(account)))
    if row is None:
        raise NotFound("未找到该反馈，或不在您负责的范围内")
    return row


def feedback_detail(session: Session, *, account: StaffAccount, feedback_id: int) -> dict[str, Any]:
    row = get_feedback(session, account=account, feedback_id=feedback_id)
    venue = session.get(Venue, row.venue_id) if row.venue_id else None
    item = session.get(Item, row.item_id) if row.item_id else None
    return feedback_row(row, venue_name=venue.name if venue else None, item_name=item.name if item else None)


def reveal_contact(session: Session, *, account: StaffAccount, actor: Actor, feedback_id: int) -> dict[str, Any]:
    """The citizen's contact details in full, for an editor of the queue; every read is audited."""
    require_editor(account)
    row = get_feedback(session, account=account, feedback_id=feedback_id)
    record_audit(session, actor=actor, action="feedback.contact.read", target_kind="feedback", target_key=str(row.id))
    log.info("contact of feedback %s read by %s", row.id, actor.name)
    return {"id": row.id, "contact_name": row.contact_name, "contact_phone": row.contact_phone}


def resolve_feedback(
    session: Session, *, account: StaffAccount, actor: Actor, feedback_id: int, note: str
) -> dict[str, Any]:
    """Close an entry with a note (editors of the queue only)."""
    require_editor(account)
    note = note.strip()
    if not note:
        raise RuleViolation("请填写处理说明")
    if len(note) > 2000:
        raise RuleViolation("处理说明最多 2000 个字符")
    row = get_feedback(session, account=account, feedback_id=feedback_id)
    if row.status == "resolved":
        raise Conflict("该反馈已处理")
    row.status, row.resolution_note, row.resolved_by, row.resolved_at = "resolved", note, actor.name, utc_now()
    record_audit(session, actor=actor, action="feedback.resolve", target_kind="feedback", target_key=str(row.id),
                 detail={"note_length": len(note)})  # fmt: skip
    session.flush()
    return feedback_row(row)


@dataclass(frozen=True)
class Satisfaction:
    key: str
    name: str
    ratings: int
    average: float | None
    error_reports: int
    open_count: int


def satisfaction(session: Session, *, account: StaffAccount, by: str) -> list[Satisfaction]:
    """Ratings (好差评, 1-5) and error reports per venue or per item, in the account's scope; worst first."""
    join: tuple[Any, ColumnElement[bool]]
    if by == "venue":
        key_col, name_col, join = Venue.id, Venue.name, (Venue, Venue.id == Feedback.venue_id)
    else:
        key_col, name_col, join = Item.code, Item.name, (Item, Item.id == Feedback.item_id)
    query = (
        select(
            key_col, name_col, func.count(Feedback.rating), func.avg(Feedback.rating),
            func.sum(case((Feedback.reports_error.is_(True), 1), else_=0)),
            func.sum(case((Feedback.status == "open", 1), else_=0)),
        )
        .join(*join)
        .where(feedback_filter(account))
        .group_by(key_col, name_col)
    )  # fmt: skip
    rows = [
        Satisfaction(k, n, int(c), round(float(a), 2) if a is not None else None, int(e or 0), int(o or 0))
        for k, n, c, a, e, o in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (r.average if r.average is not None else 6.0, -r.error_reports))


def stale_guides(session: Session, *, account: StaffAccount, days: int, today: dt.date) -> list[dict[str, Any]]:
    """Current guides not verified for ``days`` days (or never), in the account's department / district."""
    cutoff = today - dt.timedelta(days=days)
    query = (
        select(Item.code, Item.name, Item.department_code, Guide.version, Guide.last_verified)
        .join(Guide, (Guide.item_id == Item.id) & Guide.is_current.is_(True))
        .where(Guide.last_verified.is_(None) | (Guide.last_verified < cutoff), item_filter(account))
        .order_by(Guide.last_verified.is_not(None), Guide.last_verified, Item.code)
    )
    return [
        {"item_code": code, "item_name": name, "department_code": dept, "version": version,
         "last_verified": verified, "days": (today - verified).days if verified else None}
        for code, name, dept, version, verified in session.execute(query.limit(500))
    ]  # fmt: skip
