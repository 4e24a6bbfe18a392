"""Tables of the enterprise open platform: apps (one enterprise each, staff-approved, granted operations), their
keys (serial numbers, a validity window so that an old and a new key overlap during rotation), the nonces seen
(unique per app, kept until they expire) and the stored answers of idempotent writes.

An HMAC secret has to be known to verify a signature, so it is kept encrypted (AES-256-GCM under a key derived
from the platform's secret), never hashed; an SM2 key is a public key only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

APP_PENDING = "pending"
APP_APPROVED = "approved"
APP_REJECTED = "rejected"
APP_SUSPENDED = "suspended"


class OpenApp(Base):
    """An enterprise's app; it may call only once ``status`` is ``approved``, and only its ``operations``."""

    __tablename__ = "open_apps"

    app_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    emp_no: Mapped[str] = mapped_column(ForeignKey("insurance_enterprises.emp_no"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default=APP_PENDING)
    operations: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate_limit_per_minute: Mapped[int] = mapped_column(Integer, default=600)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # An app requested by an enterprise account: who asked, how it will sign, where its webhooks go; the reason of
    # a refusal or a suspension.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise_accounts.id"), index=True)
    requested_profile: Mapped[str | None] = mapped_column(String(16))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    status_reason: Mapped[str | None] = mapped_column(String(300))


class OpenAppKey(Base):
    """One key of an app: ``profile`` says how it signs; valid from ``not_before`` until ``not_after`` (open-ended
    when null; set when the key is rotated out, which gives the overlap) unless ``revoked_at``."""

    __tablename__ = "open_app_keys"
    __table_args__ = (UniqueConstraint("app_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("open_apps.app_id", ondelete="CASCADE"))
    serial: Mapped[str] = mapped_column(String(40))
    profile: Mapped[str] = mapped_column(String(16))
    secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # nonce ‖ AES-GCM ciphertext (HMAC profiles)
    public_key: Mapped[str | None] = mapped_column(String(130))  # x ‖ y hex (SM2-SM3)
    not_before: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    not_after: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    secret_shown_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # an HMAC secret shown once


class OpenNonce(Base):
    """A nonce an app has used; a second use before ``expires_at`` is a replay (the unique constraint decides)."""

    __tablename__ = "open_nonces"
    __table_args__ = (UniqueConstraint("app_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class OpenIdempotency(Base):
    """The answer given to an app's write under an ``Idempotency-Key``, with the digest of the body it answered."""

    __tablename__ = "open_idempotency"
    __table_args__ = (UniqueConstraint("app_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(40))
    body_digest: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class OpenAppRsaKey(Base):
    """The uploaded RSA public key (SubjectPublicKeyInfo PEM) of an ``RSA-SHA256`` key row."""

    __tablename__ = "open_app_rsa_keys"

    key_id: Mapped[int] = mapped_column(ForeignKey("open_app_keys.id", ondelete="CASCADE"), primary_key=True)
    public_pem: Mapped[str] = mapped_column(Text)


__all__ = ["OpenApp", "OpenAppKey", "OpenAppRsaKey", "OpenIdempotency", "OpenNonce"]
