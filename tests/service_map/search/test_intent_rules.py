"""Rules that tell apart items of one family by what the query says: the loss of a card against asking for a new
one, the direction of a household-registration move, an employer's forms against a person's own."""

from __future__ import annotations

from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.lexicon import load_lexicon


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
