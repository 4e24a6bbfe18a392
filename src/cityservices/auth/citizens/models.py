"""Tables of citizen accounts and their sessions. The ID number is never stored in clear: a keyed hash finds the
account, an AES-GCM ciphertext gives the number back to the signed-in citizen's own queries, and a masked form
is what pages and logs show."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base
from cityservices.kit.sessions.models import SessionColumns


class CitizenAccount(Base):
    """A citizen who signs in with their ID number (GB 11643, checked) and a password."""

    __tablename__ = "citizen_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)  # HMAC-SHA256 of the ID number
    id_cipher: Mapped[str] = mapped_column(String(120))  # AES-GCM (nonce + ciphertext), base64
    id_masked: Mapped[str] = mapped_column(String(18))
    name_masked: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The verified mobile number of a self-registered account: a keyed hash (to check a reset) and a masked form.
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_masked: Mapped[str | None] = mapped_column(String(20))


class CitizenSession(SessionColumns, Base):
    """A citizen's signed-in browser; the cookie holds a random token, only its SHA-256 is stored."""

    __tablename__ = "citizen_sessions"

    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen_accounts.id", ondelete="CASCADE"), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))


class CitizenPhoneCode(Base):
    """A one-time code sent to a mobile number, for registering or resetting a password. Only a salted keyed
    hash of the code is stored; it expires, allows a few attempts and is used once."""

    __tablename__ = "citizen_phone_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))  # register, reset
    subject_hash: Mapped[str] = mapped_column(String(64), index=True)  # keyed hash of (ID number, phone)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
