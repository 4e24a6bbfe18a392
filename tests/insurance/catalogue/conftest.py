"""Fixtures: the bundled catalogue loaded into a database of each backend (once per module), with a few
consumables (a test file: no public consumables list is bundled)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.insurance.catalogue import CATALOGUE_DIR
from cityservices.insurance.catalogue.service import load_catalogue
from cityservices.platform.migrate import upgrade_to_head
from tests.conftest import migrated_copy

# 27-character codes made for the tests (three makers of one class, one of another class).
CONSUMABLES = """code,name,specification,maker_name,source
C0301010010000100001AB12345,测试一次性输液器 A,0.7mm,测试企业甲,测试数据
C0301010010000100002AB12346,测试一次性输液器 B,0.8mm,测试企业乙,测试数据
C0301010010000100003CD00001,测试一次性输液器 C,0.7mm,测试企业丙,测试数据
C0302020020100200001XY00001,测试导管,12F,测试企业甲,测试数据
"""


def catalogue_folder(tmp: Path, *, consumables: str | None = CONSUMABLES) -> Path:
    folder = tmp / "catalogue"
    shutil.copytree(CATALOGUE_DIR, folder)
    if consumables is not None:
        (folder / "consumables.csv").write_text(consumables, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def catalogue_db(
    db_url: str, migrated_templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of its own holding the bundled catalogue (read-only for the module's tests), copied from the
    migrated template."""
    tmp = tmp_path_factory.mktemp("insurance-catalogue")
    urls = migrated_copy(db_url, tmp / "catalogue.db", migrated_templates, tmp_path_factory, "cityservices_inscat")
    url = next(urls)
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(make_session_factory(engine)) as session:
        load_catalogue(session, catalogue_folder(tmp))
    engine.dispose()
    yield url
    for _ in urls:  # drops the PostgreSQL database
        pass
