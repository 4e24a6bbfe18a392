"""Citizen accounts and sign-in (rules only: no FastAPI, never commits).

The ID number is checked (GB 11643: 18 characters, birth date, check digit), then kept as a keyed hash (to find
the account), an AES-GCM ciphertext (so that the signed-in citizen's own records can be filtered by it) and a
masked form. Both keys are derived from the site's secret key. Sign-in uses the staff sign-in's lock-out
(``auth.service.count_attempt``, per ID number and client address and per ID number) and its password rules
(Argon2id, length, the common-password list). Sessions have their own table and cookie: a citizen session is
never a staff session and the reverse.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session, sessionmaker
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from cityservices.auth.citizens import repository as repo
from cityservices.auth.citizens.models import CitizenAccount, CitizenSession
from cityservices.auth.service import LOCKED_MESSAGE, hash_new_password, password_rules
from cityservices.config import Settings
from cityservices.errors import Conflict, RequestInvalid
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.masking import mask_id_number, mask_name
from cityservices.kit.sessions import SessionKind, SignInAudit, sign_in_with_password

log = logging.getLogger(__name__)
FAILED_MESSAGE = "身份证号码或密码错误"
THROTTLE_PREFIX = "citizen:"  # lock-out counts share the staff table, keyed apart from user names


@dataclass(frozen=True)
class CitizenKeys:
    """The keys derived from the site secret: one for the lookup hash, one for the ciphertext."""

    lookup: bytes
    cipher: bytes

    @classmethod
    def from_secret(cls, secret: bytes) -> CitizenKeys:
        lookup = hmac.new(secret, b"citizen-id-lookup", hashlib.sha256).digest()
        cipher = hmac.new(secret, b"citizen-id-cipher", hashlib.sha256).digest()
        return cls(lookup, cipher)


@dataclass(frozen=True)
class SignedInCitizen:
    """A resolved citizen session. ``id_number`` (in clear, in memory only) is the scope of every own-data query."""

    account: CitizenAccount
    session_id: str
    id_number: str
    actor: Actor


@dataclass(frozen=True)
class CitizenSignInResult:
    account: CitizenAccount | None
    token: str | None = None
    error: str | None = None


def check_id_number(value: str) -> str:
    """A GB 11643 resident ID number in its stored form (upper-case X), or ``RequestInvalid``."""
    text = value.strip().upper()
    if len(text) != 18:
        raise RequestInvalid("id_number", "身份证号码应为 18 位")
    try:
        return str(ric.validate(text))
    except StdnumError:
        raise RequestInvalid("id_number", "身份证号码无效：出生日期或校验位不正确") from None


def id_hash(keys: CitizenKeys, id_number: str) -> str:
    return hmac.new(keys.lookup, id_number.encode(), hashlib.sha256).hexdigest()


def _encrypt(keys: CitizenKeys, id_number: str) -> str:
    nonce = secrets.token_bytes(12)
    return base64.b64encode(nonce + AESGCM(keys.cipher).encrypt(nonce, id_number.encode(), b"citizen-id")).decode()


def _decrypt(keys: CitizenKeys, token: str) -> str:
    raw = base64.b64decode(token)
    return AESGCM(keys.cipher).decrypt(raw[:12], raw[12:], b"citizen-id").decode()


def create_citizen(
    session: Session, *, id_number: str, name: str, password: str, keys: CitizenKeys, actor: Actor, demo: bool = False
) -> CitizenAccount:
    """A citizen account for a checked ID number; the password must pass the staff password rules."""
    number = check_id_number(id_number)
    digest = id_hash(keys, number)
    if repo.get_by_hash(session, digest) is not None:
        raise Conflict("该身份证号码已开通账户")
    password_hash = hash_new_password(password, username=number)
    now = utc_now()
    masked = mask_id_number(number) or ""
    account = CitizenAccount(
        id_hash=digest, id_cipher=_encrypt(keys, number), id_masked=masked, name_masked=mask_name(name) or "",
        password_hash=password_hash, is_active=True, demo=demo, created_at=now, password_changed_at=now,
    )  # fmt: skip
    repo.add(session, account)
    record_audit(session, actor=actor, action="citizen.create", target_kind="citizen", target_key=masked)
    return account


SESSIONS = SessionKind(CitizenSession, "citizen")


def sign_in_citizen(
    session: Session,
    *,
    id_number: str,
    password: str,
    ip: str | None,
    settings: Settings,
    keys: CitizenKeys,
    counters: sessionmaker[Session],
    previous_token: str | None = None,
) -> CitizenSignInResult:
    """Check the ID number and password (counted first, like a staff sign-in) and start a new citizen session,
    ending the one the client came with. A malformed ID number fails like a wrong password."""
    now = utc_now()
    text = id_number.strip().upper()[:18]
    digest = id_hash(keys, text)
    masked = mask_id_number(text) or "-"
    audit = SignInAudit(Actor(id=None, name=f"citizen:{masked}", ip=ip), "citizen.login", "citizen", masked)
    outcome = sign_in_with_password(
        session, find=lambda: repo.get_by_hash(session, digest), usable=lambda account: account.is_active,
        password=password, rules=password_rules(counters, now=now, settings=settings),
        throttle_key=THROTTLE_PREFIX + digest[:40], client=ip or "-", audit=audit,
    )  # fmt: skip
    if outcome.locked:
        return CitizenSignInResult(None, error=LOCKED_MESSAGE)
    if outcome.account is None:
        log.info("failed citizen sign-in for %s from %s", masked, ip)
        return CitizenSignInResult(None, error=FAILED_MESSAGE)
    token = _start_session(session, account=outcome.account, ip=ip, settings=settings, previous_token=previous_token)
    return CitizenSignInResult(outcome.account, token)


def _start_session(
    session: Session, *, account: CitizenAccount, ip: str | None, settings: Settings, previous_token: str | None
) -> str:
    return SESSIONS.start(session, now=utc_now(), limits=settings, previous_token=previous_token,
                          citizen_id=account.id, ip=ip)  # fmt: skip


def _active_account(session: Session, row: CitizenSession) -> CitizenAccount | None:
    account = repo.get_account(session, row.citizen_id)
    return account if account is not None and account.is_active else None


def resolve_citizen_session(
    session: Session, *, token: str, ip: str | None, settings: Settings, keys: CitizenKeys
) -> SignedInCitizen | None:
    """The signed-in citizen of a session token, or None (unknown, expired, idle too long, or inactive)."""
    found = SESSIONS.resolve(session, token=token, now=utc_now(), limits=settings,
                             owner=lambda row: _active_account(session, row))  # fmt: skip
    if found is None:
        return None
    row, account = found
    actor = Actor(id=None, name=f"citizen:{account.id_masked}", ip=ip)
    return SignedInCitizen(account, row.id, _decrypt(keys, account.id_cipher), actor)


def end_citizen_session(session: Session, *, citizen: SignedInCitizen) -> None:
    SESSIONS.end(session, citizen.session_id)
    record_audit(session, actor=citizen.actor, action="citizen.logout", target_kind="citizen",
                 target_key=citizen.account.id_masked)  # fmt: skip


def citizen_csrf_token(secret: bytes, token: str) -> str:
    """The value a signed-in citizen's page sends as ``X-CSRF-Token`` with unsafe API requests."""
    return SESSIONS.csrf_token(secret, token)


def demo_citizens(session: Session) -> list[CitizenAccount]:
    """The demo citizen accounts (made by ``load-demo``), oldest first."""
    return repo.demo_accounts(session)


def count_citizens(session: Session) -> int:
    return repo.count_accounts(session)
