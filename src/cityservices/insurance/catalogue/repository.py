"""Every query of the catalogue: the bulk load (delete + INSERT … RETURNING), the rows the search index is built
from, one drug with its rules, "the same drug from any maker, in any pack", "the same consumable class", counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from cityservices.insurance.catalogue.codes import parse_consumable_code
from cityservices.insurance.catalogue.models import (
    CatalogueDrug,
    Consumable,
    DrugPaymentRule,
    DrugProduct,
    HerbalPiece,
)
from cityservices.insurance.catalogue.records import CatalogueData

BATCH = 2000
Step = Callable[[str, int], None]  # (what was written, how many rows)


def _chunks(rows: Sequence[dict[str, Any]]) -> list[Sequence[dict[str, Any]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def clear_catalogue(session: Session) -> None:
    for table in (DrugProduct, DrugPaymentRule, CatalogueDrug, HerbalPiece, Consumable):
        session.execute(delete(table))


def insert_catalogue(session: Session, data: CatalogueData, rule_drug: Sequence[int | None], step: Step) -> None:
    """Write a validated catalogue (the tables are expected empty). ``rule_drug[i]`` is the index in
    ``data.drugs`` of the drug rule i is about (or None)."""
    drug_ids: list[int] = []
    for chunk in _chunks([asdict(d) for d in data.drugs]):
        drug_ids += session.scalars(
            insert(CatalogueDrug).returning(CatalogueDrug.id, sort_by_parameter_order=True), chunk
        ).all()
    step("药品", len(drug_ids))
    for chunk in _chunks([asdict(h) for h in data.herbal]):
        session.execute(insert(HerbalPiece), chunk)
    step("中药饮片", len(data.herbal))
    rule_rows = [
        asdict(rule) | {"drug_id": None if rule_drug[i] is None else drug_ids[rule_drug[i]]}  # type: ignore[index]
        for i, rule in enumerate(data.rules)
    ]
    rule_ids: list[int] = []
    for chunk in _chunks(rule_rows):
        rule_ids += session.scalars(
            insert(DrugPaymentRule).returning(DrugPaymentRule.id, sort_by_parameter_order=True), chunk
        ).all()
    step("支付规则", len(rule_ids))
    product_rows = [
        {
            "rule_id": rule_ids[p.rule_index],
            "seq": p.seq,
            "code": p.code.code,
            "kind": p.code.kind,
            "class_code": p.code.class_code,
            "generic_code": p.code.generic_code,
            "form_code": p.code.form_code,
            "spec_code": p.code.spec_code,
            "pack_code": p.code.pack_code,
            "maker_code": p.code.maker_code,
            "identity": p.code.identity,
        }
        for p in data.products
    ]
    for chunk in _chunks(product_rows):
        session.execute(insert(DrugProduct), chunk)
    step("产品代码", len(product_rows))
    insert_consumables(session, data)
    step("耗材", len(data.consumables))


def replace_consumables(session: Session, data: CatalogueData) -> None:
    session.execute(delete(Consumable))
    insert_consumables(session, data)


def insert_consumables(session: Session, data: CatalogueData) -> None:
    consumable_rows = []
    for c in data.consumables:
        parsed = parse_consumable_code(c.code)
        consumable_rows.append(
            asdict(c)
            | {
                "class_part": parsed.class_part,
                "group_code": parsed.group,
                "maker_code": parsed.maker_code,
                "spec_code": parsed.spec_code,
            }
        )
    for chunk in _chunks(consumable_rows):
        session.execute(insert(Consumable), chunk)


def counts(session: Session) -> dict[str, int]:
    def count(model: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    return {
        "drugs": count(CatalogueDrug),
        "herbal_pieces": count(HerbalPiece),
        "drug_rules": count(DrugPaymentRule),
        "drug_products": count(DrugProduct),
        "consumables": count(Consumable),
    }


def all_drugs(session: Session) -> Sequence[CatalogueDrug]:
    return session.scalars(select(CatalogueDrug).order_by(CatalogueDrug.id)).all()


def all_herbal(session: Session) -> Sequence[HerbalPiece]:
    return session.scalars(select(HerbalPiece).order_by(HerbalPiece.number)).all()


def all_rules(session: Session) -> Sequence[DrugPaymentRule]:
    return session.scalars(select(DrugPaymentRule).order_by(DrugPaymentRule.id)).all()


def drug_by_code(session: Session, code: str) -> CatalogueDrug | None:
    return session.scalar(select(CatalogueDrug).where(CatalogueDrug.code == code))


def rules_of_drug(session: Session, drug_id: int) -> Sequence[DrugPaymentRule]:
    query = select(DrugPaymentRule).where(DrugPaymentRule.drug_id == drug_id).order_by(DrugPaymentRule.id)
    return session.scalars(query).all()


def product_rules(session: Session, code: str) -> Sequence[DrugPaymentRule]:
    """The payment rules that list the product ``code``."""
    query = (
        select(DrugPaymentRule)
        .join(DrugProduct, DrugProduct.rule_id == DrugPaymentRule.id)
        .where(DrugProduct.code == code)
        .order_by(DrugPaymentRule.id)
        .distinct()
    )
    return session.scalars(query).all()


def same_drug_codes(session: Session, identity: str, spec_code: str | None, limit: int) -> tuple[list[str], int]:
    """Distinct product codes with the same identity (kind, class, generic name, dosage form) — from any maker,
    in any pack — optionally in the same specification; (codes in order, total)."""
    where = [DrugProduct.identity == identity]
    if spec_code is not None:
        where.append(DrugProduct.spec_code == spec_code)
    codes = select(DrugProduct.code).where(*where).distinct()
    total = int(session.scalar(select(func.count()).select_from(codes.subquery())) or 0)
    found = session.scalars(codes.order_by(DrugProduct.code).limit(limit)).all()
    return list(found), total


def consumable_by_code(session: Session, code: str) -> Consumable | None:
    return session.scalar(select(Consumable).where(Consumable.code == code))


def same_consumable_class(session: Session, group_code: str, limit: int) -> tuple[Sequence[Consumable], int]:
    where = Consumable.group_code == group_code
    total = int(session.scalar(select(func.count()).select_from(Consumable).where(where)) or 0)
    rows = session.scalars(select(Consumable).where(where).order_by(Consumable.code).limit(limit)).all()
    return rows, total
