"""A Party member's own records for the citizen signed in: found by the citizen's ID number as a query filter,
never any other member; read-only and every read audited (a non-member's look as well)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.calendar import CHINA_TZ
from cityservices.kit.masking import mask_id_number, mask_name
from cityservices.party_day.activities.requirements import load_requirements
from cityservices.party_day.dues.service import yuan
from cityservices.party_day.education.service import hours, load_requirement, required_hours
from cityservices.party_day.members_portal import repository as repo
from cityservices.party_day.members_portal.schemas import MyAttendance, MyDay, MyDuesMonth, MyParty, MyStudy
from cityservices.party_day.organisation.models import MEMBER_ROLES, MEMBER_STATUSES

OUTCOMES = {"present": "已参加", "made_up": "已补学", "leave": "请假", "absent": "缺席"}
NOT_A_MEMBER = "您的身份证号码没有对应的党员记录，本页只向已登记的党员显示本人的党员信息。"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _outcome(state: str | None) -> str:
    if state in ("present", "made_up"):
        return state
    if state in ("leave_requested", "leave_approved"):
        return "leave"
    return "absent"  # no row, or leave refused


def my_party(session: Session, *, id_number: str, actor: Actor, now: dt.datetime) -> MyParty | None:
    """The records of the Party member whose ID number is the citizen's, or None when the citizen is none."""
    member = repo.member_by_id_number(session, id_number)
    if member is None:
        record_audit(session, actor=actor, action="party.me.read", target_kind="party_member", target_key="-",
                     detail={"member": False})  # fmt: skip
        return None
    branch = repo.organisation(session, member.branch_id)
    make_up_days = load_requirements().make_up_days
    year = now.astimezone(CHINA_TZ).year
    since = dt.datetime(year, 1, 1, tzinfo=CHINA_TZ)
    upcoming = [MyDay(activity_id=a.id, theme=a.theme, starts_at=_aware(a.starts_at), ends_at=_aware(a.ends_at),
                      method=a.method, place=a.place)
                for a in repo.upcoming_days(session, member.branch_id, now)]  # fmt: skip
    attendance = []
    for activity, row in repo.past_days_of_member(session, member.id, since, now):
        outcome = _outcome(row.state if row is not None else None)
        last = _aware(activity.ends_at) + dt.timedelta(days=make_up_days)
        due = last.astimezone(CHINA_TZ).date() if outcome in ("leave", "absent") and now <= last else None
        attendance.append(MyAttendance(activity_id=activity.id, theme=activity.theme,
                                       starts_at=_aware(activity.starts_at), outcome=outcome,
                                       outcome_name=OUTCOMES[outcome], make_up_due=due))  # fmt: skip
    req = load_requirement()
    total = repo.study_minutes(session, member.id, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    need = required_hours(member, req)
    remaining = max(need * req.minutes_per_hour - total, 0)
    study = MyStudy(year=year, total_hours=hours(total, req.minutes_per_hour), required_hours=need,
                    remaining_hours=hours(remaining, req.minutes_per_hour), met=remaining == 0,
                    status=req.status)  # fmt: skip
    current = f"{now.astimezone(CHINA_TZ):%Y-%m}"
    months = list(repo.dues_months(session, member.id))
    dues = [MyDuesMonth(month=m.month, due=yuan(m.due_fen), paid=yuan(m.paid_fen), owed=m.paid_fen < m.due_fen)
            for m in reversed(months)]  # fmt: skip
    arrears = sum(max(m.due_fen - m.paid_fen, 0) for m in months if m.month < current)
    record_audit(session, actor=actor, action="party.me.read", target_kind="party_member",
                 target_key=str(member.id), detail={"member": True})  # fmt: skip
    return MyParty(name=mask_name(member.name) or "", id_number=mask_id_number(member.id_number) or "",
                   branch_name=branch.name if branch is not None else "", status_name=MEMBER_STATUSES[member.status],
                   roles=[MEMBER_ROLES.get(r, r) for r in member.roles], upcoming=upcoming, attendance=attendance,
                   study=study, dues=dues, arrears=yuan(arrears), is_demo=member.is_demo)  # fmt: skip
