"""Fixtures of the staff tests (defined in tests/staff/fixtures.py, shared with tests/test_security.py)."""

from tests.service_map.editing.fixtures import app, client, connection, db, staff_settings

__all__ = ["app", "client", "connection", "db", "staff_settings"]
