"""Every query on enterprises and their enrolment jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.models import (
    JOB_QUEUED,
    JOB_RUNNING,
    EnrolmentJob,
    EnrolmentResult,
    InsuranceEnterprise,
)


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


# ---- enrolment jobs ------------------------------------------------------------------------------------------


def add_job(session: Session, row: EnrolmentJob) -> None:
    session.add(row)
    session.flush()


def job(session: Session, job_id: str, *, emp_no: str | None = None, kind: str | None = None) -> EnrolmentJob | None:
    """A job; with ``emp_no`` / ``kind`` only when it belongs to that enterprise and is of that kind."""
    query = select(EnrolmentJob).where(EnrolmentJob.job_id == job_id)
    if emp_no is not None:
        query = query.where(EnrolmentJob.emp_no == emp_no)
    if kind is not None:
        query = query.where(EnrolmentJob.kind == kind)
    return session.scalars(query).first()


def add_results(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(EnrolmentResult), rows)


def results(session: Session, job_id: str, *, offset: int, limit: int) -> list[EnrolmentResult]:
    query = (
        select(EnrolmentResult)
        .where(EnrolmentResult.job_id == job_id)
        .order_by(EnrolmentResult.row_no)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(query))


# ---- leases: which worker runs a job -------------------------------------------------------------------------

UNFINISHED = (JOB_QUEUED, JOB_RUNNING)


def claim_job(session: Session, job_id: str, *, owner: str, now: dt.datetime, until: dt.datetime) -> bool:
    """Take (or renew) the lease of an unfinished job: one conditional UPDATE, so of several workers exactly one
    gets a free or expired lease (SQLite and PostgreSQL alike)."""
    free = or_(EnrolmentJob.lease_until.is_(None), EnrolmentJob.lease_until < now, EnrolmentJob.lease_owner == owner)
    statement = (
        update(EnrolmentJob)
        .where(EnrolmentJob.job_id == job_id, EnrolmentJob.status.in_(UNFINISHED), free)
        .values(lease_owner=owner, lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(session.execute(statement), "rowcount", 0) or 0) == 1


def unfinished_jobs(session: Session) -> list[tuple[str, dt.datetime | None]]:
    """Every queued or running job with the end of its lease (None: nobody holds it), oldest first."""
    query = (
        select(EnrolmentJob.job_id, EnrolmentJob.lease_until)
        .where(EnrolmentJob.status.in_(UNFINISHED))
        .order_by(EnrolmentJob.created_at, EnrolmentJob.job_id)
    )
    return [(job_id, until) for job_id, until in session.execute(query)]
