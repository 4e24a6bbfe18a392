"""Staff register and approve an enterprise's apps and issue, rotate and revoke keys over HTTP; the issued HMAC
secret then signs a call. SQLite and PostgreSQL."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.models import OpenAppKey
from cityservices.kit.audit.models import AuditEntry
from tests.insurance.builders import enterprise, member
from tests.service_map.editing.helpers import login

BASE = "/api/v1/insurance/open-apps"


def _signed_get(client: TestClient, app_id: str, serial: str, secret: str, path: str) -> int:
    timestamp, nonce = int(time.time()), sg.new_nonce()
    canonical = sg.canonical_string("GET", path, timestamp, nonce, sg.sm3(b"").hex())
    headers = {
        "X-Open-App-Id": app_id,
        "X-Open-Serial": serial,
        "X-Open-Signature-Type": sg.HMAC_SM3,
        "X-Open-Timestamp": str(timestamp),
        "X-Open-Nonce": nonce,
        "X-Open-Signature": sg.hmac_sign(sg.HMAC_SM3, secret.encode(), canonical),
    }
    return client.get(path, headers=headers).status_code


def test_app_lifecycle_over_http(insurance_client: TestClient, db: Session) -> None:
    enterprise(db, "E0001")
    member(db, "P0001", emp_no="E0001")
    db.commit()
    token = login(insurance_client, "ins_admin")
    csrf = {"X-CSRF-Token": token}
    created = insurance_client.post(
        BASE, json={"emp_no": "E0001", "name": "人事系统", "operations": ["employee.status.read"]}, headers=csrf
    )
    assert created.status_code == 201, created.text
    app_id = created.json()["app_id"]
    assert created.json()["status"] == "pending"
    assert created.json()["rate_limit_per_minute"] == 600
    issued = insurance_client.post(f"{BASE}/{app_id}/keys", json={"profile": "HMAC-SM3"}, headers=csrf)
    assert issued.status_code == 201, issued.text
    assert issued.headers["cache-control"] == "no-store"
    serial, secret = issued.json()["serial"], issued.json()["secret"]
    path = "/api/open/v1/employees/P0001/status"
    assert _signed_get(insurance_client, app_id, serial, secret, path) == 403  # still pending
    decided = insurance_client.post(f"{BASE}/{app_id}/decision", json={"approve": True}, headers=csrf)
    assert decided.json()["status"] == "approved"
    assert decided.json()["decided_by"] == "ins_admin"
    assert _signed_get(insurance_client, app_id, serial, secret, path) == 200
    keys = sg.generate_sm2_keypair()
    sm2 = insurance_client.post(
        f"{BASE}/{app_id}/keys", json={"profile": "SM2-SM3", "public_key": "04" + keys.public_hex}, headers=csrf
    )
    assert sm2.status_code == 201, sm2.text
    assert sm2.json()["secret"] is None
    read = insurance_client.get(f"{BASE}/{app_id}").json()
    assert [k["serial"] for k in read["keys"]] == ["0001", "0002"]
    assert read["keys"][0]["not_after"] is not None  # rotated out after the overlap
    assert secret not in str(read)
    stored = db.query(OpenAppKey).filter_by(app_id=app_id, serial="0001").one()
    assert stored.secret_enc is not None
    assert secret.encode() not in stored.secret_enc
    revoked = insurance_client.post(f"{BASE}/{app_id}/keys/0001/revocation", headers=csrf)
    assert revoked.json()["keys"][0]["revoked_at"] is not None
    assert _signed_get(insurance_client, app_id, serial, secret, path) == 401
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.target_key == app_id)))
    assert {"open.app.register", "open.app.decide", "open.key.add", "open.key.revoke"} <= actions


def test_bad_input_names_the_field_and_viewers_cannot_register(insurance_client: TestClient, db: Session) -> None:
    enterprise(db, "E0001")
    db.commit()
    token = login(insurance_client, "ins_admin")
    csrf = {"X-CSRF-Token": token}
    bad_op = insurance_client.post(BASE, json={"emp_no": "E0001", "name": "x", "operations": ["x.y"]}, headers=csrf)
    assert bad_op.status_code == 422
    assert "operations" in bad_op.text
    no_unit = insurance_client.post(
        BASE, json={"emp_no": "E4040", "name": "x", "operations": ["employee.status.read"]}, headers=csrf
    )
    assert no_unit.status_code == 422
    assert "emp_no" in no_unit.text
    app_id = insurance_client.post(
        BASE, json={"emp_no": "E0001", "name": "x", "operations": ["employee.status.read"]}, headers=csrf
    ).json()["app_id"]
    bad_key = insurance_client.post(
        f"{BASE}/{app_id}/keys", json={"profile": "SM2-SM3", "public_key": "04" + "11" * 64}, headers=csrf
    )
    assert bad_key.status_code == 422
    assert "public_key" in bad_key.text
    assert len(insurance_client.get(f"{BASE}/{app_id}").json()["keys"]) == 0
    insurance_client.post("/api/v1/auth/logout", headers=csrf)
    viewer = login(insurance_client, "ins_viewer")
    refused = insurance_client.post(
        BASE,
        json={"emp_no": "E0001", "name": "x", "operations": ["employee.status.read"]},
        headers={"X-CSRF-Token": viewer},
    )
    assert refused.status_code == 403
