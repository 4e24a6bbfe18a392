"""Request and response signing of the enterprise open platform: the canonical string and its two profiles.

Canonical string (each line ends with ``\\n``)::

    METHOD
    /path?query
    timestamp            (Unix seconds)
    nonce
    hex digest of the body (SM3, or SHA-256 for HMAC-SHA256 and RSA-SHA256; the digest of b"" for an empty body)

Profiles: ``HMAC-SM3`` and ``HMAC-SHA256`` (a shared secret), ``SM2-SM3`` (SM2 with SM3 over the user-id
pre-hash Z, default user id ``1234567812345678``, DER signature), ``RSA-SHA256`` (RSASSA-PKCS1-v1_5 with
SHA-256 and a key of at least 2048 bits, as Alipay's RSA2 and WeChat Pay API v3 sign; not PSS).
SM3 comes from ``cryptography``; the SM2 curve arithmetic from ``gmssl``; Z, the message hash and the DER
encoding are computed here, so that the user id and the signature format are ours to state and test. RSA is
``cryptography``'s.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from gmssl import sm2

HMAC_SM3: Final = "HMAC-SM3"
HMAC_SHA256: Final = "HMAC-SHA256"
SM2_SM3: Final = "SM2-SM3"
RSA_SHA256: Final = "RSA-SHA256"
PROFILES: Final = (HMAC_SM3, HMAC_SHA256, SM2_SM3, RSA_SHA256)
RSA_MIN_BITS: Final = 2048
DEFAULT_USER_ID: Final = b"1234567812345678"

# GB/T 32918.5 recommended curve (sm2p256v1)
P = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)
A = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC", 16)
B = int("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16)
N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
GX = int("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7", 16)
GY = int("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0", 16)


class SignatureError(ValueError):
    """A signature, key or header that cannot be used; ``code`` is the open platform's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def body_digest(profile: str, body: bytes) -> str:
    return hashlib.sha256(body).hexdigest() if profile in (HMAC_SHA256, RSA_SHA256) else sm3(body).hex()


def canonical_string(method: str, path_query: str, timestamp: int, nonce: str, digest_hex: str) -> str:
    return f"{method.upper()}\n{path_query}\n{timestamp}\n{nonce}\n{digest_hex}\n"


def new_nonce() -> str:
    return secrets.token_hex(16)


# ---- HMAC ----------------------------------------------------------------------------------------------------


def _sm3_hmac(key: bytes, message: bytes) -> bytes:
    # RFC 2104 with SM3 (block 64 bytes); hashlib has no SM3 everywhere, so it is built on cryptography's.
    return hmac.new(key, message, _Sm3Hashlib).digest()  # type: ignore[arg-type]


class _Sm3Hashlib:
    """A hashlib-shaped SM3 object so that ``hmac`` can use it."""

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

    def hexdigest(self) -> str:
        return self.digest().hex()

    def copy(self) -> _Sm3Hashlib:
        other = _Sm3Hashlib.__new__(_Sm3Hashlib)
        other._h = self._h.copy()
        return other


def hmac_sign(profile: str, secret: bytes, message: str) -> str:
    if profile == HMAC_SM3:
        mac = _sm3_hmac(secret, message.encode())
    elif profile == HMAC_SHA256:
        mac = hmac.new(secret, message.encode(), hashlib.sha256).digest()
    else:
        raise SignatureError("unsupported_profile", f"not an HMAC profile: {profile}")
    return base64.b64encode(mac).decode()


def hmac_verify(profile: str, secret: bytes, message: str, signature: str) -> bool:
    return hmac.compare_digest(hmac_sign(profile, secret, message), signature)


# ---- SM2 -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sm2KeyPair:
    private_hex: str  # 64 hex digits
    public_hex: str  # 128 hex digits, x ‖ y (the uncompressed point without its 04 prefix)


def parse_public_key(text: str) -> str:
    """An uploaded SM2 public key: hex, uncompressed ``04 ‖ x ‖ y`` or ``x ‖ y``; returns ``x ‖ y`` in lower case."""
    key = text.strip().lower()
    if len(key) == 130 and key.startswith("04"):
        key = key[2:]
    if len(key) != 128 or any(c not in "0123456789abcdef" for c in key):
        raise SignatureError("invalid_public_key", "public_key: 需为 04‖x‖y 或 x‖y 的十六进制 SM2 公钥")
    x, y = int(key[:64], 16), int(key[64:], 16)
    if not (0 < x < P and 0 < y < P) or (y * y - (x * x * x + A * x + B)) % P != 0:
        raise SignatureError("invalid_public_key", "public_key: 该点不在 SM2 曲线上")
    return key


def _crypt(private_hex: str, public_hex: str) -> sm2.CryptSM2:
    engine = sm2.CryptSM2(private_key=private_hex, public_key="00" * 64)
    engine.public_key = public_hex  # set directly: the constructor's lstrip("04") eats leading 0/4 digits of x
    return engine


def keypair_from_private(private_hex: str) -> Sm2KeyPair:
    d = int(private_hex, 16)
    if not 0 < d < N - 1:
        raise SignatureError("invalid_private_key", "private key out of range")
    public_hex = _crypt(private_hex, "00" * 64)._kg(d, f"{GX:064x}{GY:064x}")
    return Sm2KeyPair(f"{d:064x}", str(public_hex).lower())


def generate_sm2_keypair() -> Sm2KeyPair:
    return keypair_from_private(f"{secrets.randbelow(N - 2) + 1:064x}")


def sm2_z(public_hex: str, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), ENTL the user id's length in bits on two bytes."""
    entl = (len(user_id) * 8).to_bytes(2, "big")
    parts = [entl, user_id] + [v.to_bytes(32, "big") for v in (A, B, GX, GY)] + [bytes.fromhex(public_hex)]
    return sm3(b"".join(parts))


def sm2_message_hash(public_hex: str, message: bytes, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    return sm3(sm2_z(public_hex, user_id) + message)


def der_from_raw(raw: bytes) -> bytes:
    """r ‖ s (32 + 32 bytes) → DER ``SEQUENCE { INTEGER r, INTEGER s }``."""
    if len(raw) != 64:
        raise SignatureError("bad_signature", "signature: r‖s 须为 64 字节")

    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\0") or b"\0"
        if value[0] & 0x80:
            value = b"\0" + value
        return b"\x02" + bytes([len(value)]) + value

    body = integer(raw[:32]) + integer(raw[32:])
    return b"\x30" + bytes([len(body)]) + body


def raw_from_der(der: bytes) -> bytes:
    """DER ``SEQUENCE { INTEGER r, INTEGER s }`` → r ‖ s; anything else is refused."""
    bad = SignatureError("bad_signature", "signature: 不是 DER 编码的 SM2 签名")
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        raise bad
    out, i = b"", 2
    for _ in range(2):
        if i + 2 > len(der) or der[i] != 0x02:
            raise bad
        length = der[i + 1]
        value = der[i + 2 : i + 2 + length]
        if length == 0 or len(value) != length or length > 33 or (value[0] & 0x80):
            raise bad
        if length > 1 and value[0] == 0 and not value[1] & 0x80:
            raise bad  # not minimal
        out += int.from_bytes(value, "big").to_bytes(32, "big")
        i += 2 + length
    if i != len(der):
        raise bad
    return out


def sm2_sign(keys: Sm2KeyPair, message: bytes, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """The DER signature of ``message`` (Z pre-hash with ``user_id``)."""
    e = sm2_message_hash(keys.public_hex, message, user_id)
    engine = _crypt(keys.private_hex, keys.public_hex)
    while True:
        raw_hex = engine.sign(e, f"{secrets.randbelow(N - 1) + 1:064x}")
        if raw_hex:
            return der_from_raw(bytes.fromhex(raw_hex))


def sm2_verify(public_hex: str, message: bytes, der: bytes, user_id: bytes = DEFAULT_USER_ID) -> bool:
    try:
        raw = raw_from_der(der)
    except SignatureError:
        return False
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    if not (0 < r < N and 0 < s < N):
        return False
    e = sm2_message_hash(public_hex, message, user_id)
    return bool(_crypt("00", public_hex).verify(raw.hex(), e))


# ---- RSA -----------------------------------------------------------------------------------------------------


def parse_rsa_public_key(text: str) -> str:
    """An uploaded RSA public key (PEM ``PUBLIC KEY`` or ``RSA PUBLIC KEY``) of at least 2048 bits, as
    SubjectPublicKeyInfo PEM."""
    bad = SignatureError("invalid_public_key", "public_key: 需为 PEM 格式、不少于 2048 位的 RSA 公钥")
    try:
        key = serialization.load_pem_public_key(text.strip().encode())
    except (ValueError, TypeError) as exc:
        raise bad from exc
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < RSA_MIN_BITS:
        raise bad
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode()


def rsa_sign(private_key: rsa.RSAPrivateKey, message: bytes) -> bytes:
    """RSASSA-PKCS1-v1_5 with SHA-256 (the signature bytes; headers carry them in base64)."""
    return private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def rsa_verify(public_pem: str, message: bytes, signature: bytes) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def rsa_private_from_seed(seed: bytes, bits: int = RSA_MIN_BITS) -> rsa.RSAPrivateKey:
    """A deterministic RSA key from a secret seed (the platform's answer-signing key is derived from its secret,
    like its SM2 key): primes drawn from SHAKE-256 of the seed, checked by trial division and Miller–Rabin."""
    counter = 0

    def draw(nbytes: int) -> int:
        nonlocal counter
        counter += 1
        return int.from_bytes(hashlib.shake_256(seed + counter.to_bytes(4, "big")).digest(nbytes), "big")

    def prime(half: int) -> int:
        while True:
            candidate = draw(half // 8) | (3 << (half - 2)) | 1  # top two bits set: p·q has exactly `bits` bits
            if _probably_prime(candidate, draw) and (candidate - 1) % 65537:
                return candidate

    e = 65537
    p = prime(bits // 2)
    q = prime(bits // 2)
    while q == p:
        q = prime(bits // 2)
    d = pow(e, -1, (p - 1) * (q - 1))
    public = rsa.RSAPublicNumbers(e, p * q)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), public
    )
    return numbers.private_key()


_SMALL_PRIMES: Final = [n for n in range(3, 2000, 2) if all(n % k for k in range(3, int(n**0.5) + 1, 2))]


def _probably_prime(n: int, draw: Callable[[int], int]) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return False
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):
        a = draw(len(f"{n:x}") // 2) % (n - 3) + 2
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True
