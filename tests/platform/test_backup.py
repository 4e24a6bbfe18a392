"""``cityservices backup`` / ``restore`` (SQLite online backup API) and the documented pg_dump / pg_restore."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import Engine, make_url

from cityservices.auth.models import StaffAccount
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.kit.audit import Actor
from cityservices.kit.backup import pg_commands
from cityservices.models import metadata
from cityservices.platform.migrate import upgrade_to_head
from cityservices.service_map.catalogue.models import Feedback, Venue
from cityservices.service_map.editing.service import load_record, save_record
from tests.conftest import PG_ADMIN_URL
from tests.service_map.editing.helpers import SHINAN_VENUE, seed
from tests.test_cli import run_cli_in_process


def _cli(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli_in_process(url, *args, cwd=cwd)


def _populate(engine: Engine) -> None:
    """The seed data plus a staff edit (versions and audit rows)."""
    upgrade_to_head(engine)
    with session_scope(make_session_factory(engine)) as session:
        seed(session)
    with session_scope(make_session_factory(engine)) as session:
        editor = session.scalar(select(StaffAccount).where(StaffAccount.username == "editor"))
        assert editor is not None
        record, version = load_record(session, kind="venue", key=SHINAN_VENUE)
        save_record(session, kind="venue", key=SHINAN_VENUE, data={**record, "description": "备份前的修改"},
                    account=editor, actor=Actor(editor.id, editor.username), base_version=version)  # fmt: skip


def all_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and the migration version), in primary-key order."""
    with engine.connect() as connection:
        rows = {
            table.name: [tuple(r) for r in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for table in metadata.sorted_tables
        }
        rows["alembic_version"] = [
            tuple(r) for r in connection.execute(text("SELECT version_num FROM alembic_version"))
        ]
    rows["audit_log"] = [r for r in rows["audit_log"] if not str(r[4]).startswith("database.")]
    return rows


def test_backup_and_restore_give_back_every_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(url)
    _populate(engine)
    before = all_rows(engine)
    assert sum(len(rows) for rows in before.values()) > 30
    backup = tmp_path / "backups" / "cityservices.db"
    done = _cli(url, tmp_path, "backup", str(backup))
    assert done.returncode == 0, done.stderr
    assert _cli(url, tmp_path, "backup", str(backup)).returncode == 2  # never overwrites a backup
    with engine.begin() as connection:  # later changes, which the restore must undo
        connection.execute(update(Venue).values(name="恢复前被改掉的名称"))
        connection.execute(Feedback.__table__.delete())
    assert all_rows(engine) != before
    done = _cli(url, tmp_path, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    after = all_rows(engine)
    for table, rows in before.items():
        assert after[table] == rows, table
    engine.dispose()


def test_restore_into_a_new_database_file(tmp_path: Path) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    _populate(source)
    backup = tmp_path / "a.backup"
    assert _cli(f"sqlite:///{tmp_path / 'a.db'}", tmp_path, "backup", str(backup)).returncode == 0
    target_url = f"sqlite:///{tmp_path / 'restored' / 'b.db'}"
    done = _cli(target_url, tmp_path, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    target = make_engine(target_url)
    assert all_rows(target) == all_rows(source)
    source.dispose()
    target.dispose()


def test_restore_refuses_files_that_are_not_backups(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    done = _cli(url, tmp_path, "restore", str(junk), "--yes")
    assert done.returncode == 2
    assert "SQLite" in done.stderr
    assert _cli(url, tmp_path, "restore", str(tmp_path / "missing.db"), "--yes").returncode == 2


def test_postgresql_deployments_are_pointed_to_pg_dump(tmp_path: Path) -> None:
    done = _cli("postgresql+psycopg://app:s3cret@db.example:5432/cityservices", tmp_path, "backup", "x.dump")
    assert done.returncode == 2
    assert "pg_dump --format=custom" in done.stderr
    assert "s3cret" not in done.stderr


@pytest.mark.postgres
def test_the_documented_pg_dump_and_pg_restore_give_back_every_row(pg_url: str, tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    names = [f"cityservices_bk_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    urls = [make_url(pg_url).set(database=name).render_as_string(hide_password=False) for name in names]
    try:
        source, target = make_engine(urls[0]), make_engine(urls[1])
        _populate(source)
        dump_file = tmp_path / "cityservices.dump"
        dump, _ = pg_commands(urls[0], dump_file)
        _, restore = pg_commands(urls[1], dump_file)
        for command in (dump, restore):
            done = subprocess.run(command, shell=True, capture_output=True, text=True, check=False, timeout=300)
            assert done.returncode == 0, done.stderr
        assert all_rows(target) == all_rows(source)
        source.dispose()
        target.dispose()
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
