"""Fixtures shared by the service-map page, map and feedback tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.builders import load_dataset
from tests.conftest import PG_ADMIN_URL
from tests.service_map.pages_data import make_pages_dataset


def _load_pages_dataset(url: str) -> str:
    return load_dataset(url, make_pages_dataset())


@pytest.fixture
def pages_db(migrated_db_url: str) -> str:
    """A fresh database holding the page tests' dataset (with hostile text), private to one test."""
    return _load_pages_dataset(migrated_db_url)


@pytest.fixture(scope="module")
def pages_db_readonly(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same dataset shared by a module's tests that only read (one database per module and backend)."""
    if db_url.startswith("sqlite"):
        yield _load_pages_dataset(f"sqlite:///{Path(tmp_path_factory.mktemp('pages')) / 'pages.db'}")
        return
    name = f"cityservices_pages_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield _load_pages_dataset(make_url(db_url).set(database=name).render_as_string(hide_password=False))
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
