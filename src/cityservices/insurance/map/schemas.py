"""The insurance map's answers: places with their flags, open state and distance; a route to one of them."""

from __future__ import annotations

from pydantic import BaseModel


class PlaceRead(BaseModel):
    id: str
    kind: str
    kind_name: str
    name: str
    district_code: str | None
    district_name: str | None
    address: str | None
    lat: float  # WGS-84
    lng: float
    position_note: str
    level: str | None
    level_name: str | None
    designated: bool
    cross_province: bool  # 跨省异地就医直接结算
    chronic: bool  # 门诊慢特病结算
    phone: str
    phone_dialable: bool  # generated numbers are never dialable
    hours: list[str]  # one line per weekday, Monday first
    open_now: bool | None  # None: the year's holiday schedule is not loaded
    state: str
    distance_m: float | None
    demo_fields: list[str]


class PlacesRead(BaseModel):
    total: int
    places: list[PlaceRead]
    note: str


class RouteStepRead(BaseModel):
    instruction: str
    distance_m: float
    duration_s: float


class PlaceRouteRead(BaseModel):
    place: PlaceRead
    mode: str
    estimate: bool
    method: str
    distance_m: float
    duration_s: float
    coordinates: list[tuple[float, float]] | None  # WGS-84 (lat, lng)
    steps: list[RouteStepRead]
    note: str | None
