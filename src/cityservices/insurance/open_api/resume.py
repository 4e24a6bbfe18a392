"""Work left behind by a stopped worker: enrolment jobs still ``queued`` or ``running`` and webhook deliveries
still ``pending``. When the app starts, ``start`` lists them; if there are any, a background thread runs each job
from its first unprocessed row (then delivers its webhook) and sends each delivery when due. Every item is taken
under a lease (``jobs.run_job``, ``webhooks.deliver``), so of several workers starting together exactly one does
each; an item whose lease another worker still holds is looked at again when that lease runs out, until nothing
is left unfinished."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from cityservices.db import session_scope
from cityservices.insurance.enterprises import jobs
from cityservices.insurance.open_api.enrolment_api import run_and_notify
from cityservices.insurance.open_api.webhooks import service as webhooks
from cityservices.kit.audit import utc_now

log = logging.getLogger(__name__)


@dataclass
class Outstanding:
    """Unfinished work: what is free to take now, and when the earliest lease held elsewhere runs out."""

    jobs: list[str] = field(default_factory=list)
    deliveries: list[str] = field(default_factory=list)
    next_lease_end: dt.datetime | None = None

    @property
    def any(self) -> bool:
        return bool(self.jobs or self.deliveries or self.next_lease_end)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def outstanding(sessions: sessionmaker[Session], now: dt.datetime) -> Outstanding:
    found = Outstanding()
    with session_scope(sessions) as session:
        listed = [("job", *row) for row in jobs.unfinished_jobs(session)]
        listed += [("delivery", *row) for row in webhooks.pending_deliveries(session)]
    for kind, key, until in listed:
        if until is not None and _aware(until) >= now:
            end = _aware(until)
            found.next_lease_end = min(found.next_lease_end or end, end)
        else:
            (found.jobs if kind == "job" else found.deliveries).append(key)
    return found


def resume_once(sessions: sessionmaker[Session], *, platform_secret: bytes, owner: str, work: Outstanding) -> None:
    """Run the free jobs (each then delivers its webhook) and send the free deliveries, under ``owner``'s leases."""
    for job_id in work.jobs:
        log.info("resuming enrolment job %s", job_id)
        run_and_notify(sessions, job_id, platform_secret, owner=owner)
    for delivery_id in work.deliveries:
        log.info("resuming webhook delivery %s", delivery_id)
        webhooks.deliver(sessions, delivery_id, platform_secret=platform_secret, owner=owner)


def run_until_done(
    sessions: sessionmaker[Session],
    *,
    platform_secret: bytes,
    owner: str,
    stop: threading.Event,
    now: Callable[[], dt.datetime] = utc_now,
) -> None:
    """Resume what is free, then wait for the leases held elsewhere to run out and look again, until nothing is
    left unfinished (or the app stops)."""
    while not stop.is_set():
        work = outstanding(sessions, now())
        if not work.any:
            return
        resume_once(sessions, platform_secret=platform_secret, owner=owner, work=work)
        if work.next_lease_end is not None and not (work.jobs or work.deliveries):
            stop.wait(max(0.5, (work.next_lease_end - now()).total_seconds() + 0.5))


@dataclass
class Resumer:
    """The background thread resuming unfinished work; calling it stops the thread (after the item under way)."""

    thread: threading.Thread
    stop: threading.Event

    def __call__(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


def start(sessions: sessionmaker[Session], *, platform_secret: bytes) -> Resumer | None:
    """Look for unfinished work now; if there is any, resume it in a background thread (ended by calling the
    answer, or by itself once nothing is left)."""
    try:
        if not outstanding(sessions, utc_now()).any:
            return None
    except Exception as exc:  # a database not migrated yet: nothing to resume, the readiness check says why
        log.warning("unfinished open-platform work not looked for: %s", type(exc).__name__)
        return None
    stop = threading.Event()
    thread = threading.Thread(
        target=run_until_done,
        kwargs={"sessions": sessions, "platform_secret": platform_secret, "owner": jobs.new_owner(), "stop": stop},
        name="open-platform-resume",
        daemon=True,
    )
    thread.start()
    return Resumer(thread, stop)
