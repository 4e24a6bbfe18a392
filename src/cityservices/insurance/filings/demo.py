"""Demo filings for the demo members (``load-demo``): every category, several treatment places, filings before
discharge and a cancelled one — made through the filing service, so they obey the rules, and marked demo.

The demo filings are removed before the demo members are regenerated (they refer to them)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.errors import NotFound
from cityservices.insurance.filings import repository, service
from cityservices.insurance.filings.rules import CATEGORY_CODES, filing_rules, regions
from cityservices.insurance.filings.schemas import FilingCreate
from cityservices.insurance.members import service as members
from cityservices.kit.audit import SYSTEM
from cityservices.kit.calendar import now_in_china
from cityservices.platform.runtime import make_runtime

DEMO_FILINGS = 60


def delete_demo_filings(settings: Settings, *, if_empty: bool) -> None:
    with session_scope(make_runtime(settings).sessions) as session:
        if if_empty and repository.count(session) > 0:
            return
        repository.delete_demo(session)


def generate_filings(session: Session, *, today: dt.date, count: int = DEMO_FILINGS, seed: int = 2026) -> int:
    """Up to ``count`` filings for demo members ``DP0000001`` …; returns how many were written."""
    rng = random.Random(seed)
    rules = filing_rules()
    places = sorted(f"{code}0000" for code in regions().provinces if code != "37")
    written = 0
    for i in range(1, count + 1):
        psn_no = f"DP{i * 7:07d}"
        try:
            members.member_or_404(session, psn_no)
        except NotFound:
            continue
        category = rules.category(CATEGORY_CODES[i % len(CATEGORY_CODES)])
        admitted = today - dt.timedelta(days=rng.randint(1, 20)) if i % 10 == 0 else None
        data = FilingCreate(
            psn_no=psn_no,
            category=category.code,
            mdtrtarea_admvs=places[rng.randrange(len(places))],
            begin_date=admitted or today + dt.timedelta(days=rng.randint(0, 60)),
            admission_date=admitted,
            documents=list(category.documents[rng.randrange(len(category.documents))]),
            dcla_souc=rng.choice(("02", "03", "04")),
        )
        read = service.create_filing(session, data, actor=SYSTEM, today=today, demo=True)
        if i % 6 == 3 and category.min_stay_months == 0:
            service.cancel_filing(session, read.filing_id, actor=SYSTEM, today=today)
        written += 1
    return written


def load_demo_filings(settings: Settings, *, if_empty: bool) -> None:
    with session_scope(make_runtime(settings).sessions) as session:
        if if_empty and repository.count(session) > 0:
            return
        generate_filings(session, today=now_in_china().date())
