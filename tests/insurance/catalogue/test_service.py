"""Loading into the database (SQLite and PostgreSQL), the code queries, search with the pre-self-pay ratio."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.errors import NotFound, RequestInvalid
from cityservices.insurance.catalogue.service import (
    CatalogueInvalid,
    PreSelfPay,
    build_search_index,
    catalogue_stats,
    entry_detail,
    load_catalogue,
    same_consumable_class,
    same_drug,
    search_catalogue,
)
from cityservices.platform.migrate import upgrade_to_head
from tests.insurance.catalogue.conftest import catalogue_folder


@pytest.fixture(scope="module")
def engine(catalogue_db: str) -> Engine:
    return make_engine(catalogue_db)


def test_counts_after_loading(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        assert catalogue_stats(session) == {
            "drugs": 3885,
            "herbal_pieces": 892,
            "drug_rules": 901,
            "drug_products": 13827,
            "consumables": 4,
        }


def test_same_drug_from_any_maker_in_any_pack(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        answer = same_drug(session, "XM01AEX094D001010101792", same_spec=False, limit=500)
        assert answer.code.identity == "XM01AEX094D001"
        assert answer.total == len(answer.codes) > 3
        assert all(code.startswith("XM01AEX094D001") for code in answer.codes)
        assert len({code[-5:] for code in answer.codes}) > 1  # several makers
        assert len({code[16:18] for code in answer.codes}) > 1  # several packs
        same_spec = same_drug(session, "XM01AEX094D001010101792", same_spec=True, limit=500)
        assert 0 < same_spec.total < answer.total
        assert all(code[14:16] == "01" for code in same_spec.codes)
        assert [r.rule_type for r in answer.code.rules]  # the rule that lists this product


def test_same_consumable_class_from_any_maker(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        answer = same_consumable_class(session, "C0301010010000100001AB12345", limit=10)
        assert answer.total == 3
        assert {item.maker_name for item in answer.items} == {"测试企业甲", "测试企业乙", "测试企业丙"}
        with pytest.raises(RequestInvalid) as caught:
            same_consumable_class(session, "C03010100100001", limit=10)
        assert caught.value.fields[0][0] == "code"


def test_search_shows_class_ratio_restrictions_and_agreement(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        index = build_search_index(session)
    first = search_catalogue(index, "阿莫西林胶囊").results[0].entry
    assert (first.name, first.insurance_class, first.chrgitm_lv) == ("阿莫西林", "甲", "01")
    assert first.preselfpay is not None
    assert first.preselfpay.ratio == Decimal("0")
    second = search_catalogue(index, "注射用艾普拉唑钠", psn_type="1201").results[0].entry
    assert second.insurance_class == "乙"
    assert second.negotiated
    assert second.agreement_start is not None
    assert second.agreement_end is not None
    assert second.remarks.startswith("限")
    assert second.preselfpay is not None
    assert (second.preselfpay.verified, second.preselfpay.label) == (False, "示例参数，未经核实")
    assert second.preselfpay.psn_type == "1201"
    verified = search_catalogue(
        index, "注射用艾普拉唑钠", lookup=lambda _t: PreSelfPay(Decimal("0.05"), verified=True, label="测试规则")
    ).results[0]
    assert verified.entry.preselfpay is not None
    assert verified.entry.preselfpay.ratio == Decimal("0.0500")
    rules = search_catalogue(index, "儿童清肺口服液").results[0].entry.restrictions
    assert {(r.rule_type, r.restricted_to) for r in rules} >= {("限定年龄对象", "儿童")}
    herbal = search_catalogue(index, "当归").results[0].entry
    assert herbal.entry_type == "herbal_piece"
    assert herbal.preselfpay is None
    with pytest.raises(RequestInvalid):
        search_catalogue(index, "阿莫西林", psn_type="9999")
    with pytest.raises(NotFound):
        entry_detail(index, "XY-9999-9")


def test_a_bad_file_writes_nothing(migrated_db_url: str, tmp_path: Path) -> None:
    engine = make_engine(migrated_db_url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    good = catalogue_folder(tmp_path / "good", consumables=None)
    with session_scope(factory) as session:
        load_catalogue(session, good)
    bad = catalogue_folder(tmp_path / "bad", consumables=None)
    path = bad / "drug_catalog_tcm_pieces.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2,丁公藤,false", "2,丁公藤,perhaps"), encoding="utf-8")
    with pytest.raises(CatalogueInvalid) as caught, session_scope(factory) as session:
        load_catalogue(session, bad)
    assert "drug_catalog_tcm_pieces.csv 第 3 行 not_payable_when_used_alone" in caught.value.detail
    with session_scope(factory) as session:
        assert catalogue_stats(session)["herbal_pieces"] == 892
    engine.dispose()


def test_one_answer_per_generic_name_with_its_dosage_forms(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        index = build_search_index(session)
    answer = search_catalogue(index, "二甲双胍", psn_type="1201")
    names = [group.name for group in answer.groups]
    assert len(names) == len(set(names))  # each generic name once
    first = answer.groups[0]
    # the catalogue lists 二甲双胍 as 口服常释剂型 (甲) and 缓释控释剂型 (乙): one answer, both forms
    assert (first.name, first.dosage_forms, first.classes) == (
        "二甲双胍",
        ["口服常释剂型", "缓释控释剂型"],
        ["甲", "乙"],
    )
    by_form = {form.dosage_form: form for form in first.forms}
    assert by_form["口服常释剂型"].insurance_class == "甲"
    assert by_form["缓释控释剂型"].insurance_class == "乙"
    ratio = by_form["缓释控释剂型"].preselfpay
    assert ratio is not None
    assert not ratio.verified  # an example parameter
    assert sum(1 for hit in answer.results if hit.entry.name == "二甲双胍") >= 1
    ranked_forms = {hit.entry.key for hit in answer.results if hit.entry.name == "二甲双胍"}
    assert ranked_forms <= {form.key for form in first.forms}
    herbal = search_catalogue(index, "黄芪")
    assert all(len(group.forms) >= 1 for group in herbal.groups)
