"""Every query on enterprises."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.models import InsuranceEnterprise


def get_enterprise(session: Session, emp_no: str) -> InsuranceEnterprise | None:
    return session.get(InsuranceEnterprise, emp_no)


def enterprise_with_uscc(session: Session, code: str) -> InsuranceEnterprise | None:
    return session.scalars(select(InsuranceEnterprise).where(InsuranceEnterprise.uscc == code)).first()


def add(session: Session, row: InsuranceEnterprise) -> None:
    session.add(row)
    session.flush()


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(InsuranceEnterprise)) or 0)


def delete_demo(session: Session) -> None:
    session.execute(delete(InsuranceEnterprise).where(InsuranceEnterprise.demo.is_(True)))
