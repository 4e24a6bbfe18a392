"""Tables of enterprises (units, 单位) that enrol employees in the employee insurance types, and of their batch
enrolment / removal jobs with one result per row.

A job keeps its submitted rows (which hold ID numbers) only until it has run; the results keep masked values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class InsuranceEnterprise(Base):
    """A unit (单位) that enrols employees; ``uscc`` is its unified social credit code (GB 32100, checked)."""

    __tablename__ = "insurance_enterprises"

    emp_no: Mapped[str] = mapped_column(String(30), primary_key=True)
    emp_name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    admdvs: Mapped[str] = mapped_column(String(6))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


JOB_QUEUED = "queued"
JOB_RUNNING = "running"
JOB_FINISHED = "finished"


class EnrolmentJob(Base):
    """A batch of 增员 (``enrol``) or 减员 (``remove``) rows submitted by an enterprise's app, run asynchronously."""

    __tablename__ = "enterprise_enrolment_jobs"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    emp_no: Mapped[str] = mapped_column(ForeignKey("insurance_enterprises.emp_no"), index=True)
    app_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default=JOB_QUEUED)
    total: Mapped[int] = mapped_column(Integer)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[list[Any] | None] = mapped_column(JSON)  # the submitted rows; cleared once the job has run
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The worker running the job holds it until ``lease_until`` (renewed per chunk); an unfinished job whose lease
    # has run out is taken over by the next worker that starts (``jobs.claim_job``).
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class EnrolmentResult(Base):
    """The outcome of one row of a job: ``ok`` with the member number, or ``error`` with coded errors."""

    __tablename__ = "enterprise_enrolment_results"
    __table_args__ = (UniqueConstraint("job_id", "row_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("enterprise_enrolment_jobs.job_id", ondelete="CASCADE"))
    row_no: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(8))
    psn_no: Mapped[str | None] = mapped_column(String(30))
    certno_masked: Mapped[str] = mapped_column(String(18))
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


__all__ = ["EnrolmentJob", "EnrolmentResult", "InsuranceEnterprise"]
