"""Tables of accounts: staff accounts with their scopes, sessions, login attempts and the sign-in throttle
(audit: kit/audit)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cityservices.db import Base
from cityservices.kit.sessions.models import SessionColumns

ROLES = ("admin", "editor", "viewer")


class StaffAccount(Base):
    """A staff member. Its scopes (``scope_rows``) limit what an editor may see in lists and change."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))  # admin | editor | viewer
    phone: Mapped[str | None] = mapped_column(String(20))  # personal data: masked, reads audited
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # Second factor (TOTP, RFC 6238): the base32 secret, set when enrolment starts, in force once confirmed;
    # the last time step used (a code is accepted once); SHA-256 hashes of the unused recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Always loaded with the account (a handful of rows): every authorisation decision reads them.
    scope_rows: Mapped[list[StaffAccountScope]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="StaffAccountScope.kind"
    )

    @property
    def scopes(self) -> dict[str, str]:
        """The account's limits, scope kind → value (kinds are declared by the installed domains)."""
        return {row.kind: row.value for row in self.scope_rows}


class StaffAccountScope(Base):
    """One limit of an account: a (kind, value) pair such as (``district``, ``370202``); one value per kind."""

    __tablename__ = "staff_account_scopes"

    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))


class StaffSession(SessionColumns, Base):
    """A signed-in browser or client. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "staff_sessions"

    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    # When the account last gave its password (and second factor) in this session: at sign-in, then at each
    # re-authentication. Sensitive actions need it to be recent (``reauth_window_minutes``).
    reauthenticated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """One sign-in attempt (successful or not), by user name; the lock-out counts the failures."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    ip: Mapped[str | None] = mapped_column(String(45))


class LoginThrottle(Base):
    """Sign-in attempts counted for the lock-out, one row per (user name, client address) and one per user name
    (``client`` = ``""``, the backstop against many addresses). Incremented by one upsert before the password is
    checked, so that parallel attempts cannot all pass the check."""

    __tablename__ = "login_throttles"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    client: Mapped[str] = mapped_column(String(45), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
