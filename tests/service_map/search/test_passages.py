"""Each plain-language situation of an item compared with the query on its own (passages.py)."""

from __future__ import annotations

from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.passages import SituationPassages, pieces


def test_a_situation_must_share_two_separate_pieces_of_the_query() -> None:
    passages = SituationPassages(
        [
            (0, "义务兵优待金", "孩子当兵家里发钱 当兵家属优待金"),
            (1, "老年人优待证", "老人办优待证"),
            (2, "抚恤金", "家里有人去世领钱"),
        ]
    )
    found = passages.similarity("儿子当兵了家里能领钱吗")
    assert set(found) == {0, 2}  # 当兵 + 家里; 家里 + 领钱
    assert found[0] > found[2]  # 当兵 is said in one item's situations, 家里 and 领钱 in two
    assert 1 not in passages.similarity("当兵回来的优待证")  # one piece (优待证): the names decide


def test_an_item_scores_by_its_best_situation_and_rare_bigrams_weigh_more() -> None:
    alone = SituationPassages(
        [(0, "购房提取", "买房提公积金"), (1, "退休提取", "退休提公积金"), (2, "离职提取", "离职提公积金")]
    )
    more = SituationPassages(
        [
            (0, "购房提取", "买房提公积金 开店办执照 养狗办证"),
            (1, "退休提取", "退休提公积金"),
            (2, "离职提取", "离职提公积金"),
        ]
    )
    query = "买房了能提公积金吗"
    assert more.similarity(query)[0] == alone.similarity(query)[0]  # the best situation, not the sum
    found = alone.similarity(query)
    assert set(found) == {0}  # 提公积金 alone is one piece of the query
    assert 0.0 < found[0] <= 1.0


def test_a_situation_saying_only_what_its_own_name_says_adds_nothing() -> None:
    passages = SituationPassages([(0, "购房提取公积金", "买房提取公积金"), (1, "租房提取公积金", "每月房租提公积金")])
    assert 0 not in passages.similarity("租房提取 公积金")  # 提取 + 公积金: both in the name already
    assert 0 in passages.similarity("买房提取 公积金")  # 买房 is the situation's own


def test_pieces_counts_runs_of_consecutive_positions() -> None:
    assert pieces([3, 1, 2]) == 1
    assert pieces([0, 1, 5, 6, 9]) == 3
    assert pieces([]) == 0


def test_a_situation_telling_the_whole_case_outranks_a_name_holding_one_word(demo_index: SearchIndex) -> None:
    # 优待 is in the veterans' card's name; the family's allowance says "孩子当兵" in a situation
    assert demo_index.search("孩子去当兵了家里有优待吗").items[0].name == "义务兵家庭优待金给付"
    # 工伤 is in the injury's own name; grading the disability after it is what a situation of the assessment says
    assert demo_index.search("出了工伤治好了要评级").items[0].name == "劳动能力鉴定"
