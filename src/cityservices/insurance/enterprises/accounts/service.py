"""Enterprise accounts and sign-in (rules only: no FastAPI, never commits).

A representative registers with the unit's unified social credit code (GB 32100, check character validated), a
contact name (kept masked) and a password (the staff password rules); the account is ``pending`` until staff
approve it, which binds it to the enterprise registered under that code, or refuse it with a reason. Staff may
also create an ``active`` account at once. Sign-in uses the staff sign-in's lock-out (``count_attempt``) and its
Argon2id hashes; sessions have their own table and cookie.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from cityservices.auth.service import (
    LOCKED_MESSAGE,
    as_utc,
    count_attempt,
    forgive_attempts,
    hash_new_password,
    password_matches,
    refreshed_hash,
)
from cityservices.config import Settings
from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.enterprises import repository as enterprises
from cityservices.insurance.enterprises.accounts import repository as repo
from cityservices.insurance.enterprises.accounts.models import (
    ACCOUNT_ACTIVE,
    ACCOUNT_PENDING,
    ACCOUNT_REFUSED,
    EnterpriseAccount,
    EnterpriseSession,
)
from cityservices.insurance.identifiers import check_uscc
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.masking import mask_name

FAILED_MESSAGE = "统一社会信用代码或密码错误，或账户尚未获批"
THROTTLE_PREFIX = "enterprise:"


@dataclass(frozen=True)
class SignedInEnterprise:
    """A resolved enterprise session: the account, its enterprise (the scope of every query) and the actor."""

    account: EnterpriseAccount
    emp_no: str
    session_id: str
    actor: Actor


def valid_uscc(value: str) -> str:
    try:
        return check_uscc(value)
    except ValueError as exc:
        raise RequestInvalid("uscc", str(exc)) from None


def _new_account(
    session: Session, *, uscc: str, contact_name: str, password: str, now: dt.datetime
) -> EnterpriseAccount:
    code = valid_uscc(uscc)
    if not contact_name.strip():
        raise RequestInvalid("contact_name", "联系人姓名不能为空")
    if repo.by_uscc(session, code) is not None:
        raise Conflict("该统一社会信用代码已开通或已申请账户")
    try:
        password_hash = hash_new_password(password, username=code)
    except RuleViolation as exc:
        raise RequestInvalid("password", exc.detail) from None
    return EnterpriseAccount(
        uscc=code, contact_masked=mask_name(contact_name.strip()) or "", password_hash=password_hash,
        status=ACCOUNT_PENDING, created_at=now,
    )  # fmt: skip


def register_account(
    session: Session, *, uscc: str, contact_name: str, password: str, actor: Actor
) -> EnterpriseAccount:
    """Self-registration: a ``pending`` account awaiting staff approval."""
    row = _new_account(session, uscc=uscc, contact_name=contact_name, password=password, now=utc_now())
    repo.add(session, row)
    record_audit(session, actor=actor, action="enterprise.account.register", target_kind="enterprise_account",
                 target_key=row.uscc)  # fmt: skip
    return row


def _bind(session: Session, row: EnterpriseAccount) -> None:
    unit = enterprises.enterprise_with_uscc(session, row.uscc)
    if unit is None:
        raise RuleViolation("没有以该统一社会信用代码登记的参保单位，请先登记单位")
    row.emp_no = unit.emp_no


def create_account(
    session: Session, *, uscc: str, contact_name: str, password: str, staff: str, actor: Actor
) -> EnterpriseAccount:
    """Created by staff: ``active`` at once and bound to the enterprise registered under the code."""
    now = utc_now()
    row = _new_account(session, uscc=uscc, contact_name=contact_name, password=password, now=now)
    _bind(session, row)
    row.status, row.decided_by, row.decided_at = ACCOUNT_ACTIVE, staff, now
    repo.add(session, row)
    record_audit(session, actor=actor, action="enterprise.account.create", target_kind="enterprise_account",
                 target_key=row.uscc, detail={"emp_no": row.emp_no})  # fmt: skip
    return row


def account_or_404(session: Session, account_id: int) -> EnterpriseAccount:
    row = repo.account(session, account_id)
    if row is None:
        raise NotFound("没有这个单位账户")
    return row


def decide_account(
    session: Session, account_id: int, *, approve: bool, reason: str | None, staff: str, actor: Actor
) -> EnterpriseAccount:
    """Approve (bind to the enterprise) or refuse with a reason a pending account."""
    row = account_or_404(session, account_id)
    if row.status != ACCOUNT_PENDING:
        raise Conflict("该账户已处理过")
    text = (reason or "").strip()
    if not approve and not text:
        raise RequestInvalid("reason", "拒绝须写明理由")
    if approve:
        _bind(session, row)
    row.status = ACCOUNT_ACTIVE if approve else ACCOUNT_REFUSED
    row.refusal_reason = None if approve else text[:300]
    row.decided_by, row.decided_at = staff, utc_now()
    record_audit(session, actor=actor, action="enterprise.account.decide", target_kind="enterprise_account",
                 target_key=row.uscc, detail={"status": row.status, "reason": row.refusal_reason})  # fmt: skip
    return row


def accounts(session: Session, *, status: str | None, offset: int, limit: int) -> list[EnterpriseAccount]:
    return repo.accounts(session, status=status, offset=offset, limit=limit)


# ---- sign-in and sessions ------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(b"enterprise:" + token.encode()).hexdigest()


def sign_in(
    session: Session,
    *,
    uscc: str,
    password: str,
    ip: str | None,
    settings: Settings,
    counters: sessionmaker[Session],
) -> tuple[EnterpriseAccount | None, str | None, str | None]:
    """``(account, token, None)`` or ``(None, None, error)``; only an ``active`` account signs in."""
    now = utc_now()
    code = uscc.strip().upper()[:18]
    actor = Actor(id=None, name=f"enterprise:{code}", ip=ip)
    throttle_key = THROTTLE_PREFIX + code
    if not count_attempt(counters, username=throttle_key, client=ip or "-", now=now, settings=settings):
        record_audit(session, actor=actor, action="enterprise.login.locked", target_kind="enterprise_account",
                     target_key=code)  # fmt: skip
        return None, None, LOCKED_MESSAGE
    row = repo.by_uscc(session, code)
    valid = password_matches(row.password_hash if row else None, password)
    if row is None or row.status != ACCOUNT_ACTIVE or row.emp_no is None or not valid:
        record_audit(session, actor=actor, action="enterprise.login.failure", target_kind="enterprise_account",
                     target_key=code)  # fmt: skip
        return None, None, FAILED_MESSAGE
    forgive_attempts(session, username=throttle_key, client=ip or "-")
    row.password_hash = refreshed_hash(row.password_hash, password) or row.password_hash
    record_audit(session, actor=actor, action="enterprise.login.success", target_kind="enterprise_account",
                 target_key=code)  # fmt: skip
    repo.delete_stale_sessions(session, now, now - dt.timedelta(minutes=settings.session_idle_minutes))
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=settings.session_max_hours)
    repo.add(session, EnterpriseSession(id=_digest(token), account_id=row.id, created_at=now, last_seen_at=now,
                                        expires_at=expires))  # fmt: skip
    return row, token, None


def resolve_session(session: Session, *, token: str, ip: str | None, settings: Settings) -> SignedInEnterprise | None:
    """The signed-in representative of a session token, or None (unknown, expired, idle, or account not active)."""
    row = repo.session_row(session, _digest(token))
    if row is None:
        return None
    now = utc_now()
    account = repo.account(session, row.account_id)
    idle = now - as_utc(row.last_seen_at) > dt.timedelta(minutes=settings.session_idle_minutes)
    if as_utc(row.expires_at) <= now or idle or account is None or account.status != ACCOUNT_ACTIVE:
        repo.delete_session_row(session, row.id)
        return None
    if account.emp_no is None:
        return None
    if now - as_utc(row.last_seen_at) > dt.timedelta(minutes=1):
        row.last_seen_at = now
    actor = Actor(id=None, name=f"enterprise:{account.uscc}", ip=ip)
    return SignedInEnterprise(account, account.emp_no, row.id, actor)


def end_session(session: Session, *, signed_in: SignedInEnterprise) -> None:
    repo.delete_session_row(session, signed_in.session_id)
    record_audit(session, actor=signed_in.actor, action="enterprise.logout", target_kind="enterprise_account",
                 target_key=signed_in.account.uscc)  # fmt: skip


def csrf_token(secret: bytes, token: str) -> str:
    """The value a signed-in representative's page sends as ``X-CSRF-Token`` with unsafe requests."""
    digest = hmac.new(secret, b"enterprise-csrf:" + token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
