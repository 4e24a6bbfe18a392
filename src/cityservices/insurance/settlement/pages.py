"""The citizen's reimbursement estimator (``/insurance/estimate``): a plain form, the answer and every step of
the explanation in plain Chinese. Figures that come from example parameters are marked so."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from cityservices.deps import DbSession
from cityservices.errors import AppError
from cityservices.insurance.rules.service import rule_book
from cityservices.insurance.settlement import service
from cityservices.insurance.settlement.schemas import EstimateRequest, SettlementRead
from cityservices.insurance.vocabulary import HOSP_LV_ZH, PSN_TYPE_ZH
from cityservices.kit.calendar import now_in_china
from cityservices.platform.templating import templates

router = APIRouter(tags=["insurance pages"], include_in_schema=False)
_RULE_ID = re.compile(r"规则 [a-z0-9_.-]+：")
_LINE_CODE = re.compile(r"（[A-Z]，")


def plain(text: str) -> str:
    """A trace sentence for citizens: rule identifiers and line codes dropped, the 示例参数 mark kept."""
    return _LINE_CODE.sub("（", _RULE_ID.sub("", text))


CHOICES = {
    "1101": PSN_TYPE_ZH["1101"],
    "1201": PSN_TYPE_ZH["1201"],
    "1102": PSN_TYPE_ZH["1102"],
    "1501": PSN_TYPE_ZH["1501"],
}
MED_CHOICES = {
    "21": "住院",
    "11": "门诊",
    "51": "生育门诊（产前检查）",
    "52": "生育住院（分娩）",
    "53": "计划生育手术",
}
FIELD_ZH = {"class_a": "甲类费用", "class_b": "乙类费用", "outside": "目录外费用", "psn_type": "人员类别"}


@router.get("/insurance/estimate", response_class=HTMLResponse)
def estimate_page(
    request: Request,
    session: DbSession,
    psn_type: Annotated[str, Query(max_length=4)] = "1201",
    med_type: Annotated[str, Query(max_length=2)] = "21",
    hosp_lv: Annotated[str, Query(max_length=1)] = "3",
    class_a: Annotated[str, Query(max_length=15)] = "",
    class_b: Annotated[str, Query(max_length=15)] = "",
    outside: Annotated[str, Query(max_length=15)] = "",
    admissions_before: Annotated[int, Query(ge=0, le=50)] = 0,
) -> HTMLResponse:
    form = {
        "psn_type": psn_type,
        "med_type": med_type,
        "hosp_lv": hosp_lv,
        "class_a": class_a,
        "class_b": class_b,
        "outside": outside,
        "admissions_before": admissions_before,
    }
    result: SettlementRead | None = None
    error = None
    if class_a or class_b or outside:
        try:
            data = EstimateRequest.model_validate(
                {
                    "psn_type": psn_type,
                    "med_type": med_type,
                    "hosp_lv": hosp_lv,
                    "admissions_before": admissions_before,
                    "civil_servant": psn_type == "1102",
                    **{k: v or "0" for k, v in (("class_a", class_a), ("class_b", class_b), ("outside", outside))},
                }
            )
            result = service.estimate(data, book=rule_book(session), today=now_in_china().date())
        except ValidationError as exc:
            field = str(exc.errors()[0]["loc"][0])
            error = f"{FIELD_ZH.get(field, '填写内容')}有误，请填写不小于 0 的金额"
        except AppError as exc:
            error = "暂时无法估算：" + (exc.detail if "规则" in exc.detail else "请检查填写内容")
    context = {
        "form": form,
        "result": result,
        "error": error,
        "psn_choices": CHOICES,
        "med_choices": MED_CHOICES,
        "level_choices": HOSP_LV_ZH,
        "steps": [plain(step.text) for step in result.trace] if result else [],
    }
    return templates.TemplateResponse(request, "insurance/estimate.html", context)
