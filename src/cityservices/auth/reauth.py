"""Re-authentication before sensitive actions (rules only: no FastAPI, never commits).

A staff session remembers when its account last gave its credentials: at sign-in, then at each
``reauthenticate`` (the password, plus a second-factor code when the account has enrolled one). Creating
accounts, changing roles and scopes, resetting a colleague's second factor and reading personal data in full
need that moment to be within ``reauth_window_minutes``: a session cookie left in an unattended browser or
stolen cannot do them without the password. Re-authentication attempts are counted like sign-ins, so a borrowed
session cannot guess the password either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from cityservices.auth import repository as repo
from cityservices.auth.passwords import verify_password
from cityservices.auth.service import LOCKED_MESSAGE, SignedIn, count_attempt
from cityservices.auth.totp import check_second_factor
from cityservices.config import Settings
from cityservices.errors import Forbidden, RequestInvalid
from cityservices.kit.audit import record_audit, utc_now
from cityservices.kit.sessions import as_utc

REAUTH_MESSAGE = "此操作需要再次确认身份：请重新输入密码 (已启用动态验证码的还需输入验证码)"


class ReauthRequired(Forbidden):
    """403 ``reauth_required``: the session's credentials are older than ``reauth_window_minutes``."""

    code = "reauth_required"


def is_recent(signed_in: SignedIn, settings: Settings, *, now: dt.datetime | None = None) -> bool:
    """Whether the session gave its credentials within the re-authentication window."""
    at = signed_in.reauthenticated_at
    if at is None:
        return False
    elapsed = (now or utc_now()) - as_utc(at)
    return dt.timedelta(0) <= elapsed <= dt.timedelta(minutes=settings.reauth_window_minutes)


def require_recent_reauth(signed_in: SignedIn, settings: Settings) -> None:
    """Raise ``ReauthRequired`` unless the session re-authenticated (or signed in) recently."""
    if not is_recent(signed_in, settings):
        raise ReauthRequired(REAUTH_MESSAGE)


@dataclass(frozen=True)
class ReauthFailure:
    """A refused re-authentication: the form field at fault and what to tell the staff member."""

    field: str
    message: str

    def error(self) -> RequestInvalid:
        return RequestInvalid(self.field, self.message)


def reauthenticate(
    session: Session,
    *,
    signed_in: SignedIn,
    password: str,
    otp: str | None,
    settings: Settings,
    counters: sessionmaker[Session],
) -> dt.datetime | ReauthFailure:
    """Check the signed-in account's password (and second factor, when enrolled) again and restart the session's
    window; the new moment is returned. Counted like a sign-in from the session's address before the password
    is checked. A failure is returned, not raised, so that the caller keeps its audit row (commits) and answers
    422 naming the field."""
    account = signed_in.account
    ip = signed_in.actor.ip
    now = utc_now()
    if not count_attempt(counters, username=account.username, client=ip or "-", now=now, settings=settings):
        return _failed(session, signed_in, "password", LOCKED_MESSAGE)
    if not verify_password(account.password_hash, password):
        return _failed(session, signed_in, "password", "密码不正确")
    if account.totp_enabled and not check_second_factor(account, otp or ""):
        return _failed(
            session, signed_in, "otp", "动态验证码不正确或已使用过" if otp else "请填写动态验证码 (或一个恢复码)"
        )
    row = repo.get_session_row(session, signed_in.session_id)
    if row is None:  # the session ended meanwhile
        raise Forbidden("登录已结束，请重新登录")
    row.reauthenticated_at = now
    repo.forgive_attempt(session, username=account.username, client=ip or "-")
    record_audit(session, actor=signed_in.actor, action="account.reauth", target_kind="account",
                 target_key=account.username)  # fmt: skip
    return now


def _failed(session: Session, signed_in: SignedIn, field: str, message: str) -> ReauthFailure:
    record_audit(session, actor=signed_in.actor, action="account.reauth.failure", target_kind="account",
                 target_key=signed_in.account.username, detail={"field": field})  # fmt: skip
    return ReauthFailure(field, message)
