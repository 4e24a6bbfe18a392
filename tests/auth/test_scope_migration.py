"""The migration to ``staff_account_scopes`` keeps every account's district / department limit (and nothing
that references the accounts is lost on the way), and its downgrade gives the columns back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from cityservices.db import make_engine
from cityservices.platform.migrate import alembic_config

BEFORE = "915258328534"  # the revision with staff_accounts.district_code / department_code
ACCOUNTS = (
    "INSERT INTO staff_accounts (id, username, display_name, password_hash, role, district_code, department_code, "
    "is_active, created_at, password_changed_at) VALUES "
    "(1, 'a', 'a', 'x', 'editor', '370202', NULL, :yes, :at, :at), "
    "(2, 'b', 'b', 'x', 'editor', '370203', '370203-RS', :yes, :at, :at), "
    "(3, 'c', 'c', 'x', 'admin', NULL, '', :yes, :at, :at)"
)


def test_district_and_department_columns_become_scopes_and_back(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, BEFORE)
            connection.execute(text(ACCOUNTS), {"yes": True, "at": "2026-01-01 00:00:00+00:00"})
            connection.execute(text("INSERT INTO staff_sessions VALUES ('s', 2, :at, :at, :at, NULL)"),
                               {"at": "2026-01-01 00:00:00+00:00"})  # fmt: skip
            command.upgrade(config, "head")
            scopes = connection.execute(text("SELECT account_id, kind, value FROM staff_account_scopes "
                                             "ORDER BY account_id, kind")).all()  # fmt: skip
            assert scopes == [(1, "district", "370202"), (2, "department", "370203-RS"), (2, "district", "370203")]
            assert connection.execute(text("SELECT count(*) FROM staff_sessions")).scalar() == 1
            command.downgrade(config, BEFORE)
            columns = connection.execute(text("SELECT id, district_code, department_code FROM staff_accounts "
                                              "ORDER BY id")).all()  # fmt: skip
            assert columns == [(1, "370202", None), (2, "370203", "370203-RS"), (3, None, None)]
    finally:
        engine.dispose()
