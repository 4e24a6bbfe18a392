"""The printable record of a Party Day (PDF: plan, procedure, attendance, minutes, self-check, photos) and the
export of a branch's year (one PDF of every Party Day with the compliance calendar, and a ZIP of that PDF with CSV
tables). Set with ``fpdf2`` in the machine's CJK font (``kit.pdf.find_cjk_font``).

Names follow the reader's scope as everywhere else (full names only to the people who run the branch; masked
above), ID and phone numbers never appear; building a record is audited once, and so are the member lists it
reads. Demo data is marked on every page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.errors import RequestInvalid
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.pdf import find_cjk_font
from cityservices.kit.text import spreadsheet_safe
from cityservices.party_day.activities import service as activities
from cityservices.party_day.activities.models import STANDARDS, STATUSES
from cityservices.party_day.activities.requirements import load_requirements
from cityservices.party_day.activities.schemas import ActivityRead
from cityservices.party_day.attendance import service as attendance
from cityservices.party_day.attendance.schemas import AttendanceRead
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.compliance.schemas import BranchCalendar
from cityservices.party_day.compliance.service import branch_calendar, year_range
from cityservices.party_day.organisation import members as members_service
from cityservices.party_day.organisation.service import find_in_scope
from cityservices.party_day.records import photos
from cityservices.party_day.records.schemas import MinutesRead
from cityservices.party_day.records.service import find_minutes
from cityservices.party_day.review import service as review
from cityservices.party_day.review.schemas import ReviewRead

MAX_ACTIVITIES = 100  # a branch holds about twelve Party Days a year
STATE_NAMES = {"done": "已完成", "due": "本期应办", "overdue": "逾期", "upcoming": "未到期"}


def beijing(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(BEIJING).strftime("%Y年%m月%d日 %H:%M")


@dataclass
class DayRecord:
    """What one Party Day's record shows."""

    activity: ActivityRead
    branch_name: str
    names: dict[int, str]  # member id → name as the reader may see it
    attendance: list[AttendanceRead]
    participants: list[int]
    minutes: MinutesRead | None
    review: ReviewRead
    photos: list[Path]  # thumbnails-sized copies are not used: the stored photos, at most 1600 px


