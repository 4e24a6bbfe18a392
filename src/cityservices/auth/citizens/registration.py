"""A citizen registers on their own, or resets a forgotten password, with a one-time code sent to their mobile
phone (rules only: no FastAPI, never commits).

- Registration states an ID number (GB 11643, checked), a name and a mobile number. Every installed domain
  checks the stated name against its own record of that ID number (``Domain.identity_checks``; the insurance
  domain compares it with the member's registered name), then a code sent to the phone proves the phone. The
  account is found and matched to a member only through the ID number; the phone is kept as a keyed hash (to
  check a reset) and masked.
- A reset states the ID number and the phone the account was registered with; a code goes to that phone only,
  and the answer is the same whether or not the pair is known. Setting the new password ends every other
  session of the account.
- Codes: six digits, only a salted keyed hash stored, valid ``CODE_MINUTES``, ``MAX_ATTEMPTS`` wrong entries,
  used once; at most one per ``RESEND_SECONDS`` for a phone and purpose, ``PER_PHONE_PER_HOUR`` an hour for a
  phone, and
  ``PER_ADDRESS_PER_HOUR`` an hour from a client address. The code is checked in a transaction of its own
  (``counters``), so a wrong entry stays counted although the request is refused (``CodeRefused``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from cityservices.auth import repository as staff_repo
from cityservices.auth.citizens import repository as repo
from cityservices.auth.citizens.models import CitizenAccount, CitizenPhoneCode
from cityservices.auth.citizens.service import (
    THROTTLE_PREFIX,
    CitizenKeys,
    CitizenSignInResult,
    _start_session,
    check_id_number,
    create_citizen,
    id_hash,
)
from cityservices.auth.passwords import check_password_strength, hash_password
from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.errors import CodeRefused, Conflict, RequestInvalid, RuleViolation, TooFrequent
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.masking import mask_id_number, mask_phone
from cityservices.kit.messaging import MOBILE, MessageSender
from cityservices.kit.sessions import as_utc

Purpose = Literal["register", "reset"]
IdentityCheck = Callable[[Session, str, str], str | None]
CODE_MINUTES = 10
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
PER_PHONE_PER_HOUR = 5
PER_ADDRESS_PER_HOUR = 20
NAME = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f·]{2,20}")  # Chinese characters (all planes) and the ·
TEXT = "【市民服务】验证码 {code}，用于{use}，{minutes} 分钟内有效。如非本人操作请忽略，切勿告诉他人。"
USES = {"register": "开通居民账户", "reset": "重设居民账户密码"}
CODE_INVALID = "验证码无效或已过期，请重新获取"


@dataclass(frozen=True)
class CodeSent:
    """The answer to a code request: where it went (masked), how long it is valid, when to ask again."""

    phone_masked: str
    valid_minutes: int
    resend_seconds: int


def check_phone(value: str) -> str:
    text = re.sub(r"[\s-]", "", value)
    if not MOBILE.fullmatch(text):
        raise RequestInvalid("phone", "请填写 11 位手机号码")
    return text


def check_name(value: str) -> str:
    text = value.strip()
    if not NAME.fullmatch(text):
        raise RequestInvalid("name", "请填写身份证上的中文姓名")
    return text


def phone_hash(keys: CitizenKeys, phone: str) -> str:
    return hmac.new(keys.lookup, b"phone:" + phone.encode(), hashlib.sha256).hexdigest()


def _subject(keys: CitizenKeys, id_number: str, phone: str) -> str:
    return hmac.new(keys.lookup, f"code-subject:{id_number}:{phone}".encode(), hashlib.sha256).hexdigest()


def _code_hash(keys: CitizenKeys, salt: str, code: str) -> str:
    return hmac.new(keys.lookup, f"one-time-code:{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def _actor(id_number: str, ip: str | None) -> Actor:
    return Actor(id=None, name=f"citizen:{mask_id_number(id_number)}", ip=ip)


def _within_limits(session: Session, *, purpose: Purpose, phone_digest: str, ip: str, now: dt.datetime) -> None:
    hour_ago = now - dt.timedelta(hours=1)
    newest = repo.newest_code_at(session, purpose=purpose, phone_hash=phone_digest)
    if newest is not None and now - as_utc(newest) < dt.timedelta(seconds=RESEND_SECONDS):
        wait = RESEND_SECONDS - int((now - as_utc(newest)).total_seconds())
        raise TooFrequent(f"验证码已发送，请 {wait} 秒后再获取", wait)
    if repo.codes_since(session, since=hour_ago, phone_hash=phone_digest) >= PER_PHONE_PER_HOUR:
        raise TooFrequent("该手机号码获取验证码次数过多，请一小时后再试", 3600)
    if repo.codes_since(session, since=hour_ago, ip=ip) >= PER_ADDRESS_PER_HOUR:
        raise TooFrequent("获取验证码次数过多，请一小时后再试", 3600)


def _issue_code(
    session: Session,
    *,
    purpose: Purpose,
    id_number: str,
    phone: str,
    ip: str | None,
    keys: CitizenKeys,
    sender: MessageSender,
    deliver: bool,
) -> CodeSent:
    """A new code for (purpose, ID number, phone), within the limits; sent only when ``deliver``."""
    now = utc_now()
    phone_digest = phone_hash(keys, phone)
    _within_limits(session, purpose=purpose, phone_digest=phone_digest, ip=ip or "-", now=now)
    code, salt = f"{secrets.randbelow(10**6):06d}", secrets.token_hex(16)
    repo.add_code(session, CitizenPhoneCode(
        purpose=purpose, subject_hash=_subject(keys, id_number, phone), phone_hash=phone_digest, ip=ip or "-",
        salt=salt, code_hash=_code_hash(keys, salt, code), created_at=now,
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES), attempts=0,
    ))  # fmt: skip
    if deliver:
        text = TEXT.format(code=code, use=USES[purpose], minutes=CODE_MINUTES)
        sender.send(session, recipient=phone, text=text, purpose=f"citizen.{purpose}")
    return CodeSent(mask_phone(phone) or "", CODE_MINUTES, RESEND_SECONDS)


def _use_code(
    counters: sessionmaker[Session], *, purpose: Purpose, id_number: str, phone: str, code: str, keys: CitizenKeys
) -> None:
    """Accept the code (used once) or refuse it with ``CodeRefused``. It is checked in a transaction of its own
    (``counters``, like the sign-in's attempt counts), before the request's own work: a wrong entry stays counted
    although the request is refused, and a code once accepted is spent."""
    now, refusal = utc_now(), None
    with session_scope(counters) as checking:
        row = repo.latest_open_code(checking, purpose=purpose, subject_hash=_subject(keys, id_number, phone))
        if row is None or as_utc(row.expires_at) <= now or row.attempts >= MAX_ATTEMPTS:
            refusal = CODE_INVALID
        elif not hmac.compare_digest(_code_hash(keys, row.salt, code.strip()), row.code_hash):
            row.attempts += 1
            left = MAX_ATTEMPTS - row.attempts
            refusal = f"验证码不正确，还可再试 {left} 次" if left > 0 else CODE_INVALID
        else:
            row.used_at = now
    if refusal is not None:
        raise CodeRefused(refusal)


def _checked_identity(
    session: Session, *, id_number: str, name: str, checks: Sequence[IdentityCheck], keys: CitizenKeys
) -> tuple[str, str]:
    number, stated = check_id_number(id_number), check_name(name)
    if _account(session, keys, number) is not None:
        raise Conflict("该身份证号码已开通账户，请直接登录；忘记密码可用手机验证码重设")
    for check in checks:
        refusal = check(session, number, stated)
        if refusal:
            raise RuleViolation(refusal)
    return number, stated


def request_registration_code(
    session: Session,
    *,
    id_number: str,
    name: str,
    phone: str,
    ip: str | None,
    keys: CitizenKeys,
    sender: MessageSender,
    checks: Sequence[IdentityCheck],
) -> CodeSent:
    """Check the stated identity and send a registration code to the phone; audited."""
    mobile = check_phone(phone)
    number, _ = _checked_identity(session, id_number=id_number, name=name, checks=checks, keys=keys)
    sent = _issue_code(session, purpose="register", id_number=number, phone=mobile, ip=ip, keys=keys,
                       sender=sender, deliver=True)  # fmt: skip
    record_audit(session, actor=_actor(number, ip), action="citizen.register.code", target_kind="citizen",
                 target_key=mask_id_number(number), detail={"phone": sent.phone_masked})  # fmt: skip
    return sent


def register_citizen(
    session: Session,
    *,
    id_number: str,
    name: str,
    phone: str,
    code: str,
    password: str,
    ip: str | None,
    settings: Settings,
    keys: CitizenKeys,
    counters: sessionmaker[Session],
    checks: Sequence[IdentityCheck],
) -> CitizenSignInResult:
    """Open the account once the code proves the phone, and sign the citizen in; audited. The code is checked
    before anything else is read (``_use_code``)."""
    number, mobile, stated = check_id_number(id_number), check_phone(phone), check_name(name)
    _password_rules(password, number)
    _use_code(counters, purpose="register", id_number=number, phone=mobile, code=code, keys=keys)
    _checked_identity(session, id_number=number, name=stated, checks=checks, keys=keys)
    actor = _actor(number, ip)
    account = create_citizen(session, id_number=number, name=stated, password=password, keys=keys, actor=actor)
    account.phone_hash, account.phone_masked = phone_hash(keys, mobile), mask_phone(mobile)
    record_audit(session, actor=actor, action="citizen.register", target_kind="citizen", target_key=account.id_masked,
                 detail={"phone": account.phone_masked})  # fmt: skip
    token = _start_session(session, account=account, ip=ip, settings=settings, previous_token=None)
    return CitizenSignInResult(account, token)


def request_reset_code(
    session: Session, *, id_number: str, phone: str, ip: str | None, keys: CitizenKeys, sender: MessageSender
) -> CodeSent:
    """Send a reset code to the phone the account was registered with. The answer is the same for an unknown ID
    number or another phone (a code is counted but not sent), so it tells nobody which accounts exist."""
    number, mobile = check_id_number(id_number), check_phone(phone)
    account = _account(session, keys, number)
    known = _phone_matches(account, keys, mobile)
    sent = _issue_code(session, purpose="reset", id_number=number, phone=mobile, ip=ip, keys=keys, sender=sender,
                       deliver=known)  # fmt: skip
    record_audit(session, actor=_actor(number, ip), action="citizen.reset.code", target_kind="citizen",
                 target_key=mask_id_number(number), detail={"phone": sent.phone_masked, "sent": known})  # fmt: skip
    return sent


def reset_password(
    session: Session,
    *,
    id_number: str,
    phone: str,
    code: str,
    password: str,
    ip: str | None,
    settings: Settings,
    keys: CitizenKeys,
    counters: sessionmaker[Session],
) -> CitizenSignInResult:
    """Set a new password once the code is right, end every other session of the account, sign in; audited."""
    number, mobile = check_id_number(id_number), check_phone(phone)
    _password_rules(password, number)
    _use_code(counters, purpose="reset", id_number=number, phone=mobile, code=code, keys=keys)
    account = _account(session, keys, number)
    if account is None or not _phone_matches(account, keys, mobile):
        raise CodeRefused(CODE_INVALID)  # a code that was never sent cannot be right; kept for safety
    account.password_hash = hash_password(password, username=number)
    account.password_changed_at = utc_now()
    ended = repo.delete_account_sessions(session, account.id)
    staff_repo.forgive_attempt(session, username=THROTTLE_PREFIX + account.id_hash[:40], client=ip or "-")
    record_audit(session, actor=_actor(number, ip), action="citizen.password.reset", target_kind="citizen",
                 target_key=account.id_masked, detail={"sessions_ended": ended})  # fmt: skip
    token = _start_session(session, account=account, ip=ip, settings=settings, previous_token=None)
    return CitizenSignInResult(account, token)


def _phone_matches(account: CitizenAccount | None, keys: CitizenKeys, phone: str) -> bool:
    if account is None or not account.is_active or account.phone_hash is None:
        return False
    return hmac.compare_digest(account.phone_hash, phone_hash(keys, phone))


def _password_rules(password: str, id_number: str) -> None:
    try:
        check_password_strength(password, username=id_number)
    except RuleViolation as exc:
        raise RequestInvalid("password", exc.detail) from None


def _account(session: Session, keys: CitizenKeys, id_number: str) -> CitizenAccount | None:
    return repo.get_by_hash(session, id_hash(keys, id_number))
