"""参保证明: periods from the status history, the signed token (genuine, revoked, forged, altered), the PDF (Chinese
text and embedded font, rendered to PNG), and the routes: an enterprise's app over the signed open API (its own
employees only), staff issue / fetch / revoke, the public verification page. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.insurance.certificates import service as certificates
from cityservices.insurance.certificates.models import InsuranceCertificate
from cityservices.insurance.members import service as members
from cityservices.kit.audit.models import AuditEntry
from cityservices.platform.security import load_secret
from tests.insurance.builders import enterprise, member
from tests.insurance.open_api.callers import approved_app
from tests.service_map.editing.helpers import login

NOW = dt.datetime(2026, 12, 7, 2, 30, tzinfo=dt.UTC)
SECRET = b"test-platform-secret"


def _member_with_history(session: Session) -> str:
    enterprise(session, "E0001", serial=1)
    member(session, "P0001", serial=1, emp_no="E0001", insutypes=("310", "510"), since=dt.date(2020, 1, 1))
    members.change_status(session, "P0001", "310", month=dt.date(2023, 3, 1), status="2")
    members.change_status(session, "P0001", "310", month=dt.date(2023, 6, 1), status="1")
    return "P0001"


def test_periods_follow_the_status_history(db: Session) -> None:
    _member_with_history(db)
    periods = [(p.insutype, p.start, p.end, p.status_label) for p in certificates.insurance_periods(db, "P0001")]
    assert periods == [
        ("310", dt.date(2020, 1, 1), dt.date(2023, 2, 28), "正常参保"),
        ("310", dt.date(2023, 3, 1), dt.date(2023, 5, 31), "暂停参保"),
        ("310", dt.date(2023, 6, 1), None, "正常参保"),
        ("510", dt.date(2020, 1, 1), None, "正常参保"),
    ]


def _issue(db: Session) -> InsuranceCertificate:
    _member_with_history(db)
    return certificates.issue(db, psn_no="P0001", channel="staff", issued_by="ins_admin", now=NOW)


def test_token_genuine_revoked_forged_altered(db: Session) -> None:
    row = _issue(db)
    token = certificates.token_of(row, SECRET)
    genuine = certificates.verify(db, token, platform_secret=SECRET)
    assert genuine.verdict == "genuine"
    assert genuine.psn_name == "测**"
    assert genuine.cert_no == row.cert_no
    assert genuine.certno is not None
    assert genuine.certno.count("*") == 16
    assert certificates.verify(db, token, platform_secret=b"another-platform").verdict == "not_genuine"
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert certificates.verify(db, flipped, platform_secret=SECRET).verdict == "not_genuine"
    other_number = row.cert_no[:-1] + ("0" if row.cert_no[-1] != "0" else "1") + token[len(row.cert_no) :]
    assert certificates.verify(db, other_number, platform_secret=SECRET).verdict == "not_genuine"
    for junk in ("", "x", "C20261207ZZZZZZZZ.abc", token + "A"):
        result = certificates.verify(db, junk, platform_secret=SECRET)
        assert result.verdict == "not_genuine"
        assert result.psn_name is None
    row.facts = {**row.facts, "psn_name": "李四"}  # facts changed behind the certificate's back
    db.flush()
    assert certificates.verify(db, token, platform_secret=SECRET).verdict == "not_genuine"


def test_revoked_certificate_is_shown_as_revoked(db: Session) -> None:
    row = _issue(db)
    certificates.revoke(db, row.cert_no, psn_no="P0001", by="ins_admin", reason="信息有误，已重开", now=NOW)
    result = certificates.verify(db, certificates.token_of(row, SECRET), platform_secret=SECRET)
    assert result.verdict == "revoked"
    assert result.revoke_reason == "信息有误，已重开"


def test_another_units_employee_is_not_found(db: Session) -> None:
    _member_with_history(db)
    enterprise(db, "E0002", serial=2)
    from cityservices.errors import NotFound

    with pytest.raises(NotFound):
        certificates.issue(db, psn_no="P0001", channel="open_api", issued_by="app:x", now=NOW, emp_no="E0002")


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


@needs_poppler
def test_pdf_has_chinese_text_an_embedded_font_and_renders(db: Session, tmp_path: Path) -> None:
    row = _issue(db)
    url = "https://example.test" + certificates.VERIFY_PATH + certificates.token_of(row, SECRET)
    data = certificates.render_pdf(row, verify_url=url)
    assert data.startswith(b"%PDF-")
    assert b"/FontFile" in data
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    for words in ("参保证明", "测试甲", "职工基本医疗保险", "生育保险", "2023年3月", "暂停参保", "至今", row.cert_no):
        assert words in text, words
    assert members.member_or_404(db, "P0001").certno not in text  # the ID number is masked
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "NotoSansCJK" in fonts or "WenQuanYi" in fonts or "CJK" in fonts
    assert all(line.split()[-4] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    from PIL import Image

    with Image.open(tmp_path / "page.png") as image:
        grey = image.convert("L")
        width, height = grey.size
        title = grey.crop((int(width * 0.3), 0, int(width * 0.7), int(height * 0.12)))
        assert title.getextrema()[0] < 80  # the title is drawn (dark pixels), not blank or missing glyphs


# ---- over HTTP ------------------------------------------------------------------------------------------------


@pytest.fixture
def setup(insurance_app: FastAPI, connection: Connection) -> Iterator[dict[str, Any]]:
    secret = load_secret(insurance_app.state.runtime.settings)
    with TestClient(insurance_app, base_url="https://testserver") as client:
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            _member_with_history(session)
            enterprise(session, "E0002", serial=2)
            member(session, "P0002", serial=2, emp_no="E0002")
            callers = approved_app(
                session, client, emp_no="E0001", operations=["certificate.issue"], platform_secret=secret
            )
            session.commit()
        yield {"client": client, "secret": secret, "connection": connection, **callers}


def test_an_enterprise_issues_fetches_and_the_qr_page_verifies(setup: dict[str, Any]) -> None:
    caller, client = setup["hmac"], setup["client"]
    issued = caller.post("/api/open/v1/certificates", {"psn_no": "P0001"}, key="cert-1")
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["psn_name"] == "测**"
    assert "*" in body["certno"]
    assert body["verify_url"].startswith("https://testserver/insurance/certificates/verify/")
    again = caller.post("/api/open/v1/certificates", {"psn_no": "P0001"}, key="cert-1")
    assert again.json()["cert_no"] == body["cert_no"]  # idempotent: the same certificate
    pdf = setup["rsa"].get(body["pdf_path"])
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.headers["X-Open-Signature-Type"] == "RSA-SHA256"
    page = client.get(body["verify_url"].removeprefix("https://testserver"))
    assert page.status_code == 200
    assert "真实有效" in page.text
    assert "测**" in page.text
    assert page.headers["cache-control"] == "no-store"
    forged = client.get("/insurance/certificates/verify/" + body["token"][:-3] + "abc")
    assert forged.status_code == 200
    assert "无法核验" in forged.text
    assert "测**" not in forged.text
    assert "无法核验" in client.get("/insurance/certificates/verify/%3Cscript%3E").text


def test_an_enterprise_cannot_reach_another_units_employee(setup: dict[str, Any]) -> None:
    caller = setup["hmac"]
    refused = caller.post("/api/open/v1/certificates", {"psn_no": "P0002"}, key="cert-2")
    assert (refused.status_code, refused.json()["error"]) == (404, "employee_not_found")
    nobody = caller.post("/api/open/v1/certificates", {"psn_no": "P9999"}, key="cert-3")
    assert nobody.json() == refused.json()  # another unit's employee looks like nobody
    with Session(bind=setup["connection"], join_transaction_mode="create_savepoint") as session:
        other = certificates.issue(session, psn_no="P0002", channel="staff", issued_by="ins_admin", now=NOW)
        session.commit()
        cert_no = other.cert_no
    fetched = caller.get(f"/api/open/v1/certificates/{cert_no}/pdf")
    assert (fetched.status_code, fetched.json()["error"]) == (404, "certificate_not_found")
    with Session(bind=setup["connection"], join_transaction_mode="create_savepoint") as session:
        outcomes = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "open.certificate.issue")).all()
    assert [d["outcome"] for d in outcomes].count("not_found") == 3


def test_staff_issue_fetch_and_revoke(setup: dict[str, Any]) -> None:
    client = setup["client"]
    csrf = {"X-CSRF-Token": login(client, "ins_admin")}
    issued = client.post("/api/v1/insurance/members/P0001/certificates", headers=csrf)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    pdf = client.get(body["pdf_path"])
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    verify_path = body["verify_url"].removeprefix("https://testserver")
    revoked = client.post(
        f"/api/v1/insurance/members/P0001/certificates/{body['cert_no']}/revocation",
        json={"reason": "单位申请作废"},
        headers=csrf,
    )
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"]
    page = client.get(verify_path)
    assert "已作废" in page.text
    assert "单位申请作废" in page.text
    wrong_member = client.get(f"/api/v1/insurance/members/P0002/certificates/{body['cert_no']}/pdf")
    assert wrong_member.status_code == 404


def test_staff_outside_the_region_and_anonymous_callers_are_refused(setup: dict[str, Any]) -> None:
    client = setup["client"]
    assert client.post("/api/v1/insurance/members/P0001/certificates").status_code in (401, 403)
    csrf = {"X-CSRF-Token": login(client, "ins_viewer")}
    assert client.post("/api/v1/insurance/members/P0001/certificates", headers=csrf).status_code == 403


@needs_poppler
def test_the_pdfs_qr_code_is_the_verification_address(db: Session, tmp_path: Path) -> None:
    from PIL import Image, ImageChops

    from cityservices.kit import qr

    row = _issue(db)
    url = "https://example.test" + certificates.VERIFY_PATH + certificates.token_of(row, SECRET)
    (tmp_path / "c.pdf").write_bytes(certificates.render_pdf(row, verify_url=url))
    subprocess.run(["pdfimages", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "img")], check=True)
    images = sorted(tmp_path.glob("img-*.png"))
    assert len(images) == 1
    expected = Image.open(io.BytesIO(qr.qr_png(url))).convert("L")
    with Image.open(images[0]) as embedded:
        assert ImageChops.difference(embedded.convert("L"), expected).getbbox() is None  # pixel for pixel
    other = Image.open(io.BytesIO(qr.qr_png(url + "x"))).convert("L")
    assert other.size != expected.size or ImageChops.difference(other, expected).getbbox() is not None
