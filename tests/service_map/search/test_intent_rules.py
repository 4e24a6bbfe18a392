"""Rules that tell apart items of one family by what the query says: the loss of a card against asking for a new
one, the direction of a household-registration move, an employer's forms against a person's own."""

from __future__ import annotations

from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.documents import DocumentRequests
from cityservices.service_map.search.frames import PurposeFrames
from cityservices.service_map.search.lexicon import load_lexicon
from cityservices.service_map.search.moves import MoveRules
from cityservices.service_map.search.rank import (
    EVENT_BONUS_MILD,
    EVENT_BY_WORDS,
    FAMILY_BONUS,
    ConditionModel,
    Scored,
    family_pick,
    fuse,
)
from cityservices.service_map.search.records import ItemRecord
from cityservices.service_map.search.slots import Slots, negated
from cityservices.service_map.search.understand import Analysis


def names(index: SearchIndex, query: str, n: int = 1) -> list[str]:
    result = index.search(query, limit=5)
    assert not result.no_match, query
    return [item.name for item in result.items[:n]]


def test_a_lost_card_alone_is_stopped_first_and_asking_for_a_new_one_reissues_it(demo_index: SearchIndex) -> None:
    assert names(demo_index, "社保卡丢了") == ["社会保障卡挂失"]
    assert names(demo_index, "社保卡被偷了") == ["社会保障卡挂失"]
    assert names(demo_index, "社保卡丢了要补办一张") == ["社会保障卡补领、换领、换发"]
    assert names(demo_index, "社保卡补办") == ["社会保障卡补领、换领、换发"]
    assert names(demo_index, "社保卡坏了") == ["社会保障卡补领、换领、换发"]
    # a family with no separate loss report keeps its replacement item
    assert names(demo_index, "户口本丢了") == ["居民户口簿补领"]
    assert names(demo_index, "身份证丢了") == ["居民身份证丢失补领"]


def test_asking_for_a_new_copy_is_its_own_condition() -> None:
    lex = load_lexicon()
    assert lex.query_conditions["补办"] == "reissue"
    assert lex.query_conditions["被偷"] == "lost"
    assert lex.compatibility["lost", "report_loss"] > lex.compatibility["lost", "reissue"]
    assert lex.compatibility["reissue", "reissue"] > lex.compatibility["reissue", "report_loss"]


def test_staff_joining_or_leaving_is_the_employers_side_of_the_change(demo_index: SearchIndex) -> None:
    assert names(demo_index, "员工离职了医保要减掉") == ["职工基本医疗保险停保登记（减员）"]
    assert names(demo_index, "辞退了一个工人，医保怎么停") == ["职工基本医疗保险停保登记（减员）"]
    assert names(demo_index, "公司新来了员工要给他交医保") == ["职工基本医疗保险参保登记（增员）"]
    assert names(demo_index, "公司招了人要做用工登记") == ["就业登记"]
    # without a third party the same verb is the person's own change
    assert "减员" not in names(demo_index, "我离职了公积金能取吗")[0]


def test_staff_moves_are_composed_from_verbs_and_staff_nouns_in_either_order() -> None:
    lex = load_lexicon()
    assert "员工~离职" in lex.composed_synonyms
    assert "离职~员工" in lex.composed_synonyms
    assert lex.composed_synonyms["招~人"][0].term == "增员"
    assert "人~走了" not in lex.composed_synonyms  # 老人走了 is a death, not a leaver
    assert "增员" in lex.official_terms()


