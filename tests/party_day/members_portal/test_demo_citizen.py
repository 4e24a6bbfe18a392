"""After the demo load, one demo Party member has a demo citizen account whose own page has records."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cityservices.kit.audit import SYSTEM, utc_now
from cityservices.party_day.demo.service import load_party_demo
from cityservices.party_day.members_portal import service
from cityservices.party_day.members_portal.demo import link_demo_citizen
from tests.auth.citizens.helpers import KEYS


def test_a_demo_member_can_sign_in(session: Session) -> None:
    load_party_demo(session)
    linked = link_demo_citizen(session, keys=KEYS)
    assert linked is not None
    assert not linked.id_number.startswith("990000")
    mine = service.my_party(session, id_number=linked.id_number, actor=SYSTEM, now=utc_now())
    assert mine is not None
    assert mine.is_demo
    assert mine.dues
    assert linked.id_number not in mine.model_dump_json()
    load_party_demo(session)  # a reload keeps the account and gives the member the same number
    again = link_demo_citizen(session, keys=KEYS)
    assert again == linked
