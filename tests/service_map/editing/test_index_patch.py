"""A staff edit patches the search index instead of rebuilding it: a venue edit leaves it alone, a guide edit
replaces one item's entry, a renamed item is found at once; what a patch gives matches a full rebuild."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.platform.indexes import RECORD_SCOPE, RebuiltOnChange, RecordChange
from cityservices.service_map.search.cache import new_search_index_cache
from cityservices.service_map.search.engine import SearchIndex, build_search_index
from cityservices.service_map.search.patch import patch_search_index
from tests.service_map.editing.helpers import SHINAN_VENUE, current_version, login


def _save(client: TestClient, token: str, path: str, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    record = client.get(path).json()["record"]
    body = {"record": change(record), "base_version": current_version(client, path)}
    response = client.put(path, json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text


TOPIC = "test.search_patch"


def _watched(db: Session) -> tuple[RebuiltOnChange[SearchIndex], list[int]]:
    """A search index cache as the app keeps one (``search.cache``), on the test's session, builds counted."""
    builds: list[int] = []

    def counting(session: Session) -> SearchIndex:
        builds.append(1)
        return build_search_index(session)

    cache = RebuiltOnChange(counting, name="search", topics=(TOPIC,), ttl_s=3600, patch=patch_search_index)
    cache.get(db)
    return cache, builds


def _announce(kind: str, key: str) -> None:
    """What a staff save publishes after its commit (``editing.service``), on this test's topic."""
    events.deliver(TOPIC, {"kind": kind, "key": key, "version": 9, "scope": RECORD_SCOPE})


def test_the_app_patches_its_search_index() -> None:
    assert new_search_index_cache().patch is patch_search_index


def test_a_venue_edit_leaves_the_search_index_alone(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    cache, builds = _watched(db)
    before = cache.get(db)
    _save(client, token, f"/api/staff/venues/{SHINAN_VENUE}", lambda r: {**r, "name": "改名后的中心"})
    _announce("venue", SHINAN_VENUE)
    assert cache.get(db) is before
    assert builds == [1]  # the first build only


def test_a_guide_edit_is_patched_into_the_index_without_a_rebuild(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    cache, builds = _watched(db)
    before = cache.get(db)
    position = before.by_code["QD-RS-0001"]
    old = before.items[position].guide
    new_days = (old.promised_time_limit_days if old and old.promised_time_limit_days else 0) + 7
    _save(client, token, "/api/staff/guides/QD-RS-0001", lambda r: {**r, "promised_time_limit_days": new_days})
    _announce("guide", "QD-RS-0001")
    after = cache.get(db)
    assert builds == [1]  # patched, not rebuilt
    assert after is not before
    assert after.lexical is before.lexical  # the words did not change: the BM25 indexes are shared
    guide = after.items[position].guide
    assert guide is not None
    assert guide.promised_time_limit_days == new_days
    assert before.items[position].guide == old  # the old copy is left as it was
    hit = next(h for h in after.search(after.items[position].name).items if h.code == "QD-RS-0001")
    assert hit.guide is not None
    assert hit.guide.promised_time_limit_days == new_days


def test_an_edited_item_is_visible_at_once_then_rebuilt(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    cache, builds = _watched(db)
    _save(client, token, "/api/staff/items/QD-RS-0002", lambda r: {**r, "aliases": ["蓝鲸号码牌"]})
    _announce("item", "QD-RS-0002")
    # The patched copy answers; being approximate it is rebuilt right after (here on the test's own connection, in
    # the caller's thread; with an engine, in the background while the patched copy answers).
    assert any(h.code == "QD-RS-0002" for h in cache.get(db).search("蓝鲸号码牌").items)
    assert builds == [1, 1]


def test_a_renamed_item_is_patched_like_a_rebuild_would_index_it(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    before = build_search_index(db)
    assert all(h.code != "QD-RS-0002" for h in before.search("蓝鲸号码牌").items)
    _save(client, token, "/api/staff/items/QD-RS-0002", lambda r: {**r, "aliases": ["蓝鲸号码牌"]})
    patched = patch_search_index(before, db, RecordChange("item", "QD-RS-0002"))
    assert patched is not None
    assert patched.exact is False  # corpus statistics moved: rebuilt in the background while it answers
    rebuilt = build_search_index(db)
    for query in ("蓝鲸号码牌", "失业保险金", "社保卡"):
        assert [h.code for h in patched.value.search(query).items][:3] == [h.code for h in rebuilt.search(query).items][
            :3
        ]
    assert all(h.code != "QD-RS-0002" for h in before.search("蓝鲸号码牌").items)  # the old copy is untouched


def test_creating_an_item_cannot_be_patched(db: Session) -> None:
    index = build_search_index(db)
    assert patch_search_index(index, db, RecordChange("item", "QD-NEW-0001")) is None  # rebuilt before answering
    unchanged = patch_search_index(index, db, RecordChange("venue", SHINAN_VENUE))
    assert unchanged is not None
    assert unchanged.value is index
