"""A signing HR-system caller for the open-platform tests (HMAC, SM2 or RSA), and a setup with two units, their
employees and one approved app of unit E0001 holding a key of each kind."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg


@dataclass
class Caller:
    client: TestClient
    app_id: str
    serial: str
    profile: str
    secret: str | None = None
    sm2: sg.Sm2KeyPair | None = None
    rsa_key: rsa.RSAPrivateKey | None = None

    def sign(self, canonical: str) -> str:
        if self.rsa_key is not None:
            return base64.b64encode(sg.rsa_sign(self.rsa_key, canonical.encode())).decode()
        if self.sm2 is not None:
            return base64.b64encode(sg.sm2_sign(self.sm2, canonical.encode())).decode()
        assert self.secret is not None
        return sg.hmac_sign(self.profile, self.secret.encode(), canonical)

    def headers(self, method: str, path: str, body: bytes, **over: str) -> dict[str, str]:
        timestamp = over.pop("timestamp", str(int(time.time())))
        nonce = over.pop("nonce", sg.new_nonce())
        canonical = sg.canonical_string(method, path, int(timestamp), nonce, sg.body_digest(self.profile, body))
        return {
            "X-Open-App-Id": self.app_id,
            "X-Open-Serial": self.serial,
            "X-Open-Signature-Type": self.profile,
            "X-Open-Timestamp": timestamp,
            "X-Open-Nonce": nonce,
            "X-Open-Signature": self.sign(canonical),
        } | over

    def get(self, path: str, **over: str) -> Any:
        return self.client.get(path, headers=self.headers("GET", path, b"", **over))

    def post(self, path: str, payload: object, key: str | None = None, **over: str) -> Any:
        body = json.dumps(payload).encode()
        headers = self.headers("POST", path, body, **over) | {"Content-Type": "application/json"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(path, content=body, headers=headers)


def rsa_public_pem(key: rsa.RSAPrivateKey) -> str:
    public = key.public_key()
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def approved_app(
    session: Session, client: TestClient, *, emp_no: str, operations: list[str], platform_secret: bytes
) -> dict[str, Caller]:
    """An approved app of ``emp_no`` with an HMAC-SM3 key and an RSA-SHA256 key (2048 bits)."""
    now = dt.datetime.now(dt.UTC)
    app = open_api.register_app(session, emp_no=emp_no, name="人事系统", operations=operations, now=now)
    open_api.decide_app(session, app.app_id, approve=True, staff="ins_admin", now=now)
    hmac_key, secret = open_api.add_hmac_key(
        session, app.app_id, profile=sg.HMAC_SM3, platform_secret=platform_secret, now=now
    )
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_row = open_api.add_rsa_key(session, app.app_id, public_key=rsa_public_pem(private), now=now)
    return {
        "hmac": Caller(client, app.app_id, hmac_key.serial, sg.HMAC_SM3, secret=secret),
        "rsa": Caller(client, app.app_id, rsa_row.serial, sg.RSA_SHA256, rsa_key=private),
    }
