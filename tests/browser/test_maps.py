"""The maps at 360 px: a pin's tip sits on its venue's point, close venues are grouped into one numbered circle,
and the venue page outlines the venue's street and shows the other venues around it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cityservices.service_map.catalogue.models import Venue
from tests.browser.conftest import MOBILE, Server, watch_console

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CLUSTER_JS = ROOT / "src" / "cityservices" / "static" / "vendor" / "leaflet" / "leaflet.markercluster.js"


def a_venue_with_a_street(demo_env: dict[str, str]) -> Venue:
    engine = create_engine(demo_env["CITYSERVICES_DATABASE_URL"])
    with Session(engine) as session:
        venue = session.scalars(
            select(Venue).where(Venue.division_code.is_not(None), Venue.level == "street").order_by(Venue.id)
        ).first()
        assert venue is not None
        session.expunge(venue)
    engine.dispose()
    return venue


def settle(page: Any) -> None:
    page.locator("#venue-map path.b").first.wait_for(state="attached")
    page.locator("#venue-map.leaflet-zoom-anim").wait_for(state="detached")
    page.wait_for_timeout(500)


# The tip of the pin (the lowest point of the turned square) and the venue's point on screen, in page pixels.
TIP_AND_POINT = """([lat, lng]) => {
  const box = document.querySelector('#venue-map');
  const view = box._csView;
  const p = view.map.latLngToContainerPoint(view.toMap(lat, lng));
  const frame = box.getBoundingClientRect();
  const pin = box.querySelector('.pin-main').getBoundingClientRect();
  return {tipX: pin.left + pin.width / 2, tipY: pin.bottom, x: frame.left + p.x, y: frame.top + p.y,
          width: pin.width};
}"""


def test_pin_tip_on_the_venue_and_close_venues_clustered(
    new_context: Any, server: Server, demo_env: dict[str, str]
) -> None:
    assert CLUSTER_JS.exists(), "leaflet.markercluster is not installed (run `make install`)"
    venue = a_venue_with_a_street(demo_env)
    page = new_context(MOBILE).new_page()
    errors = watch_console(page)
    page.goto(server.url(f"/venues/{venue.id}"))
    page.locator("#venue-map .pin-main").wait_for()
    page.locator("#venue-map path.b-here").wait_for(state="attached")  # the venue's street outlined
    page.locator("#venue-map .division-label").wait_for()
    settle(page)
    geometry = page.evaluate(TIP_AND_POINT, [venue.lat, venue.lng])
    # the turned 30 px square is about 42 px wide; its lowest corner is the tip, on the venue's point
    assert geometry["width"] > 38
    assert abs(geometry["tipX"] - geometry["x"]) <= 2, geometry
    assert abs(geometry["tipY"] - geometry["y"]) <= 2, geometry
    page.locator("[data-venue-map]").screenshot(path=str(SCREENSHOTS / "venue-map-mobile.png"))

    # zoomed out over the district the other venues are grouped: fewer markers than venues, with counts
    page.evaluate("() => document.querySelector('#venue-map')._csView.map.setZoom(11, {animate: false})")
    page.locator("#venue-map .marker-cluster").first.wait_for()
    counts = page.locator("#venue-map .marker-cluster span").all_inner_texts()
    assert counts
    assert all(int(c) >= 2 for c in counts)
    total = page.evaluate("() => document.querySelector('#venue-map')._csView.layers.venues.getLayers().length")
    shown = page.locator("#venue-map .marker-cluster, #venue-map path.dot").count()
    assert sum(int(c) for c in counts) <= total
    assert shown < total
    # a tap on a group zooms in and splits it
    zoom = page.evaluate("() => document.querySelector('#venue-map')._csView.map.getZoom()")
    page.locator("#venue-map .marker-cluster").last.dispatch_event("click")
    page.wait_for_timeout(800)
    assert page.evaluate("() => document.querySelector('#venue-map')._csView.map.getZoom()") > zoom
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert not errors, errors


def test_route_destination_clear_of_the_zoom_buttons(
    new_context: Any, server: Server, demo_env: dict[str, str]
) -> None:
    venue = a_venue_with_a_street(demo_env)
    page = new_context(MOBILE).new_page()
    # a start about 7 km to the north-west: the fitted route puts the venue in a corner of the map
    page.goto(server.url(f"/venues/{venue.id}?from={venue.lat + 0.05:.6f},{venue.lng - 0.05:.6f}"))
    page.locator("#venue-map .pin-main").wait_for()
    page.click("[data-route-go]")
    page.locator("[data-route][data-state=done]").wait_for()
    settle(page)
    pin = page.locator("#venue-map .pin-main").bounding_box()
    zoom = page.locator("#venue-map .leaflet-control-zoom").bounding_box()
    frame = page.locator("#venue-map").bounding_box()
    overlaps = not (
        pin["x"] > zoom["x"] + zoom["width"]
        or pin["x"] + pin["width"] < zoom["x"]
        or pin["y"] > zoom["y"] + zoom["height"]
        or pin["y"] + pin["height"] < zoom["y"]
    )
    assert not overlaps, (pin, zoom)
    assert frame["y"] <= pin["y"]
    assert pin["y"] + pin["height"] <= frame["y"] + frame["height"]
    page.locator("[data-venue-map]").screenshot(path=str(SCREENSHOTS / "venue-route-mobile.png"))
