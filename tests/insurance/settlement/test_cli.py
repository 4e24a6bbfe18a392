"""``cityservices insurance estimate`` and ``reconcile``: the estimator's answer and bad input exiting 2."""

from __future__ import annotations

import json
import subprocess

from tests.test_cli import run_cli_in_process


def _cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli_in_process(db, "insurance", *args)


def test_estimate_and_reconcile(migrated_db_url: str) -> None:
    assert _cli(migrated_db_url, "rules", "load").returncode == 0
    answer = _cli(migrated_db_url, "estimate", "--psn-type", "1201", "--class-a", "8000", "--class-b", "3000", "--json")
    assert answer.returncode == 0, answer.stderr
    body = json.loads(answer.stdout)
    assert (body["hifp_pay"], body["psn_part_amt"]) == ("8910.00", "2090.00")
    text = _cli(migrated_db_url, "estimate", "--psn-type", "1201", "--class-a", "8000")
    assert "起付线" in text.stdout
    bad = _cli(migrated_db_url, "estimate", "--psn-type", "1201", "--class-a", "-1")
    assert bad.returncode == 2
    assert "--class-a" in bad.stderr
    assert _cli(migrated_db_url, "reconcile", "--day", "yesterday").returncode == 2
    empty = _cli(migrated_db_url, "reconcile", "--day", "2026-03-01", "--json")
    assert json.loads(empty.stdout)["institutions"] == []
