"""Nearest venues: only venues that handle the item, by travel time, open state on arrival, filters and
explanations; the KD-tree index agrees with a brute-force scan."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy.orm import Session

from cityservices.errors import NotFound, RequestInvalid, RuleViolation
from cityservices.kit import events
from cityservices.kit.geo import haversine_m
from cityservices.service_map.install import CHANGED
from cityservices.service_map.interchange.store import import_dataset
from cityservices.service_map.where.hours import make_hours
from cityservices.service_map.where.nearest import (
    NearestQuery,
    PlanChoices,
    Target,
    find_nearest_venues,
    resolve_district,
    resolve_target,
)
from cityservices.service_map.where.venue_index import (
    ItemRef,
    VenueColumns,
    VenueIndex,
    VenueIndexCache,
    build_venue_index,
)
from tests.service_map.where_data import ORIGIN, SUNDAY, TUESDAY, make_where_dataset, plan_dataset


@pytest.fixture
def index(session: Session) -> VenueIndex:
    import_dataset(session, make_where_dataset(), mode="replace")
    return build_venue_index(session)


def query(**overrides: object) -> NearestQuery:
    values: dict[str, object] = {"origin": ORIGIN, "at": dt.datetime.fromisoformat(TUESDAY)}
    values.update(overrides)
    return NearestQuery(**values)  # type: ignore[arg-type]


def ids(index: VenueIndex, positions: list[int]) -> list[str]:
    return [index.venues.ids[p] for p in positions]


def test_only_venues_that_handle_the_item_nearest_first(index: VenueIndex) -> None:
    target = resolve_target(index, item="QD-RS-0001")
    result = find_nearest_venues(index, target=target, query=query(limit=10))
    found = ids(index, [h.position for h in result.hits])
    assert found == ["V370202001", "V370202", "V370202002", "V3702"]  # the closed venue is left out
    distances = [h.distance_m for h in result.hits]
    assert distances == sorted(distances)
    first = result.hits[0]
    assert first.distance_m == pytest.approx(haversine_m(*ORIGIN, 36.0676, 120.3854), rel=1e-6)
    assert first.travel.duration_s > 0
    assert first.state.is_open
    assert first.arrival > dt.datetime.fromisoformat(TUESDAY)


def test_item_is_found_by_code_name_or_alias(index: VenueIndex) -> None:
    for key in ("QD-RS-0001", "社会保障卡申领", "社保卡办理"):
        assert resolve_target(index, item=key).code == "QD-RS-0001"
    with pytest.raises(NotFound, match="未知的事项"):
        resolve_target(index, item="不存在的事项")
    with pytest.raises(RuleViolation):
        resolve_target(index)


def test_a_bundle_needs_every_item(index: VenueIndex) -> None:
    target = resolve_target(index, bundle="B-TEST")
    result = find_nearest_venues(index, target=target, query=query())
    assert ids(index, [h.position for h in result.hits]) == ["V370202001"]
    assert result.note is None
    assert result.hits[0].missing_items == ()
    with pytest.raises(NotFound, match="一件事"):
        resolve_target(index, bundle="B-NONE")


def test_filters_and_why_nearer_venues_were_left_out(index: VenueIndex) -> None:
    target = resolve_target(index, item="QD-RS-0001")
    result = find_nearest_venues(index, target=target, query=query(level="street", explain=True))
    assert ids(index, [h.position for h in result.hits]) == ["V370202001", "V370202002"]
    reasons = {index.venues.ids[e.position]: [r.code for r in e.reasons] for e in result.excluded}
    assert reasons["V370202"] == ["level_filter"]
    assert reasons["V370202009"][0] == "venue_not_open"
    parked = find_nearest_venues(index, target=target, query=query(level="street", parking=True, explain=True))
    assert ids(index, [h.position for h in parked.hits]) == ["V370202001"]
    assert any(r.code == "no_parking" for e in parked.excluded for r in e.reasons)
    accessible = find_nearest_venues(index, target=target, query=query(accessible=True, level="street"))
    assert ids(index, [h.position for h in accessible.hits]) == ["V370202001"]


def test_wrong_level_is_explained(index: VenueIndex) -> None:
    target = resolve_target(index, item="就业登记")
    result = find_nearest_venues(index, target=target, query=query(explain=True))
    assert ids(index, [h.position for h in result.hits]) == ["V370202"]
    assert not any(e.distance_m > result.hits[-1].distance_m for e in result.excluded)
    farther = find_nearest_venues(index, target=target, query=query(origin=(36.0600, 120.4000), explain=True))
    reasons = {index.venues.ids[e.position]: e.reasons[0] for e in farther.excluded}
    assert reasons["V370202002"].code == "wrong_level"
    assert "区(市)级" in reasons["V370202002"].message


def test_open_on_arrival_filter_and_next_opening(index: VenueIndex) -> None:
    target = resolve_target(index, item="QD-RS-0001")
    sunday = dt.datetime.fromisoformat(SUNDAY)
    listed = find_nearest_venues(index, target=target, query=query(at=sunday))
    assert listed.hits
    assert not any(h.state.is_open for h in listed.hits)
    assert listed.hits[0].state.next_opening == dt.datetime.fromisoformat("2026-12-07T09:00:00+08:00")
    only_open = find_nearest_venues(index, target=target, query=query(at=sunday, open_now=True, explain=True))
    assert only_open.hits == []
    assert {r.code for e in only_open.excluded for r in e.reasons} >= {"closed_on_arrival"}


def test_arrival_time_decides_the_open_state(index: VenueIndex) -> None:
    target = resolve_target(index, item="QD-RS-0001")
    late = dt.datetime.fromisoformat("2026-12-01T16:50:00+08:00")  # closes 17:00
    walk = find_nearest_venues(index, target=target, query=query(at=late, limit=10))
    far = next(h for h in walk.hits if index.venues.ids[h.position] == "V3702")
    assert far.arrival > late + dt.timedelta(minutes=10)
    assert not far.state.is_open
    assert walk.hits[0].state.is_open


def test_modes_change_times_not_order(index: VenueIndex) -> None:
    target = resolve_target(index, item="QD-RS-0001")
    walk = find_nearest_venues(index, target=target, query=query(mode="walk", limit=10))
    drive = find_nearest_venues(index, target=target, query=query(mode="drive", limit=10))
    assert [h.position for h in walk.hits] == [h.position for h in drive.hits]
    assert walk.hits[-1].travel.duration_s > drive.hits[-1].travel.duration_s


def test_districts_by_code_or_name(index: VenueIndex) -> None:
    assert resolve_district(index, "市南区") == "370202"
    assert resolve_district(index, "370202") == "370202"
    with pytest.raises(RequestInvalid, match="未知的区") as info:
        resolve_district(index, "火星区")
    assert info.value.field == "district"
    target = resolve_target(index, item="QD-RS-0001")
    result = find_nearest_venues(index, target=target, query=query(district="市南区", limit=10))
    assert "V3702" not in ids(index, [h.position for h in result.hits])


def synthetic_index(n: int, seed: int = 7) -> VenueIndex:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(35.9, 36.4, n)
    lng = rng.uniform(120.0, 120.7, n)
    hours = make_hours([[(dt.time(9), dt.time(17))]] * 5 + [[], []])
    columns = VenueColumns(
        ids=[f"S{i}" for i in range(n)], names=[f"场所{i}" for i in range(n)], levels=["street"] * n,
        division_codes=["370202001"] * n, addresses=[""] * n, lat=lat, lng=lng, statuses=["open"] * n,
        has_parking=np.ones(n, bool), accessible=np.ones(n, bool), hours=[hours] * n,
    )  # fmt: skip
    every = np.arange(n, dtype=np.int64)
    some = np.sort(rng.choice(n, 300, replace=False)).astype(np.int64)
    items = {1: ItemRef(1, "A", "甲", ("street",)), 2: ItemRef(2, "B", "乙", ("street",))}
    return VenueIndex(columns, item_venues={1: every, 2: some}, items=items)


@pytest.mark.parametrize("item", ["A", "B"])
def test_index_agrees_with_a_brute_force_scan(item: str) -> None:
    index = synthetic_index(10_000)
    target = resolve_target(index, item=item)
    members = index.venues_of(target.items[0].id)
    rng = np.random.default_rng(1)
    for _ in range(20):
        origin = (float(rng.uniform(35.9, 36.4)), float(rng.uniform(120.0, 120.7)))
        hits = find_nearest_venues(index, target=target, query=query(origin=origin, limit=8)).hits
        brute = sorted(members.tolist(), key=lambda i: haversine_m(*origin, index.venues.lat[i], index.venues.lng[i]))
        assert [h.position for h in hits] == brute[:8]


def test_the_cached_index_is_rebuilt_after_a_change_event(session: Session) -> None:
    import_dataset(session, make_where_dataset(), mode="replace")
    cache = VenueIndexCache(ttl_s=3600)
    first = cache.get(session)
    assert cache.get(session) is first
    events.deliver(CHANGED, {"kind": "venue", "key": "V370202001"})
    assert cache.get(session) is not first


def test_open_first_puts_a_farther_open_venue_before_nearer_closed_ones(session: Session) -> None:
    dataset = make_where_dataset()
    city_hall = next(v for v in dataset.venues if v.id == "V3702")
    sunday_morning = {**city_hall.hours, "sun": [("09:00", "12:00")]}
    dataset.venues[dataset.venues.index(city_hall)] = city_hall.model_copy(update={"hours": sunday_morning})
    import_dataset(session, dataset, mode="replace")
    index = build_venue_index(session)
    target = resolve_target(index, item="QD-RS-0001")
    sunday = dt.datetime.fromisoformat(SUNDAY)
    plain = find_nearest_venues(index, target=target, query=query(at=sunday, limit=2))
    assert ids(index, [h.position for h in plain.hits]) == ["V370202001", "V370202"]
    assert not any(h.state.is_open for h in plain.hits)
    first = find_nearest_venues(index, target=target, query=query(at=sunday, limit=2, open_first=True))
    assert ids(index, [h.position for h in first.hits]) == ["V3702", "V370202001"]  # then the nearest closed
    assert [h.state.is_open for h in first.hits] == [True, False]


def test_open_first_does_not_send_a_citizen_far_away_to_arrive_just_as_it_opens(index: VenueIndex) -> None:
    target = resolve_target(index, item="QD-RS-0001")
    early = dt.datetime.fromisoformat("2026-12-02T08:40:00+08:00")  # a Wednesday: every hall opens at 09:00
    plain = find_nearest_venues(index, target=target, query=query(at=early, limit=10))
    far = next(h for h in plain.hits if index.venues.ids[h.position] == "V3702")
    assert far.state.is_open  # the far hall alone is open on arrival
    assert not plain.hits[0].state.is_open
    first = find_nearest_venues(index, target=target, query=query(at=early, limit=10, open_first=True))
    assert [h.position for h in first.hits] == [h.position for h in plain.hits]  # all serve this morning
    evening = dt.datetime.fromisoformat("2026-12-02T16:50:00+08:00")  # the far hall is closed on arrival
    late = find_nearest_venues(index, target=target, query=query(at=evening, limit=10, open_first=True))
    assert [h.state.is_open for h in late.hits] == sorted((h.state.is_open for h in late.hits), reverse=True)
    assert late.hits[0].state.is_open
    assert not late.hits[-1].state.is_open


def statuses(target: Target) -> dict[str, tuple[str, str]]:
    return {s.item.code: (s.status, s.chosen_by) for s in target.plan}


def test_a_choice_group_needs_one_option_the_picked_or_the_nearest_open(session: Session) -> None:
    import_dataset(session, plan_dataset(), mode="replace")
    index = build_venue_index(session)
    result = find_nearest_venues(index, target=resolve_target(index, bundle="B-CHOICE"), query=query(limit=10))
    assert result.note is None  # before, all three items were required and no venue handles them all
    assert ids(index, [h.position for h in result.hits]) == ["V370202001"]
    assert statuses(result.target) == {
        "QD-RS-0001": ("required", ""),
        "QD-RS-0002": ("chosen", "nearest"),
        "QD-RS-0003": ("not_chosen", ""),
    }
    assert [i.code for i in result.target.items] == ["QD-RS-0001", "QD-RS-0002"]

    picked = resolve_target(index, bundle="B-CHOICE", choices=PlanChoices(picks=("就业登记",)))
    result = find_nearest_venues(index, target=picked, query=query(limit=10))
    assert ids(index, [h.position for h in result.hits]) == ["V370202"]
    assert statuses(result.target)["QD-RS-0003"] == ("chosen", "citizen")
    assert statuses(result.target)["QD-RS-0002"] == ("not_chosen", "")


def test_the_nearest_option_is_the_one_open_on_arrival(session: Session) -> None:
    import_dataset(session, plan_dataset(first_closed_on_tuesday=True), mode="replace")
    index = build_venue_index(session)
    result = find_nearest_venues(index, target=resolve_target(index, bundle="B-CHOICE"), query=query(limit=10))
    assert statuses(result.target)["QD-RS-0003"] == ("chosen", "nearest")
    assert ids(index, [h.position for h in result.hits]) == ["V370202"]


def test_a_conditional_step_is_needed_only_when_it_applies(session: Session) -> None:
    import_dataset(session, plan_dataset(), mode="replace")
    index = build_venue_index(session)
    unanswered = find_nearest_venues(index, target=resolve_target(index, bundle="B-IF"), query=query(limit=10))
    assert statuses(unanswered.target)["QD-RS-0003"] == ("if_applicable", "")
    assert ids(index, [h.position for h in unanswered.hits]) == ["V370202001", "V370202", "V370202002", "V3702"]
    applies = resolve_target(index, bundle="B-IF", choices=PlanChoices(applies=("QD-RS-0003",)))
    result = find_nearest_venues(index, target=applies, query=query(limit=10))
    assert ids(index, [h.position for h in result.hits]) == ["V370202"]
    skipped = resolve_target(index, bundle="B-IF", choices=PlanChoices(skips=("QD-RS-0003",)))
    assert statuses(skipped)["QD-RS-0003"] == ("skipped", "")
    assert [i.code for i in skipped.items] == ["QD-RS-0001"]


@pytest.mark.parametrize(
    ("choices", "field", "message"),
    [
        (PlanChoices(picks=("QD-RS-0001",)), "pick", "不是“选择其一”的选项"),
        (PlanChoices(picks=("QD-RS-0002", "QD-RS-0003")), "pick", "只能选择其一"),
        (PlanChoices(skips=("QD-RS-0001",)), "skip", "不是有条件办理的步骤"),
        (PlanChoices(picks=("不存在的事项",)), "pick", "未知的事项"),
    ],
)
def test_answers_that_do_not_fit_the_plan_are_refused(
    session: Session, choices: PlanChoices, field: str, message: str
) -> None:
    import_dataset(session, plan_dataset(), mode="replace")
    index = build_venue_index(session)
    with pytest.raises(RequestInvalid, match=message) as caught:
        resolve_target(index, bundle="B-CHOICE", choices=choices)
    assert caught.value.field == field


def test_when_no_option_is_open_the_nearest_venue_decides_and_says_so(session: Session) -> None:
    import_dataset(session, plan_dataset(), mode="replace")
    index = build_venue_index(session)
    target = resolve_target(index, bundle="B-CHOICE")
    result = find_nearest_venues(index, target=target, query=query(at=dt.datetime.fromisoformat(SUNDAY)))
    assert statuses(result.target)["QD-RS-0002"] == ("chosen", "nearest_any")  # every venue is closed on Sunday
