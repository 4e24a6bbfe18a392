"""Stage 2: pinyin, homophones, slots, conditions, life events and out-of-domain words."""

from __future__ import annotations

from cityservices.service_map.search import SearchIndex


def test_pinyin_and_initials_become_domain_terms(demo_index: SearchIndex) -> None:
    vocab = demo_index.vocabulary
    assert vocab.rewrite_latin("sfz到期")[0] == "身份证 到期"
    assert vocab.rewrite_latin("shebaoka")[0] == "社保卡"
    assert vocab.rewrite_latin("gjj tiqu")[0] == "公积金 提取"
    text, rewrites = vocab.rewrite_latin("jsz shenyan")
    assert text == "驾驶证 审验"
    assert [r.reason for r in rewrites] == ["initials", "pinyin"]


def test_english_and_vehicle_classes_are_left_alone(demo_index: SearchIndex) -> None:
    assert demo_index.vocabulary.rewrite_latin("c1想增驾b2")[0] == "c1想增驾b2"


def test_homophone_typos_are_corrected_but_real_words_are_not(demo_index: SearchIndex) -> None:
    analyze = demo_index.understander.analyze
    assert analyze("公基金提取").rewritten == "公积金提取"
    assert analyze("身份正补办").rewritten == "身份证补办"
    assert analyze("港奥通行证签注").rewritten == "港澳通行证签注"
    assert analyze("中午休息时能办吗").rewritten == "中午休息时能办吗"


def test_slots_place_time_applicant_condition(demo_index: SearchIndex) -> None:
    slots = demo_index.understander.analyze("崂山区周六上午能补办公司营业执照吗").slots
    assert slots.place is not None
    assert slots.place["name"] == "崂山区"
    assert slots.place["code"] == "370212"
    assert slots.time == {"text": "周六 上午", "weekday": "sat", "part": "morning"}
    assert slots.applicant == "企业"
    assert slots.condition == "reissue"  # 补办 asks for a new copy; 丢了 would be "lost"
    nearby = demo_index.understander.analyze("附近哪里能办护照").slots
    assert nearby.place == {"kind": "nearby", "text": "附近"}


def test_short_district_and_street_names_are_places(demo_index: SearchIndex) -> None:
    assert demo_index.understander.analyze("平度办残疾证").slots.place["name"] == "平度市"  # type: ignore[index]
    assert demo_index.understander.analyze("台东街道低保").slots.place["level"] == "street"  # type: ignore[index]


def test_conditions_and_look_alikes(demo_index: SearchIndex) -> None:
    analyze = demo_index.understander.analyze
    assert analyze("驾照快到期了").slots.conditions == ["expired"]
    assert analyze("户口本被撕坏了").slots.conditions == ["damaged"]
    assert analyze("高龄补贴").slots.conditions == []  # 补贴 is not 补办
    assert analyze("驾照到期换新的").slots.conditions == ["expired"]  # 换 says less than 到期


def test_life_events_and_out_of_domain_words(demo_index: SearchIndex) -> None:
    analysis = demo_index.understander.analyze("家里老人去世了要办什么")
    assert [e.event for e in analysis.events] == ["death"]
    assert analysis.list_intent
    assert [o[2] for o in demo_index.understander.analyze("明天下雨吗").out_of_domain] == ["下雨"]


def test_two_character_typos_need_support(demo_index: SearchIndex) -> None:
    analyze = demo_index.understander.analyze
    assert analyze("驾照过其了").rewritten == "驾照过期了"  # next to a domain word
    assert analyze("离昏").rewritten == "离婚"  # the whole query


def test_place_aliases_and_the_most_specific_place(demo_index: SearchIndex) -> None:
    analyze = demo_index.understander.analyze
    assert analyze("西海岸办营业执照").slots.place["name"] == "黄岛区"  # type: ignore[index]
    assert analyze("青岛市南区办护照").slots.place["name"] == "市南区"  # type: ignore[index]


def test_a_condition_word_inside_a_life_event_is_not_a_condition(demo_index: SearchIndex) -> None:
    analysis = demo_index.understander.analyze("家里老人没了要办什么")
    assert analysis.slots.conditions == []
    assert [e.event for e in analysis.events] == ["death"]


