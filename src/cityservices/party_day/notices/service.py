"""What a branch secretary is reminded of, most urgent first: overdue requirements, Party Days that ended without
minutes or self-check, dues six months unpaid, requirements due this period, and the Party Days of the next
``AHEAD_DAYS`` days. Derived from the records each time (nothing is stored); the dues part is an audited read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.errors import RequestInvalid
from cityservices.kit.audit import Actor
from cityservices.party_day.activities import service as activities
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.compliance.service import branch_calendar
from cityservices.party_day.dues.service import branch_dues
from cityservices.party_day.notices.schemas import BranchNotices, Notice
from cityservices.party_day.organisation.service import find_in_scope

AHEAD_DAYS = 14
ORDER = {"overdue": 0, "no_minutes": 1, "no_self_check": 2, "dues": 3, "due": 4, "upcoming": 5}


def _when(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(BEIJING).strftime("%m月%d日 %H:%M")


def branch_notices(session: Session, *, account: StaffAccount, actor: Actor, branch_code: str,
                   now: dt.datetime) -> BranchNotices:  # fmt: skip
    branch = find_in_scope(session, account, branch_code)
    if branch.level != "branch":
        raise RequestInvalid("code", "提醒按党支部查看")
    today = now.astimezone(BEIJING).date()
    notices: list[Notice] = []
    calendar = branch_calendar(session, account=account, branch_code=branch.code, year=today.year, on=today)
    notices += [Notice(kind="overdue", level="overdue", text=f"逾期未开：{item}") for item in calendar.overdue]
    notices += [Notice(kind="due", level="info", text=f"本期应办：{item}") for item in calendar.due]
    year_start = dt.datetime(today.year, 1, 1, tzinfo=BEIJING)
    page = activities.list_activities(session, account=account, branch_code=branch.code, start=year_start,
                                      end=now + dt.timedelta(days=AHEAD_DAYS), limit=200, offset=0)  # fmt: skip
    for a in page.items:
        ends = a.ends_at if a.ends_at.tzinfo else a.ends_at.replace(tzinfo=dt.UTC)
        starts = a.starts_at if a.starts_at.tzinfo else a.starts_at.replace(tzinfo=dt.UTC)
        if starts >= now:
            text = f"{_when(starts)} 主题党日「{a.theme}」（{a.method}，应到 {a.expected} 人），请提前通知参加人员"
            notices.append(Notice(kind="upcoming", level="info", text=text, activity_id=a.id, at=starts))
        elif a.status == "planned" and ends < now:
            notices.append(Notice(kind="no_minutes", level="warning", text=f"「{a.theme}」已结束，尚未填写活动记录",
                                  activity_id=a.id, at=starts))  # fmt: skip
        elif a.status == "held":
            notices.append(Notice(kind="no_self_check", level="warning",
                                  text=f"「{a.theme}」已填写记录，尚未对照“五个标准”自评", activity_id=a.id,
                                  at=starts))  # fmt: skip
    dues = branch_dues(session, account=account, actor=actor, branch_code=branch.code, on=today)
    if dues.flagged_member_ids:
        text = f"{len(dues.flagged_member_ids)} 名党员连续六个月未交党费，请及时了解情况"
        notices.append(Notice(kind="dues", level="warning", text=text))
    notices.sort(key=lambda n: (ORDER[n.kind], n.at or now))
    return BranchNotices(branch_code=branch.code, on=today, notices=notices)
