"""Sending short messages (a one-time code to a mobile phone) through one interface, ``MessageSender``.

The project has no SMS gateway. Its one adapter, ``OutboxSender``, stores every outgoing message in the
``outbox_messages`` table, inside the caller's transaction (so a message exists exactly when what it announces
was stored). A deployment relays the outbox to its gateway; in demo and development mode (``demo_mode``) staff
can read the outbox on a page marked 演示. Logs name the recipient masked, never in full.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from cityservices.kit.audit import utc_now
from cityservices.kit.masking import mask_phone
from cityservices.kit.messaging import repository
from cityservices.kit.messaging.models import OutboxMessage

log = logging.getLogger(__name__)
MOBILE = re.compile(r"1[3-9][0-9]{9}")  # a mainland mobile number, 11 digits


@dataclass(frozen=True)
class SentMessage:
    """What the sender accepted: its id in the outbox and the recipient, masked."""

    message_id: int
    recipient_masked: str


class MessageSender(Protocol):
    """Sends one text message to a mobile number, within the caller's transaction."""

    def send(self, session: Session, *, recipient: str, text: str, purpose: str) -> SentMessage: ...


class OutboxSender:
    """Stores the message in the outbox (``channel`` ``sms``); nothing leaves the machine."""

    def send(self, session: Session, *, recipient: str, text: str, purpose: str) -> SentMessage:
        if not MOBILE.fullmatch(recipient):
            raise ValueError("recipient is not a mobile number")
        masked = mask_phone(recipient) or ""
        row = OutboxMessage(channel="sms", recipient=recipient, recipient_masked=masked, purpose=purpose[:40],
                            body=text, created_at=utc_now())  # fmt: skip
        repository.add(session, row)
        log.info("message %s (%s) queued in the outbox for %s", row.id, purpose, masked)
        return SentMessage(row.id, masked)


def recent_messages(session: Session, *, limit: int = 100) -> list[OutboxMessage]:
    """The newest messages of the outbox, newest first."""
    return repository.recent(session, limit=limit)
