"""The self-check against the five standards after the minutes; comments only from the committees above."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, Forbidden, RequestInvalid, RuleViolation
from cityservices.party_day.activities.models import STANDARDS
from cityservices.party_day.records.schemas import MinutesCreate
from cityservices.party_day.records.service import record_minutes
from cityservices.party_day.review import service
from cityservices.party_day.review.schemas import CommentCreate, SelfCheckCreate
from tests.party_day.builders import ACTOR, ADMIN, STARTS, Day, account, planned_day

AFTER = STARTS + dt.timedelta(hours=3)
GOOD = dict.fromkeys(STANDARDS, 4)


def _held(session: Session) -> Day:
    day = planned_day(session)
    absences = [{"member_id": m.id, "reason": "出差"} for m in day.members]
    data = MinutesCreate(host_id=day.members[0].id, recorder_id=day.members[1].id, expected=3, present=0, absent=3,
                         absences=absences, content="线上学习")  # type: ignore[arg-type]  # fmt: skip
    record_minutes(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=data, now=AFTER)
    return day


def test_self_check_needs_the_minutes_first(session: Session) -> None:
    day = planned_day(session)
    with pytest.raises(RuleViolation):
        service.self_check(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id,
                           data=SelfCheckCreate(scores=GOOD), now=AFTER)  # fmt: skip


@pytest.mark.parametrize(
    "scores", [{**GOOD, "主题鲜明": 6}, {k: v for k, v in GOOD.items() if k != "成效明显"}, {**GOOD, "热闹": 5}]
)
def test_scores_cover_the_five_standards_from_1_to_5(session: Session, scores: dict[str, int]) -> None:
    day = _held(session)
    with pytest.raises(RequestInvalid) as caught:
        service.self_check(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id,
                           data=SelfCheckCreate(scores=scores), now=AFTER)  # fmt: skip
    assert caught.value.field == "scores"
    assert service.read_review(session, account=ADMIN, activity_id=day.activity.id).scores is None


def test_review_and_comments_from_above(session: Session) -> None:
    day = _held(session)
    secretary = account("editor", day.tree.branch.code)
    data = SelfCheckCreate(scores=GOOD, notes={"成效明显": "形成三项决议"})
    review = service.self_check(session, account=secretary, actor=ACTOR, activity_id=day.activity.id, data=data,
                                now=AFTER)  # fmt: skip
    assert review.total == 20
    with pytest.raises(Conflict):
        service.self_check(session, account=secretary, actor=ACTOR, activity_id=day.activity.id,
                           data=SelfCheckCreate(scores=GOOD), now=AFTER)  # fmt: skip
    with pytest.raises(Forbidden):
        service.add_comment(session, account=secretary, actor=ACTOR, activity_id=day.activity.id,
                            data=CommentCreate(text="自己点评自己"), now=AFTER)  # fmt: skip
    with pytest.raises(Forbidden):
        service.add_comment(session, account=account("editor", "QD.D2"), actor=ACTOR, activity_id=day.activity.id,
                            data=CommentCreate(text="外区点评"), now=AFTER)  # fmt: skip
    with pytest.raises(RequestInvalid):
        service.add_comment(session, account=account("editor", "QD.D1.C1"), actor=ACTOR,
                            activity_id=day.activity.id, data=CommentCreate(text=" "), now=AFTER)  # fmt: skip
    service.add_comment(session, account=account("editor", "QD.D1.C1"), actor=ACTOR, activity_id=day.activity.id,
                        data=CommentCreate(text="程序规范，建议增加志愿服务"), now=AFTER)  # fmt: skip
    service.add_comment(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id,
                        data=CommentCreate(text="市委点评"), now=AFTER + dt.timedelta(minutes=1))  # fmt: skip
    comments = service.read_review(session, account=ADMIN, activity_id=day.activity.id).comments
    assert [c.organisation_code for c in comments] == ["QD.D1.C1", "QD"]
