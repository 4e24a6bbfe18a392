"""Citizen feedback on a guide, an item or a venue: stored for staff and routed to the right queue.

Routing: feedback that names a venue goes to that venue's district (a street or town venue to its parent
district; the city hall to the city); feedback that names an item or a guide goes to the item's department.
The staff side (its own module) reads the queue; this module only stores. Rules only: no web framework, no
commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.models import Feedback, Item, Venue
from cityservices.service_map.feedback.schemas import FeedbackCreate

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
    """Store validated feedback (``data.problems()`` must be empty); NotFound for an unknown venue or item."""
    venue = session.get(Venue, data.venue_id) if data.venue_id else None
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
