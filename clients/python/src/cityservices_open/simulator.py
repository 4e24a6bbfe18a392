"""An HR system, simulated: a company of fictional employees (演示数据: names made up, ID numbers valid in form
only) enrolled by one batch, then some of them removed by another, each job polled to the end and its per-row
results read back. Used by ``scripts/hr_simulator.py`` against a running server and by the end-to-end tests."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Any

from cityservices_open.client import OpenClient

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number(serial: int, *, region: str = "370202", birth: dt.date = dt.date(1990, 1, 1)) -> str:
    """A GB 11643 ID number, valid in form (check digit computed), that belongs to nobody."""
    body = f"{region}{birth + dt.timedelta(days=serial // 500):%Y%m%d}{serial % 500 + 500:03d}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def fictional_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@dataclass
class Report:
    enrolled: int = 0
    enrol_failed: int = 0
    removed: int = 0
    remove_failed: int = 0
    enrol_seconds: float = 0.0
    remove_seconds: float = 0.0
    jobs: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)


def company(size: int, *, first_serial: int = 0, seed: int = 7) -> list[list[str]]:
    """``size`` employees as enrolment rows (certno, psn_name, insutype, start_month, base) from this month."""
    rng = random.Random(seed)
    month = f"{dt.date.today():%Y-%m}"
    return [
        [id_number(first_serial + i), fictional_name(rng), "310", month, f"{rng.randrange(4200, 21000)}.00"]
        for i in range(size)
    ]


def simulate(client: OpenClient, *, size: int = 500, remove: int = 50, first_serial: int = 0) -> Report:
    """Enrol a company by batch, then remove ``remove`` of them from next month; each job polled to the end."""
    report = Report()
    rows = company(size, first_serial=first_serial)
    started = time.perf_counter()
    job = client.submit_batch("enrol", ["certno", "psn_name", "insutype", "start_month", "base"], rows)
    done = client.wait_for_job("enrol", job["job_id"], interval=0.2)
    report.enrol_seconds = time.perf_counter() - started
    report.jobs.append(job["job_id"])
    report.enrolled, report.enrol_failed = done["succeeded"], done["failed"]
    _count_errors(report, client.results("enrol", job["job_id"]))
    if remove <= 0:
        return report
    today = dt.date.today()
    next_month = f"{(today.replace(day=28) + dt.timedelta(days=4)):%Y-%m}"
    leaving = [[row[0], row[1], "310", next_month] for row in rows[:remove]]
    started = time.perf_counter()
    job = client.submit_batch("remove", ["certno", "psn_name", "insutype", "end_month"], leaving)
    done = client.wait_for_job("remove", job["job_id"], interval=0.2)
    report.remove_seconds = time.perf_counter() - started
    report.jobs.append(job["job_id"])
    report.removed, report.remove_failed = done["succeeded"], done["failed"]
    _count_errors(report, client.results("remove", job["job_id"]))
    return report


def _count_errors(report: Report, results: Any) -> None:
    for row in results:
        for error in row["errors"]:
            report.errors[error["code"]] = report.errors.get(error["code"], 0) + 1
