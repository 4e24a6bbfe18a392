"""Rules that find the need of a query among the words that only say who is applying or what happened before."""

from __future__ import annotations

from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.benefits import BenefitRequests
from cityservices.service_map.search.lexicon import load_lexicon, passive_forms, passive_markers
from cityservices.service_map.search.phonetic import PinyinVocabulary
from cityservices.service_map.search.plan import BACKGROUND_WEIGHT, background_end, build_plan
from cityservices.service_map.search.rank import (
    BENEFIT_BONUS,
    BENEFIT_MIN_LEXICAL,
    STATUS_PENALTY,
    ConditionModel,
    fuse,
)
from cityservices.service_map.search.records import ItemRecord
from cityservices.service_map.search.slots import Slots
from cityservices.service_map.search.understand import Analysis


def top(index: SearchIndex, query: str) -> str:
    result = index.search(query, limit=5)
    assert not result.no_match, query
    return result.items[0].name


def test_asking_for_money_is_told_from_naming_a_benefit_and_from_asking_for_a_determination() -> None:
    rules = BenefitRequests.load()
    assert rules.asked("每月能多领点钱吗") == (True, True)
    assert rules.asked("那笔钱在哪领") == (True, True)  # 钱~领: a gap inside the verb phrase
    assert rules.asked("看病自己掏的还能再报点吗") == (True, True)
    assert rules.asked("有奖励吗") == (False, True)  # names a benefit: no bonus, but a status item is not the need
    assert rules.asked("低保怎么申请") == (False, False)
    assert rules.asked("想评个伤残等级，能领钱吗") == (False, False)  # the determination itself is asked for
    assert rules.pays("困难残疾人生活补贴")
    assert rules.pays("义务兵家庭优待金给付")
    assert not rules.pays("残疾人证新办")
    assert rules.establishes("最低生活保障审核确认")
    assert rules.establishes("退役军人伤残等级评定")
    assert not rules.establishes("医疗救助待遇申请")  # a benefit is never only a status
    assert not rules.establishes("残疾人证新办")


def _item(name: str) -> ItemRecord:
    return ItemRecord(code=name, name=name, is_core=True)


def test_fuse_ranks_a_paying_item_up_a_status_item_down_and_leaves_a_barely_matching_payer_alone() -> None:
    items = [_item("最低生活保障审核确认"), _item("困难残疾人生活补贴"), _item("高龄津贴申领")]
    analysis = Analysis("", "", [], Slots(), [], [], [], list_intent=False, content_chars=0)
    conditions = ConditionModel(load_lexicon())
    lexical = [(0, 1.0), (1, 0.7), (2, 0.9 * BENEFIT_MIN_LEXICAL)]
    plain = {s.index: s for s in fuse(analysis, lexical, items, conditions, {})}
    asked = {
        s.index: s for s in fuse(analysis, lexical, items, conditions, {}, benefits=(frozenset({1, 2}), frozenset({0})))
    }
    assert round(asked[0].score, 6) == round(plain[0].score - STATUS_PENALTY, 6)
    assert round(asked[1].score, 6) == round(plain[1].score + BENEFIT_BONUS, 6)
    assert asked[2].score == plain[2].score  # matched too little of the query to be what it asks for
    assert plain[0].score > plain[1].score
    assert asked[1].score > asked[0].score


def test_a_status_names_who_applies_and_the_money_asked_for_is_the_need(demo_index: SearchIndex) -> None:
    assert top(demo_index, "俺家是低保户，有个残疾孩子，能多给点钱吗") == "困难残疾人生活补贴"
    assert top(demo_index, "低保怎么申请") == "最低生活保障审核确认"  # no money asked: the status item stays
    assert top(demo_index, "残疾人补贴") == "困难残疾人生活补贴"


