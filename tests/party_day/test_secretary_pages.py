"""The secretary's pages beyond the lifecycle, through the app: reminders, leave and its decision, make-up, photos
of the minutes, the printable record and the year export, the education library, a member's study ledger and the
branch's study overview; scoped (another district's account is refused) and never cached."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from tests.builders import pdf_text
from tests.party_day.activities.test_api import BRANCH, _member, _plan
from tests.service_map.editing.helpers import login


def _activity(client: TestClient, token: str, starts: dt.datetime, hours: float, **extra: Any) -> int:
    body = _plan(starts + dt.timedelta(minutes=10), **extra)
    body["ends_at"] = (starts + dt.timedelta(hours=hours)).isoformat()
    created = client.post(f"/api/v1/party/organisations/{BRANCH}/activities", json=body,
                          headers={"X-CSRF-Token": token})  # fmt: skip
    assert created.status_code == 201, created.text
    activity_id: int = created.json()["id"]
    return activity_id


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 20, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_reminders_leave_photos_and_records(party_client: TestClient) -> None:
    token = login(party_client, "secretary")
    people = [_member(party_client, token, serial) for serial in (61, 62, 63)]
    now = dt.datetime.now(dt.UTC)
    running = _activity(party_client, token, now - dt.timedelta(minutes=10), 1, theme="学习党章 重温誓词")
    coming = _activity(party_client, token, now + dt.timedelta(days=3), 2, theme="下周主题党日")
    notices = party_client.get(f"/api/v1/party/organisations/{BRANCH}/notices")
    assert notices.status_code == 200
    assert notices.headers["cache-control"] == "no-store"
    kinds = {n["kind"]: n for n in notices.json()["notices"]}
    assert kinds["upcoming"]["activity_id"] == coming
    assert "下周主题党日" in kinds["upcoming"]["text"]
    home = party_client.get("/party/manage").text
    assert "下周主题党日" in home
    assert "请提前通知参加人员" in home
    page_url = f"/party/manage/activities/{running}"
    form = {"csrf_token": token}
    left = party_client.post(f"{page_url}/leave", data=form | {"member_id": people[2], "reason": "出差"},
                             follow_redirects=False)  # fmt: skip
    assert left.status_code == 303
    page = party_client.get(page_url).text
    assert "请假待批" in page
    assert "准假" in page
    leave_id = re.search(rf"{page_url}/leave/(\d+)", page)
    assert leave_id is not None
    decided = party_client.post(f"{page_url}/leave/{leave_id.group(1)}", data=form | {"decision": "approve"},
                                follow_redirects=False)  # fmt: skip
    assert decided.status_code == 303
    assert "已准假" in party_client.get(page_url).text
    twice = party_client.post(f"{page_url}/leave/{leave_id.group(1)}", data=form | {"decision": "refuse"})
    assert twice.status_code == 409, twice.text[:300]
    assert "该请假已处理" in twice.text, twice.text[:3000]
    for person in people[:2]:
        party_client.post(f"{page_url}/roster", data=form | {"member_id": person}, follow_redirects=False)
    minutes = form | {"host_id": people[0], "recorder_id": people[1], "content": "学习党章",
                      "absent_ids": [people[2]], "reasons": ["出差"]}  # fmt: skip
    assert party_client.post(f"{page_url}/minutes", data=minutes, follow_redirects=False).status_code == 303
    not_image = party_client.post(f"{page_url}/photos", data=form, files={"file": ("a.jpg", b"not an image")})
    assert not_image.status_code == 422
    assert "只接受 JPEG、PNG 或 WebP 图片" in not_image.text
    uploaded = party_client.post(f"{page_url}/photos", data=form, files={"file": ("现场.jpg", _jpeg(), "image/jpeg")},
                                 follow_redirects=False)  # fmt: skip
    assert uploaded.status_code == 303
    page = party_client.get(page_url).text
    thumb = re.search(rf"/api/v1/party/activities/{running}/photos/([0-9a-f]{{32}}\.jpg)\?thumbnail=true", page)
    assert thumb is not None
    photo = party_client.get(thumb.group(0))
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["cache-control"] == "no-store"
    pdf = party_client.get(f"/api/v1/party/activities/{running}/record.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    text = pdf_text(pdf.content)
    assert "学习党章 重温誓词" in text
    assert "已准假" in text
    assert "活动照片" in text
    archive = party_client.get(f"/api/v1/party/organisations/{BRANCH}/year-export.zip")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert any(n.endswith("主题党日.csv") for n in names)
    assert any(n.endswith(".pdf") for n in names)
    year_pdf = party_client.get(f"/api/v1/party/organisations/{BRANCH}/year-record.pdf")
    assert year_pdf.status_code == 200
    assert year_pdf.content.startswith(b"%PDF-")
    party_client.post("/api/staff/logout", headers={"X-CSRF-Token": token})
    login(party_client, "district2")
    assert party_client.get(thumb.group(0)).status_code == 403
    assert party_client.get(f"/api/v1/party/activities/{running}/record.pdf").status_code == 403
    assert party_client.get(f"/api/v1/party/organisations/{BRANCH}/notices").status_code == 403
    assert party_client.get(f"/api/v1/party/organisations/{BRANCH}/year-export.zip").status_code == 403


def test_make_up_after_the_day(party_client: TestClient) -> None:
    token = login(party_client, "secretary")
    people = [_member(party_client, token, serial) for serial in (71, 72)]
    now = dt.datetime.now(dt.UTC)
    ended = _activity(party_client, token, now - dt.timedelta(hours=3), 1)
    page_url = f"/party/manage/activities/{ended}"
    page = party_client.get(page_url).text
    assert "登记补学" in page
    assert "前补学" in page
    made = party_client.post(f"{page_url}/make-up", data={"csrf_token": token, "member_id": people[0]},
                             follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    assert "已补学" in party_client.get(page_url).text
    again = party_client.post(f"{page_url}/make-up", data={"csrf_token": token, "member_id": people[0]})
    assert again.status_code == 409
    notices = party_client.get(f"/api/v1/party/organisations/{BRANCH}/notices").json()["notices"]
    assert any(n["kind"] == "no_minutes" and n["activity_id"] == ended for n in notices)


def test_library_and_study_pages(party_client: TestClient) -> None:
    admin = login(party_client, "partyadmin")
    resource = {"title": "党章学习微课", "kind": "course", "description": "逐章讲解党章", "contents": ["理论学习"],
                "minutes": 45}  # fmt: skip
    added = party_client.post("/api/v1/party/education/resources", json=resource, headers={"X-CSRF-Token": admin})
    assert added.status_code == 201
    party_client.post("/api/staff/logout", headers={"X-CSRF-Token": admin})
    token = login(party_client, "secretary")
    member = _member(party_client, token, 81, name="学习者甲")
    library = party_client.get("/party/manage/library", params={"q": "dangzhang"})
    assert "党章学习微课" in library.text
    assert "没有找到" in party_client.get("/party/manage/library", params={"q": "不存在的内容"}).text
    detail = party_client.get(f"/party/manage/library/{added.json()['id']}")
    assert "逐章讲解党章" in detail.text
    assert "各类党支部" in detail.text
    ledger_url = f"/party/manage/members/{member}/study"
    assert "本年度尚无学习记录" in party_client.get(ledger_url).text
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    bad = party_client.post(ledger_url, data={"csrf_token": token, "studied_on": today.isoformat(), "minutes": "0",
                                              "note": "自学"})  # fmt: skip
    assert bad.status_code == 422
    assert "时长：时长（分钟）应大于 0" in bad.text
    study = {
        "csrf_token": token,
        "studied_on": today.isoformat(),
        "minutes": "90",
        "resource_id": str(added.json()["id"]),
    }
    saved = party_client.post(ledger_url, data=study, follow_redirects=False)
    assert saved.status_code == 303
    ledger = party_client.get(ledger_url).text
    assert "党章学习微课" in ledger
    assert "2.0 学时" in ledger
    overview = party_client.get(f"/party/manage/branches/{BRANCH}/study")
    assert overview.status_code == 200
    assert "学习者甲" in overview.text
    assert "2.0 / 32 学时" in overview.text
    api = party_client.get(f"/api/v1/party/education/branches/{BRANCH}/study").json()
    assert [m["total_hours"] for m in api["members"] if m["member_id"] == member] == ["2.0"]
    party_client.post("/api/staff/logout", headers={"X-CSRF-Token": token})
    login(party_client, "committee")
    masked = party_client.get(f"/api/v1/party/education/branches/{BRANCH}/study").json()
    assert all(m["name"] != "学习者甲" for m in masked["members"])
    login(party_client, "district2")
    assert party_client.get(f"/party/manage/branches/{BRANCH}/study").status_code == 403
