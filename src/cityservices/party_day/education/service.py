"""Rules of the education resource library: resources tagged by the five contents and branch kinds (checked on
save), the search, members' study records against the yearly requirement (data with its status) and the
resources of a Party Day plan. A failed check names the field and writes nothing; member ledgers are audited."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_admin, require_editor
from cityservices.errors import NotFound, RequestInvalid
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.text import normalize_text
from cityservices.party_day.activities.models import CONTENTS
from cityservices.party_day.activities.service import activity_in_scope
from cityservices.party_day.education import repository as repo
from cityservices.party_day.education.models import RESOURCE_KINDS, Resource, StudyRecord
from cityservices.party_day.education.schemas import (
    BranchStudy,
    MemberStudy,
    ResourceCreate,
    ResourceHit,
    ResourcePage,
    ResourceRead,
    StudyCreate,
    StudyLedger,
    StudyRead,
)
from cityservices.party_day.education.search import dump_key, load_key, query_words, score, search_key
from cityservices.party_day.organisation.models import BRANCH_KINDS, PartyMember
from cityservices.party_day.organisation.service import member_in_scope

DATA = Path(__file__).parent / "data" / "study_requirement.json"
MAX_MINUTES = 24 * 60  # a resource's length, and a day's study
EARLIEST_YEAR = 2000


@dataclass(frozen=True)
class StudyRequirement:
    member_hours: int
    secretary_hours: int
    secretary_roles: tuple[str, ...]
    minutes_per_hour: int
    source: str
    status: str


@lru_cache(maxsize=1)
def load_requirement() -> StudyRequirement:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return StudyRequirement(int(raw["member_hours"]), int(raw["secretary_hours"]), tuple(raw["secretary_roles"]),
                            int(raw["minutes_per_hour"]), str(raw["source"]), str(raw["status"]))  # fmt: skip


def _names(values: list[str] | tuple[str, ...]) -> str:
    return "、".join(values)


def _check_minutes(field: str, minutes: int) -> None:
    if minutes <= 0:
        raise RequestInvalid(field, "时长（分钟）应大于 0")
    if minutes > MAX_MINUTES:
        raise RequestInvalid(field, f"时长（分钟）不超过 {MAX_MINUTES}")


def check_resource(data: ResourceCreate) -> None:
    """Kind, tags and length; unknown tags are refused with the allowed values."""
    if not data.title.strip():
        raise RequestInvalid("title", "请填写标题")
    if data.kind not in RESOURCE_KINDS:
        raise RequestInvalid("kind", f"未知的资源类型: {data.kind}（可选: {_names(list(RESOURCE_KINDS))}）")
    for content in data.contents:
        if content not in CONTENTS:
            raise RequestInvalid("contents", f"未知的内容标签: {content}（五项主要内容: {_names(CONTENTS)}）")
    if not data.contents:
        raise RequestInvalid("contents", "请至少选择一项内容标签")
    for kind in data.branch_kinds:
        if kind not in BRANCH_KINDS:
            raise RequestInvalid("branch_kinds", f"未知的支部类型: {kind}（可选: {_names(list(BRANCH_KINDS))}）")
    if any(not normalize_text(word) for word in data.keywords):
        raise RequestInvalid("keywords", "关键词不能为空或只有符号")
    if len(set(data.contents)) != len(data.contents) or len(set(data.branch_kinds)) != len(data.branch_kinds):
        raise RequestInvalid("contents" if len(set(data.contents)) != len(data.contents) else "branch_kinds",
                             "标签不能重复")  # fmt: skip
    _check_minutes("minutes", data.minutes)


def resource_read(row: Resource) -> ResourceRead:
    return ResourceRead(id=row.id, title=row.title, kind=row.kind, kind_name=RESOURCE_KINDS.get(row.kind, row.kind),
                        description=row.description, contents=list(row.contents),
                        branch_kinds=list(row.branch_kinds), keywords=list(row.keywords), minutes=row.minutes,
                        is_demo=row.is_demo)  # fmt: skip


def new_resource(data: ResourceCreate) -> Resource:
    """A checked resource row with its search key (not yet added to a session)."""
    check_resource(data)
    title, description = data.title.strip(), data.description.strip()
    keywords = [w.strip() for w in data.keywords]
    key = search_key(title, description, [*data.contents, *keywords])
    return Resource(title=title, kind=data.kind, description=description, contents=list(data.contents),
                    branch_kinds=list(data.branch_kinds), keywords=keywords, minutes=data.minutes,
                    search_text=dump_key(key), created_at=utc_now(), is_demo=data.is_demo)  # fmt: skip


def add_resource(session: Session, *, account: StaffAccount, actor: Actor, data: ResourceCreate) -> ResourceRead:
    """Add a resource to the city's library (administrators)."""
    require_admin(account)
    row = new_resource(data)
    session.add(row)
    session.flush()
    record_audit(session, actor=actor, action="party.education.resource.add", target_kind="party_edu_resource",
                 target_key=str(row.id), detail={"kind": row.kind})  # fmt: skip
    return resource_read(row)


