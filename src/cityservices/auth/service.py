"""Accounts, sign-in with lock-out, and sessions (rules only: no FastAPI, never commits)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from cityservices.auth import repository as repo
from cityservices.auth.models import ROLES, LoginAttempt, StaffAccount, StaffAccountScope, StaffSession
from cityservices.auth.passwords import hash_password, needs_rehash, rehash_password, verify_password
from cityservices.auth.scopes import check_scopes
from cityservices.auth.totp import check_second_factor, second_factor_matches
from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.masking import mask_phone
from cityservices.kit.sessions import PasswordRules, SessionKind
from cityservices.platform.domains import ScopeKind

log = logging.getLogger(__name__)
USERNAME_MAX = 64
LOCKED_MESSAGE = "登录失败次数过多，账户已暂时锁定，请稍后再试；已启用动态验证码的，可同时填写密码和动态验证码登录"
FAILED_MESSAGE = "用户名或密码错误"
OTP_REQUIRED_MESSAGE = "请填写动态验证码 (或一个恢复码)"
OTP_FAILED_MESSAGE = "动态验证码不正确或已使用过"


@dataclass(frozen=True)
class LoginResult:
    account: StaffAccount | None
    error: str | None = None


@dataclass(frozen=True)
class SignedIn:
    """A resolved session: the account and who acts (for audit rows)."""

    account: StaffAccount
    session_id: str
    actor: Actor
    reauthenticated_at: dt.datetime | None = None  # credentials last given (auth/reauth.py)


def create_account(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str,
    role: str,
    scopes: Mapping[str, str] | None = None,
    scope_kinds: Mapping[str, ScopeKind] | None = None,
    phone: str | None = None,
    actor: Actor,
) -> StaffAccount:
    """Add an account; the password is hashed with Argon2id. ``scopes`` (kind → value) must be of the kinds in
    ``scope_kinds`` (those the installed domains declare) and among their values."""
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{3,64}", username):
        raise RuleViolation("用户名应为 3-64 个字母、数字、下划线、点或连字符")
    if role not in ROLES:
        raise RuleViolation(f"角色应为 {', '.join(ROLES)} 之一")
    limits = check_scopes(session, scopes or {}, scope_kinds or {})
    if phone and not re.fullmatch(r"[0-9+\- ]{5,20}", phone):
        raise RuleViolation("电话号码格式有误")
    if repo.get_account_by_username(session, username) is not None:
        raise Conflict(f"用户名 {username} 已存在")
    now = utc_now()
    password_hash = hash_password(password, username=username)
    account = StaffAccount(
        username=username, display_name=display_name.strip() or username, password_hash=password_hash, role=role,
        phone=phone or None, is_active=True, created_at=now, password_changed_at=now,
        scope_rows=[StaffAccountScope(kind=kind, value=value) for kind, value in limits.items()],
    )  # fmt: skip
    session.add(account)
    session.flush()
    detail = {"role": role, "scopes": limits}
    record_audit(
        session, actor=actor, action="account.create", target_kind="account", target_key=username, detail=detail
    )
    log.info("staff account %s created (%s), phone %s", username, role, mask_phone(phone))
    return account


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    ip: str | None,
    settings: Settings,
    counters: sessionmaker[Session],
    otp: str | None = None,
) -> LoginResult:
    """Check a sign-in. The attempt is counted first (``count_attempt``, in its own transaction from
    ``counters``, committed at once so that parallel attempts see it), and the password is checked only while
    the counts are under the limits: per (user name, client address) and, as a backstop, per user name. Unknown
    user names are counted the same way, so the answer never tells whether an account exists."""
    username = username.strip()[:USERNAME_MAX]
    now = utc_now()
    actor = Actor(id=None, name=username or "-", ip=ip)
    if not count_attempt(counters, username=username, client=ip or "-", now=now, settings=settings):
        return _authenticate_locked(session, username=username, password=password, otp=otp, ip=ip,
                                    settings=settings, counters=counters)  # fmt: skip
    account = repo.get_account_by_username(session, username)
    valid = verify_password(account.password_hash if account else None, password)
    ok = account is not None and account.is_active and valid
    session.add(LoginAttempt(username=username, at=now, succeeded=ok, ip=ip))
    if not ok or account is None:
        record_audit(session, actor=actor, action="login.failure", target_kind="account", target_key=username)
        log.info("failed sign-in for %r from %s", username, ip)
        return LoginResult(None, FAILED_MESSAGE)
    if account.totp_enabled and not otp:
        return LoginResult(None, OTP_REQUIRED_MESSAGE)
    if not check_second_factor(account, otp or ""):
        record_audit(session, actor=actor, action="login.otp_failure", target_kind="account", target_key=username)
        return LoginResult(None, OTP_FAILED_MESSAGE)
    repo.forgive_attempt(session, username=username, client=ip or "-")
    if needs_rehash(account.password_hash):
        account.password_hash = rehash_password(password)
    record_audit(session, actor=Actor(account.id, account.username, ip), action="login.success",
                 target_kind="account", target_key=account.username)  # fmt: skip
    return LoginResult(account)


def _authenticate_locked(
    session: Session,
    *,
    username: str,
    password: str,
    otp: str | None,
    ip: str | None,
    settings: Settings,
    counters: sessionmaker[Session],
) -> LoginResult:
    """A sign-in of a locked user name. An account with a second factor still gets in with its password and a
    valid code: the code is checked first (no password hash is computed for anyone without it), and second-factor
    guesses are counted on their own, per (account, address) and account-wide, so they cannot be brute-forced
    either. Everyone else is refused as locked."""
    now = utc_now()
    actor = Actor(id=None, name=username or "-", ip=ip)
    account = repo.get_account_by_username(session, username) if otp else None
    second_factor_ok = (
        otp is not None
        and account is not None
        and account.is_active
        and account.totp_enabled
        and count_second_factor_attempt(counters, username=username, client=ip or "-", now=now, settings=settings)
        and second_factor_matches(account, otp)
    )
    if second_factor_ok and account and otp and verify_password(account.password_hash, password):
        check_second_factor(account, otp)  # used up now that both factors are right
        session.add(LoginAttempt(username=username, at=now, succeeded=True, ip=ip))
        repo.forgive_attempt(session, username=username, client=ip or "-")
        record_audit(session, actor=Actor(account.id, account.username, ip), action="login.success",
                     target_kind="account", target_key=account.username, detail={"while_locked": True})  # fmt: skip
        return LoginResult(account)
    session.add(LoginAttempt(username=username, at=now, succeeded=False, ip=ip))
    record_audit(session, actor=actor, action="login.locked", target_kind="account", target_key=username)
    return LoginResult(None, LOCKED_MESSAGE)


def second_factor_client(client: str) -> str:
    """The throttle key of second-factor attempts from ``client`` while locked ("" + prefix: account-wide)."""
    digest = hashlib.sha256(client.encode()).hexdigest()[:32] if client else ""
    return f"2fa:{digest}"


def count_second_factor_attempt(
    counters: sessionmaker[Session], *, username: str, client: str, now: dt.datetime, settings: Settings
) -> bool:
    """Count a second-factor attempt of a locked user name; False when over the limits (per address, and the
    account-wide backstop), the same limits as passwords."""
    window_start = now - dt.timedelta(minutes=settings.login_lockout_minutes)
    with session_scope(counters) as counting:
        from_client = repo.count_attempt(counting, username=username, client=second_factor_client(client),
                                         window_start=window_start, now=now)  # fmt: skip
        if from_client > settings.login_max_failures:
            return False
        overall = repo.count_attempt(counting, username=username, client=second_factor_client(""),
                                     window_start=window_start, now=now)  # fmt: skip
    return overall <= settings.login_max_failures_account


def count_attempt(
    counters: sessionmaker[Session], *, username: str, client: str, now: dt.datetime, settings: Settings
) -> bool:
    """Count a sign-in attempt before its password is checked; False when it is over a limit (locked). A
    refused attempt is not added to the account-wide count, so one address cannot lock the account for others."""
    window_start = now - dt.timedelta(minutes=settings.login_lockout_minutes)
    with session_scope(counters) as counting:
        from_client = repo.count_attempt(counting, username=username, client=client, window_start=window_start,
                                         now=now)  # fmt: skip
        if from_client > settings.login_max_failures:
            return False
        overall = repo.count_attempt(counting, username=username, client="", window_start=window_start, now=now)
    return overall <= settings.login_max_failures_account


def unlock_account(session: Session, *, username: str, actor: Actor) -> int:
    """Lift the sign-in locks of ``username`` (every address); audited. How many counts were removed."""
    if repo.get_account_by_username(session, username) is None:
        raise NotFound("未找到该账户")
    removed = repo.delete_throttles(session, username)
    record_audit(session, actor=actor, action="account.unlock", target_kind="account", target_key=username,
                 detail={"counts_removed": removed})  # fmt: skip
    return removed


@dataclass(frozen=True)
class SignInResult:
    """A sign-in: the account and its new session token, or the error to show."""

    account: StaffAccount | None
    token: str | None = None
    error: str | None = None


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    ip: str | None,
    settings: Settings,
    previous_token: str | None,
    counters: sessionmaker[Session],
    otp: str | None = None,
) -> SignInResult:
    """The sign-in of the staff API and of the sign-in page: check the credentials (``authenticate``) and start a
    new session, ending the one the client came with."""
    result = authenticate(session, username=username, password=password, ip=ip, settings=settings, counters=counters,
                          otp=otp)  # fmt: skip
    if result.account is None:
        return SignInResult(None, error=result.error)
    token = start_session(session, account=result.account, ip=ip, settings=settings, previous_token=previous_token)
    return SignInResult(result.account, token)


STAFF_SESSIONS = SessionKind(StaffSession, "")  # unsalted digests: the staff sessions' stored form


def start_session(
    session: Session, *, account: StaffAccount, ip: str | None, settings: Settings, previous_token: str | None = None
) -> str:
    """A new session with a fresh random token (never the one the browser came with: no fixation)."""
    now = utc_now()
    return STAFF_SESSIONS.start(session, now=now, limits=settings, previous_token=previous_token,
                                account_id=account.id, ip=ip, reauthenticated_at=now)  # fmt: skip


def resolve_session(session: Session, *, token: str, ip: str | None, settings: Settings) -> SignedIn | None:
    """The signed-in account of a session token, or None (unknown, expired, idle too long, or inactive: the
    session is then ended)."""

    def active_owner(row: StaffSession) -> StaffAccount | None:
        account = repo.get_account(session, row.account_id)
        return account if account is not None and account.is_active else None

    found = STAFF_SESSIONS.resolve(session, token=token, now=utc_now(), limits=settings, owner=active_owner)
    if found is None:
        return None
    row, account = found
    return SignedIn(account, row.id, Actor(account.id, account.username, ip), row.reauthenticated_at)


def end_session(session: Session, *, signed_in: SignedIn) -> None:
    STAFF_SESSIONS.end(session, signed_in.session_id)
    record_audit(session, actor=signed_in.actor, action="logout", target_kind="account",
                 target_key=signed_in.account.username)  # fmt: skip


def change_password(
    session: Session,
    *,
    signed_in: SignedIn,
    current: str,
    new: str,
    settings: Settings,
    counters: sessionmaker[Session],
) -> None:
    """A staff member changes their own password: the current one is checked (counted like a sign-in, so a
    borrowed session cannot guess it), the new one must pass the strength rules; every other session ends."""
    account = signed_in.account
    ip = signed_in.actor.ip
    if not count_attempt(counters, username=account.username, client=ip or "-", now=utc_now(), settings=settings):
        raise RuleViolation(LOCKED_MESSAGE)
    if not verify_password(account.password_hash, current):
        record_audit(session, actor=signed_in.actor, action="account.password.failure", target_kind="account",
                     target_key=account.username)  # fmt: skip
        raise RequestInvalid("current_password", "当前密码不正确")
    if new == current:
        raise RequestInvalid("new_password", "新密码不能与当前密码相同")
    try:
        account.password_hash = hash_password(new, username=account.username)
    except RuleViolation as exc:
        raise RequestInvalid("new_password", exc.detail) from None
    account.password_changed_at = utc_now()
    repo.forgive_attempt(session, username=account.username, client=ip or "-")
    repo.delete_sessions_of(session, account.id, keep=signed_in.session_id)
    record_audit(session, actor=signed_in.actor, action="account.password", target_kind="account",
                 target_key=account.username)  # fmt: skip


def reveal_phone(session: Session, *, account_id: int, actor: Actor) -> str | None:
    """A staff member's phone number in full; every read is audited."""
    account = repo.get_account(session, account_id)
    if account is None:
        raise NotFound("未找到该账户")
    record_audit(session, actor=actor, action="account.phone.read", target_kind="account", target_key=account.username)
    return account.phone


