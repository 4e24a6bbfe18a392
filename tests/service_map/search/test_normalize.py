"""Stage 1: normalisation and refusal of input that is not a query."""

from __future__ import annotations

import pytest

from cityservices.service_map.search.normalize import InvalidQuery, clean_query, normalize_text


def test_full_width_traditional_and_punctuation_are_folded() -> None:
    assert normalize_text("駕駛執照過期了，怎麼辦？") == "驾驶执照过期了 怎么办"
    assert normalize_text("ＳＦＺ　到期！！") == "sfz 到期"
    assert normalize_text("身份证😀丢了") == "身份证 丢了"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请输入"),
        ("   \t ", "请输入"),
        ("身" * 1001, "过长"),
        ("身份证" * 70, "过长"),
        ("身份证\x00丢了", "控制字符"),
        ("\x07\x08", "控制字符"),
        ("😀🎉👍", "没有可识别的文字"),
        ("？？！！……", "没有可识别的文字"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(raw: str, message: str) -> None:
    with pytest.raises(InvalidQuery) as info:
        clean_query(raw)
    assert message in info.value.detail
    assert info.value.status_code == 422


def test_a_normal_query_passes() -> None:
    assert clean_query("  身份证 到期 ") == "身份证 到期"
