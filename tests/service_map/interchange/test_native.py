"""Our CSV/JSON Lines layout: round trip through the database, and rejection of malformed input."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from cityservices.service_map.interchange.dump import dump_dataset
from cityservices.service_map.interchange.native import read_dataset, write_dataset
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
