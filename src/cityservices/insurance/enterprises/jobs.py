"""Batch enrolment / removal jobs: a submitted batch is stored as a queued job; ``run_job`` checks and applies its
rows in chunks of 500 (set-based: a handful of statements per chunk, not per row), each chunk in a transaction of
its own so that progress is visible while it runs, and stores one result per row. The submitted rows (ID numbers)
are dropped once the job has run.

``submit_job`` and the readers are rules (never commit); ``run_job`` owns its transactions (``session_scope``),
like a command. A worker holds a job by a lease (``lease_owner``, ``lease_until``) taken with one conditional
UPDATE and renewed before every chunk, so that of several workers exactly one runs it, and a job left behind by a
worker that stopped is taken over once its lease has run out (``open_api.resume``).
"""

from __future__ import annotations

import datetime as dt
import os
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
LEASE: Final = dt.timedelta(seconds=60)  # renewed before every chunk; a chunk of 500 rows takes well under that


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


def new_owner() -> str:
    """A worker's name in leases: the process and a random part (a restarted process is another owner)."""
    return f"{os.getpid()}-{secrets.token_hex(8)}"


def run_job(
    sessions: sessionmaker[Session],
    job_id: str,
    *,
    on_finish: Callable[[Session, EnrolmentJob], None] | None = None,
    today: dt.date | None = None,
    owner: str | None = None,
) -> bool:
    """Run an unfinished job to the end under a lease, from the first row not yet processed (a job interrupted by
    a restart goes on where its last committed chunk ended). A job whose lease another worker holds is left
    alone; so is one that worker takes over when this one's lease has run out. Returns whether it finished here."""
    me = owner or new_owner()
    with session_scope(sessions) as session:
        now = utc_now()
        if not repository.claim_job(session, job_id, owner=me, now=now, until=now + LEASE):
            return False
        job = repository.job(session, job_id)
        assert job is not None
        job.status = JOB_RUNNING
        job.started_at = job.started_at or now
    while True:
        with session_scope(sessions) as session:
            now = utc_now()
            if not repository.claim_job(session, job_id, owner=me, now=now, until=now + LEASE):
                return False  # the lease ran out and another worker took the job over
            job = repository.job(session, job_id)
            assert job is not None
            if job.processed >= job.total:
                break
            _run_chunk(session, job_id, job.processed, today or now_in_china().date())
    with session_scope(sessions) as session:
        job = repository.job(session, job_id)
        assert job is not None
        job.status, job.finished_at, job.rows = JOB_FINISHED, utc_now(), None
        job.lease_owner, job.lease_until = None, None
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
    return True


def unfinished_jobs(session: Session) -> list[tuple[str, dt.datetime | None]]:
    return repository.unfinished_jobs(session)


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
