"""Every query of the compliance calendar: the events held by the branches of a subtree in a time range."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity
from cityservices.party_day.compliance.models import Meeting
from cityservices.party_day.organisation.models import Organisation
from cityservices.party_day.organisation.repository import in_subtree


@dataclass(frozen=True)
class Held:
    """One event held by a branch: a Party Day (``ref`` = ``a<id>``) or another meeting (``m<id>``)."""

    branch_id: int
    ref: str
    at: dt.datetime
    counts_as: tuple[str, ...]


def branches_under(session: Session, path: str) -> Sequence[Organisation]:
    query = select(Organisation).where(in_subtree(path), Organisation.level == "branch").order_by(Organisation.path)
    return session.scalars(query).all()


def branch_ids_with_groups(session: Session, path: str) -> set[int]:
    query = select(Organisation.parent_id).where(in_subtree(path), Organisation.level == "group")
    return {int(pid) for pid in session.scalars(query) if pid is not None}


def organisations_by_id(session: Session, ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {org.id: org for org in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def held_events(session: Session, branch_ids: Sequence[int], start: dt.datetime, end: dt.datetime) -> list[Held]:
    """Party Days that took place (minutes recorded) and other meetings, of the branches, in [start, end)."""
    if not branch_ids:
        return []
    days = session.execute(
        select(Activity.branch_id, Activity.id, Activity.starts_at, Activity.counts_as).where(
            Activity.branch_id.in_(branch_ids), Activity.status.in_(("held", "reviewed")),
            Activity.starts_at >= start, Activity.starts_at < end,
        )
    ).all()  # fmt: skip
    meetings = session.execute(
        select(Meeting.branch_id, Meeting.id, Meeting.held_at, Meeting.kind).where(
            Meeting.branch_id.in_(branch_ids), Meeting.held_at >= start, Meeting.held_at < end
        )
    ).all()
    events = [Held(int(b), f"a{i}", at, ("party_day", *(counts or []))) for b, i, at, counts in days]
    events += [Held(int(b), f"m{i}", at, (str(kind),)) for b, i, at, kind in meetings]
    return events
