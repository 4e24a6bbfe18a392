"""Open-platform signature verification per second for each profile, in-process: the canonical string of a
1 KB JSON body (digest included) verified with ``HMAC-SM3``, ``HMAC-SHA256``, ``SM2-SM3`` (Z pre-hash, DER) and
``RSA-SHA256`` (PKCS#1 v1.5, 2048 bits; the PEM key parsed on each verification, as a call does), and SM2 and
RSA signing. The database checks of a call (app, key, nonce) are not included.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/open_signing.py [--seconds S]
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization

from cityservices.insurance.open_api import signing as sg

BODY = b'{"rows":[' + b",".join(b'{"psn_no":"P%05d","base":"5000.00"}' % i for i in range(28)) + b"]}"


def rate(step: Callable[[], object], seconds: float) -> tuple[float, float]:
    count, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        step()
        count += 1
    return count / (time.perf_counter() - start), count / (time.process_time() - cpu_start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    seconds = parser.parse_args().seconds
    secret = b"k" * 43
    keys = sg.generate_sm2_keypair()

    def canonical(profile: str) -> str:
        return sg.canonical_string("POST", "/api/open/v1/x", 1700000000, "n" * 32, sg.body_digest(profile, BODY))

    macs = {p: sg.hmac_sign(p, secret, canonical(p)) for p in (sg.HMAC_SM3, sg.HMAC_SHA256)}
    der = sg.sm2_sign(keys, canonical(sg.SM2_SM3).encode())
    rsa_key = sg.rsa_private_from_seed(b"benchmark")
    rsa_pem = (
        rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    rsa_signature = sg.rsa_sign(rsa_key, canonical(sg.RSA_SHA256).encode())
    cases: dict[str, Callable[[], object]] = {
        "verify HMAC-SM3": lambda: sg.hmac_verify(sg.HMAC_SM3, secret, canonical(sg.HMAC_SM3), macs[sg.HMAC_SM3]),
        "verify HMAC-SHA256": lambda: sg.hmac_verify(
            sg.HMAC_SHA256, secret, canonical(sg.HMAC_SHA256), macs[sg.HMAC_SHA256]
        ),
        "verify SM2-SM3": lambda: sg.sm2_verify(keys.public_hex, canonical(sg.SM2_SM3).encode(), der),
        "sign SM2-SM3": lambda: base64.b64encode(sg.sm2_sign(keys, canonical(sg.SM2_SM3).encode())),
        "verify RSA-SHA256": lambda: sg.rsa_verify(rsa_pem, canonical(sg.RSA_SHA256).encode(), rsa_signature),
        "sign RSA-SHA256": lambda: base64.b64encode(sg.rsa_sign(rsa_key, canonical(sg.RSA_SHA256).encode())),
    }
    print(f"python {platform.python_version()} on {platform.machine()}, load average {os.getloadavg()[0]:.1f}")
    print(f"body {len(BODY)} bytes")
    for name, step in cases.items():
        wall, cpu = rate(step, seconds)
        print(f"{name:20} {wall:10,.0f}/s wall   {cpu:10,.0f}/s per CPU-second   {1e6 / cpu:8,.0f} µs CPU each")


if __name__ == "__main__":
    main()
