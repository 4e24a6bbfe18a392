"""Every query on the rule tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.insurance.rules.models import InsuranceRule, InsuranceRuleSet


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


def count_rules(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(InsuranceRule)) or 0)


def update_rule(session: Session, rule_id: str, **values: Any) -> None:
    row = session.scalars(select(InsuranceRule).where(InsuranceRule.rule_id == rule_id)).one()
    for name, value in values.items():
        setattr(row, name, value)


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
