"""Changing a colleague's account where it grants or removes power: the role, and the second factor (rules
only: no FastAPI, never commits). Both need a recent re-authentication (checked by the routes, ``auth.reauth``);
both keep at least one active administrator, locking the active admins before counting them so that two
administrators acting at once cannot both pass the check."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cityservices.auth import repository as repo
from cityservices.auth.models import ROLES, StaffAccount
from cityservices.auth.service import SignedIn
from cityservices.auth.totp import reset_second_factor
from cityservices.errors import NotFound, RuleViolation
from cityservices.kit.audit import record_audit


def _account(session: Session, account_id: int) -> StaffAccount:
    account = repo.get_account(session, account_id)
    if account is None:
        raise NotFound("未找到该账户")
    return account


def set_role(session: Session, *, account_id: int, role: str, by: SignedIn) -> StaffAccount:
    """Give an account another role; the last active administrator keeps theirs. Audited with the old role."""
    if role not in ROLES:
        raise RuleViolation(f"角色应为 {', '.join(ROLES)} 之一")
    account = _account(session, account_id)
    old = account.role
    if old == role:
        return account
    if old == "admin":
        repo.lock_active_admins(session)  # two admins demoting each other at once: the second waits, then counts
        session.refresh(account)
        if account.is_active and account.role == "admin" and repo.count_admins(session) <= 1:
            raise RuleViolation("不能取消最后一个管理员的管理员角色")
    account.role = role
    record_audit(session, actor=by.actor, action="account.role", target_kind="account", target_key=account.username,
                 detail={"from": old, "to": role})  # fmt: skip
    return account


def reset_colleague_second_factor(session: Session, *, account_id: int, by: SignedIn) -> StaffAccount:
    """Switch off a colleague's second factor (a lost phone): they sign in with their password alone and enrol
    again. Never one's own (that would let a session and a password alone strip the factor that protects them:
    one's own factor is changed from one's own page, or by a colleague, or with ``reset-second-factor`` on the
    server), and every session of the account ends. Audited."""
    account = _account(session, account_id)
    if account.id == by.account.id:
        raise RuleViolation("不能重置自己的动态验证码，请由另一位管理员操作")
    if not account.totp_enabled and account.totp_secret is None:
        raise RuleViolation("该账户未启用动态验证码")
    reset_second_factor(account)
    repo.delete_sessions_of(session, account.id)
    record_audit(session, actor=by.actor, action="account.totp.reset", target_kind="account",
                 target_key=account.username)  # fmt: skip
    return account