def test_a_change_verb_next_to_an_attribute_means_change_and_the_attribute_is_still_searched(
    demo_index: SearchIndex,
) -> None:
    # The compose rule of conditions.tsv: 改/换/加 … with 名字/地址/经营项目 … in either order, a few characters apart.
    analyze = demo_index.understander.analyze
    for query in ("饭店改了名字", "执照上的地址得改", "个体户要加个经营项目"):
        assert analyze(query).slots.conditions == ["change"], query
    analysis = analyze("想给孩子换个名字")
    assert analysis.slots.conditions == ["change"]
    assert "名字" in [c.surface for c in analysis.concepts]
    assert analyze("名字好听").slots.conditions == []


def test_an_age_of_eighty_or_more_in_any_form_is_read_as_the_lexicon_age_phrase(demo_index: SearchIndex) -> None:
    analyze = demo_index.understander.analyze
    assert analyze("爷爷九十三岁了").rewritten.startswith("爷爷九十岁")
    assert [r.reason for r in analyze("奶奶86岁").rewrites] == ["age"]
    assert analyze("八十年代的老歌").rewrites == []
    assert analyze("七十岁了还开车").rewrites == []
    assert demo_index.search("我爷爷九十三岁了能领什么补贴").items[0].name == "高龄津贴申领"


def test_a_kin_word_followed_by_a_death_euphemism_is_the_death_event(demo_index: SearchIndex) -> None:
    # The compose rule of life_event_triggers.tsv: kin words × 走了 / 没了, a few characters apart.
    analyze = demo_index.understander.analyze
    for query in ("俺家姥爷走了要办啥", "婆婆前天没了", "我爹上个月走了"):
        assert [e.event for e in analyze(query).events] == ["death"], query
    assert analyze("社保卡里的钱没了").events == []


def test_a_document_named_after_a_death_is_to_be_cancelled(demo_index: SearchIndex) -> None:
    analyze = demo_index.understander.analyze
    assert analyze("老父亲过世了，他的驾照怎么办").slots.conditions == ["cancel"]
    assert demo_index.search("我妈去世了社保卡怎么处理").items[0].name == "社会保障卡注销"
    assert analyze("老人去世了丧葬补助金怎么领").slots.conditions == []  # a benefit, not a document
    assert analyze("驾照怎么办").slots.conditions == []


def test_a_separable_word_with_a_particle_inside_means_the_word(demo_index: SearchIndex) -> None:
    # separable.tsv: 转个学 is 转学, 退了休 is 退休, 挂个失 is the 挂失 condition; 上个户口 is no 上户.
    assert demo_index.search("孩子想转个学").items[0].name == "义务教育阶段学生转学"
    assert not demo_index.search("刚退了休要办啥").no_match
    assert demo_index.understander.analyze("社保卡先挂个失").slots.conditions == ["report_loss"]
    assert "上个户" not in demo_index.understander.synonyms


def test_a_phrase_both_a_service_and_a_condition_is_the_condition_of_another_named_service(
    demo_index: SearchIndex,
) -> None:
    # 改名 is 姓名变更登记 and a change; 改个名 is 改名 (separable.tsv)
    alone = demo_index.understander.analyze("想给孩子改个名")
    assert [(c.kind, c.surface) for c in alone.concepts] == [("syn", "改个名")]
    assert "姓名变更登记" in alone.concepts[0].terms
    beside = demo_index.understander.analyze("身份证改了名")
    assert [c.surface for c in beside.concepts] == ["身份证"]
    assert beside.slots.conditions == ["change"]


def test_segmenters_share_jiebas_dictionary_but_not_their_domain_words() -> None:
    # jieba's own dictionary is read once per process; each segmenter adds its domain words to a copy of it.
    from cityservices.service_map.search.segment import Segmenter

    first, second = Segmenter(["社保卡补办"]), Segmenter(["户口迁出"])
    assert first.is_dictionary_word("社保卡补办")
    assert not first.is_dictionary_word("户口迁出")
    assert second.is_dictionary_word("户口迁出")
    assert not second.is_dictionary_word("社保卡补办")
    assert "社保卡补办" in first.search_words("社保卡补办在哪")
    assert "社保卡补办" not in second.search_words("社保卡补办在哪")
    assert first.is_dictionary_word("医院")
    assert second.is_dictionary_word("医院")
