"""增员 / 减员 over the open platform through the Python client (clients/python): single rows, dry runs, batch
jobs with per-row results, malformed batches refused and audited, scope, idempotency, and signed webhooks with
retries and re-delivery to a real HTTP receiver; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cityservices_open import HmacCredentials, OpenApiError, OpenClient, Sm2Credentials
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.insurance.members.models import InsuranceContribution, InsuranceMember
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.webhooks import service as webhooks
from cityservices.kit.audit.models import AuditEntry
from cityservices.kit.calendar import now_in_china
from cityservices.platform.security import load_secret
from tests.insurance.builders import certno, enterprise, member

NOW = dt.datetime.now(dt.UTC)
OPERATIONS = ["employee.status.read", "employee.enrol", "employee.remove"]
COLUMNS = ["certno", "psn_name", "insutype", "start_month", "base"]
THIS_MONTH = now_in_china().date().replace(day=1)
MONTH = f"{THIS_MONTH:%Y-%m}"


@dataclass
class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that records what it receives and answers ``status``."""

    status: int = 200
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/cityservices?src=test"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.received.append((self.path, dict(self.headers.items()), body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    state.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=state.server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.server.shutdown()
    state.server.server_close()


@pytest.fixture
def setup(insurance_app: FastAPI, connection: Connection, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setattr(webhooks, "BACKOFF_SECONDS", (0.0, 0.0, 0.0, 0.0))
    secret = load_secret(insurance_app.state.runtime.settings)
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        enterprise(session, "E0001", serial=1)
        enterprise(session, "E0002", serial=2)
        member(session, "P0002", serial=2, emp_no="E0002", since=dt.date(2024, 1, 1))
        clients = {}
        for emp_no in ("E0001", "E0002"):
            app = open_api.register_app(session, emp_no=emp_no, name="人事系统", operations=OPERATIONS, now=NOW)
            open_api.decide_app(session, app.app_id, approve=True, staff="ins_admin", now=NOW)
            key, app_secret = open_api.add_hmac_key(
                session, app.app_id, profile=sg.HMAC_SM3, platform_secret=secret, now=NOW
            )
            clients[emp_no] = (app.app_id, key.serial, app_secret)
        keys = sg.generate_sm2_keypair()
        sm2_serial = open_api.add_public_key(session, clients["E0001"][0], public_key=keys.public_hex, now=NOW).serial
        session.commit()
    with TestClient(insurance_app, base_url="https://testserver") as http:
        yield {
            "e1": OpenClient(http, HmacCredentials(*clients["E0001"][:2], sg.HMAC_SM3, clients["E0001"][2])),
            "e2": OpenClient(http, HmacCredentials(*clients["E0002"][:2], sg.HMAC_SM3, clients["E0002"][2])),
            "sm2": OpenClient(http, Sm2Credentials(clients["E0001"][0], sm2_serial, keys.private_hex, keys.public_hex)),
            "app_id": clients["E0001"][0],
        }


def row(serial: int, *, name: str = "测试乙", base: str = "6000.00", month: str = MONTH) -> list[str]:
    return [certno(serial), name, "310", month, base]


def one(serial: int, **over: str) -> dict[str, str]:
    return dict(zip(COLUMNS, row(serial, **over), strict=True))


def _members(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(InsuranceMember)) or 0)


def _outcomes(db: Session, app_id: str) -> list[str]:
    query = select(AuditEntry).where(AuditEntry.actor_name == f"app:{app_id}").order_by(AuditEntry.id)
    return [str((entry.detail or {}).get("outcome")) for entry in db.scalars(query)]


def test_single_enrolment_dry_run_then_real_then_idempotent(setup: dict[str, Any], db: Session) -> None:
    client: OpenClient = setup["e1"]
    before = _members(db)
    dry = client.enrol(one(11), dry_run=True)
    assert dry["outcome"] == "ok"
    assert dry["psn_no"] is None
    assert _members(db) == before  # a dry run writes nothing
    key = "enrol-11"
    payload = {**one(11), "dry_run": False}
    done = client.call("POST", "/api/open/v1/employees/enrolments", payload, idempotency_key=key)
    again = client.call("POST", "/api/open/v1/employees/enrolments", payload, idempotency_key=key)
    assert again == done  # the stored answer, not a second enrolment
    assert done["certno_masked"].count("*") == 16
    assert "测试" not in str(done)
    status = client.employee_status(done["psn_no"])
    assert status["psn_insu_stas"] == {"310": "1"}
    contribution = db.scalars(select(InsuranceContribution).where(InsuranceContribution.psn_no == done["psn_no"]))
    assert [str(c.base) for c in contribution] == ["6000.00"]
    with pytest.raises(OpenApiError) as refused:
        client.enrol(one(11))
    assert refused.value.status == 422
    assert [e["code"] for e in refused.value.payload["errors"]] == ["already_enrolled"]
    with pytest.raises(OpenApiError) as reused:
        client.call("POST", "/api/open/v1/employees/enrolments", {**payload, "base": "7000.00"}, idempotency_key=key)
    assert reused.value.status == 409
    assert reused.value.code == "idempotency_key_reused"
    assert "ok" in _outcomes(db, setup["app_id"])


