"""The platform's canonical string and its three signing profiles, standalone (no server code).

Canonical string: ``METHOD\\n/path?query\\ntimestamp\\nnonce\\nhex digest of the body\\n``; the body digest is SM3,
or SHA-256 for HMAC-SHA256. Answers put the status code in place of the method. SM2-SM3 signs SM3(Z ‖ message)
with the default user id ``1234567812345678`` and sends the DER signature, base64-encoded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Final

from cryptography.hazmat.primitives import hashes
from gmssl import sm2

HMAC_SM3: Final = "HMAC-SM3"
HMAC_SHA256: Final = "HMAC-SHA256"
SM2_SM3: Final = "SM2-SM3"
DEFAULT_USER_ID: Final = b"1234567812345678"
_A = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC", 16)
_B = int("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16)
_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
_GX = int("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7", 16)
_GY = int("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0", 16)


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def body_digest(profile: str, body: bytes) -> str:
    return hashlib.sha256(body).hexdigest() if profile == HMAC_SHA256 else sm3(body).hex()


def canonical_string(method: str, path_query: str, timestamp: int, nonce: str, digest_hex: str) -> str:
    return f"{method.upper()}\n{path_query}\n{timestamp}\n{nonce}\n{digest_hex}\n"


def new_nonce() -> str:
    return secrets.token_hex(16)


class _Sm3:
    """A hashlib-shaped SM3 so that ``hmac`` can use it."""

    digest_size = 32
    block_size = 64
    name = "sm3"

    def __init__(self, data: bytes = b"") -> None:
        self._h = hashes.Hash(hashes.SM3())
        self._h.update(data)

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        return self._h.copy().finalize()

    def copy(self) -> _Sm3:
        other = _Sm3.__new__(_Sm3)
        other._h = self._h.copy()
        return other


def hmac_sign(profile: str, secret: bytes, message: str) -> str:
    if profile == HMAC_SM3:
        mac = hmac.new(secret, message.encode(), _Sm3).digest()  # type: ignore[arg-type]
    elif profile == HMAC_SHA256:
        mac = hmac.new(secret, message.encode(), hashlib.sha256).digest()
    else:
        raise ValueError(f"not an HMAC profile: {profile}")
    return base64.b64encode(mac).decode()


def hmac_verify(profile: str, secret: bytes, message: str, signature: str) -> bool:
    return hmac.compare_digest(hmac_sign(profile, secret, message), signature)


def _z(public_hex: str, user_id: bytes) -> bytes:
    entl = (len(user_id) * 8).to_bytes(2, "big")
    parts = [entl, user_id] + [v.to_bytes(32, "big") for v in (_A, _B, _GX, _GY)] + [bytes.fromhex(public_hex)]
    return sm3(b"".join(parts))


def _engine(private_hex: str, public_hex: str) -> sm2.CryptSM2:
    engine = sm2.CryptSM2(private_key=private_hex, public_key="00" * 64)
    engine.public_key = public_hex  # not through the constructor, whose lstrip("04") can eat digits of x
    return engine


def _der(raw: bytes) -> bytes:
    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\0") or b"\0"
        if value[0] & 0x80:
            value = b"\0" + value
        return b"\x02" + bytes([len(value)]) + value

    body = integer(raw[:32]) + integer(raw[32:])
    return b"\x30" + bytes([len(body)]) + body


def _raw(der: bytes) -> bytes | None:
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        return None
    out, i = b"", 2
    for _ in range(2):
        if i + 2 > len(der) or der[i] != 0x02:
            return None
        length = der[i + 1]
        value = der[i + 2 : i + 2 + length]
        if length == 0 or len(value) != length or length > 33:
            return None
        out += int.from_bytes(value, "big").to_bytes(32, "big")
        i += 2 + length
    return out if i == len(der) else None


def public_from_private(private_hex: str) -> str:
    """``x ‖ y`` (128 hex digits) of an SM2 private key."""
    return str(_engine(private_hex, "00" * 64)._kg(int(private_hex, 16), f"{_GX:064x}{_GY:064x}")).lower()


def sm2_sign(private_hex: str, public_hex: str, message: bytes, user_id: bytes = DEFAULT_USER_ID) -> str:
    """The base64 DER SM2 signature of ``message``."""
    e = sm3(_z(public_hex, user_id) + message)
    engine = _engine(private_hex, public_hex)
    while True:
        raw_hex = engine.sign(e, f"{secrets.randbelow(_N - 1) + 1:064x}")
        if raw_hex:
            return base64.b64encode(_der(bytes.fromhex(raw_hex))).decode()


def sm2_verify(public_hex: str, message: bytes, signature: str, user_id: bytes = DEFAULT_USER_ID) -> bool:
    key = public_hex.lower().removeprefix("04") if len(public_hex) == 130 else public_hex.lower()
    try:
        raw = _raw(base64.b64decode(signature, validate=True))
    except ValueError:
        return False
    if raw is None:
        return False
    e = sm3(_z(key, user_id) + message)
    return bool(_engine("00", key).verify(raw.hex(), e))
