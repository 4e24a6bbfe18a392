"""Open Referral HSDS 3.1 read API under /api/hsds (docs/api.md, "Open Referral HSDS"); thin routes.

Lists are HSDS pages (``page`` from 1, ``per_page`` 1–500) of compact objects; ``/{id}`` answers nest the related
objects. Ids are those of ``cityservices export --format hsds``; an unknown id is 404, a bad parameter 422.
Bodies are sent as built (``hsds_views``); ``hsds_api_schemas`` describes them for the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse

from cityservices.deps import DbSession
from cityservices.errors import error_responses
from cityservices.kit.text import PRINTABLE
from cityservices.platform.http_cache import cacheable
from cityservices.platform.origin import request_public_url
from cityservices.service_map.hsds import views
from cityservices.service_map.hsds.ids import HsdsIds, HsdsIdsCache
from cityservices.service_map.hsds.profile import profile_document
from cityservices.service_map.hsds.schemas import (
    HsdsApiRoot,
    OrganizationPage,
    OrganizationRead,
    ServiceAtLocationPage,
    ServiceAtLocationRead,
    ServicePage,
    ServiceRead,
    TaxonomyPage,
    TaxonomyRead,
    TaxonomyTermPage,
    TaxonomyTermRead,
)
from cityservices.service_map.hsds.views import ListQuery, Paging
from cityservices.service_map.install import CHANGED

router = APIRouter(prefix="/api/hsds", tags=["Open Referral HSDS"])

MAX_PAGE = 100_000
IdText = Annotated[str, Path(min_length=1, max_length=100, pattern=PRINTABLE, description="HSDS id (UUID)")]


def _id_query(description: str) -> Any:
    return Query(min_length=1, max_length=100, pattern=PRINTABLE, description=description)


def paging(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="页码，从 1 开始")] = 1,
    per_page: Annotated[int, Query(ge=1, le=500, description="每页条数 (1–500)")] = 50,
) -> Paging:
    return Paging(page, per_page)


PagingQuery = Annotated[Paging, Depends(paging)]
SearchQuery = Annotated[
    str | None, Query(min_length=1, max_length=100, pattern=PRINTABLE, description="名称或编码所含文字")
]
OrganizationIdQuery = Annotated[str | None, _id_query("只列出该组织 (部门) 的")]
TaxonomyTermIdQuery = Annotated[str | None, _id_query("只列出带该分类词 (事项类型或业务类别) 的")]
TaxonomyIdQuery = Annotated[str | None, _id_query("只列出该分类体系的")]


def hsds_ids_cache(app: FastAPI) -> HsdsIdsCache:
    """The app's reverse index of HSDS ids (built by the worker's warm-up, rebuilt after changes)."""
    cache: HsdsIdsCache | None = getattr(app.state, "hsds_ids_cache", None)
    if cache is None:
        cache = app.state.hsds_ids_cache = HsdsIdsCache()
    return cache


def hsds_ids(request: Request, session: DbSession) -> HsdsIds:
    return hsds_ids_cache(request.app).get(session)


Ids = Annotated[HsdsIds, Depends(hsds_ids)]


def _json(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body)


@router.get("/", response_model=HsdsApiRoot)
@cacheable(CHANGED)
def api_root(request: Request) -> JSONResponse:
    """Information about this API: the HSDS version, the profile and the OpenAPI document."""
    profile = request_public_url(request, request.app.url_path_for("hsds_profile"))
    openapi = request_public_url(request, request.app.openapi_url or "")
    return _json(views.api_root(profile_url=profile, openapi_url=openapi))


@router.get("/profile", name="hsds_profile", response_model=dict[str, Any])
@cacheable(CHANGED)
def read_profile() -> JSONResponse:
    """The profile: the JSON Schema of ``x_cityservices`` on each object, and the declared taxonomies."""
    return _json(profile_document())


@router.get("/services", response_model=ServicePage, responses=error_responses(422))
@cacheable(CHANGED)
def list_services(
    session: DbSession,
    ids: Ids,
    page: PagingQuery,
    search: SearchQuery = None,
    organization_id: OrganizationIdQuery = None,
    taxonomy_term_id: TaxonomyTermIdQuery = None,
    taxonomy_id: TaxonomyIdQuery = None,
) -> JSONResponse:
    """Services (our items) by code, with their one-to-one fields and organization."""
    q = ListQuery(search, organization_id, taxonomy_term_id, taxonomy_id)
    return _json(views.services_page(session, ids, q, page))


@router.get("/services/{id}", response_model=ServiceRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
def read_service(session: DbSession, ids: Ids, id: IdText) -> JSONResponse:
    """A fully nested service: organization, required documents, cost options, phones, taxonomy attributes,
    and every service_at_location with its location (addresses, phones, schedules, accessibility)."""
    return _json(views.service_detail(session, ids, id))


@router.get("/service_at_locations", response_model=ServiceAtLocationPage, responses=error_responses(422))
@cacheable(CHANGED)
def list_service_at_locations(
    session: DbSession,
    ids: Ids,
    page: PagingQuery,
    search: SearchQuery = None,
    service_id: Annotated[str | None, _id_query("只列出该服务的")] = None,
    location_id: Annotated[str | None, _id_query("只列出该场所的")] = None,
    organization_id: OrganizationIdQuery = None,
    taxonomy_term_id: TaxonomyTermIdQuery = None,
) -> JSONResponse:
    """Which venue handles which item, with the one-to-one fields of the location and the service."""
    q = ListQuery(search, organization_id, taxonomy_term_id, service_id=service_id, location_id=location_id)
    return _json(views.service_at_locations_page(session, ids, q, page))


@router.get("/service_at_locations/{id}", response_model=ServiceAtLocationRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
def read_service_at_location(session: DbSession, ids: Ids, id: IdText) -> JSONResponse:
    """One service at one location, with the full location and the full service."""
    return _json(views.service_at_location_detail(session, ids, id))


@router.get("/organizations", response_model=OrganizationPage, responses=error_responses(422))
@cacheable(CHANGED)
def list_organizations(session: DbSession, page: PagingQuery, search: SearchQuery = None) -> JSONResponse:
    """Organizations (our departments) by code."""
    return _json(views.organizations_page(session, ListQuery(search), page))


@router.get("/organizations/{id}", response_model=OrganizationRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
def read_organization(session: DbSession, ids: Ids, id: IdText) -> JSONResponse:
    """An organization with the id, name and status of each of its services."""
    return _json(views.organization_detail(session, ids, id))


@router.get("/taxonomies", response_model=TaxonomyPage, responses=error_responses(422))
@cacheable(CHANGED)
def list_taxonomies(page: PagingQuery, search: SearchQuery = None) -> JSONResponse:
    """Our two declared taxonomies: item types and item categories."""
    return _json(views.taxonomies_page(ListQuery(search), page))


@router.get("/taxonomies/{id}", response_model=TaxonomyRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
def read_taxonomy(ids: Ids, id: IdText) -> JSONResponse:
    return _json(views.taxonomy_detail(ids, id))


@router.get("/taxonomy_terms", response_model=TaxonomyTermPage, responses=error_responses(422))
@cacheable(CHANGED)
def list_taxonomy_terms(
    ids: Ids, page: PagingQuery, search: SearchQuery = None, taxonomy_id: TaxonomyIdQuery = None
) -> JSONResponse:
    """Every item type, then every item category in use."""
    return _json(views.taxonomy_terms_page(ids, ListQuery(search, taxonomy_id=taxonomy_id), page))


@router.get("/taxonomy_terms/{id}", response_model=TaxonomyTermRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
def read_taxonomy_term(ids: Ids, id: IdText) -> JSONResponse:
    """A term with its taxonomy (``taxonomy_detail``)."""
    return _json(views.taxonomy_term_detail(ids, id))
