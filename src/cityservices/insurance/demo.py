"""Generated demo data: enterprises and members across Qingdao's ten districts, two years of contributions and a
year of settlements. Every record is marked ``demo``; names are obviously fictional (王某0123); ID numbers and
credit codes are valid in form only (check characters computed) and belong to nobody."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from cityservices.insurance.enterprises.models import InsuranceEnterprise
from cityservices.insurance.members import repository as members_repo
from cityservices.insurance.members import service as members
from cityservices.insurance.members.models import (
    InsuranceAccount,
    InsuranceAccountMovement,
    InsuranceContribution,
    InsuranceMember,
    InsuranceRelation,
    InsuranceRelationStatus,
)
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.settlement import service as settlement
from cityservices.insurance.settlement.schemas import ClaimRequest
from cityservices.kit.audit import SYSTEM, utc_now
from cityservices.kit.money import Money

DISTRICTS: Final = (
    ("370202", "市南区"),
    ("370203", "市北区"),
    ("370211", "黄岛区"),
    ("370212", "崂山区"),
    ("370213", "李沧区"),
    ("370214", "城阳区"),
    ("370215", "即墨区"),
    ("370281", "胶州市"),
    ("370283", "平度市"),
    ("370285", "莱西市"),
)
SURNAMES: Final = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
# person type, share, birth years
TYPES: Final = (
    ("1101", 50, (1970, 2000)),
    ("1102", 5, (1968, 1998)),
    ("1103", 8, (1970, 1999)),
    ("1201", 20, (1945, 1962)),
    ("1202", 2, (1945, 1962)),
    ("1501", 10, (1950, 2000)),
    ("1403", 5, (2010, 2018)),
)
ITEMS: Final = (  # fictional example items: code, name, class, price, price limit
    ("DEMO-A01", "示例甲类药品一", "01", "36.50", None),
    ("DEMO-A02", "示例甲类检查一", "01", "180.00", None),
    ("DEMO-B01", "示例乙类药品一", "02", "128.00", None),
    ("DEMO-B02", "示例乙类耗材一", "02", "860.00", "800.00"),
    ("DEMO-C01", "示例目录外项目一", "03", "240.00", None),
)


@dataclass(frozen=True)
class DemoCounts:
    enterprises: int
    members: int
    contributions: int
    settlements: int


def _certno(rng: random.Random, district: str, year: int) -> str:
    birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    for region in (district, "370200"):
        body = f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number
    raise ValueError("no valid demo ID number")  # pragma: no cover - 370200 is valid for every year used


def _enterprises(rng: random.Random, count: int) -> list[dict[str, object]]:
    rows = []
    for i in range(1, count + 1):
        district, name = DISTRICTS[i % len(DISTRICTS)]
        body = f"91{district[:4]}00MA{i:06d}{rng.randrange(10)}"
        rows.append(
            {
                "emp_no": f"DE{i:05d}",
                "emp_name": f"演示{name}第{i}号示例公司",
                "uscc": body + uscc.calc_check_digit(body),
                "admdvs": district,
                "demo": True,
            }
        )
    return rows


def _person_type(rng: random.Random) -> tuple[str, tuple[int, int]]:
    pick = rng.randrange(100)
    for psn_type, share, years in TYPES:
        if pick < share:
            return psn_type, years
        pick -= share
    return TYPES[0][0], TYPES[0][2]


def generate(
    session: Session, *, book: RuleBook, members_count: int, enterprises_count: int, seed: int, tick: Callable[[], None]
) -> DemoCounts:
    """Write the demo data (after removing the previous demo data) in the caller's transaction."""
    rng = random.Random(seed)
    settlement.delete_demo(session)
    members.delete_demo(session)
    enterprises = _enterprises(rng, enterprises_count)
    members_repo.insert_rows(session, InsuranceEnterprise, enterprises)
    people: list[dict[str, object]] = []
    relations = []
    used: set[str] = set()
    for i in range(1, members_count + 1):
        psn_type, years = _person_type(rng)
        district = DISTRICTS[rng.randrange(len(DISTRICTS))][0]
        certno = _certno(rng, district, rng.randint(*years))
        while certno in used:
            certno = _certno(rng, district, rng.randint(*years))
        used.add(certno)
        employee = psn_type.startswith(("11", "12"))
        emp_no = str(enterprises[rng.randrange(len(enterprises))]["emp_no"]) if psn_type in ("1101", "1102") else None
        people.append(
            {
                "psn_no": f"DP{i:07d}",
                "psn_name": f"{SURNAMES[rng.randrange(len(SURNAMES))]}某{i:04d}",
                "certno": certno,
                "psn_cert_type": "01",
                "psn_type": psn_type,
                "emp_no": emp_no,
                "insuplc_admdvs": district,
                "assistance": rng.random() < 0.02,
                "demo": True,
            }
        )
        for insutype in ("310", "320") if psn_type in ("1102", "1202") else ("310",) if employee else ("390",):
            relations.append(
                {"psn_no": f"DP{i:07d}", "insutype": insutype, "emp_no": emp_no, "crt_insu_date": dt.date(2015, 1, 1)}
            )
    members_repo.insert_rows(session, InsuranceMember, people)
    members_repo.insert_rows(
        session, InsuranceAccount, [{"psn_no": p["psn_no"], "balance": Decimal("0.00")} for p in people]
    )
    members_repo.insert_rows(session, InsuranceRelation, relations)
    ids = members_repo.relation_ids(session, [str(p["psn_no"]) for p in people])
    statuses = [
        {"relation_id": rid, "effective_month": dt.date(2015, 1, 1), "psn_insu_stas": "1"} for rid in ids.values()
    ]
    members_repo.insert_rows(session, InsuranceRelationStatus, statuses)
    tick()
    contributions = _contributions(session, rng, people, book)
    tick()
    settled = _settlements(session, rng, people, book, tick)
    return DemoCounts(len(enterprises), len(people), contributions, settled)


