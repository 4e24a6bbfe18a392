"""Per-process indexes: rebuilt before answering after a change; rebuilt in the background when merely old."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.platform.indexes import RECORD_SCOPE, Patched, RebuiltOnChange, RecordChange, record_change

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


# ----- indexes that patch single-record changes -------------------------------------------------------------------


class Patches:
    """A patch function over an int "index" recording what it was asked; ``refuse`` / ``approximate`` keys."""

    def __init__(self) -> None:
        self.seen: list[RecordChange] = []
        self.refuse: set[str] = set()
        self.approximate: set[str] = set()

    def __call__(self, value: int, session: Session, change: RecordChange) -> Patched[int] | None:
        session.execute(text("SELECT 1"))  # patches read with the caller's session
        self.seen.append(change)
        if change.key in self.refuse:
            return None
        return Patched(value + 1000, exact=change.key not in self.approximate)


def _record(key: str) -> dict[str, object]:
    return {"kind": "venue", "key": key, "version": 2, "scope": RECORD_SCOPE}


def test_a_single_record_change_is_patched_before_the_next_answer_without_a_rebuild(engine: Engine) -> None:
    builds, patches = Builds(), Patches()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=3600, patch=patches)
    with Session(engine) as session:
        assert cache.get(session) == 1
        events.deliver(TOPIC, _record("V1"))
        assert patches.seen == []  # nothing is read when the event arrives (it may come from a relay thread)
        assert cache.get(session) == 1001  # the next answer has the change
        assert cache.get(session) == 1001
    assert builds.count == 1
    assert patches.seen == [RecordChange("venue", "V1")]


def test_a_bulk_change_rebuilds_in_the_background_while_the_old_generation_answers(engine: Engine) -> None:
    builds, patches = Builds(), Patches()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=3600, patch=patches)
    with Session(engine) as session:
        assert cache.get(session) == 1
        builds.release.clear()  # the background build waits until released
        events.deliver(TOPIC, {"kind": "import", "key": "replace"})
        assert cache.get(session) == 1  # the old generation answers, the caller does not wait
        assert cache.refreshing
        events.deliver(TOPIC, _record("V2"))  # an edit while the new generation is built
        assert cache.get(session) == 1001  # patched onto the old generation at once
        builds.release.set()
        _wait_for(lambda: not cache.refreshing)
        assert cache.get(session) == 1002  # the new generation, with the edit patched on again
    assert builds.count == 2
    assert patches.seen == [RecordChange("venue", "V2")] * 2


def test_an_approximate_patch_answers_at_once_then_is_rebuilt_in_the_background(engine: Engine) -> None:
    builds, patches = Builds(), Patches()
    patches.approximate.add("V3")
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=3600, patch=patches)
    with Session(engine) as session:
        assert cache.get(session) == 1
        builds.release.clear()
        events.deliver(TOPIC, _record("V3"))
        assert cache.get(session) == 1001
        builds.release.set()
        _wait_for(lambda: cache.get(session) == 2)


def test_a_refused_patch_rebuilds_before_answering(engine: Engine) -> None:
    builds, patches = Builds(), Patches()
    patches.refuse.add("V4")
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=3600, patch=patches)
    with Session(engine) as session:
        assert cache.get(session) == 1
        events.deliver(TOPIC, _record("V4"))
        assert cache.get(session) == 2  # never answered from the copy that lacks the change


def test_only_payloads_naming_one_record_are_single_record_changes() -> None:
    assert record_change(_record("V1")) == RecordChange("venue", "V1")
    assert record_change({"kind": "venue", "key": "V1", "version": 2}) is None  # not declared as one record
    assert record_change({"kind": "*", "reason": "resync"}) is None
    assert record_change({"kind": "holiday_schedule", "key": 2027, "scope": RECORD_SCOPE}) is None


# ----- ready(): the copy without a session, for routes on the event loop --------------------------------------------


def test_ready_gives_the_copy_only_when_it_can_answer_without_a_session(engine: Engine) -> None:
    builds = Builds()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=3600)
    assert cache.ready() is None  # nothing built yet
    with Session(engine) as session:
        assert cache.get(session) == 1
        assert cache.ready() == 1
        events.deliver(TOPIC, {})
        assert cache.ready() is None  # changed: the old copy is never given out
        assert cache.get(session) == 2
    assert cache.ready() == 2


def test_ready_leaves_a_queued_patch_to_a_caller_with_a_session(engine: Engine) -> None:
    builds, patches = Builds(), Patches()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=3600, patch=patches)
    with Session(engine) as session:
        assert cache.get(session) == 1
        events.deliver(TOPIC, _record("V5"))
        assert cache.ready() is None  # the edit is not in the copy yet
        assert cache.get(session) == 1001
    assert cache.ready() == 1001


def test_ready_leaves_a_due_rebuild_to_a_caller_with_a_session_then_answers_while_it_runs(engine: Engine) -> None:
    builds = Builds()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=0.0)
    with Session(engine) as session:
        assert cache.get(session) == 1
        builds.release.clear()
        assert cache.ready() is None  # old, and no rebuild under way: someone with a session starts it
        assert cache.get(session) == 1
        assert cache.refreshing
        assert cache.ready() == 1  # the old copy answers while its successor is built
        builds.release.set()
        _wait_for(lambda: not cache.refreshing)


def test_ready_never_waits_for_a_build_under_way(engine: Engine) -> None:
    builds = Builds()
    builds.release.clear()
    cache = RebuiltOnChange(builds, name="test", topics=(TOPIC,), ttl_s=3600)

    def first_use() -> None:
        with Session(engine) as session:
            cache.get(session)

    building = threading.Thread(target=first_use)
    building.start()
    _wait_for(lambda: cache._lock.locked())
    assert cache.ready() is None  # answered at once although the build holds the lock
    builds.release.set()
    building.join(10)
    assert cache.ready() == 1
