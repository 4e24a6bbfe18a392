"""Fixtures shared by the service-map page, map and feedback tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import load_dataset
from tests.conftest import migrated_copy
from tests.service_map.pages_data import make_pages_dataset


def _load_pages_dataset(url: str) -> str:
    return load_dataset(url, make_pages_dataset())


@pytest.fixture
def pages_db(migrated_db_url: str) -> str:
    """A fresh database holding the page tests' dataset (with hostile text), private to one test."""
    return _load_pages_dataset(migrated_db_url)


@pytest.fixture(scope="module")
def pages_db_readonly(
    db_url: str, migrated_templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The same dataset shared by a module's tests that only read (one database per module and backend, copied
    from the migrated template)."""
    path = Path(tmp_path_factory.mktemp("pages")) / "pages.db"
    for url in migrated_copy(db_url, path, migrated_templates, tmp_path_factory, "cityservices_pages"):
        yield _load_pages_dataset(url)
