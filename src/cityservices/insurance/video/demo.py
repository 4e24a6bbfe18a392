"""Past video sessions of the demo citizens (marked 演示): some completed, one cancelled, so that the member's list
of video sessions and the agents' history of their region show what a finished session looks like."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Final

from sqlalchemy.orm import Session

from cityservices.auth.citizens.service import demo_citizens
from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.insurance.video import repository
from cityservices.insurance.video.models import InsuranceVideoSession
from cityservices.insurance.video.service import CITY
from cityservices.kit.audit import utc_now
from cityservices.platform.runtime import make_runtime

DEMO_AGENT: Final = "演示坐席"
# (item, days ago, minutes of the call or None when cancelled while waiting, outcome)
PAST: Final = (
    ("elsewhere_filing", 3, 12, "演示：已受理异地长期居住备案，材料齐全"),
    ("maternity", 17, 9, "演示：已告知生育津贴申领材料，待单位申报"),
    ("claim", 41, None, None),
    ("enrolment", 64, 15, "演示：已办理灵活就业人员参保登记"),
)


def _session_id(citizen_id: int, index: int) -> str:
    return hashlib.sha256(f"demo-video-{citizen_id}-{index}".encode()).hexdigest()[:32]


def create_demo_sessions(session: Session, *, now: dt.datetime | None = None, citizens: int = 3) -> int:
    """Replace the demo video sessions: the first ``citizens`` demo citizens get the ``PAST`` sessions in turn."""
    repository.delete_sessions(session, repository.demo_session_ids(session))
    moment = now or utc_now()
    made = 0
    for offset, account in enumerate(demo_citizens(session)[:citizens]):
        for index, (item, days, minutes, outcome) in enumerate(PAST[offset:] + PAST[:offset]):
            if index >= 2 + offset % 2:
                break
            created = (moment - dt.timedelta(days=days + offset)).replace(hour=1 + index, minute=15, microsecond=0)
            accepted = created + dt.timedelta(minutes=4) if minutes else None
            ended = (accepted or created) + dt.timedelta(minutes=minutes or 6)
            repository.add(session, InsuranceVideoSession(
                id=_session_id(account.id, index), citizen_id=account.id, citizen_masked=account.id_masked, item=item,
                skill=item, district=CITY, status="completed" if minutes else "cancelled", consent_at=created,
                recording=index % 2 == 0, agent_id=None, agent_name=DEMO_AGENT if minutes else None,
                created_at=created, accepted_at=accepted, ended_at=ended, outcome=outcome, demo=True,
            ))  # fmt: skip
            made += 1
    return made


def load_demo_sessions(settings: Settings, *, if_empty: bool) -> int:
    """``load-demo``'s step: demo video sessions (left alone with ``if_empty`` when some exist)."""
    runtime = make_runtime(settings)
    with session_scope(runtime.sessions) as session:
        if if_empty and repository.demo_session_ids(session):
            return 0
        return create_demo_sessions(session)
