"""Batch enrolment / removal jobs: a submitted batch is stored as a queued job; ``run_job`` checks and applies its
rows in chunks of 500 (set-based: a handful of statements per chunk, not per row), each chunk in a transaction of
its own so that progress is visible while it runs, and stores one result per row. The submitted rows (ID numbers)
are dropped once the job has run.

``submit_job`` and the readers are rules (never commit); ``run_job`` owns its transactions (``session_scope``),
like a command.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Final

from sqlalchemy.orm import Session, sessionmaker

from cityservices.db import session_scope
from cityservices.errors import NotFound
from cityservices.insurance.enterprises import enrolment, repository
from cityservices.insurance.enterprises.enrolment import Kind
from cityservices.insurance.enterprises.models import (
    JOB_FINISHED,
    JOB_QUEUED,
    JOB_RUNNING,
    EnrolmentJob,
    EnrolmentResult,
)
from cityservices.insurance.rules import service as rules
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.calendar import now_in_china

CHUNK: Final = 500


def submit_job(
    session: Session, *, kind: Kind, emp_no: str, app_id: str, rows: list[dict[str, str]], now: dt.datetime
) -> EnrolmentJob:
    """A queued job holding the batch's rows (already read by ``enrolment.read_rows``)."""
    job = EnrolmentJob(
        job_id="job" + secrets.token_hex(12),
        emp_no=emp_no,
        app_id=app_id,
        kind=kind,
        status=JOB_QUEUED,
        total=len(rows),
        processed=0,
        succeeded=0,
        failed=0,
        rows=rows,
        created_at=now,
    )
    repository.add_job(session, job)
    return job


def job_or_404(session: Session, job_id: str, *, emp_no: str, kind: Kind) -> EnrolmentJob:
    """The enterprise's job of that kind; another enterprise's job is answered as not found."""
    job = repository.job(session, job_id, emp_no=emp_no, kind=kind)
    if job is None:
        raise NotFound("没有这个任务")
    return job


def results(session: Session, job_id: str, *, offset: int, limit: int) -> list[EnrolmentResult]:
    return repository.results(session, job_id, offset=offset, limit=limit)


def run_job(
    sessions: sessionmaker[Session],
    job_id: str,
    *,
    on_finish: Callable[[Session, EnrolmentJob], None] | None = None,
    today: dt.date | None = None,
) -> None:
    """Run a queued job to the end (a job already started elsewhere is left alone)."""
    with session_scope(sessions) as session:
        job = repository.job(session, job_id)
        if job is None or job.status != JOB_QUEUED:
            return
        job.status, job.started_at = JOB_RUNNING, utc_now()
        total = job.total
    start = 0
    while start < total:
        with session_scope(sessions) as session:
            _run_chunk(session, job_id, start, today or now_in_china().date())
        start += CHUNK
    with session_scope(sessions) as session:
        job = repository.job(session, job_id)
        assert job is not None
        job.status, job.finished_at, job.rows = JOB_FINISHED, utc_now(), None
        record_audit(
            session,
            actor=Actor(id=None, name=f"app:{job.app_id}"),
            action=f"open.{enrolment.OPERATION[job.kind]}.job",
            target_kind="enrolment_job",
            target_key=job.job_id,
            detail={"total": job.total, "succeeded": job.succeeded, "failed": job.failed},
        )
        if on_finish is not None:
            on_finish(session, job)


def _run_chunk(session: Session, job_id: str, start: int, today: dt.date) -> None:
    job = repository.job(session, job_id)
    assert job is not None
    assert job.rows is not None
    kind: Kind = "enrol" if job.kind == "enrol" else "remove"
    enterprise = repository.get_enterprise(session, job.emp_no)
    assert enterprise is not None
    book = rules.rule_book(session)
    rows = job.rows[start : start + CHUNK]
    checks = enrolment.check_rows(session, kind=kind, emp_no=job.emp_no, rows=rows, book=book, today=today)
    actor = Actor(id=None, name=f"app:{job.app_id}")
    for check in checks:
        check.row_no += start
    psn_nos = enrolment.apply_rows(
        session, checks, kind=kind, emp_no=job.emp_no, admdvs=enterprise.admdvs, book=book, actor=actor
    )
    stored = [
        {"job_id": job_id, **enrolment.outcome(check, psn_no)} for check, psn_no in zip(checks, psn_nos, strict=True)
    ]
    repository.add_results(session, stored)
    failed = sum(1 for row in stored if row["outcome"] == "error")
    job.processed += len(stored)
    job.failed += failed
    job.succeeded += len(stored) - failed