def acting_accounts(session: Session) -> list[StaffAccount]:
    """The active accounts that may change data (administrators and editors), by user name."""
    return [a for a in repo.list_accounts(session) if a.is_active and a.role in ("admin", "editor")]


def set_active(session: Session, *, account_id: int, active: bool, actor: Actor) -> StaffAccount:
    """Enable or disable an account; disabling ends its sessions. The last active admin stays."""
    account = repo.get_account(session, account_id)
    if account is None:
        raise NotFound("未找到该账户")
    if not active and account.role == "admin":
        repo.lock_active_admins(session)  # two admins disabling each other at once: the second waits, then counts
        session.refresh(account)
        if account.is_active and repo.count_admins(session) <= 1:
            raise RuleViolation("不能停用最后一个管理员账户")
    account.is_active = active
    if not active:
        repo.delete_sessions_of(session, account.id)
    action = "account.enable" if active else "account.disable"
    record_audit(session, actor=actor, action=action, target_kind="account", target_key=account.username)
    return account


def set_scopes(
    session: Session,
    *,
    account_id: int,
    scopes: Mapping[str, str],
    scope_kinds: Mapping[str, ScopeKind],
    actor: Actor,
) -> StaffAccount:
    """Replace an account's scopes (checked like at creation); its sessions stay, the new limits apply at once."""
    account = repo.get_account(session, account_id)
    if account is None:
        raise NotFound("未找到该账户")
    limits = check_scopes(session, scopes, scope_kinds)
    kept = [row for row in account.scope_rows if row.kind in limits]
    for row in kept:
        row.value = limits[row.kind]
    added = [StaffAccountScope(kind=kind, value=value) for kind, value in limits.items() if kind not in account.scopes]
    account.scope_rows = kept + added
    session.flush()
    record_audit(session, actor=actor, action="account.scopes", target_kind="account", target_key=account.username,
                 detail={"scopes": limits})  # fmt: skip
    return account


# ---- the staff password rules and lock-out, for the sign-ins other domains keep (enterprise accounts) ---------


def hash_new_password(password: str, *, username: str) -> str:
    """An Argon2id hash of a password that passes the staff rules; ``RequestInvalid`` on the ``password`` field
    otherwise (the account forms of other kinds of accounts name it so)."""
    try:
        return hash_password(password, username=username)
    except RuleViolation as exc:
        raise RequestInvalid("password", exc.detail) from None


def refreshed_hash(stored: str, password: str) -> str | None:
    """A new hash when ``stored`` was made with weaker parameters than today's, else None."""
    return rehash_password(password) if needs_rehash(stored) else None


def password_rules(counters: sessionmaker[Session], *, now: dt.datetime, settings: Settings) -> PasswordRules:
    """The staff sign-in's password and lock-out rules, for the sign-in of another kind of account
    (``kit.sessions.sign_in_with_password``); its throttle keys must be kept apart from staff user names."""
    return PasswordRules(
        count=lambda key, client: count_attempt(counters, username=key, client=client, now=now, settings=settings),
        forgive=lambda session, key, client: repo.forgive_attempt(session, username=key, client=client),
        matches=verify_password,
        refreshed=refreshed_hash,
    )
