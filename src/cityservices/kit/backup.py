"""Backup and restore of a SQLite database with SQLite's online backup API (safe while the app runs).

PostgreSQL deployments use pg_dump / pg_restore instead (docs/operations.md); ``pg_commands`` gives them.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from cityservices.errors import Conflict, RuleViolation
from cityservices.kit.private_files import create_private_file

PAGES_PER_STEP = 1024


class NotSqlite(RuleViolation):
    status_code = 400
    code = "not_sqlite"


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL, or None for any other database (or an in-memory one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def pg_commands(database_url: str, path: Path) -> tuple[str, str]:
    """The pg_dump and pg_restore commands for a PostgreSQL URL. The password is left out: give it in
    ``PGPASSWORD`` or ``~/.pgpass``."""
    given = make_url(database_url)
    url = URL.create("postgresql", username=given.username, host=given.host, port=given.port,
                     database=given.database, query=given.query)  # fmt: skip
    plain = url.render_as_string(hide_password=False)
    dump = f"pg_dump --format=custom --no-owner --file '{path}' '{plain}'"
    restore = f"pg_restore --clean --if-exists --no-owner --single-transaction --dbname '{plain}' '{path}'"
    return dump, restore


def backup_sqlite(database: Path, target: Path) -> None:
    """Copy ``database`` to a new file ``target`` page by page, consistently, while others may write to it."""
    if target.exists():
        raise Conflict(f"备份文件已存在: {target}")
    if not database.exists():
        raise RuleViolation(f"数据库文件不存在: {database}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)  # 0600: a backup holds every record, personal data included
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=PAGES_PER_STEP)
        _check(copy, partial)
    finally:
        copy.close()
        source.close()
    os.replace(partial, target)


def restore_sqlite(backup: Path, database: Path) -> None:
    """Replace the contents of ``database`` with those of ``backup`` (checked first), in one step."""
    if not backup.exists():
        raise RuleViolation(f"备份文件不存在: {backup}")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        _check(source, backup)
        if source.execute("SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0] != 1:
            raise RuleViolation(f"{backup} 不是 cityservices 数据库的备份")
        create_private_file(database)
        target = sqlite3.connect(database)
        try:
            target.execute("PRAGMA busy_timeout=10000")
            source.backup(target, pages=PAGES_PER_STEP)
        finally:
            target.close()
    finally:
        source.close()


def _check(connection: sqlite3.Connection, path: Path) -> None:
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise RuleViolation(f"{path} 不是有效的 SQLite 数据库: {exc}") from None
    if result != "ok":
        raise RuleViolation(f"{path} 完整性检查未通过: {result}")
