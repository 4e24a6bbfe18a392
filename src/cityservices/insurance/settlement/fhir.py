"""A stored settlement as an HL7 FHIR ``ExplanationOfBenefit`` (built and validated with fhir.resources' R4B
models, the 4.3 release of R4, whose ExplanationOfBenefit is the R4 one).

Totals use the standard adjudication categories (submitted, eligible, deductible, benefit) and one category per
national fund (``fund_pay_type``) and settlement field; the trace becomes ``processNote``s. Amounts in CNY."""

from __future__ import annotations

from typing import Any, Final

from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit

from cityservices.insurance.settlement.schemas import SettlementRead
from cityservices.insurance.vocabulary import FUND_PAY_TYPE_ZH

ADJUDICATION: Final = "http://terminology.hl7.org/CodeSystem/adjudication"
FUND_SYSTEM: Final = "urn:cityservices:insurance:fund_pay_type"
FIELD_SYSTEM: Final = "urn:cityservices:insurance:setl-field"
STANDARD: Final = (
    ("submitted", "medfee_sumamt"),
    ("eligible", "inscp_scp_amt"),
    ("deductible", "act_pay_dedc"),
    ("benefit", "fund_pay_sumamt"),
)
FIELDS: Final = ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "psn_part_amt", "acct_pay", "psn_cash_pay")


def _money(value: str) -> dict[str, Any]:
    return {"value": value, "currency": "CNY"}


def _total(system: str, code: str, value: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code} | ({"display": display} if display else {})
    return {"category": {"coding": [coding]}, "amount": _money(value)}


def explanation_of_benefit(read: SettlementRead, *, fixmedins_code: str, insutype: str) -> dict[str, Any]:
    """The FHIR JSON of a settlement (validated by the model before it is returned)."""
    totals = [_total(ADJUDICATION, code, getattr(read, field)) for code, field in STANDARD]
    totals += [_total(FIELD_SYSTEM, field, getattr(read, field)) for field in FIELDS]
    totals += [
        _total(FUND_SYSTEM, d.fund_pay_type, d.fund_payamt, FUND_PAY_TYPE_ZH[d.fund_pay_type]) for d in read.setldetail
    ]
    resource = ExplanationOfBenefit.model_validate(
        {
            "resourceType": "ExplanationOfBenefit",
            "id": read.setl_id,
            "status": "cancelled" if read.status == "reversed" else "active",
            "type": {
                "coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "institutional"}]
            },
            "use": "claim",
            "patient": {"identifier": {"system": "urn:cityservices:insurance:psn_no", "value": read.psn_no}},
            "billablePeriod": {"start": read.setl_date.isoformat(), "end": read.setl_date.isoformat()},
            "created": read.setl_date.isoformat(),
            "insurer": {"display": "医疗保障经办机构"},
            "provider": {
                "identifier": {"system": "urn:cityservices:insurance:fixmedins_code", "value": fixmedins_code}
            },
            "outcome": "complete",
            "insurance": [
                {
                    "focal": True,
                    "coverage": {"identifier": {"system": "urn:cityservices:insurance:insutype", "value": insutype}},
                }
            ],
            "total": totals,
            "payment": {"amount": _money(read.fund_pay_sumamt)},
            "processNote": [
                {"number": i + 1, "type": "display", "text": step.text, "language": {"coding": [{"code": "zh-CN"}]}}
                for i, step in enumerate(read.trace)
            ],
        }
    )
    result: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return result
