"""The annual case selection: a branch recommends a reviewed Party Day; the Party committee, the district and the
city above it each score it on the five standards and forward or decline it; the city's forward selects it.
Selected cases are public (no personal data: the branch, the theme, the contents, the scores)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor, scope_of
from cityservices.errors import Conflict, Forbidden, NotFound, RuleViolation
from cityservices.kit.audit import Actor, record_audit
from cityservices.party_day.activities.service import activity_in_scope
from cityservices.party_day.compliance.rules import beijing_date
from cityservices.party_day.organisation.models import BRANCH_KINDS
from cityservices.party_day.organisation.repository import PARTY_ORG, scope_root
from cityservices.party_day.review import repository as repo
from cityservices.party_day.review.models import CaseNomination
from cityservices.party_day.review.schemas import CaseDecision, NominationRead, SelectedCase, SelfCheckCreate
from cityservices.party_day.review.service import check_scores

NEXT = {"committee": "district", "district": "city"}
STAGE_NAMES = {"committee": "党委(党工委)", "district": "区(市)委", "city": "市委"}


def nomination_read(row: CaseNomination) -> NominationRead:
    return NominationRead(id=row.id, activity_id=row.activity_id, year=row.year, stage=row.stage, status=row.status,
                          scores=dict(row.scores))  # fmt: skip


def nominate(
    session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, now: dt.datetime
) -> NominationRead:
    """The branch recommends one of its Party Days that has been held and self-checked."""
    require_editor(account)
    activity, branch = activity_in_scope(session, account, activity_id)
    if activity.status != "reviewed":
        raise RuleViolation("只有已召开并完成自评的主题党日可以推荐为案例")
    if repo.nomination_of(session, activity.id) is not None:
        raise Conflict("该活动已推荐")
    row = CaseNomination(activity_id=activity.id, year=beijing_date(activity.starts_at).year, stage="committee",
                         status="pending", scores={}, nominated_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    record_audit(session, actor=actor, action="party.case.nominate", target_kind="party_activity",
                 target_key=str(activity.id), detail={"branch": branch.code})  # fmt: skip
    return nomination_read(row)


def decide(
    session: Session, *, account: StaffAccount, actor: Actor, nomination_id: int, data: CaseDecision
) -> NominationRead:
    """The committee at the nomination's stage scores it and forwards or declines it (others: 403)."""
    require_editor(account)
    row = repo.nomination_by_id(session, nomination_id)
    if row is None:
        raise NotFound(f"未找到推荐: {nomination_id}")
    activity_in_scope(session, account, row.activity_id)
    if row.status != "pending":
        raise Conflict("该推荐已评选完毕")
    root = scope_root(session, account)
    level = root.level if root is not None else ("city" if not scope_of(account, PARTY_ORG) else None)
    if level != row.stage:
        raise Forbidden(f"当前由{STAGE_NAMES[row.stage]}评选")
    check_scores(SelfCheckCreate(scores=data.scores))
    row.scores = {**row.scores, row.stage: dict(data.scores)}
    if not data.forward:
        row.status = "declined"
    elif row.stage == "city":
        row.status = "selected"
    else:
        row.stage = NEXT[row.stage]
    session.flush()
    record_audit(session, actor=actor, action="party.case.decide", target_kind="party_activity",
                 target_key=str(row.activity_id), detail={"stage": row.stage, "status": row.status})  # fmt: skip
    return nomination_read(row)


def selected(session: Session, *, year: int) -> list[SelectedCase]:
    return [
        SelectedCase(year=n.year, theme=a.theme, branch_name=o.name, kind_name=BRANCH_KINDS.get(o.kind or "", ""),
                     method=a.method, contents=list(a.contents), total=sum(n.scores.get("city", {}).values()),
                     is_demo=a.is_demo)
        for n, a, o in repo.selected_cases(session, year)
    ]  # fmt: skip
