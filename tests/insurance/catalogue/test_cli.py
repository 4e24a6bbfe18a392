"""``cityservices insurance catalogue load`` (progress, counts, bad rows → exit 2 naming row and field), stats,
search and eval."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.insurance.catalogue.conftest import catalogue_folder
from tests.test_cli import run_cli_in_process

QUERIES = Path(__file__).resolve().parents[2] / "data" / "insurance" / "catalogue_queries.tsv"


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli_in_process(url, *args)


def test_load_stats_search_and_a_bad_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    loaded = run(url, "insurance", "catalogue", "load")
    assert loaded.returncode == 0, loaded.stderr
    assert '"drugs": 3885' in loaded.stderr.replace("\n", "")
    stats = json.loads(run(url, "stats", "--json").stdout)
    assert stats["insurance"]["catalogue"]["drugs"] == 3885
    assert stats["insurance"]["catalogue"]["consumables"] == 0
    found = run(url, "insurance", "catalogue", "search", "降压药", "--json")
    assert json.loads(found.stdout)["understood"]["group"] == "降压药"
    bad = catalogue_folder(tmp_path, consumables=None)
    path = bad / "drug_catalog.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = lines[9].replace(",甲,", ",戊,", 1).replace(",乙,", ",戊,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    refused = run(url, "insurance", "catalogue", "load", str(bad))
    assert refused.returncode == 2
    assert "drug_catalog.csv 第 10 行 insurance_class" in refused.stderr
    assert "Traceback" not in refused.stderr
    evaluated = run(url, "insurance", "catalogue", "eval", str(QUERIES))
    assert evaluated.returncode == 0
    assert "全部" in evaluated.stdout
