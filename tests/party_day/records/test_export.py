"""Photos of the minutes (private, limited, audited), the printable record of a Party Day (PDF read back with
pypdf) and a branch's year export (PDF and ZIP of CSV tables)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.config import Settings
from cityservices.errors import Forbidden, NotFound, RequestInvalid, RuleViolation
from cityservices.kit.audit.models import AuditEntry
from cityservices.party_day.attendance.service import tick_roster
from cityservices.party_day.records import export, photos, service
from cityservices.party_day.records.schemas import MinutesCreate
from cityservices.party_day.review import service as review
from cityservices.party_day.review.schemas import SelfCheckCreate
from tests.builders import pdf_text
from tests.party_day.builders import ACTOR, ADMIN, STARTS, Day, account, planned_day

AFTER = STARTS + dt.timedelta(hours=2)
ON = dt.date(2026, 8, 15)


def _png(width: int = 640, height: int = 480, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _held(session: Session) -> Day:
    day = planned_day(session)
    for person in day.members[:2]:
        tick_roster(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, member_id=person.id, now=STARTS)
    minutes = MinutesCreate(host_id=day.members[0].id, recorder_id=day.members[1].id, expected=3, present=2, absent=1,
                            absences=[{"member_id": day.members[2].id, "reason": "外出学习"}],
                            content="集中学习党章并交流研讨", resolutions=["开展社区志愿服务"])  # fmt: skip
    service.record_minutes(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=minutes, now=AFTER)
    scores = dict.fromkeys(("主题鲜明", "程序规范", "形式务实", "党味浓厚", "成效明显"), 4)
    review.self_check(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id,
                      data=SelfCheckCreate(scores=scores), now=AFTER)  # fmt: skip
    return day


def _text(pdf: bytes) -> str:
    return pdf_text(pdf)


def test_photos_are_checked_private_and_audited(session: Session, staff_settings: Settings) -> None:
    day = planned_day(session)
    with pytest.raises(RuleViolation, match="请先保存活动记录"):
        photos.add_photo(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=_png(),
                         settings=staff_settings)  # fmt: skip
    session.rollback()
    day = _held(session)
    names = photos.add_photo(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id,
                             data=_png(4000, 3000), settings=staff_settings)  # fmt: skip
    assert len(names) == 1
    assert photos.PHOTO_NAME.match(names[0])
    stored = photos.photo_path(staff_settings, day.activity.id, names[0])
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert staff_settings.media_dir.resolve() not in stored.resolve().parents  # never under the public media
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) == photos.MAX_SIDE
    with pytest.raises(RuleViolation, match="只接受"):
        photos.add_photo(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=b"GIF89a" + b"0" * 99,
                         settings=staff_settings)  # fmt: skip
    bomb = staff_settings.model_copy(update={"max_photo_pixels": 100_000})
    with pytest.raises(RuleViolation, match="图片像素过多"):
        photos.add_photo(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=_png(1000, 1000),
                         settings=bomb)  # fmt: skip
    small = staff_settings.model_copy(update={"max_upload_bytes": 1024})
    with pytest.raises(photos.PhotoTooLarge):
        photos.add_photo(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=_png(),
                         settings=small)  # fmt: skip
    thumb = photos.read_photo(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, name=names[0],
                              thumbnail=True, settings=staff_settings)  # fmt: skip
    with Image.open(io.BytesIO(thumb)) as image:
        assert max(image.size) == photos.THUMBNAIL_SIDE
    with pytest.raises(NotFound):
        photos.read_photo(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, name="0" * 32 + ".jpg",
                          thumbnail=False, settings=staff_settings)  # fmt: skip
    with pytest.raises(Forbidden):
        photos.read_photo(session, account=account("editor", "QD.D2"), actor=ACTOR, activity_id=day.activity.id,
                          name=names[0], thumbnail=False, settings=staff_settings)  # fmt: skip
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("party.minutes.photo%"))).all()
    assert sorted(actions) == ["party.minutes.photo.add", "party.minutes.photo.read"]


def test_the_printable_record_of_a_day(session: Session, staff_settings: Settings, tmp_path: Path) -> None:
    day = _held(session)
    photos.add_photo(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=_png(),
                     settings=staff_settings)  # fmt: skip
    secretary = account("editor", day.tree.branch.code)  # runs the branch: sees names
    pdf = export.activity_pdf(session, account=secretary, actor=ACTOR, activity_id=day.activity.id,
                              photo_root=photos.photo_root(staff_settings))  # fmt: skip
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in ("主题党日活动记录", "学习贯彻党的二十届三中全会精神", "2026年07月01日 09:00", "集中",
                     "应到 3 人，实到 2 人，缺席 1 人", "书记甲", "党员丙（外出学习）", "集中学习党章并交流研讨",
                     "自评总分", "20 分", "活动照片", "重温入党誓词"):  # fmt: skip
        assert expected in text, expected
    assert "演示数据" not in text
    reader = PdfReader(io.BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) == 1  # the photo
    (tmp_path / "record.pdf").write_bytes(pdf)
    if out := os.environ.get("PARTY_RECORD_PDF"):  # to render and look at it
        Path(out).write_bytes(pdf)


def test_a_committee_reads_masked_names(session: Session, staff_settings: Settings) -> None:
    day = _held(session)
    committee = account("viewer", "QD.D1.C1")
    text = _text(export.activity_pdf(session, account=committee, actor=ACTOR, activity_id=day.activity.id,
                                     photo_root=photos.photo_root(staff_settings)))  # fmt: skip
    assert "书记甲" not in text
    assert "书*" in text
    with pytest.raises(Forbidden):
        export.activity_pdf(session, account=account("editor", "QD.D2"), actor=ACTOR, activity_id=day.activity.id,
                            photo_root=photos.photo_root(staff_settings))  # fmt: skip


def test_the_year_export(session: Session, staff_settings: Settings) -> None:
    day = _held(session)
    exported = export.year_export(session, account=ADMIN, actor=ACTOR, branch_code=day.tree.branch.code, year=2026,
                                  on=ON, photo_root=photos.photo_root(staff_settings))  # fmt: skip
    assert [d.activity.id for d in exported.days] == [day.activity.id]
    text = _text(export.year_pdf(exported))
    assert "2026 年组织生活记录" in text
    assert "主题党日一览" in text
    assert "2/3" in text
    archive = zipfile.ZipFile(io.BytesIO(export.year_zip(exported)))
    folder = f"{day.tree.branch.code}-2026/"
    assert sorted(archive.namelist()) == sorted(folder + n for n in (
        "2026年组织生活记录.pdf", "主题党日.csv", "签到与请假.csv", "组织生活日历.csv"))  # fmt: skip
    days = list(csv.reader(io.StringIO(archive.read(folder + "主题党日.csv").decode("utf-8-sig"))))
    assert days[0][:3] == ["编号", "时间", "主题"]
    assert days[1][2] == "学习贯彻党的二十届三中全会精神"
    assert days[1][8:11] == ["3", "2", "1"]
    people = list(csv.reader(io.StringIO(archive.read(folder + "签到与请假.csv").decode("utf-8-sig"))))
    assert sorted(row[3] for row in people[1:]) == ["已签到", "已签到", "未签到"]
    calendar = list(csv.reader(io.StringIO(archive.read(folder + "组织生活日历.csv").decode("utf-8-sig"))))
    assert ["主题党日", "2026-07", "1", "1", "已完成"] in calendar
    assert ["主题党日", "2026-06", "0", "1", "逾期"] in calendar
    with pytest.raises(RequestInvalid):
        export.year_export(session, account=ADMIN, actor=ACTOR, branch_code="QD.D1", year=2026, on=ON,
                           photo_root=photos.photo_root(staff_settings))  # fmt: skip
    audit = session.scalars(select(AuditEntry.action).where(AuditEntry.action == "party.record.year")).all()
    assert audit == ["party.record.year"]


def test_a_formula_in_the_theme_is_text_in_the_csv(session: Session, staff_settings: Settings) -> None:
    day = _held(session)
    exported = export.year_export(session, account=ADMIN, actor=ACTOR, branch_code=day.tree.branch.code, year=2026,
                                  on=ON, photo_root=photos.photo_root(staff_settings))  # fmt: skip
    exported.days[0].activity.theme = '=HYPERLINK("x")'
    table = export.year_tables(exported)["主题党日.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK" in table
