"""Typed builders of small, valid datasets for tests."""

from __future__ import annotations

import datetime as dt
import os
import struct
import zlib
from typing import Any

import pytest

from cityservices.service_map.interchange.dataset import Dataset, Origin
from cityservices.service_map.interchange.records import (
    BoundaryRecord,
    BundleItemRef,
    BundleRecord,
    DepartmentRecord,
    DivisionRecord,
    GuideRecord,
    HoursException,
    ImplementationRecord,
    ItemRecord,
    PoiRecord,
    VenueItemRecord,
    VenueRecord,
)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.30, 36.05], [120.42, 36.05], [120.42, 36.10], [120.30, 36.10], [120.30, 36.05]]],
}
WEEK = {
    "mon": [("09:00", "12:00"), ("13:30", "17:00")],
    "tue": [("09:00", "17:00")],
    "wed": [("09:00", "17:00")],
    "thu": [("09:00", "17:00")],
    "fri": [("09:00", "17:00")],
    "sat": [("09:00", "12:00")],
    "sun": [],
}


def make_venue(venue_id: str = "V370202001", **overrides: Any) -> VenueRecord:
    data: dict[str, Any] = {
        "id": venue_id, "name": "香港中路街道便民服务中心", "level": "street", "division_code": "370202001",
        "address": "市南区香港中路 1 号", "postcode": "266071", "lat": 36.0676, "lng": 120.3854,
        "source_crs": "gcj02", "source_lat": 36.0679, "source_lng": 120.3905,
        "photos": [{"url": "/static/demo-photos/hall.svg", "caption": "大厅"}],
        "phones": [{"label": "咨询", "number": "0532-80000001"}],
        "hours": WEEK, "hours_note": "法定节假日休息",
        "hours_exceptions": [HoursException(date=dt.date(2027, 1, 1), intervals=[], note="元旦")],
        "windows": [{"number": "1", "name": "社保窗口", "department_code": "370202-RS"}],
        "departments": ["370202-RS"], "transport": "公交 26 路", "parking": {"spaces": 20, "free": True},
        "accessibility": ["无障碍通道"], "appointment_url": "https://zwfw.qingdao.example/yy/1",
        "kiosks": [{"kind": "综合自助终端", "count": 1}], "status": "open",
        "last_verified": dt.date(2026, 11, 1), "description": "街道便民服务中心", "website": "https://x.example",
        "demo_fields": ["address", "phones"],
    }  # fmt: skip
    data.update(overrides)
    return VenueRecord.model_validate(data)


def make_dataset() -> Dataset:
    """A small dataset with one of every kind of record, all references resolving."""
    d = Dataset(
        divisions=[
            DivisionRecord(code="3702", name="青岛市", level="city", parent_code="37"),
            DivisionRecord(code="370202", name="市南区", level="district", parent_code="3702"),
            DivisionRecord(code="370202001", name="香港中路街道", level="street", parent_code="370202"),
        ],
        boundaries=[BoundaryRecord(code="370202001", geometry=SQUARE, source="test square")],
        departments=[
            DepartmentRecord(code="3702-RS", name="青岛市人力资源和社会保障局", category="人社", division_code="3702"),
            DepartmentRecord(
                code="370202-RS", name="市南区人力资源和社会保障局", category="人社", division_code="370202"
            ),
        ],
        items=[
            ItemRecord(code="QD-RS-0001", name="社会保障卡申领", item_type="公共服务", applicant_type="个人",
                       department_code="3702-RS", category="人社", aliases=["社保卡办理"], is_core=True),
            ItemRecord(code="QD-RS-0002", name="失业保险金申领", item_type="行政给付", applicant_type="个人",
                       department_code="3702-RS", category="人社", basic_code="000000000001"),
        ],
        implementations=[
            ImplementationRecord(item_code="QD-RS-0001", level="street", department_code="3702-RS"),
            ImplementationRecord(item_code="QD-RS-0002", level="street", department_code="3702-RS",
                                 implementation_code="IMPL-1"),
        ],
        venues=[make_venue()],
        venue_items=[
            VenueItemRecord(venue_id="V370202001", item_code="QD-RS-0001", level="street", window_number="1"),
            VenueItemRecord(venue_id="V370202001", item_code="QD-RS-0002", level="street"),
        ],
        guides=[
            GuideRecord(item_code="QD-RS-0001", version=1, is_current=True,
                        materials=[{"name": "居民身份证", "form": "原件", "copies": 1, "waivable": False}],
                        steps=[{"name": "受理", "description": "窗口受理"}], promised_time_limit_days=0,
                        time_limit_kind="即办件", fees=[], visits_to_site=1,
                        channels=[{"kind": "window", "name": "街道便民服务中心", "url": None}],
                        consult_phone="0532-12345", demo_fields=["steps"]),
            GuideRecord(item_code="QD-RS-0002", version=1, legal_time_limit_days=20),
        ],
        bundles=[
            BundleRecord(code="B-TEST", name="测试一件事", items=[
                BundleItemRef(position=1, item_code="QD-RS-0001"),
                BundleItemRef(position=2, item_code="QD-RS-0002", note="如失业"),
            ], demo_fields=["*"]),
        ],
        pois=[
            PoiRecord(id="P1", category="parking", name="香港中路停车场", lat=36.068, lng=120.386,
                      source_crs="wgs84", source_lat=36.068, source_lng=120.386,
                      details={"spaces": 50}, demo_fields=["*"]),
        ],
    )  # fmt: skip
    for kind in d.counts():
        d.origins[kind] = [Origin(kind, i + 1) for i in range(len(d.records(kind)))]
    return d


def load_dataset(url: str, dataset: Dataset) -> str:
    """Build the schema of the database at ``url`` by the migrations and store ``dataset`` in it (replacing)."""
    from cityservices.db import make_engine, make_session_factory, session_scope
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.service_map.interchange.store import import_dataset

    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(make_session_factory(engine)) as session:
        import_dataset(session, dataset, mode="replace")
    engine.dispose()
    return url


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a server a test starts)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def unavailable(reason: str) -> None:
    """A test whose prerequisite is missing: skipped on a developer's machine, failed under CI (``CI`` set), so
    that a check never silently stops running where it must run."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as a reader sees it (poppler's ``pdftotext``, which ``.ci/run`` installs)."""
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int) -> bytes:
    """A valid grayscale PNG of ``side``×``side`` black pixels: a few dozen KiB on disk that decode to side²
    bytes (a decompression bomb for the image-size limits)."""
    rows = (b"\0" * (side + 1)) * side
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    body = _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(rows, 9)) + _png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body
