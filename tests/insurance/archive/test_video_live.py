"""视频办 signalling over WebSocket (each side's socket, woken by change events from any worker), the queue by
agents' skills with its fallback, the files shown in a call, and the demo past sessions."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

import cityservices.models  # noqa: F401  (every table, for create_all)
from cityservices.app import create_app
from cityservices.auth.citizens.models import CitizenAccount
from cityservices.auth.models import StaffAccount, StaffAccountScope
from cityservices.db import Base, make_engine
from cityservices.insurance.video import demo, live, service
from cityservices.insurance.video.models import InsuranceVideoFile, InsuranceVideoSession
from cityservices.kit import events
from cityservices.kit.audit import utc_now
from cityservices.kit.audit.models import AuditEntry
from tests.auth.citizens.helpers import citizen, sign_in
from tests.insurance.archive.conftest import OTHER_ID, OWN_ID
from tests.insurance.conftest import ACCOUNTS
from tests.service_map.editing.fixtures import make_settings
from tests.service_map.editing.helpers import login, password_hash

MEMBER = "/api/v1/insurance/video"
STAFF = "/api/staff/insurance/video"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def clients(insurance_app: FastAPI) -> Iterator[tuple[TestClient, TestClient]]:
    """A member's and an agent's client on one app (requests one after another: they share one connection)."""
    with (
        TestClient(insurance_app, base_url="https://testserver") as member,
        TestClient(insurance_app, base_url="https://testserver") as agent,
    ):
        yield member, agent


@pytest.fixture
def live_clients(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """A member's and an agent's client on an app of its own SQLite file: sockets read the database from their
    own threads while requests write, as in a deployment (with the event file relay of a SQLite database)."""
    settings = make_settings(f"sqlite:///{tmp_path / 'live.db'}", tmp_path)
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        now = utc_now()
        session.add_all(
            StaffAccount(username=name, display_name=name, password_hash=password_hash(), role=role, is_active=True,
                         created_at=now, password_changed_at=now,
                         scope_rows=[StaffAccountScope(kind=k, value=v) for k, v in scopes.items()])
            for name, (role, scopes) in ACCOUNTS.items()
        )  # fmt: skip
        citizen(session, OWN_ID)
        citizen(session, OTHER_ID)
        session.commit()
    engine.dispose()
    app = create_app(settings)
    with (
        TestClient(app, base_url="https://testserver") as member,
        TestClient(app, base_url="https://testserver") as agent,
    ):
        yield member, agent


def _waiting(member: TestClient, item: str = "elsewhere_filing") -> tuple[str, str]:
    token = sign_in(member, OWN_ID)
    made = member.post(f"{MEMBER}/sessions", json={"item": item, "consent": True}, headers={"X-CSRF-Token": token})
    assert made.status_code == 201, made.text
    return str(made.json()["id"]), token


def _active(member: TestClient, agent: TestClient) -> tuple[str, str, str]:
    video_id, token = _waiting(member)
    staff_token = login(agent, "ins_admin")
    accepted = agent.post(f"{STAFF}/sessions/{video_id}/accept", headers={"X-CSRF-Token": staff_token})
    assert accepted.status_code == 200, accepted.text
    return video_id, token, staff_token


def _socket(client: TestClient, path: str, origin: str | None = "https://testserver") -> Any:
    """A WebSocket from a page of this site (``origin``) with the client's cookies (its jar keeps the secure
    cookies for https addresses, which the test client's ``ws://`` is not)."""
    headers = {"cookie": "; ".join(f"{name}={value}" for name, value in client.cookies.items())}
    if origin is not None:
        headers["origin"] = origin
    return client.websocket_connect(path, headers=headers)


