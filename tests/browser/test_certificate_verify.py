"""The certificate's verification page on a phone (360 px) against the real server and the demo data: a certificate
issued for a demo member, its PDF rendered to PNG, the page reached from the QR code's address showing 真实有效,
then a forged token and a revoked certificate."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cityservices.config import Settings
from cityservices.insurance.certificates import service as certificates
from cityservices.insurance.certificates.models import InsuranceCertificate
from cityservices.insurance.members.models import InsuranceMember
from cityservices.platform.security import load_secret
from tests.browser.conftest import MOBILE, Server, watch_console


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], width


def _issue(env: dict[str, str], server: Server) -> tuple[str, str, bytes]:
    url = env["CITYSERVICES_DATABASE_URL"]
    secret = load_secret(Settings(database_url=url))
    engine = create_engine(url)
    with Session(engine) as session:
        query = select(InsuranceMember.psn_no).where(InsuranceMember.demo, InsuranceMember.emp_no.is_not(None))
        psn_no = session.scalars(query.order_by(InsuranceMember.psn_no).limit(1)).one()
        row = certificates.issue(
            session, psn_no=psn_no, channel="staff", issued_by="browser-test", now=dt.datetime.now(dt.UTC)
        )
        token = certificates.token_of(row, secret)
        pdf = certificates.render_pdf(row, verify_url=server.url(certificates.VERIFY_PATH + token))
        session.commit()
        cert_no = row.cert_no
    engine.dispose()
    return cert_no, token, pdf


def _revoke(env: dict[str, str], cert_no: str) -> None:
    engine = create_engine(env["CITYSERVICES_DATABASE_URL"])
    with Session(engine) as session:
        row = session.get(InsuranceCertificate, cert_no)
        assert row is not None
        certificates.revoke(
            session, cert_no, psn_no=row.psn_no, by="browser-test", reason="重新出具", now=dt.datetime.now(dt.UTC)
        )
        session.commit()
    engine.dispose()


def test_verification_page_on_a_phone(
    new_context: Any, server: Server, demo_env: dict[str, str], artifacts: Path
) -> None:
    cert_no, token, pdf = _issue(demo_env, server)
    (artifacts / "certificate.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        command = ["pdftoppm", "-png", "-r", "110", "-singlefile", str(artifacts / "certificate.pdf")]
        subprocess.run([*command, str(artifacts / "certificate")], check=True)
    page = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(page)
    page.goto(server.url(certificates.VERIFY_PATH + token))
    verdict = page.locator(".cert-verdict")
    assert "真实有效" in verdict.inner_text()
    facts = page.locator(".cert-facts").inner_text()
    assert cert_no in facts
    assert "*" in facts
    assert "演示数据" in page.locator("main").inner_text()
    assert page.locator(".cert-periods li").count() >= 1
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "certificate-verify-mobile.png"), full_page=True)

    page.goto(server.url(certificates.VERIFY_PATH + token[:-4] + "AAAA"))
    assert "无法核验" in page.locator(".cert-verdict").inner_text()
    assert page.locator(".cert-facts").count() == 0
    _no_sideways_scroll(page)

    _revoke(demo_env, cert_no)
    page.goto(server.url(certificates.VERIFY_PATH + token))
    assert "已作废" in page.locator(".cert-verdict").inner_text()
    assert "重新出具" in page.locator(".cert-verdict").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "certificate-verify-revoked-mobile.png"), full_page=True)
    assert problems == []


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
