"""Work a stopped worker left unfinished is resumed when a worker starts: an enrolment job interrupted after its
first chunk goes on from the first unprocessed row (each row processed once) and its webhook is delivered once; a
job whose lease another worker still holds is left to it; a delivery with retries due is sent with the attempts
it has left; the app's startup hook finds the work. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from cityservices.insurance import install
from cityservices.insurance.enterprises import enrolment, jobs
from cityservices.insurance.enterprises import repository as job_repository
from cityservices.insurance.enterprises.models import EnrolmentJob, EnrolmentResult
from cityservices.insurance.open_api import resume
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.webhooks import service as webhooks
from cityservices.insurance.open_api.webhooks.models import OpenWebhookAttempt, OpenWebhookDelivery
from cityservices.kit.audit import utc_now
from cityservices.kit.calendar import now_in_china
from cityservices.platform.security import load_secret
from tests.insurance.builders import enterprise
from tests.insurance.open_api import test_enrolment as base

receiver = base.receiver  # the real HTTP endpoint fixture
ROWS = 900  # two chunks: 500, then 400


@pytest.fixture
def sessions(insurance_app: FastAPI) -> sessionmaker[Session]:
    made: sessionmaker[Session] = insurance_app.state.runtime.sessions
    return made


def _app_with_webhook(session: Session, secret: bytes, url: str) -> str:
    enterprise(session, "E0001", serial=1)
    now = utc_now()
    app = open_api.register_app(session, emp_no="E0001", name="人事系统", operations=base.OPERATIONS, now=now)
    open_api.decide_app(session, app.app_id, approve=True, staff="ins_admin", now=now)
    key, _ = open_api.add_hmac_key(session, app.app_id, profile=sg.HMAC_SM3, platform_secret=secret, now=now)
    webhooks.set_webhook(session, app.app_id, url, serial=key.serial, now=now)
    return app.app_id


def _interrupted_job(sessions: sessionmaker[Session], secret: bytes, url: str, lease_until: dt.datetime) -> str:
    """A job that worker ``A`` started and ran one chunk of, then stopped with its lease ending at
    ``lease_until``."""
    with sessions() as session:
        app_id = _app_with_webhook(session, secret, url)
        rows = enrolment.read_rows("enrol", base.COLUMNS, [base.row(n) for n in range(ROWS)])
        job = jobs.submit_job(session, kind="enrol", emp_no="E0001", app_id=app_id, rows=rows, now=utc_now())
        assert job_repository.claim_job(session, job.job_id, owner="A", now=utc_now(), until=lease_until)
        job.status = "running"
        jobs._run_chunk(session, job.job_id, 0, now_in_china().date())
        session.commit()
        return job.job_id


def _results(db: Session, job_id: str) -> list[int]:
    query = select(EnrolmentResult.row_no).where(EnrolmentResult.job_id == job_id).order_by(EnrolmentResult.row_no)
    return list(db.scalars(query))


def test_a_stopped_workers_job_is_resumed_once(
    insurance_app: FastAPI, sessions: sessionmaker[Session], db: Session, receiver: Any
) -> None:
    secret = load_secret(insurance_app.state.runtime.settings)
    job_id = _interrupted_job(sessions, secret, receiver.url, utc_now() - dt.timedelta(seconds=1))
    assert db.get(EnrolmentJob, job_id).processed == 500  # type: ignore[union-attr]
    work = resume.outstanding(sessions, utc_now())
    assert work.jobs == [job_id]
    resume.resume_once(sessions, platform_secret=secret, owner="B", work=work)
    db.expire_all()
    job = db.get(EnrolmentJob, job_id)
    assert job is not None
    assert (job.status, job.processed, job.succeeded + job.failed) == ("finished", ROWS, ROWS)
    assert (job.lease_owner, job.rows) == (None, None)
    assert _results(db, job_id) == list(range(1, ROWS + 1))  # every row once, in order
    assert [headers["X-Open-Event"] for _, headers, _ in receiver.received] == ["job.finished"]
    assert not resume.outstanding(sessions, utc_now()).any  # a third worker finds nothing to do
    assert not jobs.run_job(sessions, job_id, owner="C")


def test_a_job_another_worker_holds_is_left_to_it(
    insurance_app: FastAPI, sessions: sessionmaker[Session], db: Session, receiver: Any
) -> None:
    secret = load_secret(insurance_app.state.runtime.settings)
    lease_end = utc_now() + dt.timedelta(seconds=60)
    job_id = _interrupted_job(sessions, secret, receiver.url, lease_end)
    work = resume.outstanding(sessions, utc_now())
    assert work.jobs == []
    assert work.next_lease_end is not None
    assert abs((work.next_lease_end - lease_end).total_seconds()) < 1
    assert not jobs.run_job(sessions, job_id, owner="B")
    db.expire_all()
    assert db.get(EnrolmentJob, job_id).processed == 500  # type: ignore[union-attr]
    assert jobs.run_job(sessions, job_id, owner="A")  # the holder goes on


def test_a_delivery_with_retries_due_is_sent_with_the_attempts_it_has_left(
    insurance_app: FastAPI, sessions: sessionmaker[Session], db: Session, receiver: Any
) -> None:
    secret = load_secret(insurance_app.state.runtime.settings)
    with sessions() as session:
        app_id = _app_with_webhook(session, secret, receiver.url)
        now = utc_now()
        row = webhooks.enqueue(session, app_id=app_id, event="job.finished", subject="job1", payload={"a": 1}, now=now)
        assert row is not None
        row.attempts, row.next_attempt_at = 4, now - dt.timedelta(seconds=1)  # the fifth and last attempt is due
        row.lease_owner, row.lease_until = "A", now - dt.timedelta(seconds=1)
        session.commit()
        delivery_id = row.delivery_id
    receiver.status = 500
    resume.resume_once(sessions, platform_secret=secret, owner="B", work=resume.outstanding(sessions, utc_now()))
    db.expire_all()
    delivery = db.get(OpenWebhookDelivery, delivery_id)
    assert delivery is not None
    assert (delivery.status, delivery.attempts, delivery.lease_owner) == ("failed", 5, None)
    attempts = db.scalars(select(OpenWebhookAttempt.attempt_no).where(OpenWebhookAttempt.delivery_id == delivery_id))
    assert list(attempts) == [5]
    assert len(receiver.received) == 1


def test_the_startup_hook_resumes_unfinished_work(
    insurance_app: FastAPI, sessions: sessionmaker[Session], connection: Connection, db: Session, receiver: Any
) -> None:
    assert install.DOMAIN.on_start is not None
    assert install.DOMAIN.on_start(insurance_app) is None  # nothing unfinished: no thread
    secret = load_secret(insurance_app.state.runtime.settings)
    job_id = _interrupted_job(sessions, secret, receiver.url, utc_now() - dt.timedelta(seconds=1))
    resumer = install.DOMAIN.on_start(insurance_app)
    assert isinstance(resumer, resume.Resumer)
    resumer.thread.join()  # it ends by itself once nothing is left
    db.expire_all()
    assert db.get(EnrolmentJob, job_id).status == "finished"  # type: ignore[union-attr]
    count = db.scalar(select(func.count()).select_from(EnrolmentResult).where(EnrolmentResult.job_id == job_id))
    assert count == ROWS
