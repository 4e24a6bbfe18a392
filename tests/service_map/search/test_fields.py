"""Guide fields searched as separately weighted BM25 fields."""

from __future__ import annotations

from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.fields import FIELD_WEIGHTS, FieldedIndex, bundle_names, item_fields
from cityservices.service_map.search.records import BundleRecord, Catalogue, ItemRecord, guide_fields
from cityservices.service_map.search.retrieve import LexicalIndex


def _items() -> list[ItemRecord]:
    return [
        ItemRecord("A", "甲类证明开具", department="民政局", fields=(("result", "婚姻状况证明"),)),
        ItemRecord("B", "乙类证明开具", department="公安局", fields=(("result", "户籍证明"),)),
        ItemRecord("C", "丙类登记", department="公安局"),
    ]


def _tokens(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] if text else []


def test_fields_of_an_item_include_its_bundles_and_department() -> None:
    bundles = [BundleRecord("X", "结婚一件事", "结婚", ("A", "C"))]
    fields = item_fields(_items()[0], bundle_names(bundles))
    assert fields["bundle"] == "结婚一件事 结婚"
    assert fields["department"] == "民政局"
    assert fields["result"] == "婚姻状况证明"
    assert "bundle" not in item_fields(_items()[1], bundle_names(bundles))


def test_a_word_only_a_field_holds_finds_the_item_and_weighs_less_than_a_name_match() -> None:
    items = _items()
    names = LexicalIndex([_tokens(i.name) for i in items])
    index = FieldedIndex(names, items, [], _tokens, {"result": 0.5, "department": 0.2})
    found = index.score({"婚姻": 1.0})
    assert found[0] > 0  # only item A's certificate says 婚姻
    assert found[1] == found[2] == 0
    by_name = index.score({"登记": 1.0})
    assert by_name[2] > index.score({"户籍": 1.0})[1] > 0
    # a field with weight 0 is not searched
    assert not FieldedIndex(names, items, [], _tokens, {"result": 0.0}).score({"婚姻": 1.0}).any()


def test_the_engine_searches_bundle_names() -> None:
    items = [ItemRecord("A", "居民身份证首次申领", is_core=True), ItemRecord("B", "丧葬补助金申领", is_core=True)]
    catalogue = Catalogue(items=items, bundles=[BundleRecord("D", "身后一件事", "死亡", ("B",))])
    index = SearchIndex(catalogue)
    assert index.lexical.score({"身后": 1.0})[1] > 0


def test_an_index_over_no_document_or_only_empty_ones_matches_nothing() -> None:
    from cityservices.service_map.search.retrieve import LexicalIndex

    for documents in ([], [[], []]):
        index = LexicalIndex(documents)
        assert index.size == len(documents)
        assert index.document_frequency("护照") == 0
        assert index.score({"护照": 1.0}).tolist() == [0.0] * len(documents)


def _plain_catalogue() -> Catalogue:
    situations = "上班时受伤了 干活时被机器伤了手 上下班路上出了车祸"
    return Catalogue(
        items=[
            ItemRecord("W", "工伤认定", is_core=True, fields=(("situations", situations),)),
            ItemRecord("D", "道路交通事故认定", is_core=True),
            ItemRecord("P", "居民身份证首次申领", is_core=True),
        ]
    )


def test_a_situation_in_plain_words_finds_the_item_whose_guide_describes_it() -> None:
    index = SearchIndex(_plain_catalogue())
    found = index.search("干活的时候被机器伤了")
    assert not found.no_match
    assert found.items[0].name == "工伤认定"  # 机器 and 受伤 are in its situations only, not in any name
    assert found.confidence > 0  # the situations' words are understood, not unknown words
    without = SearchIndex(_plain_catalogue(), field_weights={**FIELD_WEIGHTS, "situations": 0.0}).search(
        "干活的时候被机器伤了"
    )
    assert without.no_match or without.items[0].name != "工伤认定"


def test_a_name_match_still_outweighs_a_situation_match() -> None:
    index = SearchIndex(_plain_catalogue())
    assert index.search("车祸认定").items[0].name == "道路交通事故认定"  # 车祸 only in 工伤认定's situations


def test_the_guide_fields_carry_the_situations_as_one_text() -> None:
    fields = dict(guide_fields("", [], "", ["上班时受伤了", "得了职业病"]))
    assert fields["situations"] == "上班时受伤了 得了职业病"
    assert dict(guide_fields("", [], ""))["situations"] == ""
