"""The member's timeline as an HL7 FHIR R4 ``Bundle`` of type ``collection`` (fhir.resources' R4B models, the 4.3
release of R4): a ``Patient`` with masked identifiers, a ``Coverage`` per insurance relation and an
``ExplanationOfBenefit`` per stored settlement, the last two from the members' and settlement's own builders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient

BASE = "urn:cityservices:insurance:"


def patient(*, psn_no: str, certno_masked: str, name_masked: str) -> dict[str, Any]:
    """The member as a FHIR Patient: the insurance number and the masked ID number, the masked name."""
    resource = Patient.model_validate(
        {
            "resourceType": "Patient",
            "id": psn_no,
            "identifier": [
                {"system": f"{BASE}psn_no", "value": psn_no},
                {"system": f"{BASE}certno-masked", "value": certno_masked},
            ],
            "name": [{"text": name_masked}],
        }
    )
    result: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return result


def bundle(resources: list[dict[str, Any]], *, timestamp: dt.datetime) -> dict[str, Any]:
    """A ``collection`` Bundle of the resources (validated as a whole before it is returned)."""
    entries = [{"fullUrl": f"{BASE}{r['resourceType']}/{r['id']}", "resource": r} for r in resources]
    resource = Bundle.model_validate(
        {"resourceType": "Bundle", "type": "collection", "timestamp": timestamp.isoformat(), "entry": entries}
    )
    result: dict[str, Any] = resource.model_dump(mode="json", exclude_none=True)
    return result
