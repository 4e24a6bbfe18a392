"""The citizen's drug lookup page (医保药品查询): phone-first, plain Chinese, rendered on the server."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cityservices.deps import DbSession
from cityservices.errors import RequestInvalid
from cityservices.insurance.catalogue.api import MAX_QUERY, preselfpay_lookup, search_index
from cityservices.insurance.catalogue.service import search_catalogue
from cityservices.platform.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)

EXAMPLES = ("降压药", "阿莫西林胶囊", "拜新同", "感冒药", "二甲双胍", "xdp", "眼药水")
MEMBER_TYPES = (("", "一般参保人"), ("1101", "在职职工"), ("1201", "退休职工"), ("1501", "城乡居民"))
LIMIT = 20


@router.get("/insurance/catalogue", response_class=HTMLResponse)
def lookup_page(
    request: Request,
    session: DbSession,
    q: Annotated[str, Query(max_length=MAX_QUERY)] = "",
    psn_type: Annotated[str, Query(max_length=4)] = "",
) -> HTMLResponse:
    """Search box, examples, and the entries found with class, pre-self-pay ratio, restrictions and periods."""
    result: dict[str, Any] | None = None
    error = None
    member = psn_type if psn_type in dict(MEMBER_TYPES) else ""
    if q.strip():
        try:
            index, lookup = search_index(request, session), preselfpay_lookup(session)
            answer = search_catalogue(index, q, limit=LIMIT, psn_type=member or None, lookup=lookup)
            result = answer.model_dump()
        except RequestInvalid as exc:
            error = exc.fields[0][1]
    context = {
        "q": q,
        "psn_type": member,
        "member_types": MEMBER_TYPES,
        "examples": EXAMPLES,
        "result": result,
        "error": error,
    }
    return templates.TemplateResponse(request, "insurance/catalogue.html", context, status_code=422 if error else 200)
