"""Citizen feedback on a guide, an item or a venue: stored for staff and routed to the right queue.

Routing: feedback that names a venue goes to that venue's district (a street or town venue to its parent
district; the city hall to the city); feedback that names an item or a guide goes to the item's department.
Staff read their queue (their district / department): contact details are personal data, so lists show them
masked; ``reveal_contact`` shows them in full and writes an audit row for every read. Rules only: no web
framework, no commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.masking import mask_name, mask_phone, mask_text
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.models import Feedback, Item, Venue
from cityservices.service_map.feedback import repository as feedback_repo
from cityservices.service_map.feedback.schemas import FeedbackCreate, SatisfactionRead, StaleGuideRead
from cityservices.service_map.scopes.repository import feedback_filter, item_filter

log = logging.getLogger(__name__)
STATUSES = ("open", "resolved")

THANKS = "感谢您的评价，我们已收到。"
THANKS_REPORT = "感谢您指出问题，工作人员核实后会更正。"


@dataclass(frozen=True)
class Routing:
    district_code: str | None
    department_code: str | None


def route_feedback(session: Session, *, venue: Venue | None, item: Item | None) -> Routing:
    """The district of the venue (if any) and the department of the item (if any)."""
    district = None
    if venue is not None:
        division = repo.division_rows(session, [venue.division_code]).get(venue.division_code)
        if division is not None and division.level in ("street", "town", "other") and division.parent_code:
            district = division.parent_code
        else:
            district = venue.division_code
    return Routing(district, item.department_code if item is not None else None)


def submit_feedback(session: Session, *, data: FeedbackCreate, now: dt.datetime) -> Feedback:
    """Store feedback; RequestInvalid naming each field that breaks a cross-field rule (``data.problems()``),
    NotFound for an unknown venue or item."""
    problems = data.problems()
    if problems:
        raise RequestInvalid.of(problems)
    venue = feedback_repo.get_venue(session, data.venue_id) if data.venue_id else None
    if data.venue_id and venue is None:
        raise NotFound(f"未知的场所: {data.venue_id}")
    item = repo.get_item(session, data.item_code) if data.item_code else None
    if data.item_code and item is None:
        raise NotFound(f"未知的事项: {data.item_code}")
    guide = repo.current_guide(session, item.id) if item is not None and data.target == "guide" else None
    routing = route_feedback(session, venue=venue, item=item)
    row = Feedback(
        created_at=now,
        target_kind=data.target,
        venue_id=venue.id if venue else None,
        item_id=item.id if item else None,
        guide_id=guide.id if guide else None,
        rating=data.rating,
        reports_error=data.reports_error,
        comment=data.comment,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        district_code=routing.district_code,
        department_code=routing.department_code,
        status="open",
    )
    session.add(row)
    session.flush()
    return row


# --- the staff side: queues, resolution, the dashboard ----------------------------------------------


def feedback_row(row: Feedback, *, venue_name: str | None = None, item_name: str | None = None) -> dict[str, Any]:
    """A feedback entry for lists and pages, personal data masked."""
    return {
        "id": row.id, "created_at": row.created_at, "target_kind": row.target_kind, "venue_id": row.venue_id,
        "venue_name": venue_name, "item_id": row.item_id, "item_name": item_name, "rating": row.rating,
        "reports_error": row.reports_error, "comment": mask_text(row.comment),
        "contact_name": mask_name(row.contact_name), "contact_phone": mask_phone(row.contact_phone),
        "district_code": row.district_code, "department_code": row.department_code, "status": row.status,
        "resolution_note": mask_text(row.resolution_note or "") or row.resolution_note,
        "resolved_by": row.resolved_by, "resolved_at": row.resolved_at,
    }  # fmt: skip


def list_feedback(
    session: Session, *, account: StaffAccount, status: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The account's queue (its district and department), newest first."""
    scope = feedback_filter(account)
    rows, total = feedback_repo.page_feedback(session, scope=scope, status=status, limit=limit, offset=offset)
    return [feedback_row(f, venue_name=v, item_name=i) for f, v, i in rows], total


def get_feedback(session: Session, *, account: StaffAccount, feedback_id: int) -> Feedback:
    """One entry of the account's queue; entries of other queues are not found (no IDOR)."""
    row = feedback_repo.get_feedback_within(session, feedback_id, scope=feedback_filter(account))
    if row is None:
        raise NotFound("未找到该反馈，或不在您负责的范围内")
    return row


def feedback_detail(session: Session, *, account: StaffAccount, feedback_id: int) -> dict[str, Any]:
    row = get_feedback(session, account=account, feedback_id=feedback_id)
    venue = feedback_repo.get_venue(session, row.venue_id) if row.venue_id else None
    item = feedback_repo.get_item_by_id(session, row.item_id) if row.item_id else None
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
    if row.status == "resolved" or not feedback_repo.mark_resolved(
        session, row.id, note=note, by=actor.name, at=utc_now()
    ):
        raise Conflict("该反馈已被处理")
    session.refresh(row)
    record_audit(session, actor=actor, action="feedback.resolve", target_kind="feedback", target_key=str(row.id),
                 detail={"note_length": len(note)})  # fmt: skip
    session.flush()
    return feedback_row(row)


def satisfaction(session: Session, *, account: StaffAccount, by: str) -> list[SatisfactionRead]:
    """Ratings (好差评, 1-5) and error reports per venue or per item, in the account's scope; worst first."""
    found = feedback_repo.satisfaction_rows(session, scope=feedback_filter(account), by=by)
    rows = [
        SatisfactionRead(
            key=k,
            name=n,
            ratings=int(c),
            average=round(float(a), 2) if a is not None else None,
            error_reports=int(e or 0),
            open_count=int(o or 0),
        )
        for k, n, c, a, e, o in found
    ]
    return sorted(rows, key=lambda r: (r.average if r.average is not None else 6.0, -r.error_reports))


def stale_guides(session: Session, *, account: StaffAccount, days: int, today: dt.date) -> list[StaleGuideRead]:
    """Current guides not verified for ``days`` days (or never), in the account's department / district."""
    cutoff = today - dt.timedelta(days=days)
    rows = feedback_repo.stale_guide_rows(session, cutoff=cutoff, within=item_filter(account))
    return [
        StaleGuideRead(item_code=code, item_name=name, department_code=dept, version=version,
                       last_verified=verified, days=(today - verified).days if verified else None)
        for code, name, dept, version, verified in rows
    ]  # fmt: skip
