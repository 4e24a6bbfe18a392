"""A second factor for staff accounts: TOTP (RFC 6238, 30-second steps, 6 digits, ``pyotp``) with single-use
recovery codes. Enrolment: ``start_enrolment`` (after the password is given again) returns the secret and its
``otpauth://`` URI for an authenticator app; ``confirm_enrolment`` with a first code turns it on and returns ten
recovery codes, shown once and kept only as SHA-256 hashes. At sign-in ``check_second_factor`` accepts a code
of the current step (±1 for clock drift) that is later than the last one used, or an unused recovery code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.passwords import verify_password
from cityservices.errors import RequestInvalid, RuleViolation
from cityservices.kit.audit import Actor, record_audit

ISSUER = "cityservices"
STEP_SECONDS = 30
RECOVERY_CODES = 10


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def start_enrolment(session: Session, *, account: StaffAccount, password: str, actor: Actor) -> Enrolment:
    """A new secret for ``account`` (not in force until confirmed); the password is asked again."""
    if not verify_password(account.password_hash, password):
        raise RequestInvalid("password", "密码不正确")
    if account.totp_enabled:
        raise RuleViolation("动态验证码已启用")
    account.totp_secret = pyotp.random_base32()
    record_audit(session, actor=actor, action="account.totp.start", target_kind="account", target_key=account.username)
    uri = pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.username, issuer_name=ISSUER)
    return Enrolment(account.totp_secret, uri)


def confirm_enrolment(session: Session, *, account: StaffAccount, code: str, actor: Actor) -> list[str]:
    """Turn the second factor on with a first valid code; the recovery codes (shown once) are returned."""
    if account.totp_enabled or account.totp_secret is None:
        raise RuleViolation("请先开始启用动态验证码")
    step = _matching_step(account.totp_secret, code, after=None)
    if step is None:
        raise RequestInvalid("otp", "动态验证码不正确")
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    account.totp_enabled, account.totp_last_step = True, step
    account.recovery_codes = [_digest(c) for c in codes]
    record_audit(session, actor=actor, action="account.totp.enable", target_kind="account", target_key=account.username)
    return codes


def check_second_factor(account: StaffAccount, code: str) -> bool:
    """A sign-in's second factor: a fresh TOTP code, or an unused recovery code (then used up)."""
    if not account.totp_enabled or account.totp_secret is None:
        return True
    step = _matching_step(account.totp_secret, code, after=account.totp_last_step)
    if step is not None:
        account.totp_last_step = step
        return True
    digest = _digest(code)
    remaining = [d for d in account.recovery_codes if not hmac.compare_digest(d, digest)]
    if len(remaining) < len(account.recovery_codes):
        account.recovery_codes = remaining
        return True
    return False


def second_factor_matches(account: StaffAccount, code: str) -> bool:
    """Whether ``code`` is a fresh TOTP code or an unused recovery code of an enrolled account, without using it
    up (``check_second_factor`` does that once the password has been checked too)."""
    if not account.totp_enabled or account.totp_secret is None or not code:
        return False
    if _matching_step(account.totp_secret, code, after=account.totp_last_step) is not None:
        return True
    digest = _digest(code)
    return any(hmac.compare_digest(d, digest) for d in account.recovery_codes)


def reset_second_factor(account: StaffAccount) -> None:
    """Switch the second factor off: secret, last step and recovery codes are forgotten (enrol again)."""
    account.totp_enabled, account.totp_secret, account.totp_last_step = False, None, None
    account.recovery_codes = []


def _matching_step(secret: str, code: str, *, after: int | None) -> int | None:
    """The time step (current ±1) whose code is ``code`` and that is later than ``after`` (no replay)."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now = int(time.time()) // STEP_SECONDS
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None
