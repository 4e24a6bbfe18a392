"""Commands ``create-admin``, ``unlock-account`` and ``reset-second-factor`` (registered on the main CLI by
``register``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from cityservices.config import get_settings

console = Console(stderr=True)


def create_admin(
    username: Annotated[str, typer.Argument(help="用户名 (3-64 个字母、数字、_ . -)")],
    display_name: Annotated[str, typer.Option("--display-name", help="姓名")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码 (第一行)")] = False,
) -> None:
    """创建管理员账户 (首个账户用它创建)。"""
    from cityservices.auth.service import create_account
    from cityservices.db import session_scope
    from cityservices.kit.audit import Actor
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    runtime = make_runtime(get_settings())
    upgrade_to_head(runtime.engine)
    with session_scope(runtime.sessions) as session:
        create_account(session, username=username, password=password, display_name=display_name or username,
                       role="admin", actor=Actor(id=None, name="cli"))  # fmt: skip
    console.print(f"已创建管理员账户 {username}")


def unlock(username: Annotated[str, typer.Argument(help="被锁定的用户名")]) -> None:
    """解除账户的登录锁定 (所有来源地址)。"""
    from cityservices.auth.service import unlock_account
    from cityservices.db import session_scope
    from cityservices.errors import NotFound
    from cityservices.kit.audit import Actor
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    runtime = make_runtime(get_settings())
    upgrade_to_head(runtime.engine)
    try:
        with session_scope(runtime.sessions) as session:
            removed = unlock_account(session, username=username, actor=Actor(id=None, name="cli"))
    except NotFound as exc:
        console.print(f"[red]{exc.detail}[/red]: {username}")
        raise typer.Exit(2) from None
    console.print(f"已解除 {username} 的登录锁定 (清除 {removed} 条计数)")


def reset_second_factor(username: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """关闭账户的动态验证码 (手机丢失且无其他管理员时在服务器上使用；结束其全部会话；记入审计日志)。"""
    from cityservices.auth import repository as repo
    from cityservices.auth.totp import reset_second_factor as reset
    from cityservices.db import session_scope
    from cityservices.kit.audit import Actor, record_audit
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    runtime = make_runtime(get_settings())
    upgrade_to_head(runtime.engine)
    with session_scope(runtime.sessions) as session:
        account = repo.get_account_by_username(session, username.strip())
        if account is None:
            console.print(f"[red]未找到该账户[/red]: {username}")
            raise typer.Exit(2)
        reset(account)
        repo.delete_sessions_of(session, account.id)
        record_audit(session, actor=Actor(id=None, name="cli"), action="account.totp.reset", target_kind="account",
                     target_key=account.username)  # fmt: skip
    console.print(f"已关闭 {username} 的动态验证码；该账户可凭密码登录后重新启用")


def register(app: typer.Typer) -> None:
    app.command("create-admin")(create_admin)
    app.command("unlock-account")(unlock)
    app.command("reset-second-factor")(reset_second_factor)
