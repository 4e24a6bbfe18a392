"""What a process needs at run time, made from Settings: the engine and the session factory."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def make_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    return Runtime(settings=settings, engine=engine, sessions=make_session_factory(engine))
