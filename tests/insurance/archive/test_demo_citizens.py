"""Demo citizen accounts: made for generated members that have settlements, marked demo, able to sign in."""

from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from cityservices.auth.citizens.service import sign_in_citizen
from cityservices.config import Settings
from cityservices.insurance.archive.flows import create_demo_citizens
from cityservices.insurance.demo import generate
from tests.auth.citizens.helpers import KEYS
from tests.insurance.settlement.engine_data import bundled_book


def test_demo_citizens_sign_in(db: Session, connection: Connection, staff_settings: Settings) -> None:
    generate(db, book=bundled_book(), members_count=40, enterprises_count=4, seed=7, tick=lambda: None)
    made = create_demo_citizens(db, keys=KEYS, count=3)
    assert len(made) == 3
    first = made[0]
    counters = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    result = sign_in_citizen(db, id_number=first.id_number, password=first.password, ip="127.0.0.1",
                             settings=staff_settings, keys=KEYS, counters=counters)  # fmt: skip
    assert result.account is not None
    assert result.account.demo is True
