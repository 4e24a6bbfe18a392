"""The secretary's phone pages, in order: plan → sign-in (QR page and roster) → minutes → self-check."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.organisation.models import PartyMember
from tests.party_day.activities.test_api import BRANCH, _member
from tests.service_map.editing.helpers import csrf, login


def _plan_form(token: str, **overrides: object) -> dict[str, object]:
    start = dt.datetime.now(BEIJING) - dt.timedelta(minutes=10)
    return {"csrf_token": token, "branch": BRANCH, "theme": "学习党章 重温誓词", "day": start.strftime("%Y-%m-%d"),
            "start": start.strftime("%H:%M"), "hours": "2", "method": "集中", "place": "党员活动室",
            "contents": ["党性教育"], "steps": ["sign_in", "oath_review", "dues", "study", "discussion"],
            **overrides}  # fmt: skip


def test_a_bad_plan_shows_the_field_in_chinese(party_client: TestClient, db: Session) -> None:
    token = login(party_client, "secretary")
    _member(party_client, token, 31)
    assert party_client.get("/party/manage/plan").status_code == 200
    response = party_client.post("/party/manage/plan", data=_plan_form(token, steps=["sign_in", "study"]))
    assert response.status_code == 422
    assert "程序：缺少学校党支部必备的程序环节：重温入党誓词、交纳党费、交流研讨" in response.text
    assert db.scalar(select(func.count()).select_from(Activity)) == 0


def test_the_secretary_runs_a_party_day_on_the_phone(party_client: TestClient, db: Session) -> None:
    token = login(party_client, "secretary")
    people = [_member(party_client, token, serial) for serial in (41, 42, 43)]
    created = party_client.post("/party/manage/plan", data=_plan_form(token), follow_redirects=False)
    assert created.status_code == 303, created.text
    page_url = created.headers["location"]
    page = party_client.get(page_url)
    assert page.status_code == 200
    assert "<svg" in page.text
    assert page.headers["cache-control"] == "no-store"
    qr_token = re.search(r"/party/sign-in\?token=([^\"&<]+)", page.text)
    assert qr_token is not None
    first = db.get(PartyMember, people[0])
    assert first is not None
    phone = TestClient(party_client.app, base_url="https://testserver")
    sign_page = phone.get(f"/party/sign-in?token={qr_token.group(1)}")
    assert sign_page.status_code == 200
    signed = phone.post("/party/sign-in", data={"csrf_token": csrf(phone), "token": qr_token.group(1),
                                                "id_number": first.id_number})  # fmt: skip
    assert "签到成功" in signed.text, re.findall(r"role=\"alert\">([^<]*)", signed.text)
    assert first.id_number not in signed.text
    again = phone.post("/party/sign-in", data={"csrf_token": csrf(phone), "token": qr_token.group(1),
                                               "id_number": first.id_number})  # fmt: skip
    assert again.status_code == 409
    assert "不能重复签到" in again.text
    ticked = party_client.post(f"{page_url}/roster", data={"csrf_token": token, "member_id": people[1]},
                               follow_redirects=False)  # fmt: skip
    assert ticked.status_code == 303
    minutes = {"csrf_token": token, "host_id": people[0], "recorder_id": people[1], "content": "学习党章",
               "absent_ids": [people[2]], "reasons": [""]}  # fmt: skip
    refused = party_client.post(f"{page_url}/minutes", data=minutes)
    assert refused.status_code == 422
    assert "缺席人员：每位缺席人员须注明原因" in refused.text
    minutes["reasons"] = ["出差"]
    assert party_client.post(f"{page_url}/minutes", data=minutes, follow_redirects=False).status_code == 303
    scores = {f"score_{i}": "5" for i in range(1, 6)} | {"csrf_token": token}
    assert party_client.post(f"{page_url}/self-check", data=scores, follow_redirects=False).status_code == 303
    done = party_client.get(page_url).text
    assert "自评总分 25 分" in done
    assert "实到 2 人，缺席 1 人" in done
    listing = party_client.get("/party/manage")
    assert "学习党章 重温誓词" in listing.text
    assert "已自评" in listing.text


def test_the_pages_need_a_session(party_client: TestClient) -> None:
    response = party_client.get("/party/manage", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login")
