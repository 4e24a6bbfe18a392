"""The whole pipeline on the demo catalogue: ranking, bundles, explanations, clarification, no match."""

from __future__ import annotations

from cityservices.service_map.search import SearchIndex


def top(index: SearchIndex, query: str) -> str:
    result = index.search(query, limit=5)
    assert not result.no_match, query
    return result.items[0].name


def test_the_condition_decides_between_sibling_items(demo_index: SearchIndex) -> None:
    assert top(demo_index, "驾照快到期了") == "机动车驾驶证期满换证"
    assert top(demo_index, "驾照丢了") == "机动车驾驶证遗失补证"
    assert top(demo_index, "驾驶证撕坏了") == "机动车驾驶证损毁换证"
    assert top(demo_index, "身份证被偷了") == "居民身份证丢失补领"


def test_explanations_say_why(demo_index: SearchIndex) -> None:
    hit = demo_index.search("驾照快到期了").items[0]
    pairs = {(e.query, e.matched, e.reason) for e in hit.explanations}
    assert ("驾照", "机动车驾驶证", "同义词") in pairs
    assert ("快到期", "期满", "办理情形") in pairs


def test_a_life_event_returns_its_bundle(demo_index: SearchIndex) -> None:
    result = demo_index.search("生娃了要办啥")
    assert result.bundle is not None
    assert result.bundle.name == "新生儿出生一件事"
    assert result.items[0].name in {i.name for i in result.bundle.items}
    assert any(e.reason == "人生事件" for e in result.items[0].explanations)


def test_a_direct_need_inside_an_event_is_not_swallowed_by_the_bundle(demo_index: SearchIndex) -> None:
    assert top(demo_index, "新生儿落户") == "出生登记"
    assert top(demo_index, "退休了提取公积金") == "退休提取住房公积金"


def test_clarifying_choice_when_only_the_condition_differs(demo_index: SearchIndex) -> None:
    result = demo_index.search("身份证")
    assert result.clarification is not None
    names = {o.name for o in result.clarification.options}
    assert {"居民身份证到期换领", "居民身份证丢失补领"} <= names
    assert demo_index.search("身份证丢了").clarification is None


def test_out_of_domain_queries_get_an_explicit_no_match(demo_index: SearchIndex) -> None:
    for query in ("今天天气怎么样", "附近的麦当劳", "周末去哪看电影"):
        result = demo_index.search(query)
        assert result.no_match, query
        assert result.items == []
        assert result.suggestions
        assert result.message


def test_pinyin_typos_traditional_and_places(demo_index: SearchIndex) -> None:
    assert top(demo_index, "shebaoka") == "社会保障卡申领"
    assert top(demo_index, "公基金贷款") == "住房公积金个人住房贷款申请"
    assert top(demo_index, "護照過期了") == "普通护照换发"
    result = demo_index.search("崂山区哪里能补身份证", origin=(36.1, 120.46))
    assert result.items[0].name == "居民身份证丢失补领"
    assert result.slots["place"]["name"] == "崂山区"
    assert result.slots["origin"] == {"lat": 36.1, "lng": 120.46, "crs": "wgs84"}


def test_guide_summary_is_attached(demo_index: SearchIndex) -> None:
    hit = demo_index.search("社保卡申领").items[0]
    assert hit.guide is not None
    assert hit.guide.materials
    body = hit.model_dump()
    assert body["guide"]["materials_count"] == len(hit.guide.materials)


def test_a_place_of_business_alone_is_no_item_but_suggests_what_it_handles(demo_index: SearchIndex) -> None:
    result = demo_index.search("附近的派出所")
    assert result.no_match
    assert result.suggestions
    assert all(name in {i.name for i in demo_index.items if i.category == "公安"} for name in result.suggestions)


def test_pinyin_sentences_drop_filler_syllables(demo_index: SearchIndex) -> None:
    result = demo_index.search("wo xiang ban huzhao")
    assert demo_index.understander.analyze(result.normalized).rewritten == "护照"
    assert result.items[0].name == "普通护照首次申请"


