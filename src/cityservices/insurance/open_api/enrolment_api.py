"""``/api/open/v1/…`` 增员 / 减员: single rows answered at once, batches of up to 10,000 rows run as jobs (status,
progress, per-row results as JSON or CSV), dry runs that check every row and write nothing, and the webhook that
signals a finished job (its endpoint, the delivery log, re-delivery).

Every route is a signed call (``guard.signed``) scoped to the app's enterprise; every write takes an
``Idempotency-Key``; every call leaves an audit row, refusals included; answers carry masked ID numbers only.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from cityservices.deps import DbSession
from cityservices.errors import NotFound, RequestInvalid, error_responses
from cityservices.insurance.enterprises import enrolment, jobs
from cityservices.insurance.enterprises import service as enterprises
from cityservices.insurance.enterprises.enrolment import BatchInvalid, Kind
from cityservices.insurance.enterprises.models import EnrolmentJob, EnrolmentResult
from cityservices.insurance.enterprises.schemas import (
    BatchCreate,
    DeliveryPage,
    DeliveryRead,
    DryRunRead,
    EnrolRow,
    JobRead,
    RemoveRow,
    ResultsPage,
    RowOutcome,
    WebhookRead,
    WebhookSet,
)
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api.guard import OpenCall, answer, audit_call, idempotent, signed
from cityservices.insurance.open_api.webhooks import service as webhooks
from cityservices.insurance.rules import service as rules
from cityservices.kit.audit import utc_now
from cityservices.kit.calendar import now_in_china

router = APIRouter(prefix="/api/open/v1", tags=["open-platform"], responses=error_responses(401, 403, 404, 409, 422))
ENROL, REMOVE = enrolment.OPERATION["enrol"], enrolment.OPERATION["remove"]
JobId = Annotated[str, Path(pattern=r"^job[0-9a-f]{24}$", description="任务编号 job_id")]
DeliveryId = Annotated[str, Path(pattern=r"^whd[0-9a-f]{24}$", description="回调编号 delivery_id")]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=1000)]
M = TypeVar("M", bound=BaseModel)
EnrolCall = Annotated[OpenCall, Depends(signed(ENROL))]
RemoveCall = Annotated[OpenCall, Depends(signed(REMOVE))]
Format = Annotated[str, Query(pattern=r"^(json|csv)$", description="json 或 csv")]


def _body(model: type[BaseModel]) -> dict[str, Any]:
    """The request body as documented (the signed raw body is read and validated in the route)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _refuse(session: Session, call: OpenCall, code: str, detail: object, subject: str | None = None) -> Response:
    audit_call(session, call.verified.app.app_id, call.verified.operation, code, subject)
    return answer(call, {"error": code, "detail": detail}, 422)


