"""The columns every kind of signed-in browser shares (a mixin: each kind has its own table and owner column)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column


class SessionColumns:
    """A signed-in browser: the cookie holds a random token, only its salted SHA-256 (``id``) is stored."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    if TYPE_CHECKING:  # the declarative base of the table that mixes this in gives the keyword constructor

        def __init__(self, **columns: Any) -> None: ...
