"""The compliance calendar: per branch and requirement, what was held in each period of a year, what is due
this period and what is overdue; aggregates for the committees above (by kind, district and requirement).

An event counts once per requirement: a Party Day that also counts as the general meeting and the Party lecture
satisfies each of the three once, and two events in one period never make a requirement count twice as "done".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import RequestInvalid
from cityservices.kit.audit import Actor, record_audit
from cityservices.party_day.compliance import repository as repo
from cityservices.party_day.compliance.models import Meeting
from cityservices.party_day.compliance.rules import (
    BEIJING,
    Frequencies,
    beijing_date,
    load_frequencies,
    period_end,
    period_key,
    periods_of_year,
)
from cityservices.party_day.compliance.schemas import (
    BranchCalendar,
    ComplianceOverview,
    GroupCompliance,
    MeetingCreate,
    MeetingRead,
    PeriodState,
    RequirementCalendar,
)
from cityservices.party_day.organisation.models import BRANCH_KINDS, Organisation
from cityservices.party_day.organisation.service import find_in_scope

Tally = dict[tuple[int, str, str], set[str]]  # (branch, requirement, period) → the events that count


def year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=BEIJING).astimezone(dt.UTC)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=BEIJING).astimezone(dt.UTC)


def tally(events: Iterable[repo.Held], freq: Frequencies) -> Tally:
    counted: Tally = defaultdict(set)
    for event in events:
        day = beijing_date(event.at)
        for code in dict.fromkeys(event.counts_as):
            rule = freq.requirements.get(code)
            if rule is not None:
                counted[(event.branch_id, code, period_key(rule.period, day))].add(event.ref)
    return counted


def state_of(held: int, required: int, key: str, period: str, on: dt.date) -> str:
    if held >= required:
        return "done"
    end = period_end(period, key)
    if on > end:
        return "overdue"
    return "due" if period_key(period, on) == key else "upcoming"


def calendar_for(branch: Organisation, counted: Tally, freq: Frequencies, year: int, on: dt.date,
                 has_groups: bool) -> BranchCalendar:  # fmt: skip
    items: list[RequirementCalendar] = []
    due: list[str] = []
    overdue: list[str] = []
    for rule in freq.requirements.values():
        if rule.needs_groups and not has_groups:
            continue
        periods = []
        for key in periods_of_year(rule.period, year):
            held = len(counted.get((branch.id, rule.code, key), ()))
            state = state_of(held, rule.count, key, rule.period, on)
            periods.append(PeriodState(key=key, ends_on=period_end(rule.period, key), held=held, required=rule.count,
                                       state=state))  # fmt: skip
            if state == "due":
                due.append(f"{rule.label} {key}")
            elif state == "overdue":
                overdue.append(f"{rule.label} {key}")
        items.append(RequirementCalendar(code=rule.code, label=rule.label, period=rule.period, status=rule.status,
                                         periods=periods))  # fmt: skip
    return BranchCalendar(branch_code=branch.code, year=year, on=on, requirements=items, due=due, overdue=overdue)


def _check_year(year: int, on: dt.date) -> None:
    if not 2000 <= year <= 2100:
        raise RequestInvalid("year", "年份应在 2000–2100 之间")
    if on.year < year:
        raise RequestInvalid("on", "查询日期不能早于所查年份")


def branch_calendar(session: Session, *, account: StaffAccount, branch_code: str, year: int,
                    on: dt.date) -> BranchCalendar:  # fmt: skip
    _check_year(year, on)
    branch = find_in_scope(session, account, branch_code)
    if branch.level != "branch":
        raise RequestInvalid("code", "组织生活日历按党支部查看")
    freq = load_frequencies()
    start, end = year_range(year)
    counted = tally(repo.held_events(session, [branch.id], start, end), freq)
    has_groups = branch.id in repo.branch_ids_with_groups(session, branch.path)
    return calendar_for(branch, counted, freq, year, on, has_groups)


def _group(total: int, bad: int) -> GroupCompliance:
    rate = round((total - bad) / total, 4) if total else 0.0
    return GroupCompliance(branches=total, with_overdue=bad, compliance_rate=rate)


def overview(session: Session, *, account: StaffAccount, code: str, year: int, on: dt.date) -> ComplianceOverview:
    """What a committee sees of its subtree: branches with overdue items, by kind, district and requirement."""
    _check_year(year, on)
    root = find_in_scope(session, account, code)
    freq = load_frequencies()
    branches = repo.branches_under(session, root.path)
    start, end = year_range(year)
    counted = tally(repo.held_events(session, [b.id for b in branches], start, end), freq)
    with_groups = repo.branch_ids_with_groups(session, root.path)
    district_ids = {int(b.path.split(".")[1]) for b in branches if b.path.count(".") > 2}
    districts = repo.organisations_by_id(session, district_ids)
    totals: dict[str, dict[str, list[int]]] = {"kind": defaultdict(lambda: [0, 0]),
                                                "district": defaultdict(lambda: [0, 0]),
                                                "requirement": defaultdict(lambda: [0, 0])}  # fmt: skip
    bad_branches = 0
    for branch in branches:
        calendar = calendar_for(branch, counted, freq, year, on, branch.id in with_groups)
        late = bool(calendar.overdue)
        bad_branches += late
        district = districts.get(int(branch.path.split(".")[1])) if branch.path.count(".") > 2 else None
        for group, key in (
            ("kind", BRANCH_KINDS.get(branch.kind or "", "")),
            ("district", district.name if district else ""),
        ):
            totals[group][key][0] += 1
            totals[group][key][1] += late
        for item in calendar.requirements:
            totals["requirement"][item.label][0] += 1
            totals["requirement"][item.label][1] += any(p.state == "overdue" for p in item.periods)
    return ComplianceOverview(
        organisation_code=root.code, year=year, on=on, branches=len(branches), with_overdue=bad_branches,
        by_kind={k: _group(*v) for k, v in totals["kind"].items()},
        by_district={k: _group(*v) for k, v in totals["district"].items()},
        by_requirement={k: _group(*v) for k, v in totals["requirement"].items()},
    )  # fmt: skip


def record_meeting(session: Session, *, account: StaffAccount, actor: Actor, branch_code: str,
                   data: MeetingCreate) -> MeetingRead:  # fmt: skip
    """Record a 三会一课 meeting held apart from a Party Day."""
    require_editor(account)
    branch = find_in_scope(session, account, branch_code)
    if branch.level != "branch":
        raise RequestInvalid("code", "三会一课由党支部记录")
    freq = load_frequencies()
    kinds = [c for c in freq.requirements if c != "party_day"]
    if data.kind not in kinds:
        raise RequestInvalid("kind", f"会议类型应为{'、'.join(kinds)}之一（主题党日请按活动计划登记）")
    if not data.topic.strip():
        raise RequestInvalid("topic", "请填写会议议题")
    held_at = data.held_at.astimezone(dt.UTC)
    meeting = Meeting(branch_id=branch.id, kind=data.kind, held_at=held_at, topic=data.topic.strip(),
                      is_demo=data.is_demo)  # fmt: skip
    session.add(meeting)
    session.flush()
    record_audit(session, actor=actor, action="party.meeting.record", target_kind="party_organisation",
                 target_key=branch.code, detail={"kind": data.kind})  # fmt: skip
    return MeetingRead(id=meeting.id, branch_code=branch.code, kind=meeting.kind, held_at=meeting.held_at,
                       topic=meeting.topic)  # fmt: skip
