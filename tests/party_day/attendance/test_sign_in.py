"""Sign-in once per person inside the window (QR token or roster), leave decided within the scope, make-up study
within its window."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, Forbidden, RequestInvalid, RuleViolation
from cityservices.party_day.attendance import service
from cityservices.party_day.attendance.models import Attendance
from cityservices.party_day.attendance.tokens import make_token
from cityservices.party_day.organisation.models import PartyMember
from tests.party_day.builders import ACTOR, ADMIN, STARTS, account, id_number, planned_day

SECRET = "test-secret"
MINUTE = dt.timedelta(minutes=1)
AFTER_END = STARTS + dt.timedelta(hours=3)


def _id_number(session: Session, member_id: int) -> str:
    person = session.get(PartyMember, member_id)
    assert person is not None
    return person.id_number


def test_qr_sign_in_inside_the_window_once(session: Session) -> None:
    day = planned_day(session)
    token = service.issue_token(session, account=ADMIN, activity_id=day.activity.id, secret=SECRET)
    assert token.opens == STARTS - 30 * MINUTE
    assert token.closes == STARTS + 60 * MINUTE
    who = _id_number(session, day.members[1].id)
    with pytest.raises(RuleViolation, match="尚未开始"):
        service.sign_in_by_qr(session, token=token.token, id_number=who, now=STARTS - 31 * MINUTE, secret=SECRET)
    row = service.sign_in_by_qr(session, token=token.token, id_number=who, now=STARTS - 5 * MINUTE, secret=SECRET)
    assert row.state == "present"
    assert row.how == "qr"
    with pytest.raises(Conflict, match="不能重复签到"):
        service.sign_in_by_qr(session, token=token.token, id_number=who, now=STARTS, secret=SECRET)
    with pytest.raises(Conflict):
        service.tick_roster(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id,
                            member_id=day.members[1].id, now=STARTS)  # fmt: skip
    late = _id_number(session, day.members[2].id)
    with pytest.raises(RuleViolation, match="签到已结束"):
        service.sign_in_by_qr(session, token=token.token, id_number=late, now=STARTS + 61 * MINUTE, secret=SECRET)


def test_forged_tokens_and_strangers_are_refused(session: Session) -> None:
    day = planned_day(session)
    good = service.issue_token(session, account=ADMIN, activity_id=day.activity.id, secret=SECRET).token
    who = _id_number(session, day.members[0].id)
    for token in (good[:-2] + "xx", make_token("other-secret", day.activity.id, STARTS + 60 * MINUTE), "1.2", ""):
        with pytest.raises(RequestInvalid) as caught:
            service.sign_in_by_qr(session, token=token, id_number=who, now=STARTS, secret=SECRET)
        assert caught.value.field == "token"
    extended = make_token(SECRET, day.activity.id + 1000, STARTS + 60 * MINUTE)
    with pytest.raises(RequestInvalid):
        service.sign_in_by_qr(session, token=extended, id_number=who, now=STARTS, secret=SECRET)
    with pytest.raises(RequestInvalid) as caught:
        service.sign_in_by_qr(session, token=good, id_number=id_number(555), now=STARTS, secret=SECRET)
    assert caught.value.field == "id_number"
    assert session.query(Attendance).count() == 0


def test_roster_tick_for_participants_only(session: Session) -> None:
    day = planned_day(session)
    secretary = account("editor", day.tree.branch.code)
    row = service.tick_roster(session, account=secretary, actor=ACTOR, activity_id=day.activity.id,
                              member_id=day.members[0].id, now=STARTS)  # fmt: skip
    assert row.how == "roster"
    with pytest.raises(RequestInvalid) as caught:
        service.tick_roster(session, account=secretary, actor=ACTOR, activity_id=day.activity.id, member_id=999_999,
                            now=STARTS)  # fmt: skip
    assert caught.value.field == "member_id"
    with pytest.raises(Forbidden):
        service.tick_roster(session, account=account("editor", "QD.D2"), actor=ACTOR, activity_id=day.activity.id,
                            member_id=day.members[1].id, now=STARTS)  # fmt: skip


def test_leave_is_decided_only_within_the_scope(session: Session) -> None:
    day = planned_day(session)
    secretary = account("editor", day.tree.branch.code)
    asked = service.request_leave(session, account=secretary, actor=ACTOR, activity_id=day.activity.id,
                                  member_id=day.members[2].id, reason="出差", now=STARTS - 60 * MINUTE)  # fmt: skip
    assert asked.state == "leave_requested"
    with pytest.raises(Forbidden):
        service.decide_leave(session, account=account("editor", "QD.D2"), actor=ACTOR, attendance_id=asked.id,
                             approve=True, now=STARTS)  # fmt: skip
    stored = session.get(Attendance, asked.id)
    assert stored is not None
    assert stored.state == "leave_requested"
    decided = service.decide_leave(session, account=account("editor", "QD.D1.C1"), actor=ACTOR,
                                   attendance_id=asked.id, approve=True, now=STARTS)  # fmt: skip
    assert decided.state == "leave_approved"
    with pytest.raises(Conflict):
        service.decide_leave(session, account=secretary, actor=ACTOR, attendance_id=asked.id, approve=False, now=STARTS)
    with pytest.raises(RequestInvalid) as caught:
        service.request_leave(session, account=secretary, actor=ACTOR, activity_id=day.activity.id,
                              member_id=day.members[1].id, reason=" ", now=STARTS)  # fmt: skip
    assert caught.value.field == "reason"
    with pytest.raises(RuleViolation):
        service.request_leave(session, account=secretary, actor=ACTOR, activity_id=day.activity.id,
                              member_id=day.members[1].id, reason="生病", now=AFTER_END)  # fmt: skip


def test_make_up_within_its_window(session: Session) -> None:
    day = planned_day(session)
    ends = STARTS + dt.timedelta(hours=2)
    missed = day.members[2].id
    with pytest.raises(RuleViolation, match="尚未结束"):
        service.record_make_up(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, member_id=missed,
                               now=ends - MINUTE)  # fmt: skip
    with pytest.raises(RuleViolation, match="补学期限"):
        service.record_make_up(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, member_id=missed,
                               now=ends + dt.timedelta(days=30, minutes=1))  # fmt: skip
    done = service.record_make_up(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, member_id=missed,
                                  now=ends + dt.timedelta(days=3))  # fmt: skip
    assert done.state == "made_up"
    with pytest.raises(Conflict):
        service.record_make_up(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, member_id=missed,
                               now=ends + dt.timedelta(days=4))  # fmt: skip
    summary = service.summarise(session, account=ADMIN, activity_id=day.activity.id)
    assert summary.expected == 3
    assert summary.states == {"made_up": 1}
