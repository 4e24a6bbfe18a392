"""Every query of the certificates: issued rows and the unit's name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.certificates.models import InsuranceCertificate
from cityservices.insurance.enterprises.models import InsuranceEnterprise


def certificate(session: Session, cert_no: str) -> InsuranceCertificate | None:
    return session.get(InsuranceCertificate, cert_no)


def add(session: Session, row: InsuranceCertificate) -> None:
    session.add(row)
    session.flush()


def enterprise_name(session: Session, emp_no: str | None) -> str | None:
    if emp_no is None:
        return None
    row = session.get(InsuranceEnterprise, emp_no)
    return row.emp_name if row is not None else None


def latest(session: Session, *, limit: int) -> list[InsuranceCertificate]:
    query = select(InsuranceCertificate).order_by(InsuranceCertificate.issued_at.desc(), InsuranceCertificate.cert_no)
    return list(session.scalars(query.limit(limit)))
