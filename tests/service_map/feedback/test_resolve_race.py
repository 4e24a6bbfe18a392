"""Resolving feedback is a compare-and-set: of two staff resolving the same entry at once, one gets 409
(on a real database with committed transactions, SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cityservices.auth.models import StaffAccount
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.errors import Conflict
from cityservices.kit.audit import Actor, AuditEntry
from cityservices.platform.migrate import upgrade_to_head
from cityservices.service_map.catalogue.models import Feedback
from cityservices.service_map.feedback.service import resolve_feedback
from tests.service_map.editing.fixtures import app, client, connection, db, staff_settings
from tests.service_map.editing.helpers import SHINAN_VENUE, login, seed

__all__ = ["app", "client", "connection", "db", "staff_settings"]


@pytest.fixture
def sessions(migrated_db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(migrated_db_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        seed(session)
    yield factory
    engine.dispose()


def test_two_staff_resolving_the_same_feedback_at_once_one_gets_409(sessions: sessionmaker[Session]) -> None:
    """The attack: both read the entry as open before either committed, and both resolutions were stored."""
    with session_scope(sessions) as session:
        feedback_id = session.scalar(select(Feedback.id).where(Feedback.venue_id == SHINAN_VENUE))
        editors = {a.username: a.id for a in session.scalars(select(StaffAccount))}
    assert feedback_id is not None
    barrier = threading.Barrier(2, timeout=3)

    def resolve(username: str) -> str:
        with session_scope(sessions) as session:
            account = session.get(StaffAccount, editors[username])
            assert account is not None
            try:
                resolve_feedback(session, account=account, actor=Actor(account.id, username), feedback_id=feedback_id,
                                 note=f"{username} 已回访")  # fmt: skip
            except Conflict:
                return "409"
            with contextlib.suppress(threading.BrokenBarrierError):  # commit only when both have decided
                barrier.wait()
        return "resolved"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(resolve, ("editor", "shinan")))
    assert outcomes == ["409", "resolved"]
    with session_scope(sessions) as session:
        resolutions = session.scalars(select(AuditEntry).where(AuditEntry.action == "feedback.resolve")).all()
        assert len(resolutions) == 1


def test_resolving_twice_through_the_api_gets_409(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    feedback_id = db.scalar(select(Feedback.id).where(Feedback.venue_id == SHINAN_VENUE))
    path = f"/api/staff/feedback/{feedback_id}/resolve"
    assert client.post(path, json={"note": "已回访"}, headers={"X-CSRF-Token": token}).status_code == 200
    again = client.post(path, json={"note": "再次处理"}, headers={"X-CSRF-Token": token})
    assert again.status_code == 409
    assert db.scalar(select(Feedback.resolution_note).where(Feedback.id == feedback_id)) == "已回访"
