"""Scopes: an account's (kind, value) limits, of the kinds the installed domains declare."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount, StaffAccountScope
from cityservices.auth.service import create_account
from cityservices.errors import RuleViolation
from cityservices.kit.audit import Actor, AuditEntry
from cityservices.platform.domains import ScopeKind, load_domains
from tests.service_map.editing.helpers import login

NEW = {"username": "scoped", "password": "a-long-enough-pass-1", "role": "editor"}


def _create(client: TestClient, token: str, scopes: dict[str, str]) -> object:
    return client.post("/api/staff/accounts", json={**NEW, "scopes": scopes}, headers={"X-CSRF-Token": token})


def test_an_account_gets_scopes_of_the_declared_kinds_and_shows_them(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    created = client.post("/api/staff/accounts", json={**NEW, "scopes": {"district": "370203", "department": ""}},
                          headers={"X-CSRF-Token": token})  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["scopes"] == {"district": "370203"}  # a blank value is no limit
    rows = db.execute(select(StaffAccountScope.kind, StaffAccountScope.value).join(StaffAccount)
                      .where(StaffAccount.username == "scoped")).all()  # fmt: skip
    assert rows == [("district", "370203")]
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "account.create"))
    assert audit is not None
    assert audit.detail["scopes"] == {"district": "370203"}


def test_a_scope_kind_no_installed_domain_declares_is_refused(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    refused = client.post("/api/staff/accounts", json={**NEW, "scopes": {"no_such_kind": "370200"}},
                          headers={"X-CSRF-Token": token})  # fmt: skip
    assert refused.status_code == 422
    assert "no_such_kind" in refused.json()["detail"]
    assert db.scalar(select(StaffAccount).where(StaffAccount.username == "scoped")) is None


def test_a_scope_value_must_be_one_of_the_kinds_values(client: TestClient) -> None:
    token = login(client, "admin")
    unknown = client.post("/api/staff/accounts", json={**NEW, "scopes": {"district": "379999"}},
                          headers={"X-CSRF-Token": token})  # fmt: skip
    assert unknown.status_code == 422
    assert "区(市)" in unknown.json()["detail"]
    department = client.post("/api/staff/accounts", json={**NEW, "scopes": {"department": "NO-SUCH-DEPT"}},
                         headers={"X-CSRF-Token": token})  # fmt: skip
    assert department.status_code == 422


def test_the_service_then_checks_only_against_the_kinds_it_is_given(db: Session) -> None:
    kinds = load_domains(["auth"]).scopes  # accounts alone declare no scope kind
    assert kinds == {}
    with pytest.raises(RuleViolation, match="district"):
        create_account(db, username="lonely", password="a-long-enough-pass-1", display_name="", role="editor",
                       scopes={"district": "370202"}, scope_kinds=kinds, actor=Actor(None, "test"))  # fmt: skip
    free = {"region": ScopeKind("region", "统筹区")}  # no values: any value is accepted
    account = create_account(db, username="region1", password="a-long-enough-pass-1", display_name="",
                             role="editor", scopes={"region": "370200"}, scope_kinds=free,
                             actor=Actor(None, "test"))  # fmt: skip
    assert account.scopes == {"region": "370200"}


def test_admins_replace_an_accounts_scopes(client: TestClient) -> None:
    token = login(client, "admin")
    accounts = {a["username"]: a for a in client.get("/api/staff/accounts").json()}
    assert accounts["shinan"]["scopes"] == {"district": "370202"}
    path = f"/api/staff/accounts/{accounts['shinan']['id']}/scopes"
    moved = client.put(path, json={"scopes": {"district": "370203", "department": "370203-RS"}},
                       headers={"X-CSRF-Token": token})  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert moved.json()["scopes"] == {"department": "370203-RS", "district": "370203"}
    bad = client.put(path, json={"scopes": {"party_branch": "x"}}, headers={"X-CSRF-Token": token})
    assert bad.status_code == 422
    assert client.put(path, json={"scopes": {}}, headers={"X-CSRF-Token": token}).json()["scopes"] == {}
    editor = TestClient(client.app, base_url="https://testserver")
    editor_token = login(editor, "shibei")
    refused = editor.put(path, json={"scopes": {}}, headers={"X-CSRF-Token": editor_token})
    assert refused.status_code == 403


def test_the_accounts_page_offers_the_installed_scope_kinds(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    page = client.get("/staff/accounts").text
    assert 'name="scope.district"' in page
    assert 'name="scope.department"' in page
    assert "市北区" in page
    form = {**NEW, "csrf_token": token, "scope.district": "370202", "scope.department": ""}
    assert client.post("/staff/accounts", data=form, follow_redirects=False).status_code == 303
    account = db.scalar(select(StaffAccount).where(StaffAccount.username == "scoped"))
    assert account is not None
    assert account.scopes == {"district": "370202"}
    refused = client.post("/staff/accounts", data={**form, "username": "other", "scope.planet": "mars"})
    assert refused.status_code == 422
    assert "planet" in refused.text
