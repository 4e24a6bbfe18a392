"""Every query on the rule tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.insurance.rules.models import InsuranceRule, InsuranceRuleSet, InsuranceRuleVersion
from cityservices.platform.versioning import next_version


def stored_rules(session: Session, *, table: str | None = None) -> Sequence[InsuranceRule]:
    query = select(InsuranceRule).order_by(InsuranceRule.table_name, InsuranceRule.key_text, InsuranceRule.valid_from)
    if table is not None:
        query = query.where(InsuranceRule.table_name == table)
    return session.scalars(query).all()


def latest_rule_set(session: Session) -> InsuranceRuleSet | None:
    return session.scalars(select(InsuranceRuleSet).order_by(InsuranceRuleSet.id.desc()).limit(1)).first()


def add_rule_set(session: Session, **values: Any) -> InsuranceRuleSet:
    rule_set = InsuranceRuleSet(**values)
    session.add(rule_set)
    session.flush()
    return rule_set


def add_rule(session: Session, **values: Any) -> None:
    session.add(InsuranceRule(**values))
    session.flush()


def count_rules(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(InsuranceRule)) or 0)


def update_rule(session: Session, rule_id: str, **values: Any) -> InsuranceRule:
    row = session.scalars(select(InsuranceRule).where(InsuranceRule.rule_id == rule_id)).one()
    for name, value in values.items():
        setattr(row, name, value)
    row.version = next_version(row.version or 1)
    return row


def rule_for_update(session: Session, rule_id: str) -> InsuranceRule | None:
    """The row, locked until the transaction ends (two staff saving at once: the second sees the first's version)."""
    query = select(InsuranceRule).where(InsuranceRule.rule_id == rule_id).with_for_update()
    return session.scalars(query).first()


def rule_with_version(session: Session, rule_id: str) -> tuple[InsuranceRule, str] | None:
    query = (
        select(InsuranceRule, InsuranceRuleSet.version)
        .join(InsuranceRuleSet, InsuranceRuleSet.id == InsuranceRule.rule_set_id)
        .where(InsuranceRule.rule_id == rule_id)
    )
    found = session.execute(query).first()
    return (found[0], found[1]) if found else None


def count_rule_sets(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(InsuranceRuleSet)) or 0)


def add_version(session: Session, **values: Any) -> None:
    session.add(InsuranceRuleVersion(**values))


def versions(session: Session, rule_id: str) -> Sequence[InsuranceRuleVersion]:
    query = select(InsuranceRuleVersion).where(InsuranceRuleVersion.rule_id == rule_id)
    return session.scalars(query.order_by(InsuranceRuleVersion.version)).all()


def stored_rules_with_versions(session: Session, *, table: str | None = None) -> list[tuple[InsuranceRule, str]]:
    """Rule rows with the version of the load that last wrote each."""
    query = (
        select(InsuranceRule, InsuranceRuleSet.version)
        .join(InsuranceRuleSet, InsuranceRuleSet.id == InsuranceRule.rule_set_id)
        .order_by(InsuranceRule.table_name, InsuranceRule.key_text, InsuranceRule.valid_from)
    )
    if table is not None:
        query = query.where(InsuranceRule.table_name == table)
    return [(rule, version) for rule, version in session.execute(query).all()]
