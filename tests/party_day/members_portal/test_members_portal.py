"""A Party member signed in with the citizen sign-in sees only their own records; a non-member a plain refusal;
no session, 401 (or the sign-in page)."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.kit.audit import utc_now
from cityservices.kit.audit.models import AuditEntry
from cityservices.party_day.attendance.models import Attendance
from cityservices.party_day.dues.models import DuesMonth
from cityservices.party_day.education.models import StudyRecord
from cityservices.party_day.organisation.validation import with_check_digit
from tests.auth.citizens.helpers import citizen, sign_in
from tests.party_day.builders import member, plan

OWN = with_check_digit("11010119800101801")  # an area code the citizen sign-in's check knows
OTHER = with_check_digit("11010119800101802")
OUTSIDER = with_check_digit("11010119800101803")


def _records(connection: Connection) -> dict[str, int]:
    """Two members of the school branch with different records; the first one's citizen account."""
    now = utc_now()
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        me = member(session, "QD.D1.C1.G1.B1", name="党员本人", id_number=OWN)
        other = member(session, "QD.D1.C1.G1.B1", name="党员他人", id_number=OTHER)
        member(session, "QD.D1.C1.B2", name="社区党员")
        past = plan(session, "QD.D1.C1.G1.B1", theme="已结束的党日", starts_at=now - dt.timedelta(days=2),
                    ends_at=now - dt.timedelta(days=2) + dt.timedelta(hours=2))  # fmt: skip
        plan(session, "QD.D1.C1.G1.B1", theme="下周的党日", starts_at=now + dt.timedelta(days=7),
             ends_at=now + dt.timedelta(days=7, hours=2))  # fmt: skip
        plan(session, "QD.D1.C1.B2", theme="别的支部的党日", contents=["理论学习", "组织生活", "志愿服务"],
             steps=["sign_in", "oath_review", "dues", "study", "volunteer", "summary"],
             starts_at=now + dt.timedelta(days=7), ends_at=now + dt.timedelta(days=7, hours=2))  # fmt: skip
        session.add(Attendance(activity_id=past.id, member_id=other.id, state="present", how="roster", at=now))
        today = now.date()
        session.add(StudyRecord(member_id=me.id, studied_on=today, minutes=90, note="自学"))
        session.add(StudyRecord(member_id=other.id, studied_on=today, minutes=600, note="自学"))
        session.add(DuesMonth(member_id=me.id, month="2026-01", category="wage", due_fen=1500, paid_fen=1500))
        session.add(DuesMonth(member_id=me.id, month="2026-02", category="wage", due_fen=1500, paid_fen=0))
        session.add(DuesMonth(member_id=other.id, month="2026-03", category="wage", due_fen=9900, paid_fen=0))
        citizen(session, OWN, name="党员本人")
        citizen(session, OUTSIDER, name="群众甲")
        session.commit()
        return {"me": me.id, "other": other.id, "past": past.id}


def test_own_records_only(party_client: TestClient, connection: Connection) -> None:
    ids = _records(connection)
    sign_in(party_client, OWN)
    response = party_client.get("/api/v1/party/me")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["id_number"] != OWN
    assert body["id_number"].endswith(OWN[-1])
    assert "*" in body["id_number"]
    assert OWN not in response.text
    assert OTHER not in response.text
    assert "党员他人" not in response.text
    assert [d["theme"] for d in body["upcoming"]] == ["下周的党日"]
    past = [a for a in body["attendance"] if a["activity_id"] == ids["past"]]
    assert past
    assert past[0]["outcome"] == "absent"
    assert past[0]["make_up_due"] is not None
    assert body["study"]["total_hours"] == "2.0"  # 90 minutes at 45 a 学时; not the other's 600
    assert [(m["month"], m["owed"]) for m in body["dues"]] == [("2026-02", True), ("2026-01", False)]
    assert body["arrears"] == "15.00"
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        keys = session.scalars(select(AuditEntry.target_key).where(AuditEntry.action == "party.me.read")).all()
    assert keys == [str(ids["me"])]
    page = party_client.get("/party/me")
    assert page.status_code == 200
    assert "我的党员信息" in page.text
    assert "下周的党日" in page.text
    assert "党员他人" not in page.text
    assert OWN not in page.text


def test_non_member(party_client: TestClient, connection: Connection) -> None:
    _records(connection)
    sign_in(party_client, OUTSIDER)
    response = party_client.get("/api/v1/party/me")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    page = party_client.get("/party/me")
    assert page.status_code == 200
    assert "没有对应的党员记录" in page.text
    assert "下周的党日" not in page.text
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        keys = session.scalars(select(AuditEntry.target_key).where(AuditEntry.action == "party.me.read")).all()
    assert keys == ["-", "-"]


def test_no_session(party_client: TestClient) -> None:
    assert party_client.get("/api/v1/party/me").status_code == 401
    page = party_client.get("/party/me", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/citizen/login")
