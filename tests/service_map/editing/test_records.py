"""Record kinds: an edit looks up only the stored keys it refers to, and a missing one is a field error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.kit.audit import Actor
from cityservices.service_map.editing import service as svc
from cityservices.service_map.editing.records import KIND_NAMES, RECORD_KINDS, RecordInvalid, record_kind
from tests.service_map.editing.helpers import SHINAN_VENUE, seed

KEY_TABLES = re.compile(r"\bFROM (divisions|departments|items|item_implementations|venues)\b", re.IGNORECASE)


@pytest.fixture
def seeded(db: Session) -> Session:
    seed(db)
    db.flush()
    return db


@pytest.fixture
def statements(connection: Connection) -> Iterator[list[tuple[str, list[Any]]]]:
    """Every SQL statement run on the test's connection, with its parameters."""
    seen: list[tuple[str, list[Any]]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        values = list(parameters.values()) if isinstance(parameters, dict) else list(parameters or ())
        seen.append((" ".join(statement.split()), values))

    event.listen(connection, "before_cursor_execute", record)
    yield seen
    event.remove(connection, "before_cursor_execute", record)


def _save(session: Session, kind: str, key: str, change: dict[str, Any]) -> svc.SaveResult:
    admin = session.scalars(select(StaffAccount).where(StaffAccount.username == "admin")).one()
    record, version = svc.load_record(session, kind=kind, key=key)
    return svc.save_record(session, kind=kind, key=key, data={**record, **change}, account=admin,
                           actor=Actor(admin.id, "admin"), base_version=version)  # fmt: skip


def _lookups(statements: list[tuple[str, list[Any]]], table: str) -> list[set[Any]]:
    """The parameters of each ``table.code IN (...)`` / ``table.id IN (...)`` lookup."""
    pattern = re.compile(rf"FROM {table} WHERE {table}\.(code|id) IN", re.IGNORECASE)
    return [set(values) for sql, values in statements if pattern.search(sql)]


def _unfiltered(statements: list[tuple[str, list[Any]]]) -> list[str]:
    """Statements reading a whole key table (no WHERE): what loading every stored key looks like."""
    return [sql for sql, _ in statements if sql.upper().startswith("SELECT") and KEY_TABLES.search(sql)
            and " WHERE " not in sql.upper()]  # fmt: skip


def test_a_venue_edit_looks_up_only_the_keys_it_refers_to(
    seeded: Session, statements: list[tuple[str, list[Any]]]
) -> None:
    statements.clear()
    result = _save(seeded, "venue", SHINAN_VENUE, {"transport": "地铁 3 号线"})
    assert result.changed_fields == ["transport"]
    assert _unfiltered(statements) == []
    assert _lookups(statements, "divisions") == [{"370202001"}]
    assert _lookups(statements, "departments") == [{"370202-RS"}]
    assert _lookups(statements, "venues") == [{SHINAN_VENUE}]


def test_a_bundle_edit_looks_up_only_its_items_and_department(
    seeded: Session, statements: list[tuple[str, list[Any]]]
) -> None:
    statements.clear()
    _save(seeded, "bundle", "B-TEST", {"lead_department_code": "3702-RS", "name": "测试一件事（改）"})
    assert _unfiltered(statements) == []
    assert _lookups(statements, "departments") == [{"3702-RS"}]
    assert {"QD-RS-0001", "QD-RS-0002"} in _lookups(statements, "items")
    assert _lookups(statements, "divisions") == []


def test_a_new_venue_is_checked_without_loading_every_key(
    seeded: Session, statements: list[tuple[str, list[Any]]]
) -> None:
    admin = seeded.scalars(select(StaffAccount).where(StaffAccount.username == "admin")).one()
    data = {**svc.load_record(seeded, kind="venue", key=SHINAN_VENUE)[0], "id": "V370202099", "name": "新中心"}
    statements.clear()
    result = svc.save_record(seeded, kind="venue", key="V370202099", data=data, account=admin,
                             actor=Actor(admin.id, "admin"), base_version=0)  # fmt: skip
    assert result.version == 1
    assert _unfiltered(statements) == []


@pytest.mark.parametrize(
    ("kind", "key", "change", "issue"),
    [
        ("venue", SHINAN_VENUE, {"division_code": "370299999"}, ("division_code", "引用的区划 '370299999' 不存在")),
        (
            "venue",
            SHINAN_VENUE,
            {"departments": ["370202-RS", "NO-SUCH"]},
            ("departments", "引用的部门 'NO-SUCH' 不存在"),
        ),
        (
            "venue",
            SHINAN_VENUE,
            {"windows": [{"number": "9", "name": "窗口", "department_code": "NO-SUCH"}]},
            ("windows.department_code", "引用的部门 'NO-SUCH' 不存在"),
        ),
        ("item", "QD-RS-0001", {"department_code": "NO-SUCH"}, ("department_code", "引用的部门 'NO-SUCH' 不存在")),
        (
            "bundle",
            "B-TEST",
            {"lead_department_code": "NO-SUCH"},
            ("lead_department_code", "引用的部门 'NO-SUCH' 不存在"),
        ),
        (
            "bundle",
            "B-TEST",
            {
                "items": [
                    {"position": 1, "item_code": "QD-RS-0001", "note": ""},
                    {"position": 2, "item_code": "QD-NOPE"},
                ]
            },
            ("items.2.item_code", "引用的事项 'QD-NOPE' 不存在"),
        ),
    ],
)
def test_a_reference_to_a_missing_key_is_a_field_error(
    seeded: Session, kind: str, key: str, change: dict[str, Any], issue: tuple[str, str]
) -> None:
    with pytest.raises(RecordInvalid) as caught:
        _save(seeded, kind, key, change)
    assert caught.value.issues == [issue]


def test_every_kind_has_one_spec() -> None:
    assert list(RECORD_KINDS) == ["venue", "item", "guide", "bundle"]
    for kind, spec in RECORD_KINDS.items():
        assert record_kind(kind) is spec
        assert spec.kind == kind
        assert KIND_NAMES[kind] == spec.label
        assert spec.key_field in spec.record_type.model_fields


def test_a_bundle_edit_keeps_its_plan(seeded: Session) -> None:
    record, _ = svc.load_record(seeded, kind="bundle", key="B-TEST")
    items = [dict(i) for i in record["items"]]
    items[0] |= {"kind": "first", "produces": ["营业执照"]}
    items[1] |= {"kind": "if", "condition": "如失业"}
    _save(seeded, "bundle", "B-TEST", {"items": items})
    _save(seeded, "bundle", "B-TEST", {"name": "测试一件事（改名）"})  # an edit of another field
    saved = svc.load_record(seeded, kind="bundle", key="B-TEST")[0]["items"]
    assert [(i["kind"], i["produces"], i["condition"]) for i in saved] == [
        ("first", ["营业执照"], ""),
        ("if", [], "如失业"),
    ]
