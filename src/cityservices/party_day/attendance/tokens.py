"""Signed sign-in tokens for the QR code shown at an activity: ``<activity id>.<closes (epoch s)>.<HMAC-SHA256>``,
so that a token names one activity and stops working when its sign-in window closes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

PURPOSE = b"party-sign-in:"


def _mac(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode(), PURPOSE + message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def make_token(secret: str, activity_id: int, closes: dt.datetime) -> str:
    message = f"{activity_id}.{int(closes.timestamp())}"
    return f"{message}.{_mac(secret, message)}"


def read_token(secret: str, token: str) -> tuple[int, dt.datetime] | None:
    """The activity id and the window's end named by a genuine token (None: forged, edited or malformed)."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    message = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_mac(secret, message), parts[2]):
        return None
    return int(parts[0]), dt.datetime.fromtimestamp(int(parts[1]), dt.UTC)
