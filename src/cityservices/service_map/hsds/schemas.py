"""The shapes of the HSDS API's answers, for the OpenAPI document only.

Bodies are built as plain JSON by ``hsds_views`` (the objects of ``hsds_export``) and sent as they are; these
models describe them: the standard fields we fill, ``x_cityservices`` (its schema is ``GET /api/hsds/profile``),
and ``extra="allow"`` for the rest, as the HSDS schemas allow.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
Extension = dict[str, Any]


class HsdsObject(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(description="稳定的 UUID v5 (与 cityservices export --format hsds 中的相同)")


class HsdsApiRoot(BaseModel):
    version: str = Field(description="HSDS version of this API (3.1)")
    profile: str = Field(description="URL of this API's HSDS profile document (GET /api/hsds/profile)")
    openapi_url: str = Field(description="URL of the OpenAPI document of this API")
    description: str


class HsdsPage(BaseModel, Generic[T]):
    total_items: int
    total_pages: int
    page_number: int
    size: int = Field(description="The number of entities in this page")
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[T]


class TaxonomyRead(HsdsObject):
    name: str
    description: str
    uri: str | None = None


class TaxonomyTermRead(HsdsObject):
    code: str
    name: str
    description: str
    taxonomy_id: str
    taxonomy: str | None = None
    language: str | None = None
    taxonomy_detail: TaxonomyRead | None = None


class AttributeRead(HsdsObject):
    link_id: str
    link_entity: str
    taxonomy_term_id: str
    taxonomy_term: TaxonomyTermRead


class OrganizationSummary(HsdsObject):
    name: str
    description: str
    x_cityservices: Extension


class ServiceRef(HsdsObject):
    organization_id: str
    name: str
    status: Literal["active", "inactive", "defunct", "temporarily closed"]


class ServiceSummary(ServiceRef):
    fees_description: str | None = None
    eligibility_description: str | None = None
    application_process: str | None = None
    organization: OrganizationSummary | None = None
    x_cityservices: Extension


class LocationSummary(HsdsObject):
    location_type: Literal["physical", "postal", "virtual"]
    name: str
    latitude: float
    longitude: float
    x_cityservices: Extension


class LocationRead(LocationSummary):
    addresses: list[HsdsObject]
    phones: list[HsdsObject]
    schedules: list[HsdsObject]
    accessibility: list[HsdsObject]


class ServiceAtLocationSummary(HsdsObject):
    service_id: str
    location_id: str
    location: LocationSummary
    service: ServiceSummary
    x_cityservices: Extension


class ServiceAtLocationInService(HsdsObject):
    service_id: str
    location_id: str
    location: LocationRead
    x_cityservices: Extension


class ServiceRead(ServiceRef):
    organization: HsdsObject | None = None
    required_documents: list[HsdsObject] = []
    cost_options: list[HsdsObject] = []
    phones: list[HsdsObject] = []
    attributes: list[AttributeRead]
    service_at_locations: list[ServiceAtLocationInService] = []
    x_cityservices: Extension


class ServiceAtLocationRead(HsdsObject):
    service_id: str
    location_id: str
    location: LocationRead
    service: ServiceRead
    x_cityservices: Extension


class OrganizationRead(OrganizationSummary):
    services: list[ServiceRef]


class ServicePage(HsdsPage[ServiceSummary]):
    pass


class ServiceAtLocationPage(HsdsPage[ServiceAtLocationSummary]):
    pass


class OrganizationPage(HsdsPage[OrganizationSummary]):
    pass


class TaxonomyPage(HsdsPage[TaxonomyRead]):
    pass


class TaxonomyTermPage(HsdsPage[TaxonomyTermRead]):
    pass
