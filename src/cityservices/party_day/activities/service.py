"""Rules of Party Day plans: the basic elements, the five contents, the procedure (fixed and chosen steps),
the branch kind's requirement template (``requirements``) and the 三会一课 linkage, all checked on save; a
failed check names the field in Chinese and writes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import NotFound, RequestInvalid
from cityservices.kit.audit import Actor, record_audit
from cityservices.party_day.activities import repository as repo
from cityservices.party_day.activities.models import CONTENTS, METHODS, Activity, ActivityParticipant
from cityservices.party_day.activities.requirements import Requirements, load_requirements
from cityservices.party_day.activities.schemas import (
    ActivityCreate,
    ActivityPage,
    ActivityRead,
    PlanResource,
    RequirementsRead,
)
from cityservices.party_day.education.repository import activity_resources
from cityservices.party_day.organisation.models import BRANCH_KINDS, Organisation
from cityservices.party_day.organisation.repository import org_filter, organisation_by_id
from cityservices.party_day.organisation.service import find_in_scope

MIN_THEME = 4
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """UTC for storing and comparing (SQLite keeps no zone); a time without a zone is Beijing time."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)).astimezone(dt.UTC)


MAX_HOURS = 12


def _names(values: tuple[str, ...] | list[str]) -> str:
    return "、".join(values)


def requirements_for(kind: str, requirements: Requirements | None = None) -> RequirementsRead:
    req = requirements or load_requirements()
    if kind not in req.kinds:
        raise RequestInvalid("kind", f"未知的支部类型: {kind}")
    rule = req.kinds[kind]
    return RequirementsRead(
        kind=kind, kind_name=BRANCH_KINDS[kind], fixed_steps=list(req.fixed_steps),
        required_steps=list(rule.required_steps), one_of_contents=list(rule.one_of_contents),
        methods=list(rule.methods or METHODS), steps=req.steps, source=req.source, status=req.status,
    )  # fmt: skip


def check_basic_elements(data: ActivityCreate, kind: str, req: Requirements) -> None:
    """Theme, time, method and place."""
    if len(data.theme.strip()) < MIN_THEME:
        raise RequestInvalid("theme", f"请填写明确的主题（至少 {MIN_THEME} 个字）")
    if data.ends_at <= data.starts_at:
        raise RequestInvalid("ends_at", "结束时间应晚于开始时间")
    if data.ends_at - data.starts_at > dt.timedelta(hours=MAX_HOURS):
        raise RequestInvalid("ends_at", f"一次主题党日不超过 {MAX_HOURS} 小时")
    if data.method not in METHODS:
        raise RequestInvalid("method", f"组织方式应为{_names(METHODS)}之一")
    allowed = req.kinds[kind].methods
    if allowed is not None and data.method not in allowed:
        raise RequestInvalid("method", f"{BRANCH_KINDS[kind]}的组织方式应为{_names(allowed)}之一")
    if data.method != "线上" and not (data.place or "").strip():
        raise RequestInvalid("place", f"{data.method}方式须填写活动地点")


def check_contents_and_steps(data: ActivityCreate, kind: str, req: Requirements) -> None:
    """The five contents (plus the branch's own) and the procedure."""
    for content in data.contents:
        if content not in CONTENTS:
            raise RequestInvalid(
                "contents", f"未知的内容: {content}（五项主要内容: {_names(CONTENTS)}；其他请填入自选内容）"
            )
    if any(not text.strip() for text in data.own_contents):
        raise RequestInvalid("own_contents", "自选内容不能为空")
    if not data.contents and not data.own_contents:
        raise RequestInvalid("contents", "请至少选择一项内容")
    rule = req.kinds[kind]
    if rule.one_of_contents and not set(rule.one_of_contents) & set(data.contents):
        raise RequestInvalid(
            "contents", f"{BRANCH_KINDS[kind]}的主题党日须包含以下内容之一：{_names(rule.one_of_contents)}"
        )
    for step in data.steps:
        if step not in req.steps:
            raise RequestInvalid("steps", f"未知的程序环节: {step}")
    if len(set(data.steps)) != len(data.steps):
        raise RequestInvalid("steps", "程序环节不能重复")
    missing = [req.steps[s] for s in (*req.fixed_steps, *rule.required_steps) if s not in data.steps]
    if missing:
        raise RequestInvalid("steps", f"缺少{BRANCH_KINDS[kind]}必备的程序环节：{_names(missing)}")
    if req.fixed_steps and data.steps[0] != req.fixed_steps[0]:
        raise RequestInvalid("steps", f"第一个程序环节应为{req.steps[req.fixed_steps[0]]}")


