"""``OpenClient``: signed calls to ``/api/open/v1`` with verified answers, idempotent retried writes, batch jobs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import httpx

from cityservices_open import signing as sg

Kind = Literal["enrol", "remove"]
JOB_PATH: Final = {"enrol": "/api/open/v1/enrolment-jobs", "remove": "/api/open/v1/removal-jobs"}
RETRY_STATUSES: Final = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class HmacCredentials:
    """An app's HMAC key: ``profile`` is ``HMAC-SM3`` or ``HMAC-SHA256``; ``secret`` as issued."""

    app_id: str
    serial: str
    profile: str
    secret: str


@dataclass(frozen=True)
class Sm2Credentials:
    """An app's SM2 key pair (hex): the public half was uploaded to the platform under ``serial``."""

    app_id: str
    serial: str
    private_hex: str
    public_hex: str
    profile: str = sg.SM2_SM3


Credentials = HmacCredentials | Sm2Credentials


class OpenApiError(Exception):
    """An answer with an error status: ``code`` is the platform's stable error code, ``payload`` the whole answer."""

    def __init__(self, status: int, payload: Any) -> None:
        self.status = status
        self.payload = payload
        self.code = payload.get("error", "") if isinstance(payload, dict) else ""
        super().__init__(f"{status} {self.code}: {payload.get('detail') if isinstance(payload, dict) else payload}")


class SignatureMismatch(Exception):
    """An answer or webhook whose signature does not verify."""