def read_resource(session: Session, resource_id: int) -> ResourceRead:
    row = repo.resource_by_id(session, resource_id)
    if row is None:
        raise NotFound(f"未找到学习资源: {resource_id}")
    return resource_read(row)


def search_resources(
    session: Session, *, q: str | None, kind: str | None, content: str | None, branch_kind: str | None,
    limit: int, offset: int,
) -> ResourcePage:  # fmt: skip
    """Resources matching every filter and every query word, best first (without a query: newest first)."""
    if kind is not None and kind not in RESOURCE_KINDS:
        raise RequestInvalid("kind", f"未知的资源类型: {kind}（可选: {_names(list(RESOURCE_KINDS))}）")
    if content is not None and content not in CONTENTS:
        raise RequestInvalid("content", f"未知的内容标签: {content}（五项主要内容: {_names(CONTENTS)}）")
    if branch_kind is not None and branch_kind not in BRANCH_KINDS:
        raise RequestInvalid("branch_kind", f"未知的支部类型: {branch_kind}")
    words = query_words(q or "")
    hits: list[tuple[int, Resource]] = []
    for row in repo.resources(session, kind):
        if content is not None and content not in row.contents:
            continue
        if branch_kind is not None and row.branch_kinds and branch_kind not in row.branch_kinds:
            continue
        points = score(load_key(row.search_text), words) if words else 0
        if words and not points:
            continue
        hits.append((points, row))
    if words:
        hits.sort(key=lambda hit: (-hit[0], len(hit[1].title), hit[1].id))
    else:
        hits.sort(key=lambda hit: -hit[1].id)
    items = [ResourceHit(score=points, **resource_read(row).model_dump()) for points, row in hits]
    return ResourcePage(items=items[offset : offset + limit], total=len(items))


# --- the study-hours ledger --------------------------------------------------------------------------------------


def required_hours(member: PartyMember, req: StudyRequirement) -> int:
    return req.secretary_hours if set(member.roles) & set(req.secretary_roles) else req.member_hours


