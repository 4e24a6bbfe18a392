"""Platform commands ``backup`` and ``restore``: the whole database, every domain's tables (registered on the
main CLI by ``cityservices.cli``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cityservices.config import get_settings
from cityservices.errors import RuleViolation

console = Console(stderr=True)


def backup(path: Annotated[Path, typer.Argument(help="备份文件 (不能已存在)")]) -> None:
    """在线备份 SQLite 数据库 (服务运行时也可执行)；PostgreSQL 请用 pg_dump。"""
    from cityservices.kit.backup import NotSqlite, backup_sqlite, pg_commands, sqlite_path

    settings = get_settings()
    database = sqlite_path(settings.database_url)
    if database is None:
        dump, _ = pg_commands(settings.database_url, path)
        raise NotSqlite(f"当前数据库不是 SQLite 文件，请用 pg_dump 备份 (见 docs/operations.md):\n  {dump}")
    backup_sqlite(database, path)
    _audit("backup", str(path))
    console.print(f"已备份到 {path}")


def restore(
    path: Annotated[Path, typer.Argument(help="由 backup 生成的备份文件")],
    yes: Annotated[bool, typer.Option("--yes", help="不再确认")] = False,
) -> None:
    """用备份替换 SQLite 数据库的全部内容，然后升级到最新结构；PostgreSQL 请用 pg_restore。"""
    from cityservices.kit.backup import NotSqlite, pg_commands, restore_sqlite, sqlite_path

    settings = get_settings()
    database = sqlite_path(settings.database_url)
    if database is None:
        _, command = pg_commands(settings.database_url, path)
        raise NotSqlite(f"当前数据库不是 SQLite 文件，请用 pg_restore 恢复 (见 docs/operations.md):\n  {command}")
    if not yes and not typer.confirm(f"将用 {path} 替换 {database} 的全部数据，确定吗?"):
        raise RuleViolation("已取消")
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    restore_sqlite(path, database)
    upgrade_to_head(make_runtime(settings).engine)
    _audit("restore", str(path))
    console.print(f"已从 {path} 恢复")


def _audit(action: str, path: str) -> None:
    from cityservices.db import session_scope
    from cityservices.kit.audit import Actor, record_audit
    from cityservices.platform.runtime import make_runtime

    runtime = make_runtime(get_settings())
    with session_scope(runtime.sessions) as session:
        record_audit(session, actor=Actor(id=None, name="cli"), action=f"database.{action}", detail={"path": path})


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
