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

from cityservices.errors import RequestInvalid, RuleViolation
from cityservices.insurance.rules import repository
from cityservices.insurance.rules.book import RuleBook, find_overlaps, table_of
from cityservices.insurance.rules.schemas import (
    TABLE_LABELS,
    RuleBase,
    RuleFile,
    RuleRead,
    RuleRow,
    rule_values,
)
from cityservices.insurance.vocabulary import EXAMPLE_MARK
from cityservices.kit.audit import Actor, record_audit, utc_now

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
    for row in rule_file.rules:
        if row.id in changed:
            repository.update_rule(session, row.id, **_columns(row), rule_set_id=rule_set.id)
        elif row.id in added:
            repository.add_rule(session, rule_id=row.id, **_columns(row), rule_set_id=rule_set.id)
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
        result.append(
            RuleRead(
                id=row.id,
                table=stored.table_name,
                label=row.label,
                version=version,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                verified=row.verified,
                marking="已核实" if row.verified else EXAMPLE_MARK,
                source=row.source,
                values=rule_values(row),
            )
        )
    return result
