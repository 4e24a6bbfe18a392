"""Helpers shared by the staff API and pages: the session cookie and account views (phone masked)."""

from __future__ import annotations

from fastapi import Response

from cityservices.auth.models import StaffAccount
from cityservices.config import Settings
from cityservices.kit.masking import mask_phone
from cityservices.platform.security import SESSION_COOKIE
from cityservices.service_map.editing.schemas import StaffRead


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """HttpOnly, SameSite=Lax, Secure (unless ``cookie_secure`` is off), ending with the session."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_hours * 3600,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def staff_read(account: StaffAccount) -> StaffRead:
    read = StaffRead.model_validate(account)
    read.phone = mask_phone(account.phone)
    return read
