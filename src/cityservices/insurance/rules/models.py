"""Tables of the rule tables: each loaded rule set (version) and the rule rows, one row per rule id.

A row keeps its whole validated record as JSON (``body``) beside the columns that are queried (table, key,
validity, verified); the record is re-validated by ``schemas`` when read, so the database never holds a shape
the engine cannot use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class InsuranceRuleSet(Base):
    """One load of a rule file: its version name, region, provenance, when and how many rows changed."""

    __tablename__ = "insurance_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(6))
    provenance: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(100))
    rows_added: Mapped[int] = mapped_column(Integer)
    rows_changed: Mapped[int] = mapped_column(Integer)


class InsuranceRule(Base):
    """A rule row; ``rule_set_id`` is the load that last wrote it."""

    __tablename__ = "insurance_rules"
    __table_args__ = (Index("ix_insurance_rules_table_key", "table_name", "key_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(80), unique=True)
    table_name: Mapped[str] = mapped_column(String(32))
    key_text: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    verified: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(500))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("insurance_rule_sets.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # +1 on every change (If-Match)


class InsuranceRuleVersion(Base):
    """A rule row as it stood after each change (load, staff edit, staff addition), with what changed."""

    __tablename__ = "insurance_rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # load | edit | add
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str] = mapped_column(String(100))
