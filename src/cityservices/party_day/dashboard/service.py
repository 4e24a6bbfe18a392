"""What a street, district or city committee sees of its subtree: requirement periods done, due and overdue by
branch kind and by the organisations directly under it, attendance rates from the minutes, dues arrears and study
hours. Only aggregates (no names); every read is audited and scoped to the account's subtree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.errors import NotFound, RequestInvalid
from cityservices.kit.audit import Actor, record_audit
from cityservices.party_day.compliance import repository as compliance_repo
from cityservices.party_day.compliance.rules import load_frequencies
from cityservices.party_day.compliance.service import calendar_for, tally, year_range
from cityservices.party_day.dashboard import repository as repo
from cityservices.party_day.dashboard.schemas import Dashboard, DashboardGroup, RequirementStates, StateCounts
from cityservices.party_day.dues.service import yuan
from cityservices.party_day.education.service import hours, load_requirement
from cityservices.party_day.organisation.models import BRANCH_KINDS, LEVEL_NAMES, Organisation
from cityservices.party_day.organisation.repository import children_of, scope_root
from cityservices.party_day.organisation.service import find_in_scope


@dataclass
class _Sum:
    name: str
    branches: int = 0
    members: int = 0
    with_overdue: int = 0
    expected: int = 0
    present: int = 0
    arrears: int = 0
    study: int = 0
    states: dict[str, int] = field(default_factory=lambda: {"done": 0, "due": 0, "overdue": 0})

    def group(self, key: str, per_hour: int) -> DashboardGroup:
        rate = round(self.present / self.expected, 4) if self.expected else None
        per_member = self.study // self.members if self.members else 0
        return DashboardGroup(
            key=key, name=self.name, branches=self.branches, members=self.members,
            states=StateCounts(**self.states), with_overdue=self.with_overdue, expected=self.expected,
            present=self.present, attendance_rate=rate, arrears=yuan(self.arrears),
            study_hours=hours(self.study, per_hour), study_hours_per_member=hours(per_member, per_hour),
        )  # fmt: skip


def default_code(session: Session, account: StaffAccount) -> str:
    """The organisation a dashboard opens on: the account's scope, otherwise the first top of the tree."""
    root = scope_root(session, account)
    if root is not None:
        return root.code
    tops = repo.roots(session)
    if not tops:
        raise NotFound("尚未建立党组织")
    return tops[0].code


def _unit_of(branch: Organisation, root: Organisation) -> int | None:
    """The id of the organisation directly under ``root`` that the branch lies in (None: the root itself)."""
    ids = branch.path.split(".")
    depth = root.path.rstrip(".").count(".") + 1
    return int(ids[depth]) if len(ids) > depth and ids[depth] else None


def dashboard(session: Session, *, account: StaffAccount, actor: Actor, code: str, year: int,
              on: dt.date) -> Dashboard:  # fmt: skip
    if not 2000 <= year <= 2100:
        raise RequestInvalid("year", "年份应在 2000–2100 之间")
    if on.year < year:
        raise RequestInvalid("on", "查询日期不能早于所查年份")
    root = find_in_scope(session, account, code)
    freq = load_frequencies()
    study = load_requirement()
    branches = list(compliance_repo.branches_under(session, root.path))
    ids = [b.id for b in branches]
    start, end = year_range(year)
    counted = tally(compliance_repo.held_events(session, ids, start, end), freq)
    with_groups = compliance_repo.branch_ids_with_groups(session, root.path)
    attendance = repo.attendance_by_branch(session, ids, start, end)
    members = repo.members_by_branch(session, ids)
    month = f"{on.year}-{on.month:02d}" if on.year == year else f"{year + 1}-01"
    arrears = repo.arrears_by_branch(session, ids, month)
    minutes = repo.study_minutes_by_branch(session, ids, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    units = {u.id: u for u in children_of(session, root.id)}
    total = _Sum(root.name)
    by_kind: dict[str, _Sum] = {}
    by_unit: dict[int, _Sum] = {}
    by_requirement: dict[str, dict[str, int]] = defaultdict(lambda: {"done": 0, "due": 0, "overdue": 0})
    labels = {rule.code: rule.label for rule in freq.requirements.values()}
    for branch in branches:
        calendar = calendar_for(branch, counted, freq, year, on, branch.id in with_groups)
        kind = branch.kind or ""
        sums = [total, by_kind.setdefault(kind, _Sum(BRANCH_KINDS.get(kind, "未分类")))]
        unit = _unit_of(branch, root)
        if unit is not None and unit in units:
            sums.append(by_unit.setdefault(unit, _Sum(units[unit].name)))
        expected, present = attendance.get(branch.id, (0, 0))
        for s in sums:
            s.branches += 1
            s.members += members.get(branch.id, 0)
            s.with_overdue += bool(calendar.overdue)
            s.expected += expected
            s.present += present
            s.arrears += arrears.get(branch.id, 0)
            s.study += minutes.get(branch.id, 0)
        for item in calendar.requirements:
            for period in item.periods:
                if period.state in ("done", "due", "overdue"):
                    by_requirement[item.code][period.state] += 1
                    for s in sums:
                        s.states[period.state] += 1
    record_audit(session, actor=actor, action="party.dashboard.read", target_kind="party_organisation",
                 target_key=root.code, detail={"year": year})  # fmt: skip
    per_hour = study.minutes_per_hour
    unit_codes = {u.id: u.code for u in units.values()}
    return Dashboard(
        organisation_code=root.code, organisation_name=root.name, level_name=LEVEL_NAMES[root.level], year=year,
        on=on, total=total.group(root.code, per_hour),
        by_kind=[s.group(k, per_hour) for k, s in sorted(by_kind.items())],
        by_unit=[s.group(unit_codes[u], per_hour) for u, s in sorted(by_unit.items(), key=lambda i: unit_codes[i[0]])],
        by_requirement=[RequirementStates(code=c, label=labels.get(c, c), states=StateCounts(**v))
                        for c, v in by_requirement.items()],
        study_status=study.status,
    )  # fmt: skip
