"""Fixtures of the Party Day API tests: the app on the test's rolled-back transaction, with a small organisation
tree and accounts scoped to parts of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.app import create_app
from cityservices.auth.models import StaffAccount, StaffAccountScope
from cityservices.config import Settings
from cityservices.kit.audit import utc_now
from tests.party_day.builders import build_tree
from tests.service_map.editing.fixtures import bind_app, connection, db, staff_settings
from tests.service_map.editing.helpers import password_hash

# username: (role, party_org scope)
PARTY_ACCOUNTS: dict[str, tuple[str, str | None]] = {
    "partyadmin": ("admin", None),
    "secretary": ("editor", "QD.D1.C1.G1.B1"),
    "committee": ("viewer", "QD.D1.C1"),
    "district2": ("editor", "QD.D2"),
}


@pytest.fixture
def party_app(connection: Connection, staff_settings: Settings) -> FastAPI:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        build_tree(session)
        now = utc_now()
        for name, (role, org) in PARTY_ACCOUNTS.items():
            rows = [StaffAccountScope(kind="party_org", value=org)] if org else []
            account = StaffAccount(
                username=name, display_name=name, password_hash=password_hash(), role=role,
                is_active=True, created_at=now, password_changed_at=now, scope_rows=rows,
            )  # fmt: skip
            session.add(account)
        session.commit()
    return bind_app(create_app(staff_settings), connection)


@pytest.fixture
def party_client(party_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(party_app, base_url="https://testserver") as test_client:
        yield test_client


__all__ = ["connection", "db", "party_app", "party_client", "staff_settings"]
