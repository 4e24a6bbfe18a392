"""WGS-84 / GCJ-02 / BD-09: published reference pairs, round trips across China, CRS and point parsing."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityservices.kit.geo import (
    CHINA_LAT_RANGE,
    CHINA_LNG_RANGE,
    CoordinateError,
    bd09_to_gcj02,
    check_point,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    initial_bearing_deg,
    parse_crs,
    parse_point,
    point_or_none,
    to_wgs84,
    wgs84_to_gcj02,
)

# (wgs_lat, wgs_lng, gcj_lat, gcj_lng), each from a well-known library's test suite:
WGS_TO_GCJ = [
    # wandergis/coordtransform, test/app.js: wgs84togcj02(116.404, 39.915)
    (39.915, 116.404, 39.91640428150164, 116.41024449916938),
    # googollee/eviltransform, python/test.py: Shanghai, Shenzhen, Beijing
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
    # geoChina (R, Jun Cai) tests: wgs_to_gcj(39.90734, 116.39089), given to 8 decimals
    (39.90734, 116.39089, 39.90874107, 116.39713094),
]
# (gcj_lat, gcj_lng, bd_lat, bd_lng): wandergis/coordtransform gcj02tobd09(116.404, 39.915)
GCJ_TO_BD = [(39.915, 116.404, 39.92133699351021, 116.41036949371029)]
# wandergis/coordtransform bd09togcj02(116.404, 39.915), computed with the closed-form (approximate) inverse
BD_TO_GCJ_CLOSED_FORM = (39.915, 116.404, 39.90865673957631, 116.39762729119315)
# pyxis / geotool test vectors: one point through all three systems (lat, lng)
CHAIN = {
    "wgs84": (30.6107779, 121.0917077),
    "gcj02": (30.608604331756705, 121.09626935575027),
    "bd09": (30.61484572185035, 121.10271732371203),
}

china_lat = st.floats(CHINA_LAT_RANGE[0] + 0.05, CHINA_LAT_RANGE[1] - 0.05, allow_nan=False)
china_lng = st.floats(CHINA_LNG_RANGE[0] + 0.05, CHINA_LNG_RANGE[1] - 0.05, allow_nan=False)


@pytest.mark.parametrize(("wlat", "wlng", "glat", "glng"), WGS_TO_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wlat: float, wlng: float, glat: float, glng: float) -> None:
    lat, lng = wgs84_to_gcj02(wlat, wlng)
    assert haversine_m(lat, lng, glat, glng) < 0.01


@pytest.mark.parametrize(("wlat", "wlng", "glat", "glng"), WGS_TO_GCJ)
def test_gcj02_to_wgs84_inverts_published_pairs_within_a_decimetre(
    wlat: float, wlng: float, glat: float, glng: float
) -> None:
    lat, lng = gcj02_to_wgs84(glat, glng)
    assert haversine_m(lat, lng, wlat, wlng) < 0.1


@pytest.mark.parametrize(("glat", "glng", "blat", "blng"), GCJ_TO_BD)
def test_gcj02_to_bd09_matches_published_pair(glat: float, glng: float, blat: float, blng: float) -> None:
    assert gcj02_to_bd09(glat, glng) == pytest.approx((blat, blng), abs=1e-12)
    assert haversine_m(*bd09_to_gcj02(blat, blng), glat, glng) < 0.01


def test_iterative_bd09_inverse_is_close_to_the_published_closed_form() -> None:
    blat, blng, glat, glng = BD_TO_GCJ_CLOSED_FORM
    # the closed form is off by up to ~0.2 m; the iteration refines it
    assert haversine_m(*bd09_to_gcj02(blat, blng), glat, glng) < 0.5
    assert haversine_m(*gcj02_to_bd09(*bd09_to_gcj02(blat, blng)), blat, blng) < 1e-3


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_one_point_through_every_system(crs: str) -> None:
    wlat, wlng = CHAIN["wgs84"]
    assert haversine_m(*from_wgs84(wlat, wlng, crs), *CHAIN[crs]) < 0.05  # type: ignore[arg-type]
    assert haversine_m(*to_wgs84(*CHAIN[crs], crs), wlat, wlng) < 0.05  # type: ignore[arg-type]


def test_qingdao_offset_is_hundreds_of_metres() -> None:
    offset = haversine_m(36.0671, 120.3826, *wgs84_to_gcj02(36.0671, 120.3826))
    assert 300 < offset < 700


@settings(max_examples=400, deadline=None)
@given(lat=china_lat, lng=china_lng)
def test_gcj02_round_trip_is_under_half_a_metre_across_china(lat: float, lng: float) -> None:
    assert haversine_m(*gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng)), lat, lng) < 0.5
    assert haversine_m(*wgs84_to_gcj02(*gcj02_to_wgs84(lat, lng)), lat, lng) < 0.5


@settings(max_examples=400, deadline=None)
@given(lat=china_lat, lng=china_lng)
def test_bd09_round_trip_is_under_half_a_metre_across_china(lat: float, lng: float) -> None:
    assert haversine_m(*to_wgs84(*from_wgs84(lat, lng, "bd09"), "bd09"), lat, lng) < 0.5
    assert haversine_m(*bd09_to_gcj02(*gcj02_to_bd09(lat, lng)), lat, lng) < 0.5


@settings(max_examples=200, deadline=None)
@given(lat=china_lat, lng=china_lng)
def test_wgs84_is_the_identity(lat: float, lng: float) -> None:
    assert to_wgs84(lat, lng, "wgs84") == (lat, lng) == from_wgs84(lat, lng, "wgs84")


def test_no_offset_outside_china() -> None:
    assert wgs84_to_gcj02(51.5072, -0.1276) == (51.5072, -0.1276)


@pytest.mark.parametrize(
    ("text", "expected"), [("wgs84", "wgs84"), ("WGS-84", "wgs84"), ("GCJ_02", "gcj02"), ("bd09ll", "bd09")]
)
def test_crs_names_are_parsed(text: str, expected: str) -> None:
    assert parse_crs(text) == expected


@pytest.mark.parametrize("text", ["", "utm", "epsg:3857", None, 4326])
def test_unknown_crs_names_the_field(text: object) -> None:
    with pytest.raises(CoordinateError) as info:
        parse_crs(text, field="crs")
    assert info.value.field == "crs"
    assert "wgs84" in info.value.message


def test_points_are_parsed_and_checked() -> None:
    assert parse_point("36.0671, 120.3826", field="--at") == (36.0671, 120.3826)
    assert parse_point("36.0671，120.3826", field="--at") == (36.0671, 120.3826)


@pytest.mark.parametrize("text", ["36.0671", "a,b", "36,120,1", "nan,120", "95,120", "36,200", "-36,120"])
def test_bad_points_name_the_field(text: str) -> None:
    with pytest.raises(CoordinateError) as info:
        parse_point(text, field="--at")
    assert info.value.field == "--at"


@pytest.mark.parametrize("text", ["", "36.0671", "a,b", "95,120", "36,200"])
def test_an_optional_point_that_is_missing_or_wrong_is_none(text: str) -> None:
    assert point_or_none(text) is None


def test_an_optional_point_is_parsed() -> None:
    assert point_or_none("36.0671，120.3826") == (36.0671, 120.3826)


@pytest.mark.parametrize(
    ("lat", "lng", "field"),
    [(math.inf, 120.0, "lat"), (36.0, math.nan, "lng"), (0.0, 120.0, "lat"), (36.0, 0.0, "lng")],
)
def test_check_point_names_the_bad_coordinate(lat: float, lng: float, field: str) -> None:
    with pytest.raises(CoordinateError) as info:
        check_point(lat, lng)
    assert info.value.field == field


def test_bearings() -> None:
    assert initial_bearing_deg(36.0, 120.0, 36.1, 120.0) == pytest.approx(0.0, abs=1e-6)
    assert initial_bearing_deg(36.0, 120.0, 36.0, 120.1) == pytest.approx(90.0, abs=0.1)
    assert initial_bearing_deg(36.0, 120.0, 35.9, 120.0) == pytest.approx(180.0, abs=1e-6)
