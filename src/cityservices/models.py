"""Imports every domain's models so that ``metadata`` holds the whole schema (for Alembic and tests)."""

from __future__ import annotations

from cityservices.auth import models as auth_models
from cityservices.auth.citizens import models as citizen_models
from cityservices.db import Base
from cityservices.insurance.catalogue import models as insurance_catalogue_models
from cityservices.insurance.certificates import models as insurance_certificate_models
from cityservices.insurance.enterprises import models as insurance_enterprises_models
from cityservices.insurance.enterprises.accounts import models as insurance_enterprise_account_models
from cityservices.insurance.filings import models as insurance_filings_models
from cityservices.insurance.maternity import models as insurance_maternity_models
from cityservices.insurance.members import models as insurance_members_models
from cityservices.insurance.open_api import models as insurance_open_api_models
from cityservices.insurance.open_api.webhooks import models as insurance_webhook_models
from cityservices.insurance.rules import models as insurance_rules_models
from cityservices.insurance.settlement import models as insurance_settlement_models
from cityservices.insurance.video import models as insurance_video_models
from cityservices.kit.audit import models as audit_models
from cityservices.kit.calendar import models as calendar_models
from cityservices.kit.messaging import models as messaging_models
from cityservices.kit.ratelimit import models as ratelimit_models
from cityservices.party_day.activities import models as party_activity_models
from cityservices.party_day.attendance import models as party_attendance_models
from cityservices.party_day.compliance import models as party_compliance_models
from cityservices.party_day.dues import models as party_dues_models
from cityservices.party_day.education import models as party_education_models
from cityservices.party_day.organisation import models as party_organisation_models
from cityservices.party_day.records import models as party_record_models
from cityservices.party_day.review import models as party_review_models
from cityservices.service_map.catalogue import models as service_map_models
from cityservices.service_map.editing import models as editing_models
from cityservices.service_map.hsds import models as hsds_models
from cityservices.service_map.routing import models as routing_models

metadata = Base.metadata

__all__ = [
    "audit_models",
    "auth_models",
    "calendar_models",
    "citizen_models",
    "editing_models",
    "hsds_models",
    "insurance_catalogue_models",
    "insurance_certificate_models",
    "insurance_enterprise_account_models",
    "insurance_enterprises_models",
    "insurance_filings_models",
    "insurance_maternity_models",
    "insurance_members_models",
    "insurance_open_api_models",
    "insurance_rules_models",
    "insurance_settlement_models",
    "insurance_video_models",
    "insurance_webhook_models",
    "messaging_models",
    "metadata",
    "party_activity_models",
    "party_attendance_models",
    "party_compliance_models",
    "party_dues_models",
    "party_education_models",
    "party_organisation_models",
    "party_record_models",
    "party_review_models",
    "ratelimit_models",
    "routing_models",
    "service_map_models",
]
