"""Password hashing with Argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cityservices.errors import RuleViolation

_hasher = PasswordHasher()
# Verified when the user name is unknown, so that both cases take the same time.
_DUMMY_HASH = _hasher.hash("cityservices-dummy-password")
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise RuleViolation(f"密码至少需要 {MIN_LENGTH} 个字符")
    if len(password) > 256:
        raise RuleViolation("密码过长 (最多 256 个字符)")
    if password.isdigit() or password.isalpha():
        raise RuleViolation("密码不能只由数字或只由字母组成")
