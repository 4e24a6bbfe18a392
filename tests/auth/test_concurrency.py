"""Attacks that need several requests at once, on a real database (SQLite file and PostgreSQL) with committed
transactions: parallel sign-ins against the lock-out, two administrators disabling each other."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cityservices.auth.models import LoginThrottle, StaffAccount
from cityservices.auth.service import LOCKED_MESSAGE, set_active, sign_in
from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.errors import RuleViolation
from cityservices.kit.audit import Actor, utc_now
from cityservices.platform.migrate import upgrade_to_head
from tests.service_map.editing.helpers import PASSWORD, password_hash

ATTACKER = "203.0.113.9"


@pytest.fixture
def sessions(migrated_db_url: str) -> Iterator[sessionmaker[Session]]:
    """A migrated private database with two administrators and an editor, committed."""
    engine = make_engine(migrated_db_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    now = utc_now()
    with session_scope(factory) as session:
        session.add_all([
            StaffAccount(username=name, display_name=name, password_hash=password_hash(), role=role, is_active=True,
                         created_at=now, password_changed_at=now)
            for name, role in (("admin", "admin"), ("admin2", "admin"), ("editor", "editor"))
        ])  # fmt: skip
    yield factory
    engine.dispose()


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    return Settings.model_validate({"database_url": "sqlite://", "media_dir": tmp_path, **overrides})


def _counted(factory: sessionmaker[Session], username: str, client: str) -> int:
    with session_scope(factory) as session:
        query = select(LoginThrottle.failures).where(LoginThrottle.username == username, LoginThrottle.client == client)
        return session.scalar(query) or 0


def _attempt(factory: sessionmaker[Session], settings: Settings, password: str, ip: str = ATTACKER) -> str | None:
    with session_scope(factory) as session:
        result = sign_in(session, username="admin", password=password, ip=ip, settings=settings,
                         previous_token=None, counters=factory)  # fmt: skip
        return result.error


def test_sixteen_parallel_sign_ins_check_no_more_passwords_than_the_limit(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """The attack: 16 sign-ins at once from one address for one account, 15 wrong, then the right password.
    Before, every one was checked (the failures were counted after the password) and the last signed in."""
    settings = settings_for(tmp_path, login_max_failures=5)
    barrier = threading.Barrier(16)

    def attempt(index: int) -> str | None:
        barrier.wait()
        if index < 15:
            return _attempt(sessions, settings, f"wrong-password-{index}")
        deadline = time.monotonic() + 30  # the right password is sent once the wrong ones are under way
        while _counted(sessions, "admin", ATTACKER) < settings.login_max_failures and time.monotonic() < deadline:
            time.sleep(0.01)
        return _attempt(sessions, settings, PASSWORD)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(16)))
    checked = [error for error in results if error != LOCKED_MESSAGE]
    assert len(checked) <= settings.login_max_failures
    assert results[15] == LOCKED_MESSAGE
    assert all(error is not None for error in results)  # nobody signed in
    assert _counted(sessions, "admin", ATTACKER) == 16


def test_a_locked_address_does_not_lock_the_account_for_others(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """Anyone could lock any account: five wrong passwords for ``admin`` locked it for everyone."""
    settings = settings_for(tmp_path, login_max_failures=5, login_max_failures_account=12)
    for index in range(20):
        _attempt(sessions, settings, f"wrong-password-{index}")
    assert _attempt(sessions, settings, PASSWORD) == LOCKED_MESSAGE
    assert _attempt(sessions, settings, PASSWORD, ip="198.51.100.7") is None  # the real admin elsewhere
    # Refused attempts do not feed the account-wide count: only 5 of the attacker's 21 were counted there.
    assert _counted(sessions, "admin", "") == 5


def test_many_addresses_reach_the_account_wide_backstop(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    settings = settings_for(tmp_path, login_max_failures=5, login_max_failures_account=12)
    for index in range(12):
        _attempt(sessions, settings, "wrong-password-1", ip=f"198.51.100.{index}")
    assert _attempt(sessions, settings, PASSWORD, ip="192.0.2.1") == LOCKED_MESSAGE


def test_two_admins_disabling_each_other_at_once_leave_one_active(sessions: sessionmaker[Session]) -> None:
    """The attack: both requests counted two active admins before either committed, and both went through."""
    with session_scope(sessions) as session:
        ids = {row.username: row.id for row in session.execute(select(StaffAccount.username, StaffAccount.id))}
    barrier = threading.Barrier(2, timeout=3)

    def disable(me: str, other: str) -> str:
        with session_scope(sessions) as session:
            try:
                set_active(session, account_id=ids[other], active=False, actor=Actor(ids[me], me))
            except RuleViolation:
                return "refused"
            # hold the transaction open until the other has decided too (or has been made to wait)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return "disabled"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(disable, ("admin", "admin2"), ("admin2", "admin")))
    with session_scope(sessions) as session:
        active = session.scalar(
            select(func.count()).where(StaffAccount.role == "admin", StaffAccount.is_active.is_(True))
        )
    assert active == 1
    assert outcomes == ["disabled", "refused"]
