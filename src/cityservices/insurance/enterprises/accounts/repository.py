"""Every query on enterprise accounts and their sessions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.accounts.models import EnterpriseAccount


def by_uscc(session: Session, code: str) -> EnterpriseAccount | None:
    return session.scalars(select(EnterpriseAccount).where(EnterpriseAccount.uscc == code)).first()


def account(session: Session, account_id: int) -> EnterpriseAccount | None:
    return session.get(EnterpriseAccount, account_id)


def accounts(session: Session, *, status: str | None, offset: int, limit: int) -> list[EnterpriseAccount]:
    query = select(EnterpriseAccount)
    if status is not None:
        query = query.where(EnterpriseAccount.status == status)
    query = query.order_by(EnterpriseAccount.created_at.desc(), EnterpriseAccount.id).offset(offset).limit(limit)
    return list(session.scalars(query))


def add(session: Session, row: EnterpriseAccount) -> None:
    session.add(row)
    session.flush()