def test_a_passive_phrase_matches_with_the_agent_inside_and_with_the_markers_rang_and_jiao() -> None:
    markers = passive_markers()
    assert set(markers) == {"被", "让", "叫"}
    assert passive_forms("被裁", markers) == ["被~裁", "让~裁", "叫~裁"]
    assert passive_forms("被~压", markers) == ["让~压", "叫~压"]
    assert passive_forms("裁员", markers) == []  # not a passive phrase
    lex = load_lexicon()
    assert lex.composed_triggers["被~辞退"] == lex.event_triggers["被辞退"]
    assert lex.composed_synonyms["让~骗"] == lex.synonyms["被骗"]


def test_the_passive_with_an_agent_or_another_marker_reads_as_the_passive(demo_index: SearchIndex) -> None:
    events = demo_index.understander.analyze("我被厂里辞退了，要办哪些手续").events
    assert [hit.event for hit in events] == ["unemployment"]
    assert top(demo_index, "在车间干活胳膊叫机器绞了") == "工伤认定"
    assert top(demo_index, "下班路上让电动车撞了") == "工伤认定"
    assert not demo_index.search("让人骗了两千块").no_match


def test_a_request_for_a_document_keeps_a_query_with_an_off_topic_word_in_the_domain(demo_index: SearchIndex) -> None:
    assert top(demo_index, "找工作要开个没犯过事的证明") == "无犯罪记录证明开具"
    assert top(demo_index, "炒股票开户要开个没犯过事的证明") == "无犯罪记录证明开具"
    assert demo_index.search("炒股票开户怎么弄").no_match  # the off-topic words alone stay off topic


def test_full_pinyin_may_spell_any_stretch_of_an_official_name_but_a_vocabulary_word_keeps_its_reading() -> None:
    plain = PinyinVocabulary([("公证", 0), ("犯罪", 20)])
    assert plain.segment_latin("wufanzui") is None  # 无 alone is no word of the vocabulary
    named = PinyinVocabulary([("公证", 0), ("犯罪", 20)], names=["无犯罪记录公证"])
    assert named.segment_latin("wufanzuigongzheng") == [
        ("wufanzui", "无犯罪", "pinyin"),
        ("gongzheng", "公证", "pinyin"),
    ]
    assert named.segment_latin("fanzui") == [("fanzui", "犯罪", "pinyin")]
    homophone = PinyinVocabulary([("公正", 0)], names=["遗嘱公证"])
    assert homophone.segment_latin("gongzheng") == [("gongzheng", "公正", "pinyin")]  # the vocabulary word first


def test_a_stretch_of_an_official_name_typed_in_pinyin_without_spaces_is_understood(demo_index: SearchIndex) -> None:
    assert "无犯罪" in top(demo_index, "wufanzui")


def test_after_a_death_the_household_register_named_is_the_deceaseds_registration_cancelled(
    demo_index: SearchIndex,
) -> None:
    assert demo_index.understander.analyze("老伴走了户口怎么处理").slots.conditions == ["cancel"]
    assert top(demo_index, "俺娘没了，户口本咋办") == "死亡人员户口注销"
    assert top(demo_index, "户口本咋办") != "死亡人员户口注销"  # no death, no cancellation


def test_clauses_ending_in_le_before_a_clause_naming_its_own_thing_are_background(demo_index: SearchIndex) -> None:
    def weights(query: str) -> dict[str, float]:
        analysis = demo_index.understander.analyze(query)
        plan = build_plan(analysis, demo_index.segmenter, demo_index.lexical, demo_index.lexicon)
        return {part.label: part.weight for part in plan}

    told = weights("结婚了，户口想迁到老公家")
    alone = weights("结婚，户口想迁到老公家")  # no 了: not told as what has happened
    assert told["结婚"] == alone["结婚"] * BACKGROUND_WEIGHT
    assert told["户口想迁到"] == alone["户口想迁到"]
    # the later clause names no thing of its own: what has happened is the need (身份证 … 换)
    expired = demo_index.understander.analyze("身份证上个月到期了，还能去换吗")
    assert background_end(expired) == 0
    assert background_end(demo_index.understander.analyze("媳妇生完孩子了，产假的钱去哪领")) == len("媳妇生完孩子了")


