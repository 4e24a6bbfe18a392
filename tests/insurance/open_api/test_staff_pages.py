"""The staff pages of the open platform, the 生育津贴 review queue and the certificates: lists (masked, scoped,
``no-store``), forms that approve, refuse with a reason, suspend, set the rate limit, revoke; a refusal shown on the
page with nothing written; every change audited; viewers cannot change anything. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.certificates import service as certificates
from cityservices.insurance.enterprises.accounts import service as accounts
from cityservices.insurance.maternity.models import MaternityApplication
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api.models import OpenApp
from cityservices.kit.audit import SYSTEM, utc_now
from cityservices.kit.audit.models import AuditEntry
from tests.insurance.builders import credit_code, enterprise, member
from tests.insurance.maternity import test_maternity as maternity_tests
from tests.service_map.editing.helpers import PASSWORD, login

APPS = "/staff/insurance/open-platform/apps"


def _actions(db: Session, key: str) -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.target_key == key).order_by(AuditEntry.id)
    return list(db.scalars(query))


def test_apps_and_accounts_pages(insurance_client: TestClient, db: Session) -> None:
    enterprise(db, "E0001", serial=1)
    account = accounts.register_account(db, uscc=credit_code(1), contact_name="王小明", password=PASSWORD, actor=SYSTEM)
    app = open_api.register_app(db, emp_no="E0001", name="人事系统", operations=["employee.enrol"], now=utc_now())
    db.commit()
    token = login(insurance_client, "ins_admin")
    listed = insurance_client.get(APPS)
    assert listed.headers["cache-control"] == "no-store"
    assert "王小明" not in listed.text
    assert account.contact_masked in listed.text
    assert "人事系统" in listed.text
    url = f"/staff/insurance/open-platform/enterprise-accounts/{account.id}/decision"
    refused = insurance_client.post(url, data={"csrf_token": token, "approve": "0", "reason": ""})
    assert refused.status_code == 422
    assert "拒绝须写明理由" in refused.text
    opened = insurance_client.post(url, data={"csrf_token": token, "approve": "1"}, follow_redirects=False)
    assert opened.status_code == 303
    assert "单位账户已开通" in insurance_client.get(opened.headers["location"]).text
    detail = f"{APPS}/{app.app_id}"
    no_reason = insurance_client.post(f"{detail}/decision", data={"csrf_token": token, "approve": "0"})
    assert no_reason.status_code == 200 or no_reason.status_code == 303  # staff-registered app: reason optional
    db.expire_all()
    assert db.get(OpenApp, app.app_id).status == "rejected"  # type: ignore[union-attr]
    approved = insurance_client.post(f"{detail}/decision", data={"csrf_token": token, "approve": "1"})
    assert "已批准" in approved.text
    bad_rate = insurance_client.post(f"{detail}/rate-limit", data={"csrf_token": token, "per_minute": "abc"})
    assert bad_rate.status_code == 422
    assert "每分钟调用次数" in bad_rate.text
    rate = insurance_client.post(f"{detail}/rate-limit", data={"csrf_token": token, "per_minute": "30"})
    assert 'id="rate-limit">30<' in rate.text
    no_suspend = insurance_client.post(f"{detail}/suspension", data={"csrf_token": token, "reason": " "})
    assert no_suspend.status_code == 422
    suspended = insurance_client.post(f"{detail}/suspension", data={"csrf_token": token, "reason": "异常调用"})
    assert "已停用（异常调用）" in suspended.text
    assert _actions(db, app.app_id) == [
        "open.app.decide", "open.app.decide", "open.app.rate_limit", "open.app.suspend",
    ]  # fmt: skip


def test_viewers_see_but_cannot_change(insurance_client: TestClient, db: Session) -> None:
    enterprise(db, "E0001", serial=1)
    app = open_api.register_app(db, emp_no="E0001", name="人事系统", operations=["employee.enrol"], now=utc_now())
    db.commit()
    token = login(insurance_client, "ins_viewer")
    page = insurance_client.get(f"{APPS}/{app.app_id}")
    assert page.status_code == 200
    assert "批准" not in page.text
    refused = insurance_client.post(f"{APPS}/{app.app_id}/decision", data={"csrf_token": token, "approve": "1"})
    assert refused.status_code == 403
    assert insurance_client.get("/staff/insurance/maternity/queue").status_code == 200
    assert insurance_client.get("/staff/insurance/certificates/list").status_code == 200


def test_maternity_queue_review_refuse_and_pay(insurance_client: TestClient, db: Session) -> None:
    book = maternity_tests._unit(db)
    first = maternity_tests._apply(db, book)
    second = maternity_tests._apply(db, book, psn_no="P0002")
    db.commit()
    token = login(insurance_client, "ins_admin")
    queue = insurance_client.get("/staff/insurance/maternity/queue")
    assert queue.headers["cache-control"] == "no-store"
    assert first.application_no in queue.text
    assert "测试甲" not in queue.text  # names masked
    base = "/staff/insurance/maternity"
    no_reason = insurance_client.post(
        f"{base}/{second.application_no}/review", data={"csrf_token": token, "approve": "0"}
    )
    assert no_reason.status_code == 422
    assert "须写明理由" in no_reason.text
    refused = insurance_client.post(
        f"{base}/{second.application_no}/review", data={"csrf_token": token, "approve": "0", "note": "材料不全"}
    )
    assert "已不予支付" in refused.text
    reviewed = insurance_client.post(
        f"{base}/{first.application_no}/review", data={"csrf_token": token, "approve": "1"}
    )
    assert "已审核通过" in reviewed.text
    too_early = insurance_client.post(f"{base}/{second.application_no}/payment", data={"csrf_token": token})
    assert too_early.status_code == 422
    paid = insurance_client.post(f"{base}/{first.application_no}/payment", data={"csrf_token": token, "note": "P1"})
    assert "已记为支付" in paid.text
    db.expire_all()
    statuses = {row.application_no: row.status for row in db.scalars(select(MaternityApplication))}
    assert statuses == {first.application_no: "paid", second.application_no: "refused"}
    assert _actions(db, second.application_no)[-1] == "insurance.maternity.review"


def test_certificates_list_scoped_and_revoked_with_a_reason(insurance_client: TestClient, db: Session) -> None:
    enterprise(db, "E0001", serial=1)
    member(db, "P0001", serial=1, emp_no="E0001", since=dt.date(2020, 1, 1))
    row = certificates.issue(db, psn_no="P0001", channel="staff", issued_by="ins_admin", now=utc_now())
    db.commit()
    token = login(insurance_client, "ins_shinan")  # limited to 370202; the member is insured in 370200
    url = f"/staff/insurance/certificates/{row.cert_no}/revocation"
    assert row.cert_no not in insurance_client.get("/staff/insurance/certificates/list").text
    outside = insurance_client.post(url, data={"csrf_token": token, "reason": "信息有误"})
    assert outside.status_code == 422
    token = login(insurance_client, "ins_admin")
    listed = insurance_client.get("/staff/insurance/certificates/list")
    assert listed.headers["cache-control"] == "no-store"
    assert row.cert_no in listed.text
    assert "测试甲" not in listed.text
    no_reason = insurance_client.post(url, data={"csrf_token": token, "reason": ""})
    assert no_reason.status_code == 422
    db.expire_all()
    assert db.get(type(row), row.cert_no).revoked_at is None  # type: ignore[union-attr]
    revoked = insurance_client.post(url, data={"csrf_token": token, "reason": "信息有误"})
    assert "已作废" in revoked.text
    assert "信息有误" in revoked.text
    detail: Any = db.scalars(
        select(AuditEntry.detail).where(AuditEntry.action == "insurance.certificate.revoke").order_by(AuditEntry.id)
    ).one()
    assert detail == {"reason": "信息有误"}
