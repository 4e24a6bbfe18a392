"""``cityservices party …`` run as an operator would, on a fresh database."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import run_cli_in_process as run_cli


@pytest.mark.slow
def test_party_commands(migrated_db_url: str) -> None:
    loaded = run_cli(migrated_db_url, "party", "load-demo")
    assert loaded.returncode == 0, loaded.stderr
    stats = json.loads(run_cli(migrated_db_url, "stats", "--json").stdout)
    assert stats["party_branches"] == 300
    assert stats["party_members"] >= 2000
    assert stats["party_activities"] >= 3000
    assert stats["party_resources"] == 48
    skipped = run_cli(migrated_db_url, "party", "load-demo", "--if-empty")
    assert "跳过" in skipped.stderr
    compliance = run_cli(migrated_db_url, "party", "compliance", "DEMO-QD", "--on", "2026-12-07")
    body = json.loads(compliance.stdout)
    assert body["branches"] == 300
    assert 0 < body["with_overdue"] < 150
    unknown = run_cli(migrated_db_url, "party", "compliance", "NOPE")
    assert unknown.returncode == 2
    assert "未找到党组织" in unknown.stderr
    rules = json.loads(run_cli(migrated_db_url, "party", "dues-rules").stdout)
    assert "2008" in rules["source"]
