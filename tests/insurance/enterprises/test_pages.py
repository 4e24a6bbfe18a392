"""The enterprise pages in process: a wrong credit code, an empty contact name or a weak password is refused with
the field named in Chinese and nothing written; a refused app request (no operation, a public key for HMAC, an
SM2 key for nothing) writes nothing; sign-in before approval is refused; the pages need a signed-in account;
the secret is shown once and a second try is refused; a rotation shows the new secret on its page only."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.accounts.models import EnterpriseAccount
from cityservices.insurance.open_api.models import OpenApp
from cityservices.kit.audit.models import AuditEntry
from tests.insurance.builders import credit_code, enterprise
from tests.service_map.editing.helpers import PASSWORD, csrf, login

STAFF = "/api/v1/insurance"


@pytest.fixture
def firm(insurance_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(insurance_app, base_url="https://testserver") as client:
        yield client


def _form(client: TestClient, path: str, data: dict[str, object]) -> httpx.Response:
    return client.post(path, data={"csrf_token": csrf(client), **data}, follow_redirects=False)


def _count(db: Session, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_register_errors_name_the_field_and_write_nothing(firm: TestClient, db: Session) -> None:
    code = credit_code(1)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    cases = [
        ({"uscc": wrong, "contact_name": "王小明", "password": PASSWORD}, "统一社会信用代码"),
        ({"uscc": "12345", "contact_name": "王小明", "password": PASSWORD}, "统一社会信用代码"),
        ({"uscc": code, "contact_name": " ", "password": PASSWORD}, "联系人姓名"),
        ({"uscc": code, "contact_name": "王小明", "password": "short"}, "密码"),
    ]
    for data, field in cases:
        answer = _form(firm, "/enterprise/register", data)
        assert answer.status_code == 422, data
        error = re.search(r'<p class="error" role="alert">([^<]+)</p>', answer.text)
        assert error is not None, answer.text
        assert field in error.group(1), data
        assert answer.headers["cache-control"] == "no-store"
    assert _count(db, EnterpriseAccount) == 0
    assert "校验码" in _form(firm, "/enterprise/register", cases[0][0]).text


def test_form_without_csrf_is_refused(firm: TestClient, db: Session) -> None:
    answer = firm.post(
        "/enterprise/register", data={"uscc": credit_code(1), "contact_name": "王", "password": PASSWORD}
    )
    assert answer.status_code == 403
    assert _count(db, EnterpriseAccount) == 0


def _approved_account(firm: TestClient, staff: TestClient, db: Session) -> str:
    enterprise(db, "E0001", serial=1)
    db.commit()
    code = credit_code(1)
    done = _form(firm, "/enterprise/register", {"uscc": code, "contact_name": "王小明", "password": PASSWORD})
    assert done.status_code == 200
    assert "申请已提交" in done.text
    early = _form(firm, "/enterprise/login", {"uscc": code, "password": PASSWORD})
    assert early.status_code == 401
    assert "尚未获批" in early.text
    admin = {"X-CSRF-Token": login(staff, "ins_admin")}
    account_id = db.scalars(select(EnterpriseAccount.id)).one()
    decided = staff.post(f"{STAFF}/enterprise-accounts/{account_id}/decision", json={"approve": True}, headers=admin)
    assert decided.status_code == 200, decided.text
    signed_in = _form(firm, "/enterprise/login", {"uscc": code, "password": PASSWORD})
    assert signed_in.status_code == 303
    return code


def test_pages_need_a_signed_in_account(firm: TestClient) -> None:
    for path in ("/enterprise/apps", "/enterprise/apps/new"):
        answer = firm.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/enterprise"
    assert "单位开放平台" in firm.get("/enterprise").text


def test_app_request_errors_secret_once_and_rotation(
    insurance_client: TestClient, firm: TestClient, db: Session
) -> None:
    _approved_account(firm, insurance_client, db)
    assert "还没有接入应用" in firm.get("/enterprise/apps").text
    refused = [
        ({"name": "人事系统", "profile": "HMAC-SM3"}, "接口权限"),
        ({"name": "人事系统", "operations": ["employee.enrol"], "profile": "HMAC-SM3", "public_key": "04ab"}, "公钥"),
        ({"name": "人事系统", "operations": ["employee.enrol"], "profile": "SM2-SM3"}, "公钥"),
        ({"name": "人事系统", "operations": ["employee.enrol"], "profile": "MD5"}, "签名方式"),
        ({"name": "", "operations": ["employee.enrol"], "profile": "HMAC-SM3"}, "应用名称"),
    ]
    for data, field in refused:
        answer = _form(firm, "/enterprise/apps", data)
        assert answer.status_code == 422, (data, answer.text)
        assert field in answer.text
    assert _count(db, OpenApp) == 0

    asked = _form(
        firm, "/enterprise/apps", {"name": "人事系统", "operations": ["employee.enrol"], "profile": "HMAC-SM3"}
    )
    assert asked.status_code == 303
    listing = firm.get("/enterprise/apps")
    assert "待审核" in listing.text
    assert "人事系统" in listing.text
    app = db.scalars(select(OpenApp)).one()
    assert app.app_id not in listing.text  # the id is not shown before approval
    early = _form(firm, f"/enterprise/apps/{app.app_id}/keys/0001/secret", {})
    assert early.status_code == 422
    assert "尚未获批" in early.text

    admin = {"X-CSRF-Token": login(insurance_client, "ins_admin")}
    approved = insurance_client.post(f"{STAFF}/open-apps/{app.app_id}/decision", json={"approve": True}, headers=admin)
    assert approved.status_code == 200, approved.text
    listing = firm.get("/enterprise/apps")
    assert "已批准" in listing.text
    assert "查看密钥（只显示一次）" in listing.text
    shown = _form(firm, f"/enterprise/apps/{app.app_id}/keys/0001/secret", {})
    assert shown.status_code == 200
    assert "只显示一次" in shown.text
    secret = re.search(r'<code class="secret" id="secret">([^<]+)</code>', shown.text)
    assert secret is not None
    assert len(secret.group(1)) >= 32
    assert secret.group(1) not in firm.get("/enterprise/apps").text
    again = _form(firm, f"/enterprise/apps/{app.app_id}/keys/0001/secret", {})
    assert again.status_code == 409
    assert "不再显示" in again.text

    rotated = _form(firm, f"/enterprise/apps/{app.app_id}/keys", {"profile": "HMAC-SM3", "overlap_days": "3"})
    assert rotated.status_code == 200
    assert "0002" in rotated.text
    new_secret = re.search(r'<code class="secret" id="secret">([^<]+)</code>', rotated.text)
    assert new_secret is not None
    assert new_secret.group(1) != secret.group(1)
    bad = _form(firm, f"/enterprise/apps/{app.app_id}/keys", {"profile": "SM2-SM3"})
    assert bad.status_code == 422
    assert "公钥" in bad.text
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert {"enterprise.account.register", "open.app.request", "open.key.secret_shown", "open.key.add"} <= set(actions)


def test_refused_app_shows_its_reason(insurance_client: TestClient, firm: TestClient, db: Session) -> None:
    _approved_account(firm, insurance_client, db)
    _form(firm, "/enterprise/apps", {"name": "考勤系统", "operations": ["employee.status.read"], "profile": "HMAC-SM3"})
    app_id = db.scalars(select(OpenApp.app_id)).one()
    admin = {"X-CSRF-Token": login(insurance_client, "ins_admin")}
    refused = insurance_client.post(
        f"{STAFF}/open-apps/{app_id}/decision", json={"approve": False, "reason": "用途写得不清楚"}, headers=admin
    )
    assert refused.status_code == 200, refused.text
    listing = firm.get("/enterprise/apps").text
    assert "已拒绝" in listing
    assert "用途写得不清楚" in listing
