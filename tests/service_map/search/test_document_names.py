"""Everyday names of official documents (行车本, 司机证, 执业证, 押给银行) find the item that issues them."""

from __future__ import annotations

import pytest

from cityservices.service_map.search import SearchIndex


def top(index: SearchIndex, query: str) -> str:
    result = index.search(query, limit=5)
    assert not result.no_match, query
    return result.items[0].name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("行驶本找不着了", "补换领机动车行驶证"),
        ("车的行车本坏了想换个新的", "补换领机动车行驶证"),
        ("想开出租车，司机证怎么考", "巡游出租汽车驾驶员证核发"),
        ("跑出租要办什么", "巡游出租汽车驾驶员证核发"),
        ("医生到别的医院上班，执业证怎么办", "医师执业注册"),
        ("按揭买的小轿车押给银行要去车管所办啥", "机动车抵押登记"),
        ("车贷还完了，车管所那边还要办啥", "机动车解除抵押登记"),
        ("家里的红本丢了怎么补", "不动产权证书补发、换发"),
    ],
)
def test_an_everyday_document_name_finds_its_item(demo_index: SearchIndex, query: str, expected: str) -> None:
    assert top(demo_index, query) == expected
