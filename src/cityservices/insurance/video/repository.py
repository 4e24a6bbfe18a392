"""Every query on video sessions and signalling messages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.video.models import InsuranceVideoSession, InsuranceVideoSignal


def add(session: Session, row: InsuranceVideoSession | InsuranceVideoSignal) -> None:
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


def own_sessions(session: Session, citizen_id: int, *, limit: int = 20) -> list[InsuranceVideoSession]:
    query = (
        select(InsuranceVideoSession)
        .where(InsuranceVideoSession.citizen_id == citizen_id)
        .order_by(InsuranceVideoSession.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def queue(session: Session, *, skill: str | None, district: str | None, limit: int = 50) -> list[InsuranceVideoSession]:
    """Waiting sessions, oldest first; limited to a skill and to a district (an agent's region scope)."""
    query = select(InsuranceVideoSession).where(InsuranceVideoSession.status == "waiting")
    if skill:
        query = query.where(InsuranceVideoSession.skill == skill)
    if district:
        query = query.where(InsuranceVideoSession.district.startswith(district, autoescape=True))
    return list(session.scalars(query.order_by(InsuranceVideoSession.created_at).limit(limit)))


def recent_for_agent(session: Session, agent_id: int, *, limit: int = 20) -> list[InsuranceVideoSession]:
    query = (
        select(InsuranceVideoSession)
        .where(InsuranceVideoSession.agent_id == agent_id)
        .order_by(InsuranceVideoSession.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


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
