"""Fixtures of the insurance API tests: the app inside the test's rolled-back transaction, the bundled rules
loaded, staff accounts (one limited to the 市南区 insurance region)."""

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
from cityservices.insurance.rules.service import BUNDLED_RULES, load_rules, read_rule_file
from cityservices.kit.audit import SYSTEM, utc_now
from tests.service_map.editing.fixtures import bind_app, connection, db, staff_settings
from tests.service_map.editing.helpers import password_hash

__all__ = ["connection", "db", "staff_settings"]

ACCOUNTS = {
    "ins_admin": ("admin", {}),
    "ins_shinan": ("editor", {"insurance_region": "370202"}),
    "ins_viewer": ("viewer", {}),
}


@pytest.fixture
def insurance_app(connection: Connection, staff_settings: Settings) -> FastAPI:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        load_rules(session, read_rule_file(BUNDLED_RULES), actor=SYSTEM)
        now = utc_now()
        session.add_all(
            StaffAccount(
                username=name,
                display_name=name,
                password_hash=password_hash(),
                role=role,
                is_active=True,
                created_at=now,
                password_changed_at=now,
                scope_rows=[StaffAccountScope(kind=k, value=v) for k, v in scopes.items()],
            )
            for name, (role, scopes) in ACCOUNTS.items()
        )
        session.commit()
    return bind_app(create_app(staff_settings), connection)


@pytest.fixture
def insurance_client(insurance_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(insurance_app, base_url="https://testserver") as test_client:
        yield test_client
