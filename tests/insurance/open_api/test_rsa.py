"""The RSA-SHA256 profile (RSASSA-PKCS1-v1_5, SHA-256): cross-implementation vectors against the openssl command
line, refusal of PSS signatures and short keys, the derived platform key, and signed calls over HTTP."""

from __future__ import annotations

import base64
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.platform.security import load_secret
from tests.insurance.builders import enterprise, member
from tests.insurance.open_api.callers import approved_app, rsa_public_pem
from tests.service_map.editing.helpers import login

CANONICAL = sg.canonical_string("POST", "/api/open/v1/maternity-applications", 1765000000, "abcdef0123456789", "0" * 64)
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")


@pytest.fixture(scope="module")
def openssl_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command")
    path = tmp_path_factory.mktemp("rsa") / "key.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def _load(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@needs_openssl
def test_openssl_signature_verifies_here_and_is_byte_identical(openssl_key: Path, tmp_path: Path) -> None:
    message = tmp_path / "canonical.txt"
    message.write_bytes(CANONICAL.encode())
    signature = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", str(openssl_key), str(message)], check=True, capture_output=True
    ).stdout
    key = _load(openssl_key)
    assert sg.rsa_verify(rsa_public_pem(key), CANONICAL.encode(), signature)
    # PKCS#1 v1.5 is deterministic: both implementations produce the same bytes for the same key and message
    assert sg.rsa_sign(key, CANONICAL.encode()) == signature
    assert not sg.rsa_verify(rsa_public_pem(key), CANONICAL.replace("POST", "GET").encode(), signature)


@needs_openssl
def test_our_signature_verifies_with_openssl(openssl_key: Path, tmp_path: Path) -> None:
    key = _load(openssl_key)
    (tmp_path / "pub.pem").write_text(rsa_public_pem(key))
    (tmp_path / "canonical.txt").write_bytes(CANONICAL.encode())
    (tmp_path / "sig.bin").write_bytes(sg.rsa_sign(key, CANONICAL.encode()))
    command = ["openssl", "dgst", "-sha256", "-verify", str(tmp_path / "pub.pem"), "-signature"]
    ok = subprocess.run([*command, str(tmp_path / "sig.bin"), str(tmp_path / "canonical.txt")], capture_output=True)
    assert ok.returncode == 0
    assert b"Verified OK" in ok.stdout
    (tmp_path / "canonical.txt").write_bytes(CANONICAL.encode() + b" ")
    bad = subprocess.run([*command, str(tmp_path / "sig.bin"), str(tmp_path / "canonical.txt")], capture_output=True)
    assert bad.returncode != 0


@needs_openssl
def test_a_pss_signature_is_not_accepted(openssl_key: Path, tmp_path: Path) -> None:
    key = _load(openssl_key)
    (tmp_path / "canonical.txt").write_bytes(CANONICAL.encode())
    pss = subprocess.run(
        [
            "openssl",
            "dgst",
            "-sha256",
            "-sign",
            str(openssl_key),
            "-sigopt",
            "rsa_padding_mode:pss",
            str(tmp_path / "canonical.txt"),
        ],
        check=True,
        capture_output=True,
    ).stdout
    key.public_key().verify(
        pss, CANONICAL.encode(), padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.AUTO), hashes.SHA256()
    )
    assert not sg.rsa_verify(rsa_public_pem(key), CANONICAL.encode(), pss)


def test_uploaded_keys_must_be_rsa_of_2048_bits_or_more() -> None:
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(sg.SignatureError):
        sg.parse_rsa_public_key(rsa_public_pem(short))
    with pytest.raises(sg.SignatureError):
        sg.parse_rsa_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
    with pytest.raises(sg.SignatureError):
        sg.parse_rsa_public_key("04" + sg.generate_sm2_keypair().public_hex)
    pkcs1 = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
        .decode()
    )
    assert sg.parse_rsa_public_key(pkcs1).startswith("-----BEGIN PUBLIC KEY-----")


