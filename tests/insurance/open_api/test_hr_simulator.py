"""The HR-system simulator (clients/python) end to end through the HTTP interface: a company of 500 fictional
employees enrolled by one batch, 50 removed by another, every row accounted for; a second run of the same company
is refused row by row (already enrolled) and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from cityservices_open import HmacCredentials, OpenClient
from cityservices_open.simulator import company, simulate
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.insurance.members import service as members
from cityservices.insurance.members.models import InsuranceMember
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.platform.security import load_secret
from tests.insurance.builders import enterprise

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def hr_client(insurance_app: FastAPI, connection: Connection) -> Iterator[OpenClient]:
    secret = load_secret(insurance_app.state.runtime.settings)
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        enterprise(session, "E0100", serial=100)
        operations = ["employee.enrol", "employee.remove", "employee.status.read"]
        app = open_api.register_app(session, emp_no="E0100", name="人事系统", operations=operations, now=NOW)
        open_api.decide_app(session, app.app_id, approve=True, staff="ins_admin", now=NOW)
        key, app_secret = open_api.add_hmac_key(
            session, app.app_id, profile=sg.HMAC_SHA256, platform_secret=secret, now=NOW
        )
        credentials = HmacCredentials(app.app_id, key.serial, sg.HMAC_SHA256, app_secret)
        session.commit()
    with TestClient(insurance_app, base_url="https://testserver") as http:
        yield OpenClient(http, credentials)


def test_a_company_of_500_enrolled_then_50_removed(hr_client: OpenClient, db: Session) -> None:
    report = simulate(hr_client, size=500, remove=50)
    assert (report.enrolled, report.enrol_failed, report.removed, report.remove_failed) == (500, 0, 50, 0)
    assert report.errors == {}
    employees = db.scalars(select(InsuranceMember).where(InsuranceMember.emp_no == "E0100")).all()
    assert len(employees) == 500
    by_certno = {m.certno: m.psn_no for m in employees}
    rows = company(500)
    next_month = dt.date.today().replace(day=28) + dt.timedelta(days=4)
    assert members.statuses_on(db, by_certno[rows[0][0]], next_month) == {"310": "4"}  # removed
    assert members.statuses_on(db, by_certno[rows[60][0]], next_month) == {"310": "1"}  # stays
    again = simulate(hr_client, size=500, remove=0)
    assert (again.enrolled, again.enrol_failed) == (0, 500)
    assert again.errors == {"already_enrolled": 500}
    assert db.scalar(select(func.count()).select_from(InsuranceMember).where(InsuranceMember.emp_no == "E0100")) == 500
