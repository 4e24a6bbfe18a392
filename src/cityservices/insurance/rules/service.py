"""Rule tables: read a rule file, load it (overlaps refused, nothing written on any error), build the rule book.

Loading replaces rows with the same id and adds new ones; each load is a rule set (version) and an audit entry
listing the rows added and changed. Never commits.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, Forbidden, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.rules import repository
from cityservices.insurance.rules.book import RuleBook, find_overlaps, table_of
from cityservices.insurance.rules.models import InsuranceRule
from cityservices.insurance.rules.schemas import (
    TABLE_LABELS,
    RuleBase,
    RuleChangeRead,
    RuleEditRead,
    RuleFile,
    RuleRead,
    RuleRow,
    RuleVersionRead,
    rule_values,
)
from cityservices.insurance.vocabulary import EXAMPLE_MARK
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.platform.versioning import field_changes, require_current

BUNDLED_RULES: Final = Path(__file__).resolve().parents[4] / "data" / "qingdao" / "insurance" / "rules" / "rules.json"
_ROW: Final = TypeAdapter(RuleRow)


@dataclass(frozen=True)
class LoadReport:
    version: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: int


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in TABLE_LABELS:
            continue  # the discriminator's branch name, not a field
        else:
            path += f".{part}" if path else str(part)
    return path or "file"


def parse_rule_file(data: object) -> RuleFile:
    """Validate a rule file's JSON; errors name the row and field (``rules[3].amount``)."""
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RequestInvalid.of([(_field_path(err["loc"]), err["msg"]) for err in exc.errors()]) from None


