"""Consumables from a supplied file, and the bundled demo file (invented codes, clearly marked) that exercises the
consumables queries: loading replaces the stored rows, a bad row names its row and field and writes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cityservices.insurance.catalogue import DEMO_CONSUMABLES
from cityservices.insurance.catalogue.service import (
    CatalogueInvalid,
    catalogue_stats,
    load_consumables,
    same_consumable_class,
)
from tests.insurance.catalogue.test_cli import run


def test_the_demo_file_is_marked_and_valid() -> None:
    with DEMO_CONSUMABLES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    for row in rows:
        assert row["name"].startswith("演示耗材：")
        assert row["source"].startswith("演示数据")
        assert row["code"].startswith("C99")
        assert "DEMO" in row["code"]


def test_load_the_demo_file_and_query_a_class(session: Session) -> None:
    assert load_consumables(session, DEMO_CONSUMABLES) == 10
    assert catalogue_stats(session)["consumables"] == 10
    same = same_consumable_class(session, "C9903010100000190002DEMO002", limit=10)
    assert same.total == 3  # three invented makers of the same invented infusion set
    assert {item.maker_name for item in same.items} == {"演示生产企业甲", "演示生产企业乙", "演示生产企业丙"}
    assert load_consumables(session, DEMO_CONSUMABLES) == 10  # replaces, does not add


def test_a_bad_supplied_file_names_the_row_and_writes_nothing(session: Session, tmp_path: Path) -> None:
    load_consumables(session, DEMO_CONSUMABLES)
    bad = tmp_path / "consumables.csv"
    lines = DEMO_CONSUMABLES.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("90001", "9000X", 1)
    bad.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CatalogueInvalid) as caught:
        load_consumables(session, bad)
    assert "consumables.csv 第 2 行" in str(caught.value)
    assert "maker_code" in str(caught.value)
    assert catalogue_stats(session)["consumables"] == 10
    with pytest.raises(CatalogueInvalid):
        load_consumables(session, tmp_path / "missing.csv")


def test_the_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'consumables.db'}"
    loaded = run(url, "insurance", "catalogue", "load-consumables")
    assert loaded.returncode == 0, loaded.stderr
    assert "已载入耗材 10 条（演示数据" in loaded.stderr
    assert run(url, "insurance", "catalogue", "load-consumables", str(tmp_path / "none.csv")).returncode == 2
