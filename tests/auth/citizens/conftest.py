"""Fixtures of the citizen sign-in tests: the staff app on the seed data (tests/service_map/editing/fixtures.py)."""

from tests.service_map.editing.fixtures import app, client, connection, db, staff_settings

__all__ = ["app", "client", "connection", "db", "staff_settings"]