def test_the_direction_of_a_household_move_is_read_from_word_classes_and_order() -> None:
    rules = MoveRules.load()
    assert rules.frame("户口想迁回老家") == "out"
    assert rules.frame("我要把户口迁到外省") == "out"
    assert rules.frame("想把户口从老家迁过来") is None  # the outward place is the source
    assert rules.frame("把我妈的户口迁到我这来") == "parent_joins_child"
    assert rules.frame("把户口迁到爸妈这") == "child_joins_parent"
    assert rules.frame("孩子户口想迁到爸爸这里") == "child_joins_parent"
    assert rules.frame("媳妇的户口想落到我户上") == "spouse"
    assert rules.frame("买了房子能不能落户") == "buy"
    assert rules.frame("新生儿落户") is None
    assert rules.frame("想跟爹妈分开单独立个户口") is None
    assert rules.frame("户口本丢了") is None


def test_the_direction_of_a_household_move_picks_the_item(demo_index: SearchIndex) -> None:
    assert names(demo_index, "户口想迁回老家怎么弄") == ["户口迁出"]
    assert names(demo_index, "我要把户口从青岛迁到老家去") == ["户口迁出"]
    assert names(demo_index, "把我妈的户口迁到我这来") == ["父母投靠成年子女"]
    assert names(demo_index, "把孩子户口落到我户上") == ["子女投靠父母"]
    assert names(demo_index, "在青岛买了房想把户口迁进来") == ["居住落户"]
    assert names(demo_index, "新生儿落户") == ["出生登记"]


def test_the_purpose_of_a_trip_or_of_help_with_rent_is_read_from_word_classes() -> None:
    frames = PurposeFrames.load()
    assert frames.purpose("去澳门看望我女儿") == "hkmo:visit"
    assert frames.purpose("单位派我去香港培训") == "hkmo:business"
    assert frames.purpose("报了个团去香港") == "hkmo:group"
    assert frames.purpose("带孩子去香港玩") == "hkmo:tour"  # a tour with the family is still a tour
    assert frames.purpose("香港通行证第一次办") is None  # excluded: the pass itself, not an endorsement
    assert frames.purpose("房租太贵了想申请补贴") == "renthelp:subsidy"
    assert frames.purpose("想租公家的房子") == "renthelp:flat"
    assert frames.purpose("租房提取公积金") is None
    assert set(frames.items()) >= {"hkmo:visit", "renthelp:flat"}


def test_the_purpose_picks_the_endorsement_or_the_housing_help(demo_index: SearchIndex) -> None:
    assert names(demo_index, "去澳门看望我女儿") == ["往来港澳通行证探亲签注"]
    assert names(demo_index, "去香港见客户要办什么签注") == ["往来港澳通行证商务签注"]
    assert names(demo_index, "房租太贵了想申请补贴") == ["住房保障家庭租赁补贴发放"]
    assert names(demo_index, "住房困难想租公家的房子") == ["公共租赁住房申请资格审核认定"]
    assert names(demo_index, "租房提取公积金") == ["租房提取住房公积金"]


def test_a_life_event_beside_an_out_of_domain_word_keeps_the_query_in_the_domain(demo_index: SearchIndex) -> None:
    result = demo_index.search("残疾人坐公交免费怎么办")
    assert not result.no_match
    assert result.items
    assert "残疾" in result.items[0].name
    assert demo_index.search("坐公交怎么走").no_match  # the out-of-domain word alone is still no match


def test_having_a_second_child_is_understood(demo_index: SearchIndex) -> None:
    assert names(demo_index, "家里要添老二了要办啥") == ["生育登记"]
    assert names(demo_index, "准备生老二") == ["生育登记"]


def test_getting_hurt_at_work_is_a_work_injury_whatever_the_wound(demo_index: SearchIndex) -> None:
    frames = PurposeFrames.load()
    assert frames.purpose("干活的时候手被机器压了") == "injury:hurt"
    assert frames.purpose("工作受伤了伤残等级鉴定") is None  # a later step is asked
    assert frames.purpose("公司压了工资") is None
    assert names(demo_index, "上班摔了一跤骨折了") == ["工伤认定"]
    assert names(demo_index, "干活的时候手被机器压了") == ["工伤认定"]