def test_an_unsure_in_domain_query_offers_candidates_instead_of_an_empty_page(demo_index: SearchIndex) -> None:
    # Words the lexicon does not know, but a domain word the best item explains: a choice, not "no match".
    result = demo_index.search("公司年报逾期罚款")
    assert not result.no_match
    assert result.items
    assert result.clarification is not None
    assert result.clarification.question == "您是不是要办："
    options = [o.name for o in result.clarification.options]
    assert options[0] == result.items[0].name
    assert all(hit.is_core for hit in result.items[: len(options)])  # a guess offers the core items first
    assert all(name in {h.name for h in result.items} for name in options)
    assert result.message
    # a query the engine is sure of carries no such choice
    assert demo_index.search("驾照丢了").clarification is None


def test_a_real_word_that_sounds_like_a_domain_term_is_corrected_beside_one(demo_index: SearchIndex) -> None:
    assert top(demo_index, "护罩丢了怎么补") == "普通护照补发"
    assert demo_index.understander.analyze("护罩丢了怎么补").rewritten.startswith("护照")
    # the word alone, with nothing from the domain next to it, is left as written
    assert demo_index.understander.analyze("我想买个护罩").rewritten == "我想买个护罩"


def test_an_event_without_a_bundle_is_answered_as_a_group_with_a_heading(demo_index: SearchIndex) -> None:
    result = demo_index.search("失业了要办哪些")
    assert result.bundle is not None
    assert result.bundle.code == "group:unemployment"
    assert result.bundle.name == "失业以后要办的事"
    names = [i.name for i in result.bundle.items]
    assert {"失业登记", "失业保险金申领"} <= set(names)
    assert len(names) == len(set(names))
    # a specific need next to the event is answered alone
    assert demo_index.search("失业了领失业金").bundle is None


def test_an_official_name_typed_in_full_comes_first(demo_index: SearchIndex) -> None:
    # 个人所得税 alone means the annual settlement; the full name of another item overrides that reading
    assert top(demo_index, "个人所得税") == "个人所得税综合所得汇算清缴"
    assert top(demo_index, "个人所得税纳税记录开具") == "个人所得税纳税记录开具"
    assert top(demo_index, "我想办理个人所得税纳税记录开具") == "个人所得税纳税记录开具"


def test_the_understood_line_names_the_intent_and_slots_not_the_words(demo_index: SearchIndex) -> None:
    assert demo_index.search("周六崂山区哪里能补身份证").understood == "居民身份证丢失补领 · 崂山区 · 周六"
    assert demo_index.search("身份证").understood == "居民身份证（请选择具体情况）"
    assert demo_index.search("老人去世了要办什么").understood == "身后一件事"
    assert demo_index.search("失业了要办哪些").understood == "失业以后要办的事"
    unsure = demo_index.search("公司年报逾期罚款")
    assert unsure.understood.startswith(f"可能是{unsure.items[0].name}")
    assert demo_index.search("今天天气怎么样").understood == "今天天气怎么样"  # nothing understood


def test_the_unrelated_tail_is_cut(demo_index: SearchIndex) -> None:
    names = [i.name for i in demo_index.search("异地就医备案", limit=10).items]
    assert set(names[:4]) == {
        "异地长期居住人员备案",
        "异地转诊人员备案",
        "常驻异地工作人员备案",
        "临时外出就医人员备案",
    }
    assert not {"诊所备案", "食品摊点备案", "公章刻制备案"} & set(names)  # they share only the word 备案
    assert "住院费用零星报销" in names  # kept: it belongs to the life event recognised


def test_a_synonym_is_not_credited_for_one_shared_word(demo_index: SearchIndex) -> None:
    items = demo_index.search("生育津贴", limit=10).items
    assert items[0].name == "生育津贴支付"
    for hit in items:
        if hit.name == "高龄津贴申领":
            assert all(e.reason != "同义词" for e in hit.explanations)  # 津贴 alone is not 生育津贴支付


def test_items_differing_only_in_punctuation_are_shown_once(demo_index: SearchIndex) -> None:
    names = [i.name for i in demo_index.search("伤残待遇申领 伤残津贴", limit=10).items]
    same = [n for n in names if n.startswith("伤残待遇申领")]
    assert len(same) == 1
