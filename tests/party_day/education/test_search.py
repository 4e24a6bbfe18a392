"""The ranking of the resource search (no database): title before tags before description, pinyin and initials
for typed Latin letters, every word must match, traditional characters and full-width letters folded."""

from __future__ import annotations

from cityservices.party_day.education.search import (
    DESCRIPTION,
    INITIALS,
    PINYIN,
    TAG,
    TITLE,
    TITLE_START,
    dump_key,
    load_key,
    query_words,
    score,
    search_key,
)

KEY = search_key("重温入党誓词微党课", "围绕初心使命的学习资料简介", ["党性教育", "入党誓词"])


def test_points_by_where_the_word_is_found() -> None:
    assert score(KEY, ["重温"]) == TITLE_START
    assert score(KEY, ["誓词"]) == TITLE + TAG
    assert score(KEY, ["党性"]) == TAG
    assert score(KEY, ["初心"]) == DESCRIPTION
    assert score(KEY, ["廉洁"]) == 0


def test_every_word_must_match() -> None:
    assert score(KEY, ["重温", "初心"]) == TITLE_START + DESCRIPTION
    assert score(KEY, ["重温", "廉洁"]) == 0


def test_pinyin_and_initials_match_the_title() -> None:
    assert score(KEY, ["shici"]) == PINYIN
    assert score(KEY, ["sici"]) == PINYIN  # zh/z, ch/c, sh/s folded
    assert score(KEY, ["cwrd"]) == INITIALS
    assert score(KEY, ["lianjie"]) == 0


def test_the_query_is_normalised_like_the_text() -> None:
    assert query_words("  重溫，入黨誓詞！ ") == ["重温", "入党誓词"]
    assert query_words("ＳＨＩＣＩ") == ["shici"]
    assert query_words("？！") == []


def test_the_key_survives_storage() -> None:
    assert load_key(dump_key(KEY)) == KEY