def test_the_platform_key_is_derived_from_its_secret() -> None:
    one = sg.rsa_private_from_seed(b"seed-one")
    assert one.key_size == 2048
    assert one.private_numbers() == sg.rsa_private_from_seed(b"seed-one").private_numbers()
    assert (
        one.private_numbers().public_numbers.n != sg.rsa_private_from_seed(b"seed-two").public_key().public_numbers().n
    )
    signature = sg.rsa_sign(one, b"message")
    assert sg.rsa_verify(rsa_public_pem(one), b"message", signature)


@pytest.fixture
def rsa_caller(insurance_app: FastAPI, connection: Connection) -> Iterator[dict[str, Any]]:
    secret = load_secret(insurance_app.state.runtime.settings)
    with TestClient(insurance_app, base_url="https://testserver") as client:
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            enterprise(session, "E0001", serial=1)
            member(session, "P0001", serial=1, emp_no="E0001")
            callers = approved_app(
                session, client, emp_no="E0001", operations=["employee.status.read"], platform_secret=secret
            )
            session.commit()
        yield {"client": client, "secret": secret, **callers}


def test_a_signed_rsa_call_and_its_signed_answer(rsa_caller: dict[str, Any]) -> None:
    caller = rsa_caller["rsa"]
    response = caller.get("/api/open/v1/employees/P0001/status")
    assert response.status_code == 200, response.text
    assert response.json()["psn_name"] == "测**"
    assert response.headers["X-Open-Signature-Type"] == sg.RSA_SHA256
    published = rsa_caller["client"].get("/api/open/v1/server-key/rsa").json()
    assert published["padding"] == "PKCS1-v1_5"
    assert published["public_key_pem"] == open_api.server_rsa_public_pem(rsa_caller["secret"])
    canonical = sg.canonical_string(
        "200",
        "/api/open/v1/employees/P0001/status",
        int(response.headers["X-Open-Timestamp"]),
        response.headers["X-Open-Nonce"],
        sg.body_digest(sg.RSA_SHA256, response.content),
    )
    signature = base64.b64decode(response.headers["X-Open-Signature"])
    assert sg.rsa_verify(published["public_key_pem"], canonical.encode(), signature)


def test_rsa_refusals(rsa_caller: dict[str, Any]) -> None:
    caller = rsa_caller["rsa"]
    forged = caller.get("/api/open/v1/employees/P0001/status", **{"X-Open-Signature": "AAAA"})
    assert forged.status_code == 401
    assert forged.json()["error"] == "bad_signature"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    impostor = type(caller)(caller.client, caller.app_id, caller.serial, caller.profile, rsa_key=other)
    assert impostor.get("/api/open/v1/employees/P0001/status").json()["error"] == "bad_signature"
    hmac_serial = rsa_caller["hmac"].serial  # an RSA signature under the HMAC key's serial
    wrong = caller.get("/api/open/v1/employees/P0001/status", **{"X-Open-Serial": hmac_serial})
    assert wrong.json()["error"] == "profile_mismatch"


def test_staff_upload_an_rsa_key(insurance_client: TestClient, db: Session) -> None:
    enterprise(db, "E0001", serial=1)
    db.commit()
    csrf = {"X-CSRF-Token": login(insurance_client, "ins_admin")}
    created = insurance_client.post(
        "/api/v1/insurance/open-apps",
        json={"emp_no": "E0001", "name": "人事", "operations": ["employee.status.read"]},
        headers=csrf,
    ).json()
    path = f"/api/v1/insurance/open-apps/{created['app_id']}/keys"
    pem = rsa_public_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    added = insurance_client.post(path, json={"profile": "RSA-SHA256", "public_key": pem}, headers=csrf)
    assert added.status_code == 201, added.text
    assert added.json()["profile"] == "RSA-SHA256"
    assert added.json()["secret"] is None
    short = rsa_public_pem(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    refused = insurance_client.post(path, json={"profile": "RSA-SHA256", "public_key": short}, headers=csrf)
    assert refused.status_code == 422
    missing = insurance_client.post(path, json={"profile": "RSA-SHA256"}, headers=csrf)
    assert missing.status_code == 422
