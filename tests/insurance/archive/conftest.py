"""Fixtures of the archive, assistant and video tests: the insurance app, two members with a settlement each,
and a citizen account for the first (tests/auth/citizens/helpers.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from cityservices.insurance.members import service as members
from cityservices.insurance.members.schemas import ContributionCreate
from cityservices.insurance.settlement import service as settlement
from cityservices.insurance.settlement.schemas import ClaimRequest
from cityservices.kit.audit import SYSTEM
from cityservices.kit.money import Money
from tests.auth.citizens.helpers import citizen
from tests.insurance.builders import certno, member
from tests.insurance.conftest import connection, db, insurance_app, insurance_client, staff_settings
from tests.insurance.settlement.engine_data import bundled_book

__all__ = ["connection", "db", "insurance_app", "insurance_client", "staff_settings"]

DAY = dt.date(2026, 3, 10)
OWN_ID = certno(1)
OTHER_ID = certno(2)


def claim(psn_no: str, med_type: str = "21") -> ClaimRequest:
    return ClaimRequest.model_validate({
        "psn_no": psn_no, "fixmedins_code": "H001", "med_type": med_type, "hosp_lv": "3",
        "setl_date": DAY.isoformat(),
        "lines": [
            {"code": "A", "name": "甲类药", "chrgitm_lv": "01", "unit_price": "3000", "quantity": "1"},
            {"code": "D", "name": "目录外", "chrgitm_lv": "03", "unit_price": "300", "quantity": "1"},
        ],
    })  # fmt: skip


@pytest.fixture
def members_with_records(db: Session) -> dict[str, str]:
    """P0001 (the signed-in citizen's record) and P0002 (someone else), each with one contribution and one
    inpatient settlement; returns psn_no → setl_id."""
    book = bundled_book()
    found = {}
    for serial, psn_no in ((1, "P0001"), (2, "P0002")):
        member(db, psn_no, serial=serial)
        contribution = ContributionCreate(psn_no=psn_no, insutype="310", month=DAY, base=Money("10000"))
        members.record_contribution(db, contribution, book=book)
        read = settlement.settle(db, claim(psn_no), request_id=f"req-{psn_no}", book=book, actor=SYSTEM)
        found[psn_no] = str(read.setl_id)
    citizen(db, OWN_ID)
    db.commit()
    return found