def _contributions(session: Session, rng: random.Random, people: list[dict[str, object]], book: RuleBook) -> int:
    """Two years of monthly contributions of in-service employees, the employee share into the account."""
    months = [dt.date(2025 + m // 12, m % 12 + 1, 1) for m in range(23)]  # 2025-01 … 2026-11
    rows, movements, balances = [], [], {}
    now = utc_now()
    for person in people:
        if not str(person["psn_type"]).startswith("11"):
            continue
        psn_no = str(person["psn_no"])
        base = Money(rng.randrange(4200, 21000))
        balance = Money(0)
        for month in months:
            employer, employee, rule_ids = members.contribution_amounts(book, month, base)
            balance = balance + employee
            rows.append(
                {
                    "psn_no": psn_no,
                    "insutype": "310",
                    "month": month,
                    "base": base.amount,
                    "employer_amt": employer.amount,
                    "employee_amt": employee.amount,
                    "account_amt": employee.amount,
                    "rule_ids": rule_ids,
                }
            )
            movements.append(
                {
                    "psn_no": psn_no,
                    "at": now,
                    "kind": "contribution",
                    "amount": employee.amount,
                    "balance_after": balance.amount,
                    "ref": f"{month:%Y%m}",
                }
            )
        balances[psn_no] = balance.amount
    members_repo.insert_rows(session, InsuranceContribution, rows)
    members_repo.insert_rows(session, InsuranceAccountMovement, movements)
    members_repo.set_balances(session, balances)
    return len(rows)


def _settlements(
    session: Session, rng: random.Random, people: list[dict[str, object]], book: RuleBook, tick: Callable[[], None]
) -> int:
    """Outpatient visits and hospital stays in 2026 for about half the members, settled through the service."""
    count = 0
    for person in rng.sample(people, k=len(people) // 2):
        inpatient = rng.random() < 0.3
        lines = []
        for code, name, lv, price, limit in rng.sample(ITEMS, k=rng.randint(2, len(ITEMS))):
            quantity = rng.randint(1, 20 if inpatient else 3)
            lines.append(
                {
                    "code": code,
                    "name": name,
                    "chrgitm_lv": lv,
                    "unit_price": price,
                    "quantity": str(quantity),
                    "price_limit": limit,
                }
            )
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(330))
        request = ClaimRequest.model_validate(
            {
                "psn_no": person["psn_no"],
                "fixmedins_code": f"DEMOH{rng.randrange(1, 21):02d}",
                "med_type": "21" if inpatient else "11",
                "hosp_lv": rng.choice("123"),
                "setl_date": day.isoformat(),
                "lines": lines,
            }
        )
        count += 1
        settlement.settle(session, request, request_id=f"demo-{count:08d}", book=book, actor=SYSTEM, demo=True)
        if count % 100 == 0:
            tick()
    return count
