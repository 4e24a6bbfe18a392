"""search, search-batch and eval: in-process through Typer on a fresh database, plus one real process for the
exit code and message of a bad query (the ``main`` entry point)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cityservices.cli import app
from cityservices.config import get_settings
from cityservices.service_map.search.cli import BadInputFile
from tests.builders import load_dataset, make_dataset
from tests.test_cli import run_cli_in_process as run_cli

runner = CliRunner()


@pytest.fixture
def loaded_db(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    load_dataset(migrated_db_url, make_dataset())
    monkeypatch.setenv("CITYSERVICES_DATABASE_URL", migrated_db_url)
    get_settings.cache_clear()
    yield migrated_db_url
    get_settings.cache_clear()


def test_search_json_and_text(loaded_db: str) -> None:
    result = runner.invoke(app, ["search", "社保卡怎么办理", "--json", "--limit", "1"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [i["name"] for i in body["items"]] == ["社会保障卡申领"]
    assert body["no_match"] is False
    text = runner.invoke(app, ["search", "shebaoka"])
    assert text.exit_code == 0
    assert "社会保障卡申领" in text.stdout
    assert "拼音" in text.stdout
    none = runner.invoke(app, ["search", "附近的麦当劳"])
    assert "没有找到" in none.stdout


def test_bad_queries_get_a_message_and_exit_2(tmp_path: Path) -> None:
    # Refused before any database work (the other bad inputs are covered by test_normalize).
    db_url = f"sqlite:///{tmp_path / 'unused.db'}"
    for query in ("   ", "\x01\x02🙂"):
        result = run_cli(db_url, "search", query)
        assert result.returncode == 2
        assert "错误" in result.stderr
        assert "Traceback" not in result.stderr


def test_search_batch_keeps_input_order(loaded_db: str, tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [{"query": "失业金怎么领", "id": 1}, {"query": "明天下雨吗"}, {"query": "  "}, {"query": "社保卡"}]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["search-batch", str(source), str(target)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["query"] for r in rows] == [x["query"] for x in lines]
    first = rows[0]["results"][0]
    assert first == {"name": "失业保险金申领", "code": "QD-RS-0002", "score": first["score"]}
    assert rows[1]["no_match"] is True
    assert rows[1]["results"] == []
    assert rows[1]["bundle"] is None
    assert rows[2]["no_match"] is True
    assert "error" in rows[2]
    assert rows[3]["results"][0]["name"] == "社会保障卡申领"


def test_search_batch_refuses_a_malformed_file(loaded_db: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"query": "社保卡"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(app, ["search-batch", str(source), str(tmp_path / "out.jsonl")])
    assert isinstance(result.exception, BadInputFile)
    assert "in.jsonl:2" in result.exception.detail
    missing = runner.invoke(app, ["eval", str(tmp_path / "nope.jsonl")])
    assert isinstance(missing.exception, BadInputFile)


def test_eval_reports_the_metrics(loaded_db: str, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    rows = [
        {"query": "社保卡申请", "expected": ["社会保障卡申领"], "kind": "direct"},
        {"query": "领失业金", "expected": ["失业保险金申领"], "kind": "colloquial"},
        {"query": "附近有肯德基吗", "expected": [], "kind": "negative"},
    ]
    cases.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(cases), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["overall"]["top1"] == 1.0
    assert body["overall"]["no_match_recall"] == 1.0
    assert set(body["by_kind"]) == {"direct", "colloquial", "negative"}
    assert {"latency_ms_p50", "latency_ms_p95", "mrr", "no_match_precision"} <= set(body["overall"])
    text = runner.invoke(app, ["eval", str(cases)])
    assert text.exit_code == 0
    assert "top1" in text.stdout