def test_an_employer_the_speaker_has_not_makes_a_person_not_an_employer(demo_index: SearchIndex) -> None:
    assert negated("我没单位自己交医保", "单位")
    assert not negated("单位没给我交医保", "单位")
    assert demo_index.understander.analyze("我没单位自己交医保").slots.applicant == "个人"
    assert demo_index.understander.analyze("没有公司的人怎么交社保").slots.applicant == "个人"
    assert demo_index.understander.analyze("单位没给我交医保").slots.applicant == "企业"


def test_a_relative_names_the_household_relation_only_in_a_household_query(demo_index: SearchIndex) -> None:
    assert "投靠" not in names(demo_index, "想给闺女换个名字")[0]
    assert "投靠" not in names(demo_index, "儿子在部队当兵，家里能领钱吗")[0]
    assert names(demo_index, "老婆户口迁过来跟我一起") == ["夫妻投靠"]
    assert names(demo_index, "投靠子女落户") == ["父母投靠成年子女"]


def test_renewing_a_residence_permit_and_retiring_early_are_understood(demo_index: SearchIndex) -> None:
    assert names(demo_index, "居住证要续一下") == ["居住证签注"]
    assert names(demo_index, "想早点退休") == ["企业职工基本养老保险提前退休申请"]


def test_a_new_hire_is_added_to_the_insurance_not_a_new_employer_registration(demo_index: SearchIndex) -> None:
    assert names(demo_index, "单位新招了个人要给他交医保") == ["职工基本医疗保险参保登记（增员）"]


def test_a_company_moving_house_changes_its_registration(demo_index: SearchIndex) -> None:
    assert names(demo_index, "公司搬到新地方了") == ["公司变更登记"]
    assert PurposeFrames.load().purpose("公司员工搬家了社保怎么办") is None  # an employee's move is no company's


def _scored(*names: str) -> tuple[list[Scored], list[ItemRecord]]:
    items = [ItemRecord(code=str(i), name=name, is_core=True) for i, name in enumerate(names)]
    return [Scored(i, 2.0 - 0.1 * i, 1.0) for i in range(len(items))], items


def _chars(text: str) -> list[str]:
    """A stand-in segmenter: the two-character runs of the text."""
    return [text[i : i + 2] for i in range(0, len(text) - 1, 2)]


def test_the_family_member_whose_own_word_the_query_names_comes_first() -> None:
    ranked, items = _scored("养老保险正常退休", "养老保险提前退休", "驾驶证初次申领")
    picked = family_pick(ranked, items, {"提前", "退休"}, _chars, lambda _: False)
    assert [items[s.index].name for s in picked][:2] == ["养老保险提前退休", "养老保险正常退休"]
    assert picked[0].parts["family"] == FAMILY_BONUS
    # a word every member has (退休), a generic word, or the leader named already: nothing moves
    assert family_pick(ranked, items, {"退休"}, _chars, lambda _: False) == ranked
    assert family_pick(ranked, items, {"提前"}, _chars, lambda word: word == "提前") == ranked
    assert family_pick(ranked, items, {"正常", "提前"}, _chars, lambda _: False) == ranked
    # items that share no start with the leader are no family
    ranked, items = _scored("居住证申领", "驾驶证签注")
    assert family_pick(ranked, items, {"签注"}, _chars, lambda _: False) == ranked


def test_a_non_core_member_is_not_picked_by_its_long_name() -> None:
    ranked, items = _scored("驾驶证初次申领", "驾驶证持军警驾驶证申领")
    items[1] = ItemRecord(code="1", name=items[1].name, is_core=False)
    assert family_pick(ranked, items, {"军警"}, _chars, lambda _: False) == ranked


def test_a_card_family_member_named_by_a_lexicon_phrase_outranks_the_condition_fit(demo_index: SearchIndex) -> None:
    # 换 is a renewal condition that favours the replacement item; 激活 / 开通 name the activation member
    assert names(demo_index, "换了新社保卡要激活") == ["社会保障卡启用（激活）"]
    assert names(demo_index, "社保卡补换了，新卡得开通一下") == ["社会保障卡启用（激活）"]
    assert names(demo_index, "社保卡丢了要补办一张") == ["社会保障卡补领、换领、换发"]