def _parse(model: type[M], call: OpenCall) -> M | str:
    try:
        return model.model_validate_json(call.body or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        return f"{where}: {first['msg']}"[:300]


# ---- single rows ---------------------------------------------------------------------------------------------


def _single(session: Session, call: OpenCall, kind: Kind, model: type[EnrolRow] | type[RemoveRow]) -> Response:
    data = _parse(model, call)
    if isinstance(data, str):
        return _refuse(session, call, "bad_body", data)
    columns = enrolment.COLUMNS[kind]
    values = data.model_dump()
    rows = [{name: str(values[name]).strip() for name in columns}]

    def write() -> tuple[int, dict[str, Any]]:
        checks, psn_nos = _check_and_apply(session, call, kind, rows, apply=not data.dry_run)
        result = enrolment.outcome(checks[0], psn_nos[0])
        status = 422 if checks[0].errors else 200 if data.dry_run else 201
        audit_call(session, call.verified.app.app_id, call.verified.operation, str(result["outcome"]), psn_nos[0])
        return status, {"dry_run": data.dry_run, **result}

    return idempotent(session, call, write)


def _check_and_apply(
    session: Session, call: OpenCall, kind: Kind, rows: list[dict[str, str]], *, apply: bool
) -> tuple[list[enrolment.RowCheck], list[str | None]]:
    book = rules.rule_book(session)
    checks = enrolment.check_rows(
        session, kind=kind, emp_no=call.emp_no, rows=rows, book=book, today=now_in_china().date()
    )
    enterprise = enterprises.enterprise(session, call.emp_no)
    if not apply or enterprise is None:
        return checks, [None] * len(checks)
    psn_nos = enrolment.apply_rows(
        session, checks, kind=kind, emp_no=call.emp_no, admdvs=enterprise.admdvs, book=book, actor=call.actor
    )
    return checks, psn_nos


@router.post("/employees/enrolments", response_model=RowOutcome, status_code=201, openapi_extra=_body(EnrolRow))
def enrol_one(session: DbSession, call: EnrolCall) -> Response:
    """增员 of one employee, answered at once: 201 with the member number, or 422 with every error of the row
    (``dry_run``: 200 and nothing written)."""
    return _single(session, call, "enrol", EnrolRow)


@router.post("/employees/removals", response_model=RowOutcome, status_code=201, openapi_extra=_body(RemoveRow))
def remove_one(session: DbSession, call: RemoveCall) -> Response:
    """减员 of one employee from ``end_month`` on, answered at once (``dry_run``: checked, nothing written)."""
    return _single(session, call, "remove", RemoveRow)


# ---- batches and jobs ----------------------------------------------------------------------------------------


def job_read(job: EnrolmentJob) -> JobRead:
    return JobRead(
        job_id=job.job_id,
        kind="enrol" if job.kind == "enrol" else "remove",
        status=job.status,
        total=job.total,
        processed=job.processed,
        succeeded=job.succeeded,
        failed=job.failed,
        progress=round(job.processed / job.total, 4) if job.total else 1.0,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def result_read(row: EnrolmentResult) -> dict[str, Any]:
    return {
        "row_no": row.row_no,
        "outcome": row.outcome,
        "psn_no": row.psn_no,
        "certno_masked": row.certno_masked,
        "errors": row.errors,
    }


def run_and_notify(
    sessions: sessionmaker[Session], job_id: str, platform_secret: bytes, *, owner: str | None = None
) -> None:
    """Run the job, then deliver its webhook (the background task of a submitted batch, or the resumption of an
    unfinished one after a restart); a job another worker holds is left to it."""
    created: list[str] = []

    def on_finish(session: Session, job: EnrolmentJob) -> None:
        payload = {"event": webhooks.EVENT_JOB_FINISHED, **job_read(job).model_dump(mode="json")}
        row = webhooks.enqueue(
            session,
            app_id=job.app_id,
            event=webhooks.EVENT_JOB_FINISHED,
            subject=job.job_id,
            payload=payload,
            now=utc_now(),
        )
        if row is not None:
            created.append(row.delivery_id)

    jobs.run_job(sessions, job_id, on_finish=on_finish, owner=owner)
    for delivery_id in created:
        webhooks.deliver(sessions, delivery_id, platform_secret=platform_secret, owner=owner)


def _submit(request: Request, session: DbSession, call: OpenCall, background: BackgroundTasks, kind: Kind) -> Response:
    data = _parse(BatchCreate, call)
    if isinstance(data, str):
        return _refuse(session, call, "bad_body", data)
    try:
        rows = enrolment.read_rows(kind, data.columns, data.rows)
    except BatchInvalid as exc:
        return _refuse(session, call, exc.code, exc.detail)

    def write() -> tuple[int, dict[str, Any]]:
        app_id = call.verified.app.app_id
        if data.dry_run:
            checks, _ = _check_and_apply(session, call, kind, rows, apply=False)
            results = [enrolment.outcome(check) for check in checks]
            invalid = sum(1 for check in checks if check.errors)
            audit_call(session, app_id, call.verified.operation, f"dry_run:{invalid}_invalid")
            read = DryRunRead(total=len(checks), valid=len(checks) - invalid, invalid=invalid, results=results)
            return 200, read.model_dump(mode="json")
        job = jobs.submit_job(session, kind=kind, emp_no=call.emp_no, app_id=app_id, rows=rows, now=utc_now())
        audit_call(session, app_id, call.verified.operation, "accepted", job.job_id)
        runtime = request.app.state.runtime
        background.add_task(run_and_notify, runtime.sessions, job.job_id, call.platform_secret)
        return 202, job_read(job).model_dump(mode="json")

    return idempotent(session, call, write)


def _job(session: Session, call: OpenCall, job_id: str, kind: Kind) -> EnrolmentJob | Response:
    try:
        job = jobs.job_or_404(session, job_id, emp_no=call.emp_no, kind=kind)
    except NotFound:
        audit_call(session, call.verified.app.app_id, call.verified.operation, "not_found", job_id)
        return answer(call, {"error": "job_not_found", "detail": "本单位没有这个任务"}, 404)
    return job


def _job_status(session: Session, call: OpenCall, job_id: str, kind: Kind) -> Response:
    job = _job(session, call, job_id, kind)
    if isinstance(job, Response):
        return job
    audit_call(session, call.verified.app.app_id, call.verified.operation, "job_read", job_id)
    return answer(call, job_read(job).model_dump(mode="json"))


def _job_results(
    session: Session, call: OpenCall, job_id: str, kind: Kind, offset: int, limit: int, fmt: str
) -> Response:
    job = _job(session, call, job_id, kind)
    if isinstance(job, Response):
        return job
    audit_call(session, call.verified.app.app_id, call.verified.operation, "results_read", job_id)
    rows = [result_read(row) for row in jobs.results(session, job_id, offset=offset, limit=limit)]
    if fmt == "csv":
        return _csv_answer(call, rows)
    return answer(call, ResultsPage(job_id=job_id, offset=offset, limit=limit, results=rows).model_dump(mode="json"))


def _csv_answer(call: OpenCall, rows: list[dict[str, Any]]) -> Response:
    """The results as CSV (UTF-8 with BOM, for spreadsheet programs), signed like every answer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row_no", "outcome", "psn_no", "certno_masked", "error_codes", "error_messages"])
    for row in rows:
        codes = ";".join(error["code"] for error in row["errors"])
        messages = ";".join(error["message"] for error in row["errors"])
        writer.writerow([row["row_no"], row["outcome"], row["psn_no"] or "", row["certno_masked"], codes, messages])
    body = ("\ufeff" + out.getvalue()).encode()
    headers = open_api.sign_response(
        call.verified,
        status=200,
        path_query=call.path_query,
        body=body,
        platform_secret=call.platform_secret,
        now=utc_now(),
    )
    headers["Cache-Control"] = "no-store"
    headers["Content-Disposition"] = 'attachment; filename="results.csv"'
    return Response(content=body, status_code=200, media_type="text/csv; charset=utf-8", headers=headers)


BATCH_BODY = _body(BatchCreate)


@router.post("/enrolment-jobs", status_code=202, response_model=JobRead, openapi_extra=BATCH_BODY)
def submit_enrolment_job(
    request: Request, session: DbSession, background: BackgroundTasks, call: EnrolCall
) -> Response:
    """A batch of 增员 rows (``columns`` + up to 10,000 ``rows``): 202 with the queued job, run in the background;
    ``dry_run`` checks every row and answers each row's outcome, writing nothing."""
    return _submit(request, session, call, background, "enrol")


@router.get("/enrolment-jobs/{job_id}", response_model=JobRead)
def enrolment_job(session: DbSession, job_id: JobId, call: EnrolCall) -> Response:
    """The 增员 job's status and progress (another enterprise's job is not found)."""
    return _job_status(session, call, job_id, "enrol")


@router.get("/enrolment-jobs/{job_id}/results", response_model=ResultsPage)
def enrolment_job_results(
    session: DbSession, job_id: JobId, call: EnrolCall, offset: Offset = 0, limit: Limit = 1000, format: Format = "json"
) -> Response:
    """The 增员 job's per-row results, a page at a time, as JSON or CSV (ID numbers masked)."""
    return _job_results(session, call, job_id, "enrol", offset, limit, format)


@router.post("/removal-jobs", status_code=202, response_model=JobRead, openapi_extra=BATCH_BODY)
def submit_removal_job(request: Request, session: DbSession, background: BackgroundTasks, call: RemoveCall) -> Response:
    """A batch of 减员 rows, like ``POST /enrolment-jobs``."""
    return _submit(request, session, call, background, "remove")


@router.get("/removal-jobs/{job_id}", response_model=JobRead)
def removal_job(session: DbSession, job_id: JobId, call: RemoveCall) -> Response:
    """The 减员 job's status and progress."""
    return _job_status(session, call, job_id, "remove")


@router.get("/removal-jobs/{job_id}/results", response_model=ResultsPage)
def removal_job_results(
    session: DbSession,
    job_id: JobId,
    call: RemoveCall,
    offset: Offset = 0,
    limit: Limit = 1000,
    format: Format = "json",
) -> Response:
    """The 减员 job's per-row results, as JSON or CSV."""
    return _job_results(session, call, job_id, "remove", offset, limit, format)


# ---- webhook -------------------------------------------------------------------------------------------------


@router.put("/webhook", response_model=WebhookRead, openapi_extra=_body(WebhookSet))
def set_webhook(session: DbSession, call: EnrolCall) -> Response:
    """Set the URL where the app receives signed events (a finished job)."""
    data = _parse(WebhookSet, call)
    if isinstance(data, str):
        return _refuse(session, call, "bad_body", data)

    def write() -> tuple[int, dict[str, Any]]:
        try:
            row = webhooks.set_webhook(
                session, call.verified.app.app_id, data.url, serial=call.verified.key.serial, now=utc_now()
            )
        except RequestInvalid:
            audit_call(session, call.verified.app.app_id, "webhook.set", "bad_webhook_url")
            return 422, {"error": "bad_webhook_url", "detail": "回调地址须为 https，或测试用的本机 http 地址"}
        audit_call(session, call.verified.app.app_id, "webhook.set", "ok")
        return 200, WebhookRead(url=row.url, updated_at=row.updated_at).model_dump(mode="json")

    return idempotent(session, call, write)


def delivery_read(row: Any, attempts: list[Any]) -> DeliveryRead:
    return DeliveryRead.model_validate(
        {
            **{name: getattr(row, name) for name in DeliveryRead.model_fields if name != "attempt_log"},
            "attempt_log": [
                {
                    name: getattr(a, name)
                    for name in ("attempt_no", "at", "status_code", "error", "duration_ms", "manual")
                }
                for a in attempts
            ],
        }
    )


@router.get("/webhook-deliveries", response_model=DeliveryPage)
def delivery_log(session: DbSession, call: EnrolCall, offset: Offset = 0, limit: Limit = 50) -> Response:
    """The app's webhook deliveries, newest first, each with every attempt (time, status code or error)."""
    app_id = call.verified.app.app_id
    audit_call(session, app_id, "webhook.log", "ok")
    log = webhooks.delivery_log(session, app_id, offset=offset, limit=limit)
    page = DeliveryPage(offset=offset, limit=limit, deliveries=[delivery_read(row, attempts) for row, attempts in log])
    return answer(call, page.model_dump(mode="json"))


@router.post("/webhook-deliveries/{delivery_id}/redelivery", response_model=DeliveryRead, status_code=202)
def redeliver(
    request: Request,
    session: DbSession,
    delivery_id: DeliveryId,
    background: BackgroundTasks,
    call: EnrolCall,
) -> Response:
    """Send a delivery again now (one attempt, in the background; see the delivery log for its outcome)."""
    app_id = call.verified.app.app_id
    try:
        row = webhooks.delivery_or_404(session, delivery_id, app_id=app_id)
    except NotFound:
        audit_call(session, app_id, "webhook.redeliver", "not_found", delivery_id)
        return answer(call, {"error": "delivery_not_found", "detail": "没有这次回调"}, 404)

    def write() -> tuple[int, dict[str, Any]]:
        audit_call(session, app_id, "webhook.redeliver", "accepted", delivery_id)
        runtime = request.app.state.runtime
        background.add_task(_redeliver, runtime.sessions, delivery_id, call.platform_secret)
        return 202, delivery_read(row, []).model_dump(mode="json")

    return idempotent(session, call, write)


def _redeliver(sessions: sessionmaker[Session], delivery_id: str, platform_secret: bytes) -> None:
    webhooks.deliver(sessions, delivery_id, platform_secret=platform_secret, manual=True)
