"""A member's insurance relation as an HL7 FHIR ``Coverage`` (fhir.resources' R4B models, the 4.3 release of R4).
The beneficiary is identified by ``psn_no`` only: the ID number never leaves in an export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fhir.resources.R4B.coverage import Coverage

from cityservices.insurance.members.service import STATUS_ZH
from cityservices.insurance.vocabulary import INSUTYPE_ZH

FHIR_STATUS = {"1": "active", "2": "cancelled", "4": "cancelled"}


def coverage(
    *, psn_no: str, insutype: str, since: dt.date, status: str, admdvs: str, emp_name: str | None = None
) -> dict[str, Any]:
    """The FHIR JSON of one relation (validated by the model before it is returned)."""
    resource = Coverage.model_validate(
        {
            "resourceType": "Coverage",
            "id": f"{psn_no}-{insutype}",
            "status": FHIR_STATUS.get(status, "draft"),
            "type": {
                "coding": [
                    {
                        "system": "urn:cityservices:insurance:insutype",
                        "code": insutype,
                        "display": INSUTYPE_ZH[insutype],
                    }
                ]
            },
            "subscriberId": psn_no,
            "beneficiary": {"identifier": {"system": "urn:cityservices:insurance:psn_no", "value": psn_no}},
            "period": {"start": since.isoformat()},
            "payor": [
                {
                    "identifier": {"system": "urn:cityservices:insurance:admdvs", "value": admdvs},
                    "display": "医疗保障经办机构",
                }
            ],
            "policyHolder": {"display": emp_name} if emp_name else None,
            "extension": [
                {
                    "url": "urn:cityservices:insurance:psn_insu_stas",
                    "valueString": f"{status} {STATUS_ZH.get(status, '')}".strip(),
                }
            ],
        }
    )
    result: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return result