def test_a_households_living_that_cannot_go_on_is_hardship_and_a_couples_is_a_marriage(
    demo_index: SearchIndex,
) -> None:
    hardship = demo_index.understander.analyze("这两年生活实在过不下去了")
    assert [hit.event for hit in hardship.events] == ["hardship"]
    assert "过不下去" not in [c.surface for c in hardship.concepts]  # read as the event, not as 离婚登记
    marriage = demo_index.understander.analyze("两口子过不下去了")
    assert marriage.events == []
    assert "过不下去" in [c.surface for c in marriage.concepts if c.kind == "syn"]
    assert top(demo_index, "夫妻俩实在过不下去了") == "内地居民离婚登记"


def test_a_disability_in_body_words_and_leaving_the_army_in_plain_words_are_their_life_events(
    demo_index: SearchIndex,
) -> None:
    def events(query: str) -> list[str]:
        return [hit.event for hit in demo_index.understander.analyze(query).events]

    assert events("俺爹耳朵聋了好几年") == ["disability"]
    assert events("闺女腿瘸了") == ["disability"]
    assert events("手机屏幕看不清了") == []  # no part of the body
    assert events("眼看身份证就到期了") == []
    assert events("当兵回来三年了") == ["veteran"]
    assert events("从军队退下来以后") == ["veteran"]
    assert events("儿子今年去部队当兵") == []  # going to serve is not leaving the army


def test_a_district_and_a_phrase_for_an_items_whole_name_ask_where_it_is_given_despite_a_hospital_question(
    demo_index: SearchIndex,
) -> None:
    assert top(demo_index, "市北区婚检去哪个医院") == "婚前医学检查"
    assert demo_index.search("崂山区哪个医院看牙好").no_match  # nothing names a service


def test_moving_a_certificate_or_a_relationship_is_the_transfer_condition(demo_index: SearchIndex) -> None:
    conditions = ConditionModel(load_lexicon())
    assert "transfer" in conditions.of("残疾人证迁移")
    assert "transfer" in conditions.of("住房公积金异地转移接续")
    assert "transfer" not in conditions.of("机动车转移登记")  # a change of owner, not a move to another place
    assert top(demo_index, "残疾证要从老家转过来") == "残疾人证迁移"
    assert top(demo_index, "换了工作养老保险要转走吗") == "企业职工基本养老保险关系转移接续申请"
    assert top(demo_index, "残疾证怎么办") == "残疾人证新办"  # nothing moves: the first issue stays first


def test_a_closing_yes_no_question_naming_its_own_thing_makes_the_clauses_before_it_background(
    demo_index: SearchIndex,
) -> None:
    asked = demo_index.understander.analyze("老伴没有劳动能力，能吃低保吗")
    assert background_end(asked) == asked.rewritten.index("，")
    stated = demo_index.understander.analyze("老伴没有劳动能力，想吃低保")  # no question: both clauses weigh fully
    assert background_end(stated) == 0
    unnamed = demo_index.understander.analyze("老伴没有劳动能力，能行吗")  # the question names nothing of its own
    assert background_end(unnamed) == 0


def test_a_family_just_above_the_minimum_living_line_is_told_from_one_below_it(demo_index: SearchIndex) -> None:
    assert top(demo_index, "俺家够不上低保，还有别的救助吗") == "低保边缘家庭认定"
    assert top(demo_index, "低保没评上，还能办啥") == "低保边缘家庭认定"
    assert top(demo_index, "俺家想吃低保") == "最低生活保障审核确认"


def test_a_benefit_asked_in_general_words_is_held_by_every_paying_item_and_who_applies_picks_it(
    demo_index: SearchIndex,
) -> None:
    rules = BenefitRequests.load()
    assert rules.names_benefit("补助")
    assert rules.names_benefit("领钱")
    assert not rules.names_benefit("补助金申领")  # a whole word only
    assert not rules.names_benefit("独生子")
    # 补助 is in the names of allowances for the old; an only child lost is the family-planning assistance's case
    assert top(demo_index, "俺家独生子出意外没了，有啥补助") == "计划生育家庭特别扶助金"
