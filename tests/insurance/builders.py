"""Typed builders for insurance tests: valid-form ID numbers and credit codes, enterprises, enrolled members."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from cityservices.insurance.enterprises import service as enterprises
from cityservices.insurance.enterprises.schemas import EnterpriseCreate
from cityservices.insurance.members import service as members
from cityservices.insurance.members.schemas import MemberCreate, RelationCreate
from cityservices.kit.audit import SYSTEM


def certno(serial: int, birth: str = "19950101", region: str = "370202") -> str:
    body = f"{region}{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function expects a placeholder check digit


def credit_code(serial: int) -> str:
    body = f"91370200MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def enterprise(session: Session, emp_no: str = "E0001", serial: int = 1) -> str:
    data = EnterpriseCreate(emp_no=emp_no, emp_name="演示单位甲", uscc=credit_code(serial), admdvs="370202")
    enterprises.register_enterprise(session, data, actor=SYSTEM)
    return emp_no


def member(
    session: Session,
    psn_no: str = "P0001",
    *,
    serial: int = 1,
    psn_type: str = "1101",
    insutypes: tuple[str, ...] = ("310",),
    since: dt.date = dt.date(2020, 1, 1),
    emp_no: str | None = None,
    assistance: bool = False,
) -> str:
    data = MemberCreate(
        psn_no=psn_no,
        psn_name="测试甲",
        certno=certno(serial),
        psn_type=psn_type,
        emp_no=emp_no,
        insuplc_admdvs="370200",
        assistance=assistance,
    )
    members.register_member(session, data, actor=SYSTEM)
    for insutype in insutypes:
        members.enrol(session, RelationCreate(psn_no=psn_no, insutype=insutype, crt_insu_date=since, emp_no=emp_no))  # type: ignore[arg-type]
    return psn_no
