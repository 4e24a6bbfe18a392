"""A small dataset for the page tests, with hostile text in the places citizens' eyes meet stored data."""

from __future__ import annotations

from cityservices.service_map.interchange.dataset import Dataset, Origin
from cityservices.service_map.interchange.records import BoundaryRecord, DivisionRecord
from tests.builders import make_dataset, make_venue

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
WEST_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.26, 36.05], [120.30, 36.05], [120.30, 36.10], [120.26, 36.10], [120.26, 36.05]]],
}


def make_pages_dataset() -> Dataset:
    """The builders' dataset with a second street (the district has no boundary of its own), and script / link
    injections."""
    dataset = make_dataset()
    dataset.venues[0] = make_venue(
        address=f"{SCRIPT}香港中路",
        description=IMG,
        photos=[
            {"url": "/static/demo-photos/hall.svg", "caption": "大厅"},
            {"url": "javascript:alert(3)", "caption": "坏链接"},
        ],
        appointment_url="javascript:alert(4)",
    )
    guide = dataset.guides[0]
    guide.steps = [{"name": "受理", "description": f"窗口受理{IMG}"}]
    guide.channels = [
        {"kind": "window", "name": "街道便民服务中心", "url": None},
        {"kind": "online", "name": "网上办", "url": "javascript:alert(5)"},
    ]
    guide.situations = ["社保卡丢了要补办", f"{SCRIPT}上班了要办卡"]
    dataset.guides[1].demo_fields = ["materials"]
    dataset.bundles[0].description = SCRIPT
    dataset.divisions.append(DivisionRecord(code="370202002", name="八大峡街道", level="street", parent_code="370202"))
    dataset.boundaries.append(BoundaryRecord(code="370202002", geometry=WEST_SQUARE, source="test square"))
    for kind in dataset.counts():
        dataset.origins[kind] = [Origin(kind, i + 1) for i in range(len(dataset.records(kind)))]
    return dataset
