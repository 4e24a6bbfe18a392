"""Staff editing of rule rows: one row changed, a row added with a new validity period, validated and
overlap-checked as on load, the version required and checked (409 when stale), every version kept with its changed
fields, audited; over HTTP with If-Match, roles and the region limit; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.rules import repository
from cityservices.insurance.rules.schemas import DeductibleRule
from cityservices.insurance.rules.service import (
    BUNDLED_RULES,
    add_rule,
    edit_rule,
    load_rules,
    read_rule,
    read_rule_file,
    rule_book,
    rule_versions,
)
from cityservices.kit.audit import SYSTEM, Actor
from cityservices.kit.audit.repository import list_audit
from cityservices.kit.money import Money
from tests.service_map.editing.helpers import login

ROW = "ded-310-inp-l3-n1"  # 起付标准 of a first stay at a level-3 hospital, ¥800 from 2025-01-01, open-ended
KEY = ("310", "inpatient", "3", "1")
EDITOR = Actor(id=None, name="张编辑")
NEXT: dict[str, Any] = {
    "id": "ded-310-inp-l3-n1-2027",
    "table": "deductible",
    "insutype": "310",
    "med_kind": "inpatient",
    "hosp_lv": "3",
    "admission_from": 1,
    "per": "admission",
    "amount": "700",
    "valid_from": "2027-01-01",
    "verified": False,
    "source": "示例：下一年度的起付标准",
}


@pytest.fixture
def loaded(session: Session) -> Session:
    load_rules(session, read_rule_file(BUNDLED_RULES), actor=SYSTEM)
    return session


def test_edit_one_row_then_add_a_new_validity_period(loaded: Session) -> None:
    session = loaded
    assert read_rule(session, ROW).row_version == 1
    with pytest.raises(RequestInvalid) as missing:
        edit_rule(session, ROW, {"amount": "900"}, base_version=None, actor=EDITOR)
    assert missing.value.field == "base_version"

    edited = edit_rule(session, ROW, {"amount": "900"}, base_version=1, actor=EDITOR)
    assert (edited.row_version, edited.values["amount"]) == (2, "900.00")
    assert edited.version.startswith("edit-")
    assert rule_book(session).get(DeductibleRule, KEY, dt.date(2026, 6, 1)).amount == Money("900")
    with pytest.raises(Conflict):  # based on the version before the edit
        edit_rule(session, ROW, {"amount": "950"}, base_version=1, actor=EDITOR)

    with pytest.raises(RuleViolation, match="重叠"):  # the old row is still open-ended
        add_rule(session, NEXT, actor=EDITOR)
    assert read_rule(session, ROW).row_version == 2
    with pytest.raises(NotFound):
        read_rule(session, NEXT["id"])

    closed = edit_rule(session, ROW, {"valid_to": "2027-01-01"}, base_version=2, actor=EDITOR)
    assert closed.valid_to == dt.date(2027, 1, 1)
    added = add_rule(session, NEXT, actor=EDITOR)
    assert (added.row_version, added.values["amount"]) == (1, "700.00")
    book = rule_book(session)
    assert book.get(DeductibleRule, KEY, dt.date(2026, 12, 31)).amount == Money("900")
    assert book.get(DeductibleRule, KEY, dt.date(2027, 1, 1)).amount == Money("700")
    with pytest.raises(Conflict):
        add_rule(session, NEXT, actor=EDITOR)

    history = rule_versions(session, ROW)
    assert [(v.version, v.action) for v in history] == [(1, "load"), (2, "edit"), (3, "edit")]
    assert [(c.field, c.label, c.before, c.after) for c in history[1].changes] == [
        ("amount", "金额", "800.00", "900.00")
    ]
    assert [(c.field, c.before, c.after) for c in history[2].changes] == [("valid_to", "（空）", "2027-01-01")]
    assert history[2].changed_by == "张编辑"
    edits, _ = list_audit(session, action="insurance.rules.edit")
    assert [e.target_key for e in edits] == [ROW, ROW]
    adds, _ = list_audit(session, action="insurance.rules.add")
    assert [e.target_key for e in adds] == [NEXT["id"]]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "-1"}, "values.amount"),
        ({"amount": 1.5}, "values.amount"),
        ({"valid_to": "2020-01-01"}, "values"),  # before valid_from
        ({"id": "other"}, "values.id"),
        ({"table": "pool_ratio"}, "values.table"),
        ({"colour": "red"}, "values.colour"),
        ({}, "values"),
        ({"amount": "800"}, "values"),  # no change
    ],
)
def test_bad_edits_name_the_field_and_write_nothing(loaded: Session, values: dict[str, Any], field: str) -> None:
    with pytest.raises(RequestInvalid) as caught:
        edit_rule(loaded, ROW, values, base_version=1, actor=EDITOR)
    assert caught.value.field == field
    assert read_rule(loaded, ROW).row_version == 1
    assert [v.version for v in rule_versions(loaded, ROW)] == [1]


def test_a_key_change_into_another_rows_period_is_an_overlap(loaded: Session) -> None:
    with pytest.raises(RuleViolation):  # ded-310-inp-l3-n2 has this key already
        edit_rule(loaded, ROW, {"admission_from": 2}, base_version=1, actor=EDITOR)
    assert repository.rule_with_version(loaded, ROW) is not None
    assert read_rule(loaded, ROW).values["admission_from"] == 1


def test_reloading_a_changed_file_is_a_new_version_too(loaded: Session) -> None:
    parsed = read_rule_file(BUNDLED_RULES)
    changed = [r.model_copy(update={"amount": Money("850")}) if r.id == ROW else r for r in parsed.rules]
    load_rules(loaded, parsed.model_copy(update={"rules": changed, "version": "2026.2"}), actor=SYSTEM)
    assert read_rule(loaded, ROW).row_version == 2
    history = rule_versions(loaded, ROW)
    assert [v.action for v in history] == ["load", "load"]
    assert [(c.field, c.before, c.after) for c in history[1].changes] == [("amount", "800.00", "850.00")]


def test_editing_over_http(insurance_client: TestClient) -> None:
    path = f"/api/v1/insurance/rule-rows/{ROW}"
    assert insurance_client.get(path).status_code == 401
    viewer = login(insurance_client, "ins_viewer")
    read = insurance_client.get(path)
    assert read.status_code == 200, read.text
    assert read.headers["etag"] == '"1"'
    assert read.json()["body"]["amount"] == "800.00"
    denied = insurance_client.put(
        path, json={"values": {"amount": "900"}}, headers={"X-CSRF-Token": viewer, "If-Match": '"1"'}
    )
    assert denied.status_code == 403
    district = login(insurance_client, "ins_shinan")  # an editor limited to 市南区: rules are city-wide
    limited = insurance_client.put(
        path, json={"values": {"amount": "900"}}, headers={"X-CSRF-Token": district, "If-Match": '"1"'}
    )
    assert limited.status_code == 403

    token = login(insurance_client, "ins_admin")
    no_version = insurance_client.put(path, json={"values": {"amount": "900"}}, headers={"X-CSRF-Token": token})
    assert no_version.status_code == 422
    assert no_version.json()["detail"][0]["field"] == "base_version"
    saved = insurance_client.put(
        path, json={"values": {"amount": "900"}}, headers={"X-CSRF-Token": token, "If-Match": '"1"'}
    )
    assert saved.status_code == 200, saved.text
    assert (saved.headers["etag"], saved.json()["values"]["amount"]) == ('"2"', "900.00")
    stale = insurance_client.put(
        path, json={"values": {"amount": "950"}, "base_version": 1}, headers={"X-CSRF-Token": token}
    )
    assert stale.status_code == 409
    closed = insurance_client.put(
        path, json={"values": {"valid_to": "2027-01-01"}, "base_version": 2}, headers={"X-CSRF-Token": token}
    )
    assert closed.status_code == 200, closed.text
    added = insurance_client.post("/api/v1/insurance/rule-rows", json={"row": NEXT}, headers={"X-CSRF-Token": token})
    assert added.status_code == 201, added.text
    again = insurance_client.post("/api/v1/insurance/rule-rows", json={"row": NEXT}, headers={"X-CSRF-Token": token})
    assert again.status_code == 409
    history = insurance_client.get(f"{path}/versions").json()
    assert [(v["version"], v["action"]) for v in history] == [(1, "load"), (2, "edit"), (3, "edit")]
    assert history[1]["changes"][0] == {"field": "amount", "label": "金额", "before": "800.00", "after": "900.00"}
    public = insurance_client.get("/api/v1/insurance/rules", params={"table": "deductible", "on": "2027-03-01"}).json()
    assert {r["id"]: r["values"]["amount"] for r in public if r["values"]["hosp_lv"] == "3"}[NEXT["id"]] == "700.00"
    assert insurance_client.get("/api/v1/insurance/rule-rows/no-such-rule").status_code == 404
