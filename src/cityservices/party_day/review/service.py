"""Rules of the review: the branch's self-check against the five standards (each scored 1–5, after the minutes
are recorded) and comments from the committees above the branch (never from the branch itself)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import Conflict, Forbidden, RequestInvalid, RuleViolation
from cityservices.kit.audit import Actor, record_audit
from cityservices.party_day.activities.models import STANDARDS
from cityservices.party_day.activities.service import activity_in_scope
from cityservices.party_day.organisation.repository import organisation_by_id, scope_root
from cityservices.party_day.review import repository as repo
from cityservices.party_day.review.models import ReviewComment, SelfCheck
from cityservices.party_day.review.schemas import CommentCreate, CommentRead, ReviewRead, SelfCheckCreate

MIN_SCORE, MAX_SCORE = 1, 5
UPPER_LEVELS = ("city", "district", "committee", "general_branch")


def check_scores(data: SelfCheckCreate) -> None:
    missing = [s for s in STANDARDS if s not in data.scores]
    if missing:
        raise RequestInvalid("scores", f"缺少以下标准的自评: {'、'.join(missing)}")
    unknown = [s for s in data.scores if s not in STANDARDS]
    if unknown:
        raise RequestInvalid("scores", f"未知的标准: {'、'.join(unknown)}（五项标准: {'、'.join(STANDARDS)}）")
    for standard, score in data.scores.items():
        if not MIN_SCORE <= score <= MAX_SCORE:
            raise RequestInvalid("scores", f"{standard}的评分应为 {MIN_SCORE}–{MAX_SCORE} 分")
    unknown = [s for s in data.notes if s not in STANDARDS]
    if unknown:
        raise RequestInvalid("notes", f"未知的标准: {'、'.join(unknown)}")


def self_check(
    session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, data: SelfCheckCreate, now: dt.datetime
) -> ReviewRead:
    require_editor(account)
    activity, _ = activity_in_scope(session, account, activity_id)
    if activity.status == "planned":
        raise RuleViolation("请先填写活动记录，再进行自评")
    if repo.self_check_of(session, activity.id) is not None:
        raise Conflict("本次活动已自评")
    check_scores(data)
    session.add(SelfCheck(activity_id=activity.id, scores=dict(data.scores),
                          notes={k: v.strip() for k, v in data.notes.items()}, checked_at=now,
                          checked_by=account.id))  # fmt: skip
    activity.status = "reviewed"
    session.flush()
    record_audit(session, actor=actor, action="party.review.self_check", target_kind="party_activity",
                 target_key=str(activity.id), detail={"total": sum(data.scores.values())})  # fmt: skip
    return read_review(session, account=account, activity_id=activity.id)


def add_comment(
    session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, data: CommentCreate, now: dt.datetime
) -> CommentRead:
    """A comment of a committee above the branch; the account's scope names that committee (admins: the city)."""
    require_editor(account)
    activity, branch = activity_in_scope(session, account, activity_id)
    if not data.text.strip():
        raise RequestInvalid("text", "请填写点评意见")
    root = scope_root(session, account)
    if root is None:  # unlimited: comments as the top of the branch's tree
        root = organisation_by_id(session, int(branch.path.split(".")[0]))
    if root is None or root.level not in UPPER_LEVELS or root.id == branch.id:
        raise Forbidden("点评意见由上级党组织填写")
    author = account.display_name or account.username
    comment = ReviewComment(activity_id=activity.id, organisation_id=root.id, author_id=account.id,
                            author_name=author, text=data.text.strip(), at=now)  # fmt: skip
    session.add(comment)
    session.flush()
    record_audit(session, actor=actor, action="party.review.comment", target_kind="party_activity",
                 target_key=str(activity.id), detail={"organisation": root.code})  # fmt: skip
    return CommentRead(id=comment.id, organisation_code=root.code, author_name=comment.author_name,
                       text=comment.text, at=comment.at)  # fmt: skip


def read_review(session: Session, *, account: StaffAccount, activity_id: int) -> ReviewRead:
    activity, _ = activity_in_scope(session, account, activity_id)
    check = repo.self_check_of(session, activity.id)
    comments = [
        CommentRead(id=c.id, organisation_code=code, author_name=c.author_name, text=c.text, at=c.at)
        for c, code in repo.comments_of(session, activity.id)
    ]
    return ReviewRead(
        activity_id=activity.id, scores=dict(check.scores) if check else None, notes=dict(check.notes) if check else {},
        total=sum(check.scores.values()) if check else None, comments=comments,
    )  # fmt: skip
