"""Every query on video sessions, signalling messages, files shown in calls and agents' skills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session, defer

from cityservices.insurance.video.models import (
    InsuranceVideoAgentSkill,
    InsuranceVideoFile,
    InsuranceVideoSession,
    InsuranceVideoSignal,
)


def add(session: Session, row: InsuranceVideoSession | InsuranceVideoSignal | InsuranceVideoFile) -> None:
    session.add(row)
    session.flush()


def get(session: Session, session_id: str, *, lock: bool = False) -> InsuranceVideoSession | None:
    query = select(InsuranceVideoSession).where(InsuranceVideoSession.id == session_id)
    return session.scalars(query.with_for_update() if lock else query).first()


def own(session: Session, session_id: str, citizen_id: int) -> InsuranceVideoSession | None:
    """The session only when it is this citizen's (a query filter: another member's is not found)."""
    query = select(InsuranceVideoSession).where(
        InsuranceVideoSession.id == session_id, InsuranceVideoSession.citizen_id == citizen_id
    )
    return session.scalars(query).first()


def _latest(session: Session, where: ColumnElement[bool], limit: int) -> list[InsuranceVideoSession]:
    query = select(InsuranceVideoSession).where(where).order_by(InsuranceVideoSession.created_at.desc()).limit(limit)
    return list(session.scalars(query))


def own_sessions(session: Session, citizen_id: int, *, limit: int = 20) -> list[InsuranceVideoSession]:
    return _latest(session, InsuranceVideoSession.citizen_id == citizen_id, limit)


def recent_for_agent(session: Session, agent_id: int, *, limit: int = 20) -> list[InsuranceVideoSession]:
    return _latest(session, InsuranceVideoSession.agent_id == agent_id, limit)


def ended_in(session: Session, district: str | None, *, limit: int = 20) -> list[InsuranceVideoSession]:
    """The latest completed or cancelled sessions, in a district (an agent's region scope) when given."""
    where: ColumnElement[bool] = InsuranceVideoSession.status.in_(("completed", "cancelled"))
    if district:
        where = and_(where, InsuranceVideoSession.district.startswith(district, autoescape=True))
    return _latest(session, where, limit)


def queue(
    session: Session,
    *,
    skills: Collection[str] | None,
    waited_since: dt.datetime | None,
    district: str | None,
    limit: int = 50,
) -> list[InsuranceVideoSession]:
    """Waiting sessions, oldest first, in a district (an agent's region scope); with ``skills``, only those of
    these skills, or any that has waited since before ``waited_since`` (the fallback)."""
    query = select(InsuranceVideoSession).where(InsuranceVideoSession.status == "waiting")
    if skills is not None:
        matching = InsuranceVideoSession.skill.in_(sorted(skills))
        query = query.where(
            or_(matching, InsuranceVideoSession.created_at <= waited_since) if waited_since else matching
        )
    if district:
        query = query.where(InsuranceVideoSession.district.startswith(district, autoescape=True))
    return list(session.scalars(query.order_by(InsuranceVideoSession.created_at).limit(limit)))


def signals_after(session: Session, session_id: str, *, sender: str, after: int) -> list[InsuranceVideoSignal]:
    query = (
        select(InsuranceVideoSignal)
        .where(
            InsuranceVideoSignal.session_id == session_id,
            InsuranceVideoSignal.sender == sender,
            InsuranceVideoSignal.id > after,
        )
        .order_by(InsuranceVideoSignal.id)
        .limit(100)
    )
    return list(session.scalars(query))


def files_of(session: Session, session_id: str) -> list[InsuranceVideoFile]:
    """A session's files without their content, oldest first."""
    query = (
        select(InsuranceVideoFile)
        .options(defer(InsuranceVideoFile.content))
        .where(InsuranceVideoFile.session_id == session_id)
        .order_by(InsuranceVideoFile.id)
    )
    return list(session.scalars(query))


def file_of(session: Session, session_id: str, file_id: int) -> InsuranceVideoFile | None:
    query = select(InsuranceVideoFile).where(
        InsuranceVideoFile.session_id == session_id, InsuranceVideoFile.id == file_id
    )
    return session.scalars(query).first()


def skills_of(session: Session, account_id: int) -> list[str]:
    query = (
        select(InsuranceVideoAgentSkill.skill)
        .where(InsuranceVideoAgentSkill.account_id == account_id)
        .order_by(InsuranceVideoAgentSkill.skill)
    )
    return list(session.scalars(query))


def set_skills(session: Session, account_id: int, skills: Collection[str]) -> None:
    session.execute(delete(InsuranceVideoAgentSkill).where(InsuranceVideoAgentSkill.account_id == account_id))
    session.add_all(InsuranceVideoAgentSkill(account_id=account_id, skill=skill) for skill in sorted(set(skills)))
    session.flush()


def demo_session_ids(session: Session) -> list[str]:
    query = (
        select(InsuranceVideoSession.id).where(InsuranceVideoSession.demo.is_(True)).order_by(InsuranceVideoSession.id)
    )
    return list(session.scalars(query))


def delete_sessions(session: Session, ids: Collection[str]) -> None:
    for table in (InsuranceVideoSignal, InsuranceVideoFile):
        session.execute(delete(table).where(table.session_id.in_(list(ids))))
    session.execute(delete(InsuranceVideoSession).where(InsuranceVideoSession.id.in_(list(ids))))


def delete_files_ended_before(session: Session, moment: dt.datetime) -> int:
    """Remove the files of sessions that ended before ``moment``; returns how many went."""
    ended = select(InsuranceVideoSession.id).where(InsuranceVideoSession.ended_at < moment)
    result = session.execute(delete(InsuranceVideoFile).where(InsuranceVideoFile.session_id.in_(ended)))
    return int(getattr(result, "rowcount", 0) or 0)
