"""The government service map (政务服务地图) as an installed domain: what it adds to the platform."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cityservices.platform.domains import Domain, IndexSpec, ScopeKind

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter, FastAPI
    from sqlalchemy.orm import Session

    from cityservices.config import Settings

CHANGED = "service_map.changed"  # any venue, item, guide, bundle, division, POI or road-graph change


def _routers() -> Sequence[APIRouter]:
    from cityservices.service_map.catalogue import api as catalogue_api
    from cityservices.service_map.catalogue import pages as catalogue_pages
    from cityservices.service_map.feedback import api as feedback_api
    from cityservices.service_map.feedback import pages as feedback_pages
    from cityservices.service_map.hsds import api as hsds_api
    from cityservices.service_map.search import api as search_api
    from cityservices.service_map.venues import api as venues_api
    from cityservices.service_map.where import api as where_api

    return (
        venues_api.router,
        catalogue_api.router,
        where_api.router,
        search_api.router,
        where_api.map_router,
        feedback_api.router,
        feedback_api.staff_router,
        feedback_pages.router,
        hsds_api.router,
        catalogue_pages.router,
    )


def _install_app(app: FastAPI, settings: Settings) -> None:
    from cityservices.service_map.editing.web import install_staff
    from cityservices.service_map.fast_paths import install_fast_paths

    install_staff(app, settings)
    install_fast_paths(app)


def _register_cli(app: typer.Typer) -> None:
    from cityservices.service_map.interchange.cli import register as register_interchange
    from cityservices.service_map.search.cli import register as register_search
    from cityservices.service_map.where.cli import register as register_where

    register_interchange(app)
    register_search(app)
    register_where(app)


def _warm_search(app: FastAPI) -> None:
    from cityservices.service_map.search.cache import get_search_index

    runtime = app.state.runtime
    get_search_index(runtime.engine, runtime.sessions)


def _release_search(app: FastAPI) -> None:
    from cityservices.service_map.search.cache import forget_search_index

    forget_search_index(app.state.runtime.engine)


def _warm_venues(app: FastAPI) -> None:
    from cityservices.service_map.where.api import venue_index_cache

    with app.state.runtime.sessions() as session:
        venue_index_cache(app).get(session).prebuild_item_trees()


def _warm_hsds_ids(app: FastAPI) -> None:
    from cityservices.service_map.hsds.api import hsds_ids_cache

    with app.state.runtime.sessions() as session:
        hsds_ids_cache(app).get(session)


def _warm_read_models(app: FastAPI) -> None:
    from cityservices.service_map.catalogue.read_model import prebuild_catalogue
    from cityservices.service_map.venues.read_model import prebuild_venues

    prebuild_catalogue(app)
    prebuild_venues(app)


def _stats(session: Session) -> dict[str, Any]:
    from cityservices.service_map.catalogue.service import collect_stats

    return collect_stats(session)


def _districts(session: Session) -> dict[str, str]:
    from cityservices.service_map.catalogue.repository import district_names

    return district_names(session)


def _departments(session: Session) -> dict[str, str]:
    from cityservices.service_map.catalogue.repository import department_names

    return department_names(session)


def _load_demo(settings: Settings, if_empty: bool) -> None:
    from cityservices.service_map.interchange.cli import load_demo_dataset

    load_demo_dataset(settings, if_empty=if_empty)


DOMAIN = Domain(
    name="service_map",
    label="政务服务地图",
    routers=_routers,
    install_app=_install_app,
    register_cli=_register_cli,
    indexes=(
        IndexSpec("search_index", _warm_search, release=_release_search),
        IndexSpec("venue_index", _warm_venues),
        IndexSpec("hsds_ids", _warm_hsds_ids),
        IndexSpec("read_models", _warm_read_models),
    ),
    topics=(CHANGED,),
    staff_prefixes=("/staff", "/api/staff/"),
    # The same names as service_map.scopes.DISTRICT / DEPARTMENT (not imported here: install imports nothing heavy).
    scopes=(ScopeKind("district", "区(市)", _districts), ScopeKind("department", "部门", _departments)),
    stats=_stats,
    load_demo=_load_demo,
)
