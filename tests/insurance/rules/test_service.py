"""Loading rule files into the database: rows stored, changes versioned and audited, overlaps refused, nothing
written on error; the CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.errors import RequestInvalid, RuleViolation
from cityservices.insurance.rules import repository
from cityservices.insurance.rules.schemas import PoolRatioRule
from cityservices.insurance.rules.service import (
    BUNDLED_RULES,
    list_rules,
    load_rules,
    parse_rule_file,
    read_rule_file,
    rule_book,
)
from cityservices.kit.audit import SYSTEM
from cityservices.kit.audit.repository import list_audit
from cityservices.kit.money import Ratio
from tests.insurance.rules.test_book import pool_row, rule_file
from tests.test_cli import run_cli_in_process

ROOT = Path(__file__).resolve().parents[3]


def test_load_the_bundled_rules(session: Session) -> None:
    parsed = read_rule_file(BUNDLED_RULES)
    report = load_rules(session, parsed, actor=SYSTEM)
    assert len(report.added) == len(parsed.rules)
    again = load_rules(session, parsed, actor=SYSTEM)
    assert (again.added, again.changed, again.unchanged) == ((), (), len(parsed.rules))
    book = rule_book(session)
    assert book.version == parsed.version
    assert book.get(PoolRatioRule, ("310", "inpatient", "retired", "3"), dt.date(2026, 3, 1)).ratio == Ratio("0.90")
    listed = list_rules(session, table="contribution_rate")
    assert {r.id for r in listed} == {"contrib-310-employer", "contrib-310-employee"}
    assert all(r.marking == "已核实" for r in listed)
    assert any(r.marking == "示例参数，未经核实" for r in list_rules(session, table="pool_ratio"))


def test_a_new_version_changes_rows_and_is_audited(session: Session) -> None:
    load_rules(session, parse_rule_file(rule_file(pool_row("p", "0.85", "2024-01-01", "2025-01-01"))), actor=SYSTEM)
    changed = {**rule_file(pool_row("p", "0.86", "2024-01-01", "2025-01-01"), pool_row("q", "0.9", "2025-01-01"))}
    changed["version"] = "t2"
    report = load_rules(session, parse_rule_file(changed), actor=SYSTEM)
    assert report.changed == ("p",)
    assert report.added == ("q",)
    assert [r.version for r in list_rules(session, table="pool_ratio")] == ["t2", "t2"]
    entries, _total = list_audit(session, action="insurance.rules.load", limit=10)
    assert entries[0].detail == {"added": ["q"], "changed": ["p"]}


def test_overlap_with_stored_rows_writes_nothing(session: Session) -> None:
    load_rules(session, parse_rule_file(rule_file(pool_row("p", "0.85", "2024-01-01"))), actor=SYSTEM)
    before = repository.count_rules(session)
    with pytest.raises(RuleViolation, match="有效期重叠"):
        load_rules(session, parse_rule_file(rule_file(pool_row("q", "0.9", "2025-01-01"))), actor=SYSTEM)
    assert repository.count_rules(session) == before


def test_duplicate_ids_in_a_file_are_refused(session: Session) -> None:
    with pytest.raises(RequestInvalid, match="重复"):
        load_rules(
            session,
            parse_rule_file(
                rule_file(pool_row("p", "0.85", "2024-01-01", "2024-02-01"), pool_row("p", "0.9", "2025-01-01"))
            ),
            actor=SYSTEM,
        )


def test_unknown_table_filter_is_refused(session: Session) -> None:
    with pytest.raises(RequestInvalid, match="未知的规则表"):
        list_rules(session, table="nope")


def _cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli_in_process(db, "insurance", "rules", *args, cwd=ROOT)


def test_cli_loads_lists_and_refuses_bad_files(migrated_db_url: str, tmp_path: Path) -> None:
    loaded = _cli(migrated_db_url, "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "新增 81 条" in loaded.stderr
    listed = _cli(migrated_db_url, "list", "--table", "annual_cap", "--on", "2026-01-01", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {r["id"] for r in json.loads(listed.stdout)} >= {"cap-310100", "cap-330100"}
    bad: dict[str, Any] = rule_file({**pool_row("z", "0.9", "2024-01-01"), "ratio": "2"})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    refused = _cli(migrated_db_url, "load", str(path))
    assert refused.returncode == 2
    assert "rules[0].ratio" in refused.stderr
    overlapping = tmp_path / "overlap.json"
    overlapping.write_text(json.dumps(rule_file(pool_row("pool-x", "0.9", "2025-06-01"))), encoding="utf-8")
    overlap = _cli(migrated_db_url, "load", str(overlapping))
    assert overlap.returncode == 2
    assert "有效期重叠" in overlap.stderr
    assert _cli(migrated_db_url, "list", "--on", "someday").returncode == 2
