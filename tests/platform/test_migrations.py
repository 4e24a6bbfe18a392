"""The schema is built by the migrations, and the migrations agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from cityservices.models import metadata
from cityservices.platform.migrate import is_up_to_date


def test_database_is_at_the_newest_migration(engine: Engine) -> None:
    assert is_up_to_date(engine)


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []
