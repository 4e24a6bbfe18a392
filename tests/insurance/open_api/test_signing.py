"""Signing profiles against published vectors and across implementations (cryptography, gmssl, and a small
affine-coordinate SM2 written here from GB/T 32918.2 for the cross-check)."""

from __future__ import annotations

import base64
import hashlib
import secrets

import pytest
from gmssl import func, sm2, sm3

from cityservices.insurance.open_api import signing as sg


def test_sm3_gbt32905_vectors_with_both_implementations() -> None:
    abc = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    abcd16 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    assert sg.sm3(b"abc").hex() == abc
    assert sg.sm3(b"abcd" * 16).hex() == abcd16
    assert sm3.sm3_hash(func.bytes_to_list(b"abc")) == abc
    assert sm3.sm3_hash(func.bytes_to_list(b"abcd" * 16)) == abcd16


def test_body_digest_per_profile() -> None:
    assert sg.body_digest(sg.HMAC_SHA256, b"") == hashlib.sha256(b"").hexdigest()
    assert sg.body_digest(sg.HMAC_SM3, b"abc").startswith("66c7f0f4")
    assert sg.body_digest(sg.SM2_SM3, b"abc").startswith("66c7f0f4")


def test_canonical_string_layout() -> None:
    text = sg.canonical_string("get", "/api/open/v1/x?a=1", 1700000000, "n1", "d")
    assert text == "GET\n/api/open/v1/x?a=1\n1700000000\nn1\nd\n"


def test_hmac_sha256_rfc4231_case_2() -> None:
    mac = sg.hmac_sign(sg.HMAC_SHA256, b"Jefe", "what do ya want for nothing?")
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert base64.b64decode(mac).hex() == expected


def _reference_hmac_sm3(key: bytes, message: bytes) -> bytes:
    def h(data: bytes) -> bytes:
        return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))

    if len(key) > 64:
        key = h(key)
    key = key.ljust(64, b"\0")
    inner = h(bytes(k ^ 0x36 for k in key) + message)
    return h(bytes(k ^ 0x5C for k in key) + inner)


@pytest.mark.parametrize("key", [b"k", b"secret-key-0123456789", b"x" * 100])
def test_hmac_sm3_matches_rfc2104_over_gmssl_sm3(key: bytes) -> None:
    message = sg.canonical_string("POST", "/api/open/v1/a", 1, "n", sg.sm3(b"{}").hex())
    ours = base64.b64decode(sg.hmac_sign(sg.HMAC_SM3, key, message))
    assert ours == _reference_hmac_sm3(key, message.encode())
    assert sg.hmac_verify(sg.HMAC_SM3, key, message, base64.b64encode(ours).decode())
    assert not sg.hmac_verify(sg.HMAC_SM3, key + b"!", message, base64.b64encode(ours).decode())


# ---- a reference SM2 (affine arithmetic, GB/T 32918.2 §6.1 / §7.1), for the cross-check only ----------------


def _add(p1: tuple[int, int] | None, p2: tuple[int, int] | None) -> tuple[int, int] | None:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % sg.P == 0:
        return None
    num, den = (3 * x1 * x1 + sg.A, 2 * y1) if p1 == p2 else (y2 - y1, x2 - x1)
    lam = num * pow(den, -1, sg.P) % sg.P
    x3 = (lam * lam - x1 - x2) % sg.P
    return x3, (lam * (x1 - x3) - y1) % sg.P


def _mul(k: int, point: tuple[int, int]) -> tuple[int, int]:
    result: tuple[int, int] | None = None
    addend: tuple[int, int] | None = point
    while k:
        if k & 1:
            result = _add(result, addend)
        addend = _add(addend, addend)
        k >>= 1
    assert result is not None
    return result


def _ref_z(pub: tuple[int, int], uid: bytes) -> bytes:
    data = (len(uid) * 8).to_bytes(2, "big") + uid
    for v in (sg.A, sg.B, sg.GX, sg.GY, pub[0], pub[1]):
        data += v.to_bytes(32, "big")
    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def _ref_sign(d: int, message: bytes, uid: bytes) -> bytes:
    pub = _mul(d, (sg.GX, sg.GY))
    e = int(sm3.sm3_hash(func.bytes_to_list(_ref_z(pub, uid) + message)), 16)
    while True:
        k = secrets.randbelow(sg.N - 1) + 1
        r = (e + _mul(k, (sg.GX, sg.GY))[0]) % sg.N
        if r == 0 or r + k == sg.N:
            continue
        s = pow(1 + d, -1, sg.N) * (k - r * d) % sg.N
        if s:
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _ref_verify(pub: tuple[int, int], message: bytes, raw: bytes, uid: bytes) -> bool:
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    e = int(sm3.sm3_hash(func.bytes_to_list(_ref_z(pub, uid) + message)), 16)
    t = (r + s) % sg.N
    point = _add(_mul(s, (sg.GX, sg.GY)), _mul(t, pub))
    return point is not None and (e + point[0]) % sg.N == r


def _pub(keys: sg.Sm2KeyPair) -> tuple[int, int]:
    return int(keys.public_hex[:64], 16), int(keys.public_hex[64:], 16)


def test_generated_key_is_d_times_g() -> None:
    keys = sg.generate_sm2_keypair()
    assert _mul(int(keys.private_hex, 16), (sg.GX, sg.GY)) == _pub(keys)
    assert sg.parse_public_key("04" + keys.public_hex.upper()) == keys.public_hex


def test_our_der_signature_verifies_in_the_reference_and_in_gmssl() -> None:
    keys = sg.generate_sm2_keypair()
    message = sg.canonical_string("POST", "/api/open/v1/x", 1700000000, "abc", sg.sm3(b"{}").hex()).encode()
    der = sg.sm2_sign(keys, message)
    assert der[0] == 0x30
    raw = sg.raw_from_der(der)
    assert _ref_verify(_pub(keys), message, raw, sg.DEFAULT_USER_ID)
    assert not _ref_verify(_pub(keys), message, raw, b"another-user-id")
    gm = sm2.CryptSM2(private_key=keys.private_hex, public_key="00" * 64)
    gm.public_key = keys.public_hex
    assert gm.verify_with_sm3(raw.hex(), message)  # gmssl's own Z, with its fixed default user id


def test_reference_and_gmssl_signatures_verify_here() -> None:
    keys = sg.generate_sm2_keypair()
    message = b"canonical\nstring\n"
    raw = _ref_sign(int(keys.private_hex, 16), message, sg.DEFAULT_USER_ID)
    assert sg.sm2_verify(keys.public_hex, message, sg.der_from_raw(raw))
    assert not sg.sm2_verify(keys.public_hex, message + b"x", sg.der_from_raw(raw))
    assert not sg.sm2_verify(keys.public_hex, message, raw)  # raw r‖s is not accepted where DER is required
    custom = _ref_sign(int(keys.private_hex, 16), message, b"ALICE123@YAHOO.COM")
    assert sg.sm2_verify(keys.public_hex, message, sg.der_from_raw(custom), user_id=b"ALICE123@YAHOO.COM")
    assert not sg.sm2_verify(keys.public_hex, message, sg.der_from_raw(custom))
    gm = sm2.CryptSM2(private_key=keys.private_hex, public_key="00" * 64)
    gm.public_key = keys.public_hex
    gm_raw = gm.sign_with_sm3(message)
    assert sg.sm2_verify(keys.public_hex, message, sg.der_from_raw(bytes.fromhex(gm_raw)))


def test_z_matches_gmssl_pre_hash() -> None:
    keys = sg.generate_sm2_keypair()
    gm = sm2.CryptSM2(private_key=keys.private_hex, public_key="00" * 64)
    gm.public_key = keys.public_hex
    assert gm._sm3_z(b"m") == sg.sm2_message_hash(keys.public_hex, b"m").hex()


def test_der_raw_conversion_both_ways() -> None:
    high = bytes([0x80] + [1] * 31) + bytes([0, 0, 5] + [7] * 29)  # r needs a 0x00 pad, s has leading zeros
    der = sg.der_from_raw(high)
    assert der[2:5] == b"\x02\x21\x00"
    assert der[37:39] == b"\x02\x1e"
    assert sg.raw_from_der(der) == high
    for _ in range(20):
        raw = secrets.token_bytes(64)
        assert sg.raw_from_der(sg.der_from_raw(raw)) == raw
    with pytest.raises(sg.SignatureError):
        sg.raw_from_der(b"\x30\x06\x02\x01\x00\x02\x01")
    with pytest.raises(sg.SignatureError):
        sg.raw_from_der(b"\x30\x07\x02\x02\x00\x01\x02\x01\x01")  # non-minimal integer


def test_bad_public_keys_are_refused() -> None:
    with pytest.raises(sg.SignatureError, match="public_key"):
        sg.parse_public_key("04" + "11" * 64)  # not on the curve
    with pytest.raises(sg.SignatureError, match="public_key"):
        sg.parse_public_key("zz")
