"""Enterprise accounts and sign-in (rules only: no FastAPI, never commits).

A representative registers with the unit's unified social credit code (GB 32100, check character validated), a
contact name (kept masked) and a password (the staff password rules); the account is ``pending`` until staff
approve it, which binds it to the enterprise registered under that code, or refuse it with a reason. Staff may
also create an ``active`` account at once. Sign-in uses the staff sign-in's lock-out (``count_attempt``) and its
Argon2id hashes; sessions have their own table and cookie.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from cityservices.auth.service import LOCKED_MESSAGE, hash_new_password, password_rules
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
from cityservices.kit.sessions import SessionKind, SignInAudit, sign_in_with_password

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
    password_hash = hash_new_password(password, username=code)
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


SESSIONS = SessionKind(EnterpriseSession, "enterprise")


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
    audit = SignInAudit(Actor(id=None, name=f"enterprise:{code}", ip=ip), "enterprise.login", "enterprise_account",
                        code)  # fmt: skip
    outcome = sign_in_with_password(
        session, find=lambda: repo.by_uscc(session, code), usable=_signs_in, password=password,
        rules=password_rules(counters, now=now, settings=settings), throttle_key=THROTTLE_PREFIX + code,
        client=ip or "-", audit=audit,
    )  # fmt: skip
    if outcome.account is None:
        return None, None, LOCKED_MESSAGE if outcome.locked else FAILED_MESSAGE
    token = SESSIONS.start(session, now=now, limits=settings, account_id=outcome.account.id)
    return outcome.account, token, None


def _signs_in(account: EnterpriseAccount) -> bool:
    return account.status == ACCOUNT_ACTIVE and account.emp_no is not None


def _active_account(session: Session, row: EnterpriseSession) -> EnterpriseAccount | None:
    account = repo.account(session, row.account_id)
    return account if account is not None and account.status == ACCOUNT_ACTIVE else None


def resolve_session(session: Session, *, token: str, ip: str | None, settings: Settings) -> SignedInEnterprise | None:
    """The signed-in representative of a session token, or None (unknown, expired, idle, or account not active)."""
    found = SESSIONS.resolve(session, token=token, now=utc_now(), limits=settings,
                             owner=lambda row: _active_account(session, row),
                             usable=lambda account: account.emp_no is not None)  # fmt: skip
    if found is None:
        return None
    row, account = found
    actor = Actor(id=None, name=f"enterprise:{account.uscc}", ip=ip)
    return SignedInEnterprise(account, account.emp_no or "", row.id, actor)


def end_session(session: Session, *, signed_in: SignedInEnterprise) -> None:
    SESSIONS.end(session, signed_in.session_id)
    record_audit(session, actor=signed_in.actor, action="enterprise.logout", target_kind="enterprise_account",
                 target_key=signed_in.account.uscc)  # fmt: skip


def csrf_token(secret: bytes, token: str) -> str:
    """The value a signed-in representative's page sends as ``X-CSRF-Token`` with unsafe requests."""
    return SESSIONS.csrf_token(secret, token)
