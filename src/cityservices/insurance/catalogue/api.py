"""Public JSON routes of the catalogue under /api/v1/insurance/catalogue: search, an entry, a drug code with
"the same drug from any maker / any pack", a consumables code with "the same class", counts. Nothing here is
about a person, so every answer may be cached (``@cacheable``) until the catalogue changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Path, Query, Request
from sqlalchemy.orm import Session

from cityservices.deps import DbSession
from cityservices.errors import error_responses
from cityservices.insurance.catalogue.schemas import (
    CatalogueStatsRead,
    ConsumableCodeRead,
    DrugCodeRead,
    EntryRead,
    SameConsumableRead,
    SameDrugRead,
    SearchRead,
)
from cityservices.insurance.catalogue.service import (
    PreSelfPayLookup,
    SearchIndex,
    build_search_index,
    catalogue_stats,
    consumable_code_detail,
    drug_code_detail,
    entry_detail,
    rules_preselfpay,
    same_consumable_class,
    same_drug,
    search_catalogue,
)
from cityservices.insurance.install import CHANGED
from cityservices.insurance.rules.service import rule_book
from cityservices.kit.calendar import now_in_china
from cityservices.kit.text import PRINTABLE
from cityservices.platform.http_cache import cacheable
from cityservices.platform.indexes import RebuiltOnChange

router = APIRouter(prefix="/api/v1/insurance/catalogue", tags=["insurance-catalogue"])

MAX_QUERY = 60
Q = Annotated[
    str, Query(min_length=1, max_length=MAX_QUERY, pattern=PRINTABLE, description="药名、商品名、拼音、首字母或俗称")
]
PsnType = Annotated[
    str | None,
    Query(min_length=4, max_length=4, pattern=r"^[0-9]{4}$", description="人员类别 psn_type (如 1101 在职职工)"),
]
Limit = Annotated[int, Query(ge=1, le=50, description="最多返回条数")]
DrugCode = Annotated[
    str, Path(min_length=1, max_length=40, pattern=PRINTABLE, description="医保药品代码 (20 或 23 位)")
]
ConsumableCode = Annotated[
    str, Path(min_length=1, max_length=40, pattern=PRINTABLE, description="医保耗材代码 (27 位)")
]
EntryKey = Annotated[str, Path(min_length=1, max_length=16, pattern=PRINTABLE, description="目录条目编号")]


def catalogue_index_cache(app: FastAPI) -> RebuiltOnChange[SearchIndex]:
    """The app's catalogue search index (one per worker), rebuilt after the catalogue changes."""
    cache: RebuiltOnChange[SearchIndex] | None = getattr(app.state, "insurance_catalogue_index", None)
    if cache is None:
        cache = RebuiltOnChange(build_search_index, name="insurance_catalogue_index", topics=(CHANGED,), ttl_s=600)
        app.state.insurance_catalogue_index = cache
    return cache


def search_index(request: Request, session: Session) -> SearchIndex:
    return catalogue_index_cache(request.app).get(session)


def preselfpay_lookup(session: Session) -> PreSelfPayLookup:
    """The pre-self-pay ratios of today's rule rows (Beijing date)."""
    return rules_preselfpay(rule_book(session), now_in_china().date())


@router.get("/search", response_model=SearchRead, responses=error_responses(422))
@cacheable(CHANGED)
def search(request: Request, session: DbSession, q: Q, limit: Limit = 10, psn_type: PsnType = None) -> SearchRead:
    """Drugs and herbal pieces by generic or brand name, pinyin, initials, dosage-form words and everyday names
    (降压药); each with 甲/乙, the pre-self-pay ratio for ``psn_type``, restrictions and the agreement period."""
    return search_catalogue(
        search_index(request, session), q, limit=limit, psn_type=psn_type, lookup=preselfpay_lookup(session)
    )


@router.get("/entries/{key}", response_model=EntryRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
def entry(request: Request, session: DbSession, key: EntryKey, psn_type: PsnType = None) -> EntryRead:
    """One catalogue entry (a drug row such as XY-0003-1, or a herbal piece YP-0001)."""
    return entry_detail(search_index(request, session), key, psn_type, preselfpay_lookup(session))


@router.get("/drug-codes/{code}", response_model=DrugCodeRead, responses=error_responses(422))
@cacheable(CHANGED)
def drug_code(session: DbSession, code: DrugCode) -> DrugCodeRead:
    """A national drug code split into its segments, with the payment rules that list the product."""
    return drug_code_detail(session, code)


@router.get("/drug-codes/{code}/same-drug", response_model=SameDrugRead, responses=error_responses(422))
@cacheable(CHANGED)
def drug_code_same_drug(
    session: DbSession,
    code: DrugCode,
    same_spec: Annotated[bool, Query(description="只要同一规格")] = False,
    limit: Limit = 50,
) -> SameDrugRead:
    """Product codes of the same drug (class, generic name, dosage form) from any maker, in any pack."""
    return same_drug(session, code, same_spec=same_spec, limit=limit)


@router.get("/consumable-codes/{code}", response_model=ConsumableCodeRead, responses=error_responses(422))
@cacheable(CHANGED)
def consumable_code(code: ConsumableCode) -> ConsumableCodeRead:
    """A 27-character consumables code split into its class part and specification."""
    return consumable_code_detail(code)


@router.get("/consumable-codes/{code}/same-class", response_model=SameConsumableRead, responses=error_responses(422))
@cacheable(CHANGED)
def consumable_code_same_class(session: DbSession, code: ConsumableCode, limit: Limit = 50) -> SameConsumableRead:
    """Consumables of the same class (class levels, generic name, material, feature) from any maker."""
    return same_consumable_class(session, code, limit=limit)


@router.get("/stats", response_model=CatalogueStatsRead)
@cacheable(CHANGED)
def stats(session: DbSession) -> CatalogueStatsRead:
    """Counts: drugs, herbal pieces, payment rules, product codes, consumables."""
    return CatalogueStatsRead(**catalogue_stats(session))