def read_rule_file(path: Path) -> RuleFile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RequestInvalid("path", f"文件不存在: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestInvalid("path", f"不是有效的 UTF-8 JSON: {exc}") from None
    return parse_rule_file(data)


def _stored_rows(session: Session) -> dict[str, RuleBase]:
    return {row.rule_id: _ROW.validate_python(row.body) for row in repository.stored_rules(session)}


def load_rules(session: Session, rule_file: RuleFile, *, actor: Actor) -> LoadReport:
    """Merge the file's rows into the stored ones; refuse duplicate ids and overlapping validity."""
    seen: dict[str, int] = {}
    for index, row in enumerate(rule_file.rules):
        if row.id in seen:
            raise RequestInvalid(f"rules[{index}].id", f"规则编号 {row.id} 在文件中重复（另见 rules[{seen[row.id]}]）")
        seen[row.id] = index
    stored = _stored_rows(session)
    merged = {**stored, **{row.id: row for row in rule_file.rules}}
    overlaps = find_overlaps(merged.values())
    if overlaps:
        fields = [(f"rules[{seen.get(o.second.id, seen.get(o.first.id, 0))}].valid_from", str(o)) for o in overlaps]
        raise RuleViolation("; ".join(message for _, message in fields))
    added = tuple(row.id for row in rule_file.rules if row.id not in stored)
    changed = tuple(row.id for row in rule_file.rules if row.id in stored and stored[row.id] != row)
    rule_set = repository.add_rule_set(
        session,
        version=rule_file.version,
        region=rule_file.region,
        provenance=rule_file.provenance,
        loaded_at=utc_now(),
        loaded_by=actor.name,
        rows_added=len(added),
        rows_changed=len(changed),
    )
    now = utc_now()
    for row in rule_file.rules:
        if row.id in changed:
            stored_row = repository.update_rule(session, row.id, **_columns(row), rule_set_id=rule_set.id)
            _record_version(session, row, stored_row.version, "load", stored[row.id], actor=actor, at=now)
        elif row.id in added:
            repository.add_rule(session, rule_id=row.id, **_columns(row), rule_set_id=rule_set.id)
            _record_version(session, row, 1, "load", None, actor=actor, at=now)
    record_audit(
        session,
        actor=actor,
        action="insurance.rules.load",
        target_kind="rule_set",
        target_key=rule_file.version,
        detail={"added": list(added), "changed": list(changed)},
    )
    return LoadReport(rule_file.version, added, changed, len(rule_file.rules) - len(added) - len(changed))


def _columns(row: RuleBase) -> dict[str, object]:
    return {
        "table_name": table_of(type(row)),
        "key_text": "|".join(row.key),
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "verified": row.verified,
        "source": row.source,
        "body": row.model_dump(mode="json"),
    }


def rule_book(session: Session) -> RuleBook:
    """Every stored rule as an in-memory book for the settlement engine."""
    latest = repository.latest_rule_set(session)
    return RuleBook.of(_stored_rows(session).values(), version=latest.version if latest else "")


def list_rules(session: Session, *, table: str | None = None, on: dt.date | None = None) -> list[RuleRead]:
    if table is not None and table not in TABLE_LABELS:
        raise RequestInvalid("table", f"未知的规则表 {table}，可选: {', '.join(TABLE_LABELS)}")
    result = []
    for stored, version in repository.stored_rules_with_versions(session, table=table):
        row = _ROW.validate_python(stored.body)
        if on is not None and not row.covers(on):
            continue
        result.append(_rule_read(row, stored.table_name, version))
    return result


def _rule_read(row: RuleBase, table: str, version: str) -> RuleRead:
    return RuleRead(
        id=row.id,
        table=table,
        label=row.label,
        version=version,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        verified=row.verified,
        marking="已核实" if row.verified else EXAMPLE_MARK,
        source=row.source,
        values=rule_values(row),
    )


# Staff editing of single rows: the same validation and overlap checks as a load, a version number per row
# (If-Match / base_version required, 409 when stale), each version kept with its changed fields, and an audit row.

FIELD_LABELS: Final = {
    "amount": "金额", "ratio": "比例", "valid_from": "生效日期", "valid_to": "失效日期", "verified": "已核实",
    "source": "来源", "note": "说明", "deductible": "起付标准", "case_cap": "每次最高支付", "lower": "下限",
    "upper": "上限", "points": "降低幅度", "days": "天数", "hosp_lv": "医院等级", "insutype": "险种",
    "med_kind": "门诊/住院", "med_type": "医疗类别", "psn_group": "人员类别", "per": "计算方式",
    "admission_from": "自第几次住院", "fund_pay_type": "基金", "chrgitm_lv": "目录类别", "payer": "缴费方",
    "approximate": "约数", "kind": "类别", "scope": "范围", "case": "情形",
}  # fmt: skip


def _changes(before: RuleBase | None, after: RuleBase) -> list[dict[str, str]]:
    old = before.model_dump(mode="json") if before is not None else None
    return [change.as_dict() for change in field_changes(old, after.model_dump(mode="json"), FIELD_LABELS)]


def _record_version(
    session: Session,
    row: RuleBase,
    version: int,
    action: str,
    before: RuleBase | None,
    *,
    actor: Actor,
    at: dt.datetime,
) -> list[dict[str, str]]:
    changes = _changes(before, row)
    repository.add_version(
        session,
        rule_id=row.id,
        version=version,
        action=action,
        body=row.model_dump(mode="json"),
        changes=changes,
        changed_at=at,
        changed_by=actor.name,
    )
    return changes


def _validated(data: dict[str, object], prefix: str) -> RuleBase:
    try:
        return _ROW.validate_python(data)
    except ValidationError as exc:
        paths = [(_field_path(err["loc"]), err["msg"]) for err in exc.errors()]
        errors = [(prefix if path == "file" else f"{prefix}.{path}", message) for path, message in paths]
        raise RequestInvalid.of(errors) from None


def _refuse_overlaps(session: Session, row: RuleBase) -> None:
    merged = {**_stored_rows(session), row.id: row}
    mine = [o for o in find_overlaps(merged.values()) if row.id in (o.first.id, o.second.id)]
    if mine:
        raise RuleViolation("; ".join(str(o) for o in mine))


def _staff_rule_set(session: Session, *, actor: Actor, added: int, changed: int) -> int:
    """Every staff change is a rule set of its own, so that settlements name the rules they used."""
    number = repository.count_rule_sets(session) + 1
    rule_set = repository.add_rule_set(
        session,
        version=f"edit-{utc_now():%Y%m%d%H%M}-{number}",
        region="370200",
        provenance=f"工作人员 {actor.name} 在线编辑",
        loaded_at=utc_now(),
        loaded_by=actor.name,
        rows_added=added,
        rows_changed=changed,
    )
    return rule_set.id


def _edit_read(stored: InsuranceRule, version_name: str) -> RuleEditRead:
    row = _ROW.validate_python(stored.body)
    shown = _rule_read(row, stored.table_name, version_name)
    return RuleEditRead(**shown.model_dump(), row_version=stored.version, body=stored.body)


def require_rule_editor(region: str | None) -> None:
    """Rules apply to the whole insured region: staff limited to one district may not change them."""
    if region is not None:
        raise Forbidden("规则适用于全市，只有不限地区的工作人员可以修改")


def read_rule(session: Session, rule_id: str) -> RuleEditRead:
    found = repository.rule_with_version(session, rule_id)
    if found is None:
        raise NotFound(f"没有规则 {rule_id}")
    return _edit_read(*found)


def edit_rule(
    session: Session, rule_id: str, values: dict[str, object], *, base_version: int | None, actor: Actor
) -> RuleEditRead:
    """Change fields of one row (not its id or table); validated and overlap-checked as on load."""
    stored = repository.rule_for_update(session, rule_id)
    if stored is None:
        raise NotFound(f"没有规则 {rule_id}")
    stale = (
        f"规则 {rule_id} 已被他人修改（当前版本 {stored.version}，您依据的是版本 {base_version}），请重新打开后再修改"
    )
    require_current(base_version, stored.version, stale=stale)
    for fixed in ("id", "table"):
        if fixed in values and values[fixed] != stored.body.get(fixed):
            raise RequestInvalid(f"values.{fixed}", "规则编号和规则表不能修改；请新增一条规则")
    if not values:
        raise RequestInvalid("values", "没有要修改的字段")
    before = _ROW.validate_python(stored.body)
    row = _validated({**stored.body, **values}, "values")
    if row == before:
        raise RequestInvalid("values", "与当前内容相同，没有修改")
    _refuse_overlaps(session, row)
    rule_set_id = _staff_rule_set(session, actor=actor, added=0, changed=1)
    updated = repository.update_rule(session, rule_id, **_columns(row), rule_set_id=rule_set_id)
    changes = _record_version(session, row, updated.version, "edit", before, actor=actor, at=utc_now())
    record_audit(
        session,
        actor=actor,
        action="insurance.rules.edit",
        target_kind="rule",
        target_key=rule_id,
        detail={"version": updated.version, "changes": changes},
    )
    return read_rule(session, rule_id)


def add_rule(session: Session, data: dict[str, object], *, actor: Actor) -> RuleEditRead:
    """A new row (for instance the same key with a new validity period); its id must be new."""
    row = _validated(data, "row")
    if repository.rule_with_version(session, row.id) is not None:
        raise Conflict(f"规则编号 {row.id} 已存在")
    _refuse_overlaps(session, row)
    rule_set_id = _staff_rule_set(session, actor=actor, added=1, changed=0)
    repository.add_rule(session, rule_id=row.id, **_columns(row), rule_set_id=rule_set_id)
    changes = _record_version(session, row, 1, "add", None, actor=actor, at=utc_now())
    record_audit(
        session,
        actor=actor,
        action="insurance.rules.add",
        target_kind="rule",
        target_key=row.id,
        detail={"version": 1, "changes": changes},
    )
    return read_rule(session, row.id)


def rule_versions(session: Session, rule_id: str) -> list[RuleVersionRead]:
    """The row as it stood after each change, newest last, with the fields changed."""
    read_rule(session, rule_id)  # 404 for an unknown id
    return [
        RuleVersionRead(
            version=v.version,
            action=v.action,
            changed_at=v.changed_at,
            changed_by=v.changed_by,
            changes=[RuleChangeRead(**change) for change in v.changes],
            body=v.body,
        )
        for v in repository.versions(session, rule_id)
    ]
