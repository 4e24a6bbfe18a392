"""The annual case selection: branch recommends → Party committee → district → city, each scoring the five
standards; only the committee at the current stage decides; selected cases are public without people."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, Forbidden, RuleViolation
from cityservices.party_day.activities.models import STANDARDS
from cityservices.party_day.review import cases
from cityservices.party_day.review.schemas import CaseDecision, SelfCheckCreate
from cityservices.party_day.review.service import self_check
from tests.party_day.builders import ACTOR, ADMIN, account
from tests.party_day.review.test_review import AFTER, _held

GOOD = dict.fromkeys(STANDARDS, 5)


def _reviewed(session: Session) -> int:
    day = _held(session)
    self_check(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=SelfCheckCreate(scores=GOOD),
               now=AFTER)  # fmt: skip
    return day.activity.id


def test_a_case_climbs_the_hierarchy(session: Session) -> None:
    activity_id = _reviewed(session)
    secretary = account("editor", "QD.D1.C1.G1.B1")
    nomination = cases.nominate(session, account=secretary, actor=ACTOR, activity_id=activity_id, now=AFTER)
    assert (nomination.stage, nomination.status, nomination.year) == ("committee", "pending", 2026)
    with pytest.raises(Conflict):
        cases.nominate(session, account=secretary, actor=ACTOR, activity_id=activity_id, now=AFTER)
    decision = CaseDecision(scores=GOOD, forward=True)
    for who in (secretary, account("editor", "QD.D1"), ADMIN):  # not yet their turn
        with pytest.raises(Forbidden):
            cases.decide(session, account=who, actor=ACTOR, nomination_id=nomination.id, data=decision)
    with pytest.raises(Forbidden):  # another district's committee
        cases.decide(session, account=account("editor", "QD.D2.C2"), actor=ACTOR, nomination_id=nomination.id,
                     data=decision)  # fmt: skip
    step = cases.decide(session, account=account("editor", "QD.D1.C1"), actor=ACTOR, nomination_id=nomination.id,
                        data=decision)  # fmt: skip
    assert step.stage == "district"
    step = cases.decide(session, account=account("editor", "QD.D1"), actor=ACTOR, nomination_id=nomination.id,
                        data=CaseDecision(scores={**GOOD, "成效明显": 4}, forward=True))  # fmt: skip
    assert step.stage == "city"
    assert cases.selected(session, year=2026) == []
    final = cases.decide(session, account=ADMIN, actor=ACTOR, nomination_id=nomination.id, data=decision)
    assert final.status == "selected"
    assert set(final.scores) == {"committee", "district", "city"}
    public = cases.selected(session, year=2026)
    assert [(c.theme, c.total, c.kind_name) for c in public] == [("学习贯彻党的二十届三中全会精神", 25, "学校党支部")]
    with pytest.raises(Conflict):
        cases.decide(session, account=ADMIN, actor=ACTOR, nomination_id=nomination.id, data=decision)


def test_only_reviewed_days_and_declines_stop_the_climb(session: Session) -> None:
    day = _held(session)
    with pytest.raises(RuleViolation):
        cases.nominate(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, now=AFTER)
    self_check(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=SelfCheckCreate(scores=GOOD),
               now=AFTER)  # fmt: skip
    nomination = cases.nominate(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, now=AFTER)
    declined = cases.decide(session, account=account("editor", "QD.D1.C1"), actor=ACTOR, nomination_id=nomination.id,
                            data=CaseDecision(scores={**GOOD, "形式务实": 2}, forward=False))  # fmt: skip
    assert declined.status == "declined"
    assert cases.selected(session, year=2026) == []


def test_the_public_page_lists_selected_cases(party_client: TestClient) -> None:
    page = party_client.get("/party/cases", params={"year": 2026})
    assert page.status_code == 200
    assert "本年度优秀案例尚未评出" in page.text
    assert party_client.get("/party/cases", params={"year": 1800}).status_code == 422
