"""Fixtures of the staff tests (defined in tests/staff/fixtures.py, shared with tests/test_security.py)."""

from tests.staff.fixtures import app, client, connection, db, staff_settings

__all__ = ["app", "client", "connection", "db", "staff_settings"]
