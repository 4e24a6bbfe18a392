"""One rule for the current guide: of the versions marked current, the highest, on the pages and in the API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.models import Guide, Item
from tests.builders import load_dataset, make_dataset

CODE = "QD-RS-0001"  # in bundle B-TEST; the dataset's version 1 of its guide is marked current
# (PostgreSQL returns an unordered query in storage order, so a rule left to chance shows version 3 there.)


def _add_versions(url: str) -> None:
    """Versions 4 and 3, both marked current too; version 3 is stored after version 4 (a higher id)."""
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        item_id = session.scalars(select(Item.id).where(Item.code == CODE)).one()
        for guide_id, version, days, demo, materials in (
            (900, 4, 7, "fees", ["第四版材料", "户口簿", "照片"]),
            (901, 3, 9, "steps", ["第三版材料"]),
        ):
            session.add(
                Guide(id=guide_id, item_id=item_id, version=version, is_current=True,
                      promised_time_limit_days=days, time_limit_kind="承诺件",
                      materials=[{"name": name} for name in materials], demo_fields=[demo])
            )  # fmt: skip
    engine.dispose()


@pytest.fixture
def several_current(migrated_db_url: str) -> str:
    url = load_dataset(migrated_db_url, make_dataset())
    _add_versions(url)
    return url


@pytest.fixture
def client(several_current: str) -> Iterator[TestClient]:
    settings = Settings(database_url=several_current, rate_limit_api_per_minute=0, cookie_secure=False)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_highest_version_marked_current_is_the_current_guide(several_current: str) -> None:
    engine = make_engine(several_current)
    with session_scope(make_session_factory(engine)) as session:
        item = repo.get_item(session, CODE)
        assert item is not None
        assert repo.current_guides(session, [item.id])[item.id].version == 4
        guide = repo.current_guide(session, item.id)
        assert guide is not None
        assert guide.version == 4
        assert repo.guide_demo_fields(session, [CODE]) == {CODE: ["fees"]}
    engine.dispose()


def test_pages_and_api_show_the_same_current_guide(client: TestClient) -> None:
    guide = client.get(f"/api/v1/items/{CODE}/guide").json()
    assert (guide["version"], guide["promised_time_limit_days"]) == (4, 7)
    assert client.get(f"/api/v1/items/{CODE}").json()["guide"]["version"] == 4
    member = client.get("/api/v1/bundles/B-TEST").json()["items"][0]
    assert (member["item"]["code"], member["guide"]["version"]) == (CODE, 4)

    item_page = client.get(f"/items/{CODE}").text
    assert "第四版材料" in item_page
    assert "第三版材料" not in item_page
    bundle_page = client.get("/bundles/B-TEST").text
    assert "承诺 7 个工作日" in bundle_page
    assert "材料 3 份" in bundle_page
    assert "承诺 9 个工作日" not in bundle_page