def hours(minutes: int, per_hour: int) -> str:
    tenths = (minutes * 10 + per_hour // 2) // per_hour  # rounded half up to a tenth
    return f"{tenths // 10}.{tenths % 10}"


def record_study(
    session: Session, *, account: StaffAccount, actor: Actor, member_id: int, data: StudyCreate, today: dt.date
) -> StudyRead:
    """Record minutes of study of a member of a branch in the account's scope."""
    require_editor(account)
    member = member_in_scope(session, account, member_id)
    _check_minutes("minutes", data.minutes)
    if data.studied_on > today:
        raise RequestInvalid("studied_on", "学习日期不能晚于今天")
    if data.studied_on.year < EARLIEST_YEAR:
        raise RequestInvalid("studied_on", f"学习日期不早于 {EARLIEST_YEAR} 年")
    resource = None
    if data.resource_id is not None:
        resource = repo.resource_by_id(session, data.resource_id)
        if resource is None:
            raise RequestInvalid("resource_id", f"未找到学习资源: {data.resource_id}")
    note = (data.note or "").strip() or None
    if resource is None and note is None:
        raise RequestInvalid("note", "未选学习资源时请填写学习内容")
    row = StudyRecord(member_id=member.id, resource_id=resource.id if resource else None, studied_on=data.studied_on,
                      minutes=data.minutes, note=note, is_demo=data.is_demo)  # fmt: skip
    session.add(row)
    session.flush()
    record_audit(session, actor=actor, action="party.education.study.add", target_kind="party_member",
                 target_key=str(member.id), detail={"year": data.studied_on.year})  # fmt: skip
    return StudyRead(id=row.id, studied_on=row.studied_on, minutes=row.minutes, resource_id=row.resource_id,
                     resource_title=resource.title if resource else None, note=row.note)  # fmt: skip


def study_ledger(session: Session, *, account: StaffAccount, actor: Actor, member_id: int, year: int) -> StudyLedger:
    """A member's study records of a year, the total in 学时 and the requirement (read audited)."""
    req = load_requirement()
    member = member_in_scope(session, account, member_id)
    rows = repo.study_records(session, member.id, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    titles = repo.resources_by_ids(session, sorted({r.resource_id for r in rows if r.resource_id is not None}))
    total = sum(r.minutes for r in rows)
    need = required_hours(member, req)
    remaining = max(need * req.minutes_per_hour - total, 0)
    record_audit(session, actor=actor, action="party.education.study.read", target_kind="party_member",
                 target_key=str(member.id), detail={"year": year})  # fmt: skip
    records = [
        StudyRead(id=r.id, studied_on=r.studied_on, minutes=r.minutes, resource_id=r.resource_id,
                  resource_title=titles[r.resource_id].title if r.resource_id in titles else None, note=r.note)
        for r in rows
    ]  # fmt: skip
    return StudyLedger(member_id=member.id, year=year, records=records, total_minutes=total,
                       total_hours=hours(total, req.minutes_per_hour), required_hours=need,
                       minutes_per_hour=req.minutes_per_hour, remaining_hours=hours(remaining, req.minutes_per_hour),
                       met=remaining == 0, source=req.source, status=req.status)  # fmt: skip


# --- resources of a Party Day plan -------------------------------------------------------------------------------


def attach_resources(
    session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, resource_ids: list[int]
) -> list[ResourceRead]:
    """Set the resources of a plan (the list replaces the previous one)."""
    require_editor(account)
    activity, branch = activity_in_scope(session, account, activity_id)
    if len(set(resource_ids)) != len(resource_ids):
        raise RequestInvalid("resource_ids", "学习资源不能重复")
    found = repo.resources_by_ids(session, resource_ids)
    unknown = [r for r in resource_ids if r not in found]
    if unknown:
        raise RequestInvalid("resource_ids", f"未找到学习资源: {unknown[:5]}")
    repo.replace_activity_resources(session, activity.id, resource_ids)
    detail = {"branch": branch.code, "resources": len(resource_ids)}
    record_audit(session, actor=actor, action="party.activity.resources", target_kind="party_activity",
                 target_key=str(activity.id), detail=detail)  # fmt: skip
    return [resource_read(found[r]) for r in sorted(resource_ids)]


def plan_resources(session: Session, *, account: StaffAccount, activity_id: int) -> list[ResourceRead]:
    activity_in_scope(session, account, activity_id)
    return [resource_read(r) for r in repo.activity_resources(session, activity_id)]


def branch_study(session: Session, *, account: StaffAccount, actor: Actor, branch_code: str, year: int) -> BranchStudy:
    """Each member of a branch: study hours of the year against the requirement (names as the scope allows; the
    member list read is audited)."""
    from cityservices.party_day.organisation import members as members_service

    if not EARLIEST_YEAR <= year <= 2100:
        raise RequestInvalid("year", f"年份应在 {EARLIEST_YEAR}–2100 之间")
    req = load_requirement()
    roster = members_service.list_members(session, account=account, actor=actor, branch_code=branch_code,
                                          limit=10_000, offset=0)  # fmt: skip
    ids = [m.id for m in roster.items]
    minutes = repo.study_minutes_of_members(session, ids, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    secretary_roles = set(req.secretary_roles)
    rows = []
    for member in roster.items:
        need = req.secretary_hours if set(member.roles) & secretary_roles else req.member_hours
        done = minutes.get(member.id, 0)
        rows.append(MemberStudy(member_id=member.id, name=member.name, required_hours=need,
                                total_hours=hours(done, req.minutes_per_hour),
                                met=done >= need * req.minutes_per_hour, is_demo=member.is_demo))  # fmt: skip
    rows.sort(key=lambda r: (r.met, float(r.total_hours), r.member_id))  # furthest behind first
    return BranchStudy(branch_code=branch_code, year=year, members=rows, met=sum(r.met for r in rows),
                       total_hours=hours(sum(minutes.values()), req.minutes_per_hour), source=req.source,
                       status=req.status)  # fmt: skip
