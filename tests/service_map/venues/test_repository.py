"""The venue queries: a district's venues in level order, items per venue, a venue's items (core first, the
filter taken literally), one venue with everything its detail needs loaded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.service_map.venues import repository as repo
from tests.builders import load_dataset
from tests.service_map.catalog_data import ALL_VENUES, SHINAN_VENUES, make_catalog_dataset


@pytest.fixture
def session(migrated_db_url: str) -> Iterator[Session]:
    engine = make_engine(load_dataset(migrated_db_url, make_catalog_dataset()))
    with session_scope(make_session_factory(engine)) as db_session:
        yield db_session
    engine.dispose()


def test_venue_queries(session: Session) -> None:
    shinan = repo.list_venues(session, level=None, district="370202")
    assert [v.id for v in shinan] == SHINAN_VENUES  # the district's own venue first, then its streets
    assert [v.id for v in repo.list_venues(session, level="street", district="370202")] == SHINAN_VENUES[1:]

    expected = Counter(vi.venue_id for vi in make_catalog_dataset().venue_items)
    assert repo.count_items_per_venue(session, ALL_VENUES) == dict(expected)

    rows, total = repo.list_venue_items(session, "V3702", text="", limit=10, offset=0)
    assert [(r.code, r.is_core, r.window_number) for r in rows] == [
        ("QD-GA-0001", True, "8"),
        ("QD-SC-0001", False, "8"),
    ]
    assert total == 2
    assert repo.list_venue_items(session, "V3702", text="%", limit=10, offset=0) == ([], 0)
    rows, total = repo.list_venue_items(session, "V3702", text="营业执照_", limit=10, offset=0)
    assert ([r.code for r in rows], total) == (["QD-SC-0001"], 1)

    venue = repo.get_venue_detail(session, "V370203")
    assert venue is not None
    assert [e.note for e in venue.exceptions] == ["周日加班"]
    assert [d.code for d in venue.departments] == ["370203-GA"]
    assert venue.intervals
    assert repo.get_venue_detail(session, "V0") is None