def test_every_error_of_a_row_is_reported(setup: dict[str, Any]) -> None:
    client: OpenClient = setup["e1"]
    bad = {"certno": certno(12)[:-1] + ("0" if certno(12)[-1] != "0" else "1"), "psn_name": "X1", "insutype": "390"}
    with pytest.raises(OpenApiError) as refused:
        client.enrol({**bad, "start_month": "2020-13", "base": "12,000"})
    codes = {e["code"] for e in refused.value.payload["errors"]}
    assert codes == {"certno_invalid", "name_invalid", "insutype_invalid", "month_invalid"}
    with pytest.raises(OpenApiError) as low:
        client.enrol(one(12, base="100.00"))
    assert [e["code"] for e in low.value.payload["errors"]] == ["base_out_of_bounds"]
    assert "4,200.00" in low.value.payload["errors"][0]["message"]
    old = dt.date(THIS_MONTH.year - 1, THIS_MONTH.month, 1)
    with pytest.raises(OpenApiError) as late:
        client.enrol(one(12, month=f"{old:%Y-%m}"))
    assert [e["code"] for e in late.value.payload["errors"]] == ["month_out_of_window"]


def test_enrolled_elsewhere_and_removal_scope(setup: dict[str, Any]) -> None:
    client: OpenClient = setup["e1"]
    with pytest.raises(OpenApiError) as elsewhere:
        client.enrol(one(2, name="测试甲"))  # P0002 is enrolled by E0002
    assert [e["code"] for e in elsewhere.value.payload["errors"]] == ["enrolled_elsewhere"]
    removal = {"certno": certno(2), "psn_name": "测试甲", "insutype": "310", "end_month": MONTH}
    with pytest.raises(OpenApiError) as other:
        client.remove(removal)  # another enterprise's employee: the same answer as nobody
    assert [e["code"] for e in other.value.payload["errors"]] == ["not_employee"]
    done = setup["e2"].remove(removal)
    assert done["outcome"] == "ok"
    assert setup["e2"].employee_status("P0002")["psn_insu_stas"] == {"310": "4"}
    moved = client.enrol(one(2, name="测试甲"))  # removed by E0002, so E0001 may enrol them now
    assert moved["psn_no"] == "P0002"


@pytest.mark.parametrize(
    ("columns", "rows", "code"),
    [
        (["certno", "psn_name", "insutype", "start_month"], [row(1)[:4]], "bad_columns"),
        (COLUMNS, [row(i) for i in range(10_001)], "too_many_rows"),
        (COLUMNS, [row(1), row(2), row(1)], "duplicate_rows"),
        (COLUMNS, [row(1)[:4]], "bad_row"),
        (COLUMNS, [], "empty_batch"),
    ],
)
def test_malformed_batches_are_refused_audited_and_write_nothing(
    setup: dict[str, Any], db: Session, columns: list[str], rows: list[list[str]], code: str
) -> None:
    client: OpenClient = setup["e1"]
    before = _members(db)
    with pytest.raises(OpenApiError) as refused:
        client.submit_batch("enrol", columns, rows)
    assert refused.value.status == 422
    assert refused.value.code == code
    assert _members(db) == before
    assert _outcomes(db, setup["app_id"])[-1] == code


def test_batch_dry_run_reports_every_row(setup: dict[str, Any], db: Session) -> None:
    client: OpenClient = setup["e1"]
    rows = [row(20), row(21, base="1.00"), row(2, name="测试甲"), row(22)]
    before = _members(db)
    answer = client.submit_batch("enrol", COLUMNS, rows, dry_run=True)
    assert (answer["total"], answer["valid"], answer["invalid"]) == (4, 2, 2)
    assert [r["outcome"] for r in answer["results"]] == ["ok", "error", "error", "ok"]
    assert answer["results"][1]["errors"][0]["code"] == "base_out_of_bounds"
    assert answer["results"][2]["errors"][0]["code"] == "enrolled_elsewhere"
    assert _members(db) == before


