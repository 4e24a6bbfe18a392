"""Imports every domain's models so that ``metadata`` holds the whole schema (for Alembic and tests)."""

from __future__ import annotations

from cityservices.auth import models as auth_models
from cityservices.db import Base
from cityservices.kit.audit import models as audit_models
from cityservices.kit.calendar import models as calendar_models
from cityservices.kit.ratelimit import models as ratelimit_models
from cityservices.service_map.catalogue import models as service_map_models
from cityservices.service_map.editing import models as editing_models
from cityservices.service_map.routing import models as routing_models

metadata = Base.metadata

__all__ = [
    "audit_models",
    "auth_models",
    "calendar_models",
    "editing_models",
    "metadata",
    "ratelimit_models",
    "routing_models",
    "service_map_models",
]
