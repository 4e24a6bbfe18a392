"""Our CSV/JSON Lines layout: round trip through the database, and rejection of malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cityservices.service_map.interchange.dataset import ImportFailed
from cityservices.service_map.interchange.dump import dump_dataset
from cityservices.service_map.interchange.native import read_dataset, write_dataset
from cityservices.service_map.interchange.records import HsdsExtraRecord
from cityservices.service_map.interchange.store import import_dataset
from tests.builders import make_dataset


def test_dataset_round_trips_through_files_and_database(session: Session, tmp_path: Path) -> None:
    original = make_dataset()
    import_dataset(session, original, mode="replace")
    write_dataset(dump_dataset(session), tmp_path / "out", name="t", created="2026-11-29")

    reread, issues = read_dataset(tmp_path / "out")
    assert issues == []
    import_dataset(session, reread, mode="replace")
    again = dump_dataset(session)

    for kind in original.counts():
        key = lambda r: r.model_dump_json()  # noqa: E731
        assert sorted(map(key, again.records(kind))) == sorted(map(key, original.records(kind))), kind


def test_hsds_extras_round_trip_and_are_only_written_when_present(session: Session, tmp_path: Path) -> None:
    plain = make_dataset()
    write_dataset(plain, tmp_path / "plain", name="t", created="2026-12-07")
    assert not (tmp_path / "plain" / "hsds_extras.jsonl").exists()

    original = make_dataset()
    original.hsds_extras = [
        HsdsExtraRecord(
            kind="venue", key="V370202001", fields={"alternate_name": "便民中心", "languages": [{"name": "英语"}]}
        ),
        HsdsExtraRecord(kind="item", key="QD-RS-0001", fields={"minimum_age": 16}),
    ]
    import_dataset(session, original, mode="replace")
    write_dataset(dump_dataset(session), tmp_path / "out", name="t", created="2026-12-07")
    reread, issues = read_dataset(tmp_path / "out")

    assert issues == []
    assert sorted(r.model_dump_json() for r in reread.hsds_extras) == sorted(
        r.model_dump_json() for r in original.hsds_extras
    )


def test_duplicate_hsds_extra_is_refused(session: Session) -> None:
    dataset = make_dataset()
    extra = HsdsExtraRecord(kind="item", key="QD-RS-0001", fields={"a": 1})
    dataset.hsds_extras = [extra, extra.model_copy()]
    with pytest.raises(ImportFailed) as failure:
        import_dataset(session, dataset, mode="replace")
    assert [(i.field, i.message) for i in failure.value.issues] == [("kind,key", "重复的键 ('item', 'QD-RS-0001')")]


def test_stale_hsds_extra_of_a_deleted_record_is_replaced(session: Session) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    stale = make_dataset()
    stale.divisions, stale.boundaries, stale.departments, stale.items, stale.implementations = [], [], [], [], []
    stale.venues, stale.venue_items, stale.guides, stale.bundles, stale.pois = [], [], [], [], []
    stale.hsds_extras = [HsdsExtraRecord(kind="venue", key="V-GONE", fields={"old": 1})]
    import_dataset(session, stale, mode="insert")  # an extra whose venue is no longer stored
    stale.hsds_extras = [HsdsExtraRecord(kind="venue", key="V-GONE", fields={"new": 2})]

    import_dataset(session, stale, mode="insert")

    assert [(e.key, e.fields) for e in dump_dataset(session).hsds_extras] == [("V-GONE", {"new": 2})]
