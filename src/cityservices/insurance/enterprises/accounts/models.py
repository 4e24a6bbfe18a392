"""Tables of enterprise accounts and their sessions. An account is bound to a unified social credit code (GB 32100,
checked); it is ``pending`` after self-registration until staff approve it (then bound to the enterprise with that
code) or refuse it with a reason; staff may create an ``active`` account directly. Only a masked contact name is
kept."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base
from cityservices.kit.sessions.models import SessionColumns

ACCOUNT_PENDING = "pending"
ACCOUNT_ACTIVE = "active"
ACCOUNT_REFUSED = "refused"


class EnterpriseAccount(Base):
    """A unit's representative; signs in with ``uscc`` and a password once ``status`` is ``active``."""

    __tablename__ = "enterprise_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    emp_no: Mapped[str | None] = mapped_column(ForeignKey("insurance_enterprises.emp_no"), index=True)
    contact_masked: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default=ACCOUNT_PENDING)
    refusal_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class EnterpriseSession(SessionColumns, Base):
    """An enterprise representative's signed-in browser; the cookie holds a random token, only its SHA-256 is
    stored."""

    __tablename__ = "enterprise_sessions"

    account_id: Mapped[int] = mapped_column(ForeignKey("enterprise_accounts.id", ondelete="CASCADE"), index=True)


__all__ = ["EnterpriseAccount", "EnterpriseSession"]