def test_batch_job_results_and_signed_webhook(setup: dict[str, Any], db: Session, receiver: Receiver) -> None:
    client: OpenClient = setup["e1"]
    client.set_webhook(receiver.url)
    rows = [row(100 + i) for i in range(30)] + [row(200, base="99999.00"), row(2, name="测试甲")]
    job = client.submit_batch("enrol", COLUMNS, rows)
    assert job["status"] in {"queued", "running", "finished"}
    done = client.wait_for_job("enrol", job["job_id"], timeout=60)
    assert (done["total"], done["succeeded"], done["failed"], done["progress"]) == (32, 30, 2, 1.0)
    results = list(client.results("enrol", job["job_id"], page=10))
    assert [r["row_no"] for r in results] == list(range(1, 33))
    assert {r["errors"][0]["code"] for r in results if r["outcome"] == "error"} == {
        "base_out_of_bounds",
        "enrolled_elsewhere",
    }
    csv_text = client.results_csv("enrol", job["job_id"])
    assert csv_text.splitlines()[0].startswith("row_no,outcome,psn_no,certno_masked")
    assert len(csv_text.splitlines()) == 33
    assert certno(100) not in csv_text
    assert len(receiver.received) == 1
    path, headers, body = receiver.received[0]
    assert path == "/hooks/cityservices?src=test"
    assert client.verify_webhook(path, headers, body)
    assert not client.verify_webhook(path, headers, body.replace(b"32", b"33"))
    assert not setup["e2"].verify_webhook(path, headers, body)  # another app's secret
    log = client.deliveries()["deliveries"]
    assert [(d["status"], d["attempts"], d["subject"]) for d in log] == [("delivered", 1, job["job_id"])]
    with pytest.raises(OpenApiError) as hidden:
        setup["e2"].job("enrol", job["job_id"])  # another enterprise's job
    assert hidden.value.status == 404


def test_webhook_retries_then_manual_redelivery(setup: dict[str, Any], receiver: Receiver) -> None:
    client: OpenClient = setup["e1"]
    receiver.status = 500
    client.set_webhook(receiver.url)
    job = client.submit_batch("enrol", COLUMNS, [row(300)])
    client.wait_for_job("enrol", job["job_id"], timeout=60)
    delivery = client.deliveries()["deliveries"][0]
    assert delivery["status"] == "failed"
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500] * 5
    receiver.status = 204
    client.redeliver(delivery["delivery_id"])
    again = client.deliveries()["deliveries"][0]
    assert again["status"] == "delivered"
    assert again["attempt_log"][-1]["manual"] is True
    assert len(receiver.received) == 6


def test_removal_batch_and_sm2_app(setup: dict[str, Any]) -> None:
    hmac_client: OpenClient = setup["e1"]
    maternity = [certno(401), "测试乙", "510", MONTH, "6000.00"]  # the same person in a second insurance type
    job = hmac_client.submit_batch("enrol", COLUMNS, [row(400), row(401), maternity])
    enrolled = hmac_client.wait_for_job("enrol", job["job_id"], timeout=60)
    assert (enrolled["succeeded"], enrolled["failed"]) == (3, 0)
    psn_nos = [r["psn_no"] for r in hmac_client.results("enrol", job["job_id"])]
    assert psn_nos[1] == psn_nos[2]
    assert hmac_client.employee_status(psn_nos[1])["psn_insu_stas"] == {"310": "1", "510": "1"}
    sm2_client: OpenClient = setup["sm2"]
    removal_columns = ["end_month", "certno", "psn_name", "insutype"]  # any column order
    rows = [[MONTH, certno(400), "测试乙", "310"], [MONTH, certno(999), "测试乙", "310"]]
    removal = sm2_client.submit_batch("remove", removal_columns, rows)
    done = sm2_client.wait_for_job("remove", removal["job_id"], timeout=60)
    assert (done["succeeded"], done["failed"]) == (1, 1)
    results = list(sm2_client.results("remove", removal["job_id"]))
    assert results[1]["errors"][0]["code"] == "not_employee"
    assert sm2_client.employee_status(results[0]["psn_no"])["psn_insu_stas"] == {"310": "4"}
    with pytest.raises(OpenApiError) as wrong_kind:
        sm2_client.job("enrol", removal["job_id"])
    assert wrong_kind.value.status == 404


def test_webhook_url_must_be_https_or_loopback(setup: dict[str, Any]) -> None:
    with pytest.raises(OpenApiError) as refused:
        setup["e1"].set_webhook("http://10.0.0.1/hook")
    assert refused.value.code == "bad_webhook_url"
