"""The printout of an item page lists where to go ordered by the citizen's start point (``from``), nearest first,
each venue with its district as a label; without a start point, the chosen district first."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from tests.builders import load_dataset
from tests.service_map.where_data import ORIGIN, make_where_dataset


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('print') / 'print.db'}"
    load_dataset(url, make_where_dataset())
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def printed(client: TestClient, query: str) -> tuple[list[str], str]:
    response = client.get(f"/items/QD-RS-0001{query}")
    assert response.status_code == 200, response.text
    block = response.text.split("data-print-venues>")[1].split("</section>")[0]
    return re.findall(r"<li><strong>([^<]+)</strong>", block), block


def test_the_printout_starts_from_where_the_citizen_is(client: TestClient) -> None:
    names, block = printed(client, f"?from={ORIGIN[0]},{ORIGIN[1]}")
    assert names == ["香港中路街道便民服务中心", "市南区政务服务中心", "湛山街道便民服务中心", "青岛市政务服务中心"]
    assert 'data-print-order="from"' in block
    assert block.count("[市南区]") == 3  # the district stays, as a label
    assert "步行约" in block
    assert "临时关闭" not in block

    far, _ = printed(client, "?from=36.1357,120.4379")  # at the city hall
    assert far[0] == "青岛市政务服务中心"


def test_without_a_start_point_the_district_order_stays(client: TestClient) -> None:
    names, block = printed(client, "?district=370202")
    assert 'data-print-order="from"' not in block
    assert "距离约" not in block
    assert len(names) == 4
    for bad in ("?from=abc", "?from=0,0"):  # not a point in China: the district order, no error
        assert printed(client, bad)[0] == printed(client, "")[0]
