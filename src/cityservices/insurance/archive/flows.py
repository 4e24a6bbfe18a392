"""Use cases of the archive that span domains: demo citizen accounts (auth) for demo insurance members."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cityservices.auth.citizens.service import CitizenKeys, count_citizens, create_citizen
from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.insurance.archive import repository
from cityservices.kit.audit import SYSTEM
from cityservices.platform.runtime import make_runtime
from cityservices.platform.security import load_secret

DEMO_CITIZENS = 5


@dataclass(frozen=True)
class DemoCitizen:
    id_number: str
    name: str
    password: str


def demo_password(index: int) -> str:
    """A demo password that passes the password rules (printed by ``load-demo``; demo accounts only)."""
    return f"Yanshi-{2026 + index}-qd"


def create_demo_citizens(session: Session, *, keys: CitizenKeys, count: int = DEMO_CITIZENS) -> list[DemoCitizen]:
    made = []
    for index, member in enumerate(repository.demo_members(session, count), start=1):
        password = demo_password(index)
        create_citizen(session, id_number=member.certno, name=member.psn_name, password=password, keys=keys,
                       actor=SYSTEM, demo=True)  # fmt: skip
        made.append(DemoCitizen(member.certno, member.psn_name, password))
    return made


def load_demo_citizens(settings: Settings, *, if_empty: bool) -> list[DemoCitizen]:
    """Demo citizen accounts for some demo members; their sign-in details are printed, marked 演示."""
    runtime = make_runtime(settings)
    with session_scope(runtime.sessions) as session:
        if if_empty and count_citizens(session) > 0:
            return []
        made = create_demo_citizens(session, keys=CitizenKeys.from_secret(load_secret(settings)))
    for citizen in made:
        print(f"演示居民账户（演示数据）：身份证号码 {citizen.id_number}  密码 {citizen.password}  （{citizen.name}）")
    return made
