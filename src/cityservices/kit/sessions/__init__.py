"""Password sign-in and browser sessions, for any kind of account (rules only: never commits).

A kind of account brings its own account table, its session table (``SessionColumns`` plus an owner column) and a
label that salts its token digests, so that a token of one kind never resolves as another. The password and
lock-out rules (hashing, counting attempts) belong to the accounts layer: a sign-in is given them as a
``PasswordRules`` of small callables. Every sign-in is audited (``<action>.locked``, ``.failure``, ``.success``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.sessions import repository as repo
from cityservices.kit.sessions.models import SessionColumns

S = TypeVar("S", bound=SessionColumns)
A = TypeVar("A")
P = TypeVar("P", bound="HasPassword")
TOUCH_AFTER = dt.timedelta(minutes=1)  # ``last_seen_at`` is written at most once a minute


class SessionLimits(Protocol):
    """How long a session lives: idle minutes and hours at the most (the site settings have both)."""

    @property
    def session_idle_minutes(self) -> int: ...

    @property
    def session_max_hours(self) -> int: ...


class HasPassword(Protocol):
    password_hash: str


def as_utc(value: dt.datetime) -> dt.datetime:
    """Datetimes read back from SQLite are naive; every stored value is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class SessionKind(Generic[S]):
    """One kind of signed-in browser: its table and the label its token digests are salted with. An empty label
    means plain SHA-256 digests (the one kind whose stored sessions predate the salting keeps them valid)."""

    model: type[S]
    label: str

    def digest(self, token: str) -> str:
        salt = f"{self.label}:".encode() if self.label else b""
        return hashlib.sha256(salt + token.encode()).hexdigest()

    def start(
        self, session: Session, *, now: dt.datetime, limits: SessionLimits, previous_token: str | None = None,
        **owner: Any,
    ) -> str:  # fmt: skip
        """A new session with a fresh random token (never the one the browser came with: no fixation); ``owner``
        fills the table's own columns. Ends ``previous_token``'s session and the stale ones."""
        if previous_token:
            repo.delete_session_row(session, self.model, self.digest(previous_token))
        idle_before = now - dt.timedelta(minutes=limits.session_idle_minutes)
        repo.delete_stale_sessions(session, self.model, now, idle_before)
        token = secrets.token_urlsafe(32)
        expires = now + dt.timedelta(hours=limits.session_max_hours)
        repo.add_session_row(
            session, self.model(id=self.digest(token), created_at=now, last_seen_at=now, expires_at=expires, **owner)
        )
        return token

    def resolve(
        self,
        session: Session,
        *,
        token: str,
        now: dt.datetime,
        limits: SessionLimits,
        owner: Callable[[S], A | None],
        usable: Callable[[A], bool] = lambda _: True,
    ) -> tuple[S, A] | None:
        """The session row of a token and its owner, or None. An unknown, expired or idle session, or one whose
        ``owner`` is gone (None), is ended; one whose owner is not ``usable`` is kept but does not resolve."""
        row = repo.session_row(session, self.model, self.digest(token))
        if row is None:
            return None
        account = owner(row)
        idle = now - as_utc(row.last_seen_at) > dt.timedelta(minutes=limits.session_idle_minutes)
        if as_utc(row.expires_at) <= now or idle or account is None:
            repo.delete_session_row(session, self.model, row.id)
            return None
        if not usable(account):
            return None
        if now - as_utc(row.last_seen_at) > TOUCH_AFTER:
            row.last_seen_at = now
        return row, account

    def end(self, session: Session, session_id: str) -> None:
        repo.delete_session_row(session, self.model, session_id)

    def csrf_token(self, secret: bytes, token: str) -> str:
        """The value a signed-in page sends as ``X-CSRF-Token`` with unsafe requests."""
        digest = hmac.new(secret, f"{self.label}-csrf:".encode() + token.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class PasswordRules:
    """What a password sign-in applies, from the accounts layer: ``count(key, client)`` counts an attempt before
    the password is checked (False: locked), ``forgive(session, key, client)`` after a success, ``matches(stored,
    password)`` (a missing account costs the same time) and ``refreshed(stored, password)`` (a new hash when the
    stored one is weaker than today's, else None)."""

    count: Callable[[str, str], bool]
    forgive: Callable[[Session, str, str], None]
    matches: Callable[[str | None, str], bool]
    refreshed: Callable[[str, str], str | None]


@dataclass(frozen=True)
class SignInAudit:
    """Who is signing in and how it is audited: ``<action>.locked`` / ``.failure`` / ``.success`` on the target."""

    actor: Actor
    action: str
    target_kind: str
    target_key: str

    def record(self, session: Session, outcome: str) -> None:
        record_audit(session, actor=self.actor, action=f"{self.action}.{outcome}", target_kind=self.target_kind,
                     target_key=self.target_key)  # fmt: skip


@dataclass(frozen=True)
class PasswordSignIn(Generic[P]):
    """The account that signed in, or None; ``locked`` when the attempt was refused before the password check."""

    account: P | None
    locked: bool = False


def sign_in_with_password(
    session: Session,
    *,
    find: Callable[[], P | None],
    usable: Callable[[P], bool],
    password: str,
    rules: PasswordRules,
    throttle_key: str,
    client: str,
    audit: SignInAudit,
) -> PasswordSignIn[P]:
    """Count the attempt (refused when locked), then check the password of the account ``find`` gives (it must
    be ``usable``); on success forgive the attempt and refresh a weak hash. Audited either way."""
    if not rules.count(throttle_key, client):
        audit.record(session, "locked")
        return PasswordSignIn(None, locked=True)
    account = find()
    valid = rules.matches(account.password_hash if account else None, password)
    if account is None or not usable(account) or not valid:
        audit.record(session, "failure")
        return PasswordSignIn(None)
    rules.forgive(session, throttle_key, client)
    refreshed = rules.refreshed(account.password_hash, password)
    if refreshed is not None:
        account.password_hash = refreshed
    audit.record(session, "success")
    return PasswordSignIn(account)


__all__ = [
    "PasswordRules",
    "PasswordSignIn",
    "SessionColumns",
    "SessionKind",
    "SessionLimits",
    "SignInAudit",
    "as_utc",
    "sign_in_with_password",
]
