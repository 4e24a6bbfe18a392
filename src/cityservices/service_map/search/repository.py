"""Queries behind the search index: the catalogue rows it is built from, and a cheap fingerprint of them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.service_map.catalogue.models import Bundle, BundleItem, Division, Guide, Item

Fingerprint = tuple[int, ...]


def list_items(session: Session) -> Sequence[Item]:
    """Every item, by id."""
    return session.scalars(select(Item).order_by(Item.id)).all()


def get_item_by_code(session: Session, code: str) -> Item | None:
    return session.scalars(select(Item).where(Item.code == code)).first()


def list_bundle_members(session: Session) -> Sequence[BundleItem]:
    """Every bundle membership, by bundle and position."""
    return session.scalars(select(BundleItem).order_by(BundleItem.bundle_id, BundleItem.position)).all()


def list_bundles(session: Session) -> Sequence[Bundle]:
    """Every bundle, by id."""
    return session.scalars(select(Bundle).order_by(Bundle.id)).all()


def list_divisions(session: Session) -> Sequence[Division]:
    return session.scalars(select(Division)).all()


def catalogue_fingerprint(session: Session) -> Fingerprint:
    """Counts, highest ids and total name length of the tables the index is built from."""
    values: list[int] = []
    for model, name in ((Item, Item.name), (Bundle, Bundle.name)):
        row = session.execute(select(func.count(), func.max(model.id), func.sum(func.length(name)))).one()
        values += [int(v or 0) for v in row]
    for counted in (BundleItem.item_id, Guide.id, Division.code):
        values.append(int(session.scalar(select(func.count(counted))) or 0))
    return tuple(values)
