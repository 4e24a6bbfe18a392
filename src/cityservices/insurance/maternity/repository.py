"""Every query of maternity allowance: applications and the unit's contribution bases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.insurance.maternity.models import MaternityApplication
from cityservices.insurance.members.models import InsuranceContribution, InsuranceMember


def application(session: Session, application_no: str) -> MaternityApplication | None:
    return session.get(MaternityApplication, application_no)


def application_for_birth(session: Session, psn_no: str, birth_date: dt.date) -> MaternityApplication | None:
    query = select(MaternityApplication).where(
        MaternityApplication.psn_no == psn_no, MaternityApplication.birth_date == birth_date
    )
    return session.scalars(query).one_or_none()


def applications(session: Session, *, status: str | None, limit: int) -> list[MaternityApplication]:
    query = select(MaternityApplication).order_by(MaternityApplication.submitted_at.desc()).limit(limit)
    if status is not None:
        query = query.where(MaternityApplication.status == status)
    return list(session.scalars(query))


def add(session: Session, row: MaternityApplication) -> None:
    session.add(row)
    session.flush()


def unit_base_stats(session: Session, emp_no: str, start: dt.date, end: dt.date) -> tuple[Decimal, int]:
    """The sum of the monthly contribution bases (employee basic insurance, 310) of the unit's employees in
    ``start`` ≤ month < ``end``, and the number of those employee-months."""
    query = (
        select(func.coalesce(func.sum(InsuranceContribution.base), 0), func.count(InsuranceContribution.id))
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceContribution.psn_no)
        .where(
            InsuranceMember.emp_no == emp_no,
            InsuranceContribution.insutype == "310",
            InsuranceContribution.month >= start,
            InsuranceContribution.month < end,
        )
    )
    total, count = session.execute(query).one()
    return Decimal(total), int(count)