def _fused(event_items: dict[int, tuple[int, bool, bool]]) -> list[tuple[str, float]]:
    """Three core items: a non-member the words match best, and two members of a long bundle (positions 0 and 8);
    the names best first with their life-event bonus."""
    items = [
        ItemRecord(code="a", name="不动产登记资料查询", is_core=True),
        ItemRecord(code="b", name="居民死亡医学证明签发", is_core=True),
        ItemRecord(code="c", name="房屋所有权转移登记（继承）", is_core=True),
    ]
    analysis = Analysis("", "", [], Slots(), [], [], [], list_intent=False, content_chars=0)
    ranked = fuse(analysis, [(0, 1.0), (1, 0.2), (2, 0.85)], items, ConditionModel(load_lexicon()), event_items)
    return [(items[s.index].name, round(s.parts.get("event", 0.0), 3)) for s in ranked]


def test_beside_other_words_a_long_bundles_member_is_picked_by_the_words_not_by_its_position() -> None:
    # 父亲去世留下一套房，要转到俺名下: the death bundle's ninth step is the one the words about the flat match
    by_words = _fused({1: (0, False, True), 2: (8, False, True)})
    assert by_words[0] == ("房屋所有权转移登记（继承）", round(EVENT_BY_WORDS * 0.85, 3))
    # a member the words barely match keeps its place bonus
    assert ("居民死亡医学证明签发", EVENT_BONUS_MILD) in by_words
    by_position = _fused({1: (0, False, False), 2: (8, False, False)})
    assert by_position[0] == ("不动产登记资料查询", 0.0)


def test_a_clause_ending_with_a_document_after_a_request_verb_asks_for_it_to_be_issued() -> None:
    docs = DocumentRequests.load()
    assert docs.asked("银行要我开个公积金缴了多少的证明")
    assert docs.asked("单位让我交一份参保的证明吧")
    assert docs.asked("派出所能开个证明，说明是同一个人吗")  # the question is in another clause
    assert docs.asked("房客要发票")
    assert not docs.asked("小孩落户需要出生证明吗")  # asks about a material
    assert not docs.asked("办社保卡要交什么证明")
    assert not docs.asked("要证明他是在哪出生的公证")  # 证明 as a verb: the clause goes on
    assert docs.issues("住房公积金缴存证明开具")
    assert not docs.issues("住房公积金单位缴存登记")


def test_asking_for_a_proof_finds_the_item_that_issues_it_not_the_subject_it_is_about(
    demo_index: SearchIndex,
) -> None:
    assert names(demo_index, "贷款要用，得开个公积金交了多少年的证明") == ["住房公积金缴存证明开具"]
    assert names(demo_index, "办签证要开个人交税的记录") == ["个人所得税纳税记录开具"]
    # a material asked about stays a question about it
    assert "证明" not in names(demo_index, "办社保卡要交什么证明")[0]


def test_closing_down_or_giving_a_licence_up_is_its_cancellation_and_extending_a_permit_is_its_renewal(
    demo_index: SearchIndex,
) -> None:
    lex = load_lexicon()
    assert {lex.query_conditions[w] for w in ("关了", "不要了", "不用了")} == {"cancel"}
    assert {lex.query_conditions[w] for w in ("要续", "续一下", "续上")} == {"expired"}
    assert "续" not in lex.query_conditions  # 手续 / 继续 are no renewal
    assert names(demo_index, "公司关了，执照不用了") == ["公司注销登记"]
    assert names(demo_index, "餐馆不开了，许可证不要了") == ["食品经营许可证注销"]
    assert names(demo_index, "居住证今年还得续一下") == ["居住证签注"]