def _audits(db: Session, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_signalling_over_websockets(live_clients: tuple[TestClient, TestClient]) -> None:
    member, agent = live_clients
    video_id, token = _waiting(member)
    with _socket(member, f"{MEMBER}/sessions/{video_id}/live") as member_ws:
        assert member_ws.receive_json() == {"type": "status", "status": "waiting"}
        staff_token = login(agent, "ins_admin")
        agent.post(f"{STAFF}/sessions/{video_id}/accept", headers={"X-CSRF-Token": staff_token})
        assert member_ws.receive_json() == {"type": "status", "status": "active"}  # woken by the accept
        with _socket(agent, f"{STAFF}/sessions/{video_id}/live") as agent_ws:
            assert agent_ws.receive_json() == {"type": "status", "status": "active"}
            agent_ws.send_text(json.dumps({"kind": "offer", "body": {"type": "offer", "sdp": "v=0"}}))
            sent = agent_ws.receive_json()
            assert sent["type"] == "sent"
            offer = member_ws.receive_json()
            assert offer == {
                "type": "signal",
                "id": sent["id"],
                "kind": "offer",
                "body": {"type": "offer", "sdp": "v=0"},
            }
            member_ws.send_text(json.dumps({"kind": "answer", "body": {"type": "answer", "sdp": "v=1"}}))
            assert member_ws.receive_json()["type"] == "sent"
            answer = agent_ws.receive_json()
            assert (answer["kind"], answer["body"]["sdp"]) == ("answer", "v=1")
            member_ws.send_text(json.dumps({"kind": "shout", "body": {}}))
            assert member_ws.receive_json() == {"type": "error", "detail": "信令格式不正确"}
            # the HTTP routes (the pages' fallback) reach the socket of the other side too
            posted = member.post(f"{MEMBER}/sessions/{video_id}/signals", json={"kind": "candidate", "body": {"c": 1}},
                                 headers={"X-CSRF-Token": token})  # fmt: skip
            assert posted.status_code == 201
            assert agent_ws.receive_json()["body"] == {"c": 1}
            done = agent.post(f"{STAFF}/sessions/{video_id}/complete", json={"outcome": "已受理"},
                              headers={"X-CSRF-Token": staff_token})  # fmt: skip
            assert done.status_code == 200
            assert member_ws.receive_json() == {"type": "status", "status": "completed"}
            assert agent_ws.receive_json() == {"type": "status", "status": "completed"}
            with pytest.raises(WebSocketDisconnect) as closed:
                member_ws.receive_json()
            assert closed.value.code == 1000


def test_sockets_are_refused_to_others(live_clients: tuple[TestClient, TestClient]) -> None:
    member, agent = live_clients
    video_id, _, _ = _active(member, agent)
    url = f"{MEMBER}/sessions/{video_id}/live"
    for origin in (None, "https://elsewhere.example"):  # no page, another site's page
        with pytest.raises(WebSocketDisconnect) as refused, _socket(member, url, origin):
            pass
        assert refused.value.code == live.POLICY_VIOLATION
    with pytest.raises(WebSocketDisconnect), _socket(agent, url):
        pass  # a staff cookie is not a member's
    member.cookies.clear()
    sign_in(member, OTHER_ID)
    with pytest.raises(WebSocketDisconnect), _socket(member, url):
        pass
    agent.cookies.clear()
    login(agent, "ins_shinan")
    with (
        pytest.raises(WebSocketDisconnect),
        _socket(agent, f"{STAFF}/sessions/{video_id}/live"),
    ):
        pass
    runtime = member.app.state.runtime  # type: ignore[attr-defined]
    with runtime.sessions() as db:
        assert sorted(a.detail["side"] for a in _audits(db, "insurance.video.refused")) == ["agent", "member"]


def test_an_oversized_message_or_a_flood_closes_the_socket(
    live_clients: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    member, agent = live_clients
    monkeypatch.setattr(live, "clock", lambda: 0.0)  # the whole test within one minute, however slow the machine
    video_id, _, _ = _active(member, agent)
    with _socket(agent, f"{STAFF}/sessions/{video_id}/live") as agent_ws:
        agent_ws.receive_json()
        agent_ws.send_text(json.dumps({"kind": "offer", "body": {"sdp": "x" * live.MAX_MESSAGE_BYTES}}))
        with pytest.raises(WebSocketDisconnect) as closed:
            agent_ws.receive_json()
        assert closed.value.code == live.TOO_BIG
    assert agent.get(f"{STAFF}/sessions/{video_id}/signals").json()["signals"] == []  # nothing stored
    with _socket(agent, f"{STAFF}/sessions/{video_id}/live") as agent_ws:
        agent_ws.receive_json()
        for _ in range(live.MAX_MESSAGES_PER_MINUTE):
            agent_ws.send_text(json.dumps({"kind": "candidate", "body": {}}))
            assert agent_ws.receive_json()["type"] == "sent"
        agent_ws.send_text(json.dumps({"kind": "candidate", "body": {}}))  # one too many within the minute
        with pytest.raises(WebSocketDisconnect) as closed:
            agent_ws.receive_json()
        assert closed.value.code == live.POLICY_VIOLATION


def test_an_event_from_another_worker_wakes_the_socket() -> None:
    """What a relay (Redis, LISTEN/NOTIFY, the SQLite file) hands over from another process wakes this worker's
    sockets of that session, and only those; a resync wakes them all."""

    async def woken() -> tuple[bool, bool, bool]:
        mine, other = asyncio.Event(), asyncio.Event()
        with live.WAITERS.watch("a" * 32, mine), live.WAITERS.watch("b" * 32, other):
            message = {"origin": "another-worker", "topic": service.TOPIC, "payload": {"session": "a" * 32}}
            events.receive(json.dumps(message))
            await asyncio.sleep(0)  # the wake-up is scheduled on this loop
            first = (mine.is_set(), other.is_set())
            events.resync()
            await asyncio.sleep(0)
            return first[0], first[1], other.is_set()

    assert asyncio.run(woken()) == (True, False, True)
    assert live.WAITERS.count("a" * 32) == 0


def test_the_queue_offers_sessions_by_skill(
    insurance_client: TestClient, db: Session, members_with_records: dict[str, str]
) -> None:
    video_id, _ = _waiting(insurance_client, "maternity")
    insurance_client.cookies.clear()
    admin_token = login(insurance_client, "ins_admin")
    agent = db.scalars(select(StaffAccount).where(StaffAccount.username == "ins_admin")).one()
    wrong = insurance_client.put(f"{STAFF}/agents/{agent.id}/skills", json={"skills": ["nope"]},
                                 headers={"X-CSRF-Token": admin_token})  # fmt: skip
    assert wrong.status_code == 422
    assert service.agent_skills(db, agent.id) == []
    saved = insurance_client.put(f"{STAFF}/agents/{agent.id}/skills", json={"skills": ["elsewhere_filing"]},
                                 headers={"X-CSRF-Token": admin_token})  # fmt: skip
    assert saved.json() == {"account_id": agent.id, "skills": ["elsewhere_filing"]}
    assert insurance_client.get(f"{STAFF}/queue").json() == []  # 生育津贴 is not this agent's, not yet
    refused = insurance_client.post(f"{STAFF}/sessions/{video_id}/accept", headers={"X-CSRF-Token": admin_token})
    assert refused.status_code == 404
    later = service.utc_now() + service.FALLBACK_WAIT + dt.timedelta(seconds=1)
    assert [r.id for r in service.queue(db, agent_id=agent.id, region=None, now=later)] == [video_id]
    insurance_client.put(f"{STAFF}/agents/{agent.id}/skills", json={"skills": ["maternity", "claim"]},
                         headers={"X-CSRF-Token": admin_token})  # fmt: skip
    assert [q["id"] for q in insurance_client.get(f"{STAFF}/queue").json()] == [video_id]
    assert insurance_client.get(f"{STAFF}/agents/{agent.id}/skills").json()["skills"] == ["claim", "maternity"]
    changes = [a.detail for a in _audits(db, "insurance.video.skills")]
    assert changes == [{"before": [], "after": ["elsewhere_filing"]},
                       {"before": ["elsewhere_filing"], "after": ["claim", "maternity"]}]  # fmt: skip
    page = insurance_client.get("/insurance/agent/video-skills")
    assert page.status_code == 200
    assert "生育津贴" in page.text
    insurance_client.cookies.clear()
    login(insurance_client, "ins_shinan")  # an editor does not set skills
    assert insurance_client.put(f"{STAFF}/agents/{agent.id}/skills", json={"skills": []}).status_code == 403


def test_files_are_kept_with_the_session(
    clients: tuple[TestClient, TestClient], db: Session, members_with_records: dict[str, str]
) -> None:
    member, agent = clients
    video_id, token, _ = _active(member, agent)
    files = f"{MEMBER}/sessions/{video_id}/files"
    csrf = {"X-CSRF-Token": token}
    for content, name in ((b"hello", "a.txt"), (b"", "empty.png"), (PNG + b"\x00" * (1024 * 1024), "big.png")):
        refused = member.post(files, files={"file": (name, content, "image/png")}, headers=csrf)
        assert refused.status_code == 422, name
    stored = member.post(files, files={"file": ("../参保证明.png", PNG, "image/png")}, headers=csrf)
    assert stored.status_code == 201, stored.text
    shown = stored.json()
    assert (shown["name"], shown["content_type"], shown["size"], shown["sender"]) == (
        "参保证明.png", "image/png", len(PNG), "member")  # fmt: skip
    assert [f["id"] for f in member.get(files).json()] == [shown["id"]]
    listed = agent.get(f"{STAFF}/sessions/{video_id}/files").json()
    assert [f["name"] for f in listed] == ["参保证明.png"]
    fetched = agent.get(listed[0]["url"])
    assert fetched.content == PNG
    assert fetched.headers["cache-control"] == "no-store"
    assert fetched.headers["content-disposition"] == "attachment"
    assert member.get(shown["url"]).content == PNG
    citizen(db, OTHER_ID)
    db.commit()
    member.cookies.clear()
    sign_in(member, OTHER_ID)
    assert member.get(shown["url"]).status_code == 404
    assert member.get(files).status_code == 404
    agent.cookies.clear()
    login(agent, "ins_shinan")
    assert agent.get(listed[0]["url"]).status_code == 403
    assert len(db.scalars(select(InsuranceVideoFile)).all()) == 1  # nothing of the refused uploads
    actions = [a.action for a in db.scalars(select(AuditEntry).where(AuditEntry.action.startswith(
        "insurance.video.file")).order_by(AuditEntry.id))]  # fmt: skip
    assert actions == ["insurance.video.file", "insurance.video.files", "insurance.video.files",
                       "insurance.video.file_read", "insurance.video.file_read"]  # fmt: skip


def test_files_go_after_the_retention(
    insurance_client: TestClient, db: Session, members_with_records: dict[str, str]
) -> None:
    """Files are removed once their session ended ``FILE_RETENTION`` ago (at the next request of any member)."""
    video_id, token = _waiting(insurance_client)
    row = db.get(InsuranceVideoSession, video_id)
    assert row is not None
    row.status = "active"
    db.commit()
    csrf = {"X-CSRF-Token": token}
    files = f"{MEMBER}/sessions/{video_id}/files"
    insurance_client.post(files, files={"file": ("a.png", PNG, "image/png")}, headers=csrf)
    insurance_client.post(f"{MEMBER}/sessions/{video_id}/cancel", headers=csrf)
    second, token = _waiting(insurance_client)
    assert len(insurance_client.get(files).json()) == 1  # ended today: kept
    insurance_client.post(f"{MEMBER}/sessions/{second}/cancel", headers={"X-CSRF-Token": token})
    db.expire_all()
    row = db.get(InsuranceVideoSession, video_id)
    assert row is not None
    row.ended_at = service.utc_now() - service.FILE_RETENTION - dt.timedelta(days=1)
    db.commit()
    _waiting(insurance_client)
    assert insurance_client.get(files).json() == []


def test_demo_sessions(insurance_client: TestClient, db: Session, members_with_records: dict[str, str]) -> None:
    """Past sessions of the demo citizens (marked 演示) on the member's page and archive and the agents' history."""
    own = db.scalars(select(CitizenAccount)).one()
    own.demo = True
    db.commit()
    assert demo.create_demo_sessions(db) == 2
    assert demo.create_demo_sessions(db) == 2  # replaced, not added
    db.commit()
    rows = db.scalars(select(InsuranceVideoSession).order_by(InsuranceVideoSession.created_at)).all()
    assert len(rows) == 2
    assert all(r.demo and r.status in ("completed", "cancelled") for r in rows)
    sign_in(insurance_client, OWN_ID)
    page = insurance_client.get("/insurance/video")
    assert page.text.count("办理结果：演示：") == 2
    archive = insurance_client.get("/insurance/archive")
    assert "演示：已受理异地长期居住备案" in archive.text  # the member's archive lists them too
    insurance_client.cookies.clear()
    login(insurance_client, "ins_viewer")
    history = insurance_client.get("/insurance/agent/video")
    assert "演示坐席" in history.text
    assert "演示：已受理异地长期居住备案" in history.text