def check_participants(session: Session, branch: Organisation, data: ActivityCreate, req: Requirements) -> list[int]:
    """The participants (default: every member of the branch) and the 三会一课 linkage."""
    members = repo.branch_member_ids(session, branch.id)
    participants = sorted(members) if data.participant_ids is None else sorted(set(data.participant_ids))
    if not participants:
        raise RequestInvalid("participant_ids", "参加人员不能为空（该支部尚无党员）")
    strangers = [p for p in participants if p not in members]
    if strangers:
        raise RequestInvalid("participant_ids", f"参加人员不是本支部党员: {strangers[:5]}")
    if data.lecturer_id is not None and data.lecturer_id not in participants:
        raise RequestInvalid("lecturer_id", "讲课人应为参加本次活动的本支部党员")
    for kind in data.counts_as:
        link = req.linkage.get(kind)
        if link is None:
            raise RequestInvalid("counts_as", f"未知的三会一课类型: {kind}（可选: {_names(list(req.linkage))}）")
        if not set(link.any_content) & set(data.contents):
            raise RequestInvalid("counts_as", f"计为{link.label}须包含以下内容之一：{_names(link.any_content)}")
        if link.needs_lecturer and data.lecturer_id is None:
            raise RequestInvalid("lecturer_id", f"计为{link.label}须指定讲课人")
        if link.all_members and set(participants) != members:
            raise RequestInvalid("participant_ids", f"计为{link.label}须通知支部全体党员参加")
    if len(set(data.counts_as)) != len(data.counts_as):
        raise RequestInvalid("counts_as", "三会一课类型不能重复")
    return participants


def activity_read(activity: Activity, branch_code: str, expected: int, req: Requirements | None = None) -> ActivityRead:
    steps = (req or load_requirements()).steps
    return ActivityRead(
        id=activity.id, branch_code=branch_code, theme=activity.theme, starts_at=activity.starts_at,
        ends_at=activity.ends_at, method=activity.method, place=activity.place, contents=list(activity.contents),
        own_contents=list(activity.own_contents), steps=list(activity.steps),
        step_names=[steps.get(s, s) for s in activity.steps], counts_as=list(activity.counts_as), expected=expected,
        invited_count=activity.invited_count, status=activity.status, is_demo=activity.is_demo,
    )  # fmt: skip


def plan_activity(
    session: Session, *, account: StaffAccount, actor: Actor, branch_code: str, data: ActivityCreate,
    requirements: Requirements | None = None,
) -> ActivityRead:  # fmt: skip
    """Check a plan against the branch kind's template and store it with its participants."""
    require_editor(account)
    req = requirements or load_requirements()
    branch = find_in_scope(session, account, branch_code)
    if branch.level != "branch" or branch.kind not in req.kinds:
        raise RequestInvalid("branch_code", "主题党日由党支部组织")
    check_basic_elements(data, branch.kind, req)
    check_contents_and_steps(data, branch.kind, req)
    participants = check_participants(session, branch, data, req)
    activity = Activity(
        branch_id=branch.id, theme=data.theme.strip(), starts_at=data.starts_at.astimezone(dt.UTC),
        ends_at=data.ends_at.astimezone(dt.UTC),
        method=data.method, place=(data.place or "").strip() or None, contents=list(data.contents),
        own_contents=[t.strip() for t in data.own_contents], steps=list(data.steps), counts_as=list(data.counts_as),
        lecturer_id=data.lecturer_id, invited_count=data.invited_count, notes=data.notes, status="planned",
        is_demo=data.is_demo,
    )  # fmt: skip
    session.add(activity)
    session.flush()
    session.add_all(ActivityParticipant(activity_id=activity.id, member_id=m) for m in participants)
    session.flush()
    detail = {"branch": branch.code, "expected": len(participants)}
    record_audit(session, actor=actor, action="party.activity.plan", target_kind="party_activity",
                 target_key=str(activity.id), detail=detail)  # fmt: skip
    return activity_read(activity, branch.code, len(participants), req)


def activity_in_scope(session: Session, account: StaffAccount, activity_id: int) -> tuple[Activity, Organisation]:
    activity = repo.activity_by_id(session, activity_id)
    if activity is None:
        raise NotFound(f"未找到活动: {activity_id}")
    branch = organisation_by_id(session, activity.branch_id)
    assert branch is not None
    find_in_scope(session, account, branch.code)
    return activity, branch


def read_activity(session: Session, *, account: StaffAccount, activity_id: int) -> ActivityRead:
    activity, branch = activity_in_scope(session, account, activity_id)
    read = activity_read(activity, branch.code, len(repo.participant_ids(session, activity.id)))
    read.resources = [PlanResource(id=r.id, title=r.title, kind=r.kind, minutes=r.minutes, is_demo=r.is_demo)
                      for r in activity_resources(session, activity.id)]  # fmt: skip
    return read


def list_activities(
    session: Session, *, account: StaffAccount, branch_code: str | None, start: dt.datetime | None,
    end: dt.datetime | None, limit: int, offset: int,
) -> ActivityPage:  # fmt: skip
    branch_id = find_in_scope(session, account, branch_code).id if branch_code else None
    rows, total = repo.list_activities(session, scope=org_filter(session, account), branch_id=branch_id,
                                       start=as_utc(start), end=as_utc(end), limit=limit, offset=offset)  # fmt: skip
    counts = repo.participant_counts(session, [activity.id for activity, _ in rows])
    return ActivityPage(items=[activity_read(a, code, counts.get(a.id, 0)) for a, code in rows], total=total)


def participants_of(session: Session, activity_id: int) -> list[int]:
    return repo.participant_ids(session, activity_id)
