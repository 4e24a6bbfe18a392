"""Every query of the filings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cityservices.insurance.filings.models import InsuranceFiling, InsuranceFilingDocument


def add(session: Session, row: InsuranceFiling) -> None:
    session.add(row)
    session.flush()


def get(session: Session, filing_id: str, *, lock: bool = False) -> InsuranceFiling | None:
    query = select(InsuranceFiling).where(InsuranceFiling.filing_id == filing_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def of_member(session: Session, psn_no: str) -> Sequence[InsuranceFiling]:
    query = (
        select(InsuranceFiling)
        .where(InsuranceFiling.psn_no == psn_no)
        .order_by(InsuranceFiling.begin_date.desc(), InsuranceFiling.created_at.desc())
    )
    return session.execute(query).scalars().all()


def active_on(session: Session, psn_no: str, day: dt.date) -> Sequence[InsuranceFiling]:
    """The member's filings in force on ``day`` (a cancelled one until its cancellation day)."""
    query = select(InsuranceFiling).where(
        InsuranceFiling.psn_no == psn_no,
        InsuranceFiling.begin_date <= day,
        (InsuranceFiling.end_date.is_(None)) | (InsuranceFiling.end_date >= day),
        (InsuranceFiling.status == "active")
        | ((InsuranceFiling.status != "active") & (InsuranceFiling.cancelled_on > day)),
    )
    return session.execute(query.order_by(InsuranceFiling.created_at)).scalars().all()


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(InsuranceFiling)).scalar_one()


def delete_demo(session: Session) -> None:
    delete_demo_documents(session)
    session.execute(delete(InsuranceFiling).where(InsuranceFiling.demo.is_(True)))


def add_document(session: Session, row: InsuranceFilingDocument) -> None:
    session.add(row)
    session.flush()


def documents_of(session: Session, filing_id: str) -> Sequence[InsuranceFilingDocument]:
    query = (
        select(InsuranceFilingDocument)
        .where(InsuranceFilingDocument.filing_id == filing_id)
        .order_by(InsuranceFilingDocument.id)
    )
    return session.execute(query).scalars().all()


def delete_demo_documents(session: Session) -> None:
    demo_ids = select(InsuranceFiling.filing_id).where(InsuranceFiling.demo.is_(True))
    session.execute(delete(InsuranceFilingDocument).where(InsuranceFilingDocument.filing_id.in_(demo_ids)))