class RecordPdf(FPDF):
    """A4 pages in the CJK font, with the branch, the demo mark and the page number on every page."""

    def __init__(self, heading: str, *, demo: bool) -> None:
        super().__init__(format="A4")
        self.heading, self.demo = heading, demo
        path, index = find_cjk_font()
        self.add_font("cjk", "", path, collection_font_number=index)
        self.set_font("cjk", size=11)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_creator("cityservices")
        self.set_title(heading)

    def header(self) -> None:
        self.set_font("cjk", size=8)
        self.set_text_color(110)
        mark = "　演示数据" if self.demo else ""
        self.cell(0, 5, f"{self.heading}{mark}", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 5, f"第 {self.page_no()} 页", align="C")

    def title_line(self, text: str, size: int = 16) -> None:
        self.set_font("cjk", size=size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("cjk", size=11)
        self.ln(1)

    def section(self, text: str) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.set_fill_color(240)
        self.set_font("cjk", size=12)
        self.cell(0, 7, text, fill=True, new_x="LMARGIN", new_y="NEXT")
        self.set_font("cjk", size=11)
        self.ln(1)

    def field(self, label: str, value: str) -> None:
        self.multi_cell(0, 6, f"{label}：{value or '—'}", new_x="LMARGIN", new_y="NEXT")

    def rows(self, header: tuple[str, ...], rows: Sequence[tuple[str, ...]], widths: tuple[int, ...]) -> None:
        self.set_font("cjk", size=10)
        with self.table(col_widths=widths, line_height=6, first_row_as_headings=True,
                        headings_style=FontFace(fill_color=(235, 235, 235))) as table:  # fmt: skip
            for values in (header, *rows):
                line = table.row()
                for value in values:
                    line.cell(value)
        self.set_font("cjk", size=11)


def member_names(session: Session, *, account: StaffAccount, actor: Actor, branch_code: str) -> dict[int, str]:
    """The branch's members' names as the reader may see them (the list read is audited)."""
    roster = members_service.list_members(session, account=account, actor=actor, branch_code=branch_code,
                                          limit=10_000, offset=0)  # fmt: skip
    return {m.id: m.name for m in roster.items}


def day_record(session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, photo_root: Path,
               names: dict[int, str] | None = None) -> DayRecord:  # fmt: skip
    activity = activities.read_activity(session, account=account, activity_id=activity_id)
    branch = find_in_scope(session, account, activity.branch_code)
    if names is None:
        names = member_names(session, account=account, actor=actor, branch_code=branch.code)
    summary = attendance.summarise(session, account=account, activity_id=activity_id)
    stored = [photo_root / str(activity.id) / name for name in photos.photo_names(session, activity.id)]
    return DayRecord(activity=activity, branch_name=branch.name, names=names, attendance=summary.items,
                     participants=activities.participants_of(session, activity.id),
                     minutes=find_minutes(session, activity.id),
                     review=review.read_review(session, account=account, activity_id=activity.id),
                     photos=[p for p in stored if p.is_file()])  # fmt: skip


def _name(record: DayRecord, member_id: int) -> str:
    return record.names.get(member_id, f"党员 {member_id}")


def write_day(pdf: RecordPdf, record: DayRecord) -> None:
    """One Party Day's record, starting on a new page."""
    req = load_requirements()
    a = record.activity
    pdf.add_page()
    pdf.title_line(f"主题党日活动记录：{a.theme}")
    pdf.field("党组织", f"{record.branch_name}（{a.branch_code}）")
    pdf.field("时间", f"{beijing(a.starts_at)} 至 {beijing(a.ends_at)}（北京时间）")
    pdf.field("组织方式", a.method)
    pdf.field("地点", a.place or "")
    pdf.field("状态", STATUSES.get(a.status, a.status))
    pdf.section("一、活动计划")
    pdf.field("主要内容", "、".join([*a.contents, *a.own_contents]))
    linkage = [req.linkage[c].label if c in req.linkage else c for c in a.counts_as]
    pdf.field("同时计为", "、".join(linkage) if linkage else "无")
    pdf.field("应到人数", f"{a.expected} 人（另邀请 {a.invited_count} 人）")
    if a.resources:
        pdf.field("学习资源", "；".join(r.title for r in a.resources))
    pdf.section("二、活动程序")
    for number, name in enumerate(a.step_names, 1):
        pdf.multi_cell(0, 6, f"{number}. {name}", new_x="LMARGIN", new_y="NEXT")
    pdf.section("三、签到与请假")
    seen = {row.member_id: row for row in record.attendance}
    rows = []
    for member_id in record.participants:
        row = seen.get(member_id)
        state = row.state_name if row else "未签到"
        how = {"qr": "扫码", "roster": "点名", "makeup": "补学"}.get(row.how or "", "") if row else ""
        rows.append((_name(record, member_id), state, how, beijing(row.at) if row else ""))
    if rows:
        pdf.rows(("姓名", "情况", "方式", "时间"), rows, (30, 25, 20, 45))
    else:
        pdf.field("参加人员", "无")
    pdf.section("四、会议记录")
    m = record.minutes
    if m is None:
        pdf.field("记录", "尚未填写")
    else:
        pdf.field("主持人", _name(record, m.host_id))
        pdf.field("记录人", _name(record, m.recorder_id))
        pdf.field("人数", f"应到 {m.expected} 人，实到 {m.present} 人，缺席 {m.absent} 人")
        for absence in m.absences:
            pdf.field("缺席", f"{_name(record, absence.member_id)}（{absence.reason}）")
        pdf.field("活动内容", m.content)
        pdf.field("形成决议", "；".join(m.resolutions) or "无")
        pdf.field("后续跟进", "；".join(m.follow_up) or "无")
        pdf.field("记录时间", beijing(m.recorded_at))
    pdf.section("五、对照“五个标准”自评")
    r = record.review
    if r.scores:
        pdf.rows(("标准", "自评（1–5 分）"), [(s, str(r.scores.get(s, ""))) for s in STANDARDS], (60, 40))
        pdf.field("自评总分", f"{r.total} 分")
    else:
        pdf.field("自评", "尚未自评")
    for comment in r.comments:
        pdf.field(f"上级点评（{comment.organisation_code}，{beijing(comment.at)}）", comment.text)
    if record.photos:
        if pdf.get_y() > pdf.h - 100:  # the heading stays with the first photo
            pdf.add_page()
        pdf.section("六、活动照片")
        for path in record.photos:
            if pdf.get_y() > pdf.h - 90:
                pdf.add_page()
            pdf.image(str(path), w=90)
            pdf.ln(2)


def activity_pdf(session: Session, *, account: StaffAccount, actor: Actor, activity_id: int,
                 photo_root: Path) -> bytes:  # fmt: skip
    """The printable record of one Party Day."""
    record = day_record(session, account=account, actor=actor, activity_id=activity_id, photo_root=photo_root)
    pdf = RecordPdf(f"{record.branch_name} · 主题党日活动记录", demo=record.activity.is_demo)
    write_day(pdf, record)
    record_audit(session, actor=actor, action="party.record.pdf", target_kind="party_activity",
                 target_key=str(activity_id), detail={"branch": record.activity.branch_code})  # fmt: skip
    return bytes(pdf.output())


@dataclass
class YearExport:
    branch_code: str
    branch_name: str
    year: int
    calendar: BranchCalendar
    days: list[DayRecord]
    demo: bool


def year_export(session: Session, *, account: StaffAccount, actor: Actor, branch_code: str, year: int,
                on: dt.date, photo_root: Path) -> YearExport:  # fmt: skip
    branch = find_in_scope(session, account, branch_code)
    if branch.level != "branch":
        raise RequestInvalid("code", "年度记录按党支部导出")
    calendar = branch_calendar(session, account=account, branch_code=branch.code, year=year, on=on)
    start, end = year_range(year)
    page = activities.list_activities(session, account=account, branch_code=branch.code, start=start, end=end,
                                      limit=MAX_ACTIVITIES, offset=0)  # fmt: skip
    names = member_names(session, account=account, actor=actor, branch_code=branch.code)
    days = [day_record(session, account=account, actor=actor, activity_id=a.id, photo_root=photo_root, names=names)
            for a in sorted(page.items, key=lambda a: a.starts_at)]  # fmt: skip
    record_audit(session, actor=actor, action="party.record.year", target_kind="party_organisation",
                 target_key=branch.code, detail={"year": year, "activities": len(days)})  # fmt: skip
    return YearExport(branch.code, branch.name, year, calendar, days, branch.is_demo or any(d.activity.is_demo
                                                                                          for d in days))  # fmt: skip


def year_pdf(export: YearExport) -> bytes:
    pdf = RecordPdf(f"{export.branch_name} · {export.year} 年组织生活记录", demo=export.demo)
    pdf.add_page()
    pdf.title_line(f"{export.branch_name}\n{export.year} 年组织生活记录")
    pdf.field("党组织编码", export.branch_code)
    pdf.field("统计截至", export.calendar.on.strftime("%Y年%m月%d日"))
    pdf.field("主题党日", f"{len(export.days)} 次")
    pdf.field("逾期事项", "、".join(export.calendar.overdue) or "无")
    pdf.field("本期应办", "、".join(export.calendar.due) or "无")
    pdf.section("组织生活完成情况")
    rows = []
    for item in export.calendar.requirements:
        done = sum(p.state == "done" for p in item.periods)
        overdue = sum(p.state == "overdue" for p in item.periods)
        rows.append((item.label, str(len(item.periods)), str(done), str(overdue)))
    pdf.rows(("要求", "期数", "已完成", "逾期"), rows, (50, 25, 25, 25))
    pdf.section("主题党日一览")
    listing = [(beijing(d.activity.starts_at)[:11], d.activity.theme, STATUSES.get(d.activity.status, ""),
                f"{d.minutes.present}/{d.minutes.expected}" if d.minutes else "—") for d in export.days]  # fmt: skip
    if listing:
        pdf.rows(("日期", "主题", "状态", "实到/应到"), listing, (28, 90, 20, 25))
    for day in export.days:
        write_day(pdf, day)
    return bytes(pdf.output())


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[spreadsheet_safe(str(v)) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM: spreadsheets read the file as UTF-8


def year_tables(export: YearExport) -> dict[str, bytes]:
    """The year as CSV tables: Party Days, attendance (names as the reader may see them) and the calendar."""
    days = [[d.activity.id, beijing(d.activity.starts_at), d.activity.theme, d.activity.method, d.activity.place or "",
             "、".join([*d.activity.contents, *d.activity.own_contents]), "、".join(d.activity.counts_as),
             STATUSES.get(d.activity.status, d.activity.status), d.minutes.expected if d.minutes else "",
             d.minutes.present if d.minutes else "", d.minutes.absent if d.minutes else "",
             d.review.total if d.review.total is not None else ""] for d in export.days]  # fmt: skip
    people = []
    for d in export.days:
        seen = {row.member_id: row for row in d.attendance}
        for member_id in d.participants:
            row = seen.get(member_id)
            people.append([d.activity.id, beijing(d.activity.starts_at)[:11], _name(d, member_id),
                           row.state_name if row else "未签到", beijing(row.at) if row else ""])  # fmt: skip
    periods = [[item.label, p.key, p.held, p.required, STATE_NAMES.get(p.state, p.state)]
               for item in export.calendar.requirements for p in item.periods]  # fmt: skip
    return {
        "主题党日.csv": _csv(["编号", "时间", "主题", "组织方式", "地点", "内容", "同时计为", "状态", "应到", "实到",
                              "缺席", "自评总分"], days),
        "签到与请假.csv": _csv(["活动编号", "日期", "姓名", "情况", "时间"], people),
        "组织生活日历.csv": _csv(["要求", "期间", "已开次数", "应开次数", "状态"], periods),
    }  # fmt: skip


def year_zip(export: YearExport) -> bytes:
    buffer = io.BytesIO()
    stamp = (export.year, 12, 31, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = {f"{export.year}年组织生活记录.pdf": year_pdf(export), **year_tables(export)}
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{export.branch_code}-{export.year}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 file names
            archive.writestr(info, data)
    return buffer.getvalue()
