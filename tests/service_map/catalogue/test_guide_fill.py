"""The guides' read model is filled in one pass (``current_guide_details``): the same answer, byte for byte, as
``guide_detail`` gives item by item."""

from __future__ import annotations

from sqlalchemy import select

from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.platform.read_models import encode
from cityservices.service_map.catalogue.models import Item
from cityservices.service_map.catalogue.read_model import all_current_guides
from cityservices.service_map.catalogue.service import current_guide_details, guide_detail
from cityservices.service_map.interchange.records import GuideRecord
from tests.builders import load_dataset, make_dataset


def test_every_current_guide_in_one_pass_equals_the_one_by_one_answer(migrated_db_url: str) -> None:
    dataset = make_dataset()
    dataset.guides.append(GuideRecord(item_code="QD-RS-0001", version=2, is_current=False, legal_time_limit_days=5))
    load_dataset(migrated_db_url, dataset)
    engine = make_engine(migrated_db_url)
    with session_scope(make_session_factory(engine)) as session:
        codes = list(session.scalars(select(Item.code)))
        details = current_guide_details(session)
        assert sorted(details) == sorted(codes)
        for code in codes:
            assert details[code] == guide_detail(session, code, version=None), code
            assert details[code].versions == ([1, 2] if code == "QD-RS-0001" else [1])
        assert all_current_guides(session) == {
            (code, None): encode(guide_detail(session, code, version=None)) for code in codes
        }
    engine.dispose()
