"""Registering and finding enterprises. Rules, never commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cityservices.errors import Conflict
from cityservices.insurance.enterprises import repository
from cityservices.insurance.enterprises.models import InsuranceEnterprise
from cityservices.insurance.enterprises.schemas import EnterpriseCreate
from cityservices.kit.audit import Actor, record_audit

__all__ = ["InsuranceEnterprise", "delete_demo", "enterprise", "exists", "register_enterprise"]


def register_enterprise(session: Session, data: EnterpriseCreate, *, actor: Actor) -> InsuranceEnterprise:
    if repository.get_enterprise(session, data.emp_no) is not None:
        raise Conflict(f"单位编号 {data.emp_no} 已存在")
    if repository.enterprise_with_uscc(session, data.uscc) is not None:
        raise Conflict("该统一社会信用代码已登记")
    row = InsuranceEnterprise(**data.model_dump())
    repository.add(session, row)
    record_audit(
        session, actor=actor, action="insurance.enterprise.create", target_kind="enterprise", target_key=data.emp_no
    )
    return row


def enterprise(session: Session, emp_no: str) -> InsuranceEnterprise | None:
    return repository.get_enterprise(session, emp_no)


def exists(session: Session, emp_no: str) -> bool:
    return repository.get_enterprise(session, emp_no) is not None


def count(session: Session) -> int:
    return repository.count(session)


def delete_demo(session: Session) -> None:
    repository.delete_demo(session)
