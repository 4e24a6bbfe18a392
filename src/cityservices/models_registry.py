"""Imports every domain's models so that ``metadata`` holds the whole schema (for Alembic and tests)."""

from __future__ import annotations

from cityservices.db import Base
from cityservices.service_map import models as service_map_models

metadata = Base.metadata

__all__ = ["metadata", "service_map_models"]