class OpenClient:
    """A client of one app. ``http`` may be any ``httpx.Client`` (its base URL is the server's)."""

    def __init__(
        self,
        http: httpx.Client | str,
        credentials: Credentials,
        *,
        server_public_key: str | None = None,
        retries: int = 3,
        retry_wait: float = 0.5,
    ) -> None:
        self.http = httpx.Client(base_url=http, timeout=30.0) if isinstance(http, str) else http
        self.credentials = credentials
        self.server_public_key = server_public_key
        self.retries = retries
        self.retry_wait = retry_wait

    # ---- signing ---------------------------------------------------------------------------------------------

    def _sign(self, canonical: str) -> str:
        c = self.credentials
        if isinstance(c, Sm2Credentials):
            return sg.sm2_sign(c.private_hex, c.public_hex, canonical.encode())
        return sg.hmac_sign(c.profile, c.secret.encode(), canonical)

    def signed_headers(self, method: str, path_query: str, body: bytes) -> dict[str, str]:
        c = self.credentials
        timestamp, nonce = int(time.time()), sg.new_nonce()
        canonical = sg.canonical_string(method, path_query, timestamp, nonce, sg.body_digest(c.profile, body))
        return {
            "X-Open-App-Id": c.app_id,
            "X-Open-Serial": c.serial,
            "X-Open-Signature-Type": c.profile,
            "X-Open-Timestamp": str(timestamp),
            "X-Open-Nonce": nonce,
            "X-Open-Signature": self._sign(canonical),
        }

    def _platform_key(self) -> str:
        if self.server_public_key is None:
            self.server_public_key = str(self.http.get("/api/open/v1/server-key").json()["public_key"])
        return self.server_public_key

    def verify(self, first_line: str, path_query: str, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether ``headers`` sign ``body`` (an answer: ``first_line`` is its status code; a webhook: ``POST``)."""
        c = self.credentials
        profile = headers.get("x-open-signature-type", "")
        signature = headers.get("x-open-signature", "")
        if profile != c.profile or not signature:
            return False
        try:
            timestamp = int(headers.get("x-open-timestamp", ""))
        except ValueError:
            return False
        canonical = sg.canonical_string(
            first_line, path_query, timestamp, headers.get("x-open-nonce", ""), sg.body_digest(profile, body)
        )
        if isinstance(c, Sm2Credentials):
            return sg.sm2_verify(self._platform_key(), canonical.encode(), signature)
        return sg.hmac_verify(profile, c.secret.encode(), canonical, signature)

    def verify_webhook(self, path_query: str, headers: Mapping[str, str], body: bytes, *, max_age: int = 300) -> bool:
        """A received webhook is genuine: signed by the platform for this app, recent, for this endpoint path."""
        lowered = {k.lower(): v for k, v in headers.items()}
        try:
            fresh = abs(int(lowered.get("x-open-timestamp", "")) - time.time()) <= max_age
        except ValueError:
            return False
        same_app = lowered.get("x-open-app-id") == self.credentials.app_id
        return fresh and same_app and self.verify("POST", path_query, lowered, body)

    # ---- calls -----------------------------------------------------------------------------------------------

    def call(self, method: str, path_query: str, payload: Any = None, *, idempotency_key: str | None = None) -> Any:
        """One signed call; a write gets an ``Idempotency-Key`` (kept across retries, so a retried write is
        answered from the stored answer instead of being done twice). Errors raise ``OpenApiError``."""
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        write = method.upper() != "GET"
        key = idempotency_key or (uuid.uuid4().hex if write else None)
        for attempt in range(self.retries + 1):
            headers = self.signed_headers(method, path_query, body)
            if body:
                headers["Content-Type"] = "application/json"
            if key:
                headers["Idempotency-Key"] = key
            try:
                answer = self.http.request(method, path_query, content=body, headers=headers)
            except httpx.TransportError:
                if attempt == self.retries:
                    raise
                time.sleep(self.retry_wait * 2**attempt)
                continue
            if answer.status_code in RETRY_STATUSES and attempt < self.retries:
                time.sleep(self.retry_wait * 2**attempt)
                continue
            return self._read(answer, path_query)
        raise AssertionError("unreachable")

    def _read(self, answer: httpx.Response, path_query: str) -> Any:
        if "x-open-signature" in answer.headers and not self.verify(
            str(answer.status_code), path_query, answer.headers, answer.content
        ):
            raise SignatureMismatch(f"the answer to {path_query} is not signed by the platform")
        if answer.headers.get("content-type", "").startswith("text/csv"):
            payload: Any = answer.content.decode("utf-8-sig")
        else:
            payload = answer.json() if answer.content else None
        if answer.status_code >= 400:
            raise OpenApiError(answer.status_code, payload)
        return payload

    # ---- operations ------------------------------------------------------------------------------------------

    def employee_status(self, psn_no: str) -> Any:
        return self.call("GET", f"/api/open/v1/employees/{psn_no}/status")

    def enrol(self, row: Mapping[str, str], *, dry_run: bool = False) -> Any:
        return self.call("POST", "/api/open/v1/employees/enrolments", {**row, "dry_run": dry_run})

    def remove(self, row: Mapping[str, str], *, dry_run: bool = False) -> Any:
        return self.call("POST", "/api/open/v1/employees/removals", {**row, "dry_run": dry_run})

    def submit_batch(
        self, kind: Kind, columns: list[str], rows: list[list[str]], *, dry_run: bool = False, key: str | None = None
    ) -> Any:
        """A batch of up to 10,000 rows: the queued job (or, ``dry_run``, every row's outcome)."""
        payload = {"columns": columns, "rows": rows, "dry_run": dry_run}
        return self.call("POST", JOB_PATH[kind], payload, idempotency_key=key)

    def job(self, kind: Kind, job_id: str) -> Any:
        return self.call("GET", f"{JOB_PATH[kind]}/{job_id}")

    def wait_for_job(self, kind: Kind, job_id: str, *, timeout: float = 600.0, interval: float = 0.5) -> Any:
        """Poll the job until it has finished."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(kind, job_id)
            if job["status"] == "finished":
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job['status']} after {timeout} s")
            time.sleep(interval)

    def results(self, kind: Kind, job_id: str, *, page: int = 1000) -> Iterator[dict[str, Any]]:
        """Every per-row result of a job, in row order."""
        offset = 0
        while True:
            data = self.call("GET", f"{JOB_PATH[kind]}/{job_id}/results?offset={offset}&limit={page}")
            yield from data["results"]
            if len(data["results"]) < page:
                return
            offset += page

    def results_csv(self, kind: Kind, job_id: str, *, offset: int = 0, limit: int = 1000) -> str:
        return str(self.call("GET", f"{JOB_PATH[kind]}/{job_id}/results?offset={offset}&limit={limit}&format=csv"))

    def set_webhook(self, url: str) -> Any:
        return self.call("PUT", "/api/open/v1/webhook", {"url": url})

    def deliveries(self, *, offset: int = 0, limit: int = 50) -> Any:
        return self.call("GET", f"/api/open/v1/webhook-deliveries?offset={offset}&limit={limit}")

    def redeliver(self, delivery_id: str) -> Any:
        return self.call("POST", f"/api/open/v1/webhook-deliveries/{delivery_id}/redelivery")
