"""Citizen accounts for tests (also used by the insurance archive, assistant and video tests)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.auth.citizens.models import CitizenAccount
from cityservices.auth.citizens.service import CitizenKeys, create_citizen
from cityservices.kit.audit import SYSTEM

SECRET = b"test-secret-key-0123456789"  # the secret_key of tests/service_map/editing/fixtures.make_settings
KEYS = CitizenKeys.from_secret(SECRET)
PASSWORD = "Qingdao-citizen-2026"


def citizen(session: Session, id_number: str, *, name: str = "测试甲", password: str = PASSWORD) -> CitizenAccount:
    return create_citizen(session, id_number=id_number, name=name, password=password, keys=KEYS, actor=SYSTEM)


def sign_in(client: TestClient, id_number: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in as the citizen; the CSRF token for unsafe requests."""
    response = client.post("/api/v1/citizen/login", json={"id_number": id_number, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    return token
