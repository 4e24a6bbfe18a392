"""One demo citizen account for a demo Party member, so that ``/party/me`` can be tried after ``load-demo``.

Demo members' ID numbers use the area code ``990000``, which the citizen sign-in's ID check refuses; the chosen
member's number keeps its birth date and serial under the area code ``370200`` (as the insurance demo's do)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cityservices.auth.citizens.service import CitizenKeys, check_id_number, create_citizen
from cityservices.errors import Conflict, RequestInvalid
from cityservices.kit.audit import SYSTEM
from cityservices.party_day.members_portal import repository as repo
from cityservices.party_day.organisation.validation import with_check_digit

DEMO_PASSWORD = "Dangyuan-2026-qd"  # printed by load-demo; a demo account only
CITIZEN_AREA = "370200"


@dataclass(frozen=True)
class DemoMemberCitizen:
    id_number: str
    name: str
    password: str


def link_demo_citizen(session: Session, *, keys: CitizenKeys) -> DemoMemberCitizen | None:
    """Give the first demo member an ID number the sign-in accepts and a demo citizen account (kept on reload)."""
    member = repo.first_demo_member(session)
    if member is None:
        return None
    try:
        number = check_id_number(member.id_number)
    except RequestInvalid:
        try:
            number = check_id_number(with_check_digit(CITIZEN_AREA + member.id_number[6:17]))
        except RequestInvalid:  # a birth date the check refuses: no demo account rather than a failed load
            return None
        member.id_number = number
        session.flush()
    with suppress(Conflict):  # the account of an earlier load: the same member, the same number, the same password
        create_citizen(session, id_number=number, name=member.name, password=DEMO_PASSWORD, keys=keys, actor=SYSTEM,
                       demo=True)  # fmt: skip
    return DemoMemberCitizen(number, member.name, DEMO_PASSWORD)
