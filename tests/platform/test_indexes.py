"""Per-process indexes: rebuilt before answering after a change; rebuilt in the background when merely old."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.platform.indexes import RebuiltOnChange

TOPIC = "test.indexed"


class Builds:
    def __init__(self) -> None:
        self.count = 0
        self.release = threading.Event()
        self.release.set()

    def __call__(self, session: Session) -> int:
        session.execute(text("SELECT 1"))
        self.release.wait(10)
        self.count += 1
        return self.count


def _wait_for(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_change_is_never_answered_from_the_old_copy(engine: Engine) -> None:
    builds = Builds()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=3600)
    with Session(engine) as session:
        assert cache.get(session) == 1
        events.deliver("test.other", {})  # another topic: the copy stays
        assert cache.get(session) == 1
        events.deliver(TOPIC, {})
        assert cache.get(session) == 2


def test_an_old_copy_keeps_answering_while_its_successor_is_built(engine: Engine) -> None:
    builds = Builds()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=0.0)
    with Session(engine) as session:
        assert cache.get(session) == 1
        builds.release.clear()  # the background build waits until released
        assert cache.get(session) == 1  # old, so a rebuild starts; the caller does not wait for it
        assert cache.get(session) == 1
        builds.release.set()
        _wait_for(lambda: cache.get(session) == 2)
    assert builds.count in (2, 3)  # one background build at a time


def test_a_background_build_begun_before_a_change_is_thrown_away(engine: Engine) -> None:
    builds = Builds()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=0.0)
    with Session(engine) as session:
        assert cache.get(session) == 1
        builds.release.clear()
        assert cache.get(session) == 1  # starts building 2 from data that is about to change
        events.deliver(TOPIC, {})
        builds.release.set()
        fresh = cache.get(session)  # built now, after the change
        assert fresh >= 2
        _wait_for(lambda: not cache._refreshing)
        assert cache.get(session) >= fresh
