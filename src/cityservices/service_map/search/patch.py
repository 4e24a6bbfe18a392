"""Patching the built search index for one edited record, instead of rebuilding it (``platform.indexes``).

- A venue edit changes nothing the search index holds: the index stays as it is.
- An item or guide edit re-reads that one item (``read_item_record``) and replaces its entry: its record (guide
  summary, department, category) and, when its words changed, its rows in the BM25 indexes of names and guide
  fields (``LexicalIndex.with_document``). The copy answers at once with the new words; because corpus-wide
  statistics (average length, pinyin vocabulary of new words) moved a little, it is marked approximate and
  rebuilt in the background while it answers.
- A bundle edit (its life event and member items feed several structures) is not patched: the current index keeps
  answering while a new one is built in the background.
- An item created or deleted, or one becoming core or not (the segmenter's dictionary and the named-item list
  depend on core names), cannot be patched: the index is rebuilt before answering, as before.

Patching never changes the index it was given (searches running on it are undisturbed): it returns a shallow
copy sharing everything the change leaves alone.
"""

from __future__ import annotations

import copy
import dataclasses

from sqlalchemy.orm import Session

from cityservices.platform.indexes import Patched, RecordChange
from cityservices.service_map.search.engine import SearchIndex, item_domain_texts, situation_passages
from cityservices.service_map.search.fields import SITUATIONS, FieldedIndex, bundle_names, field_tokens, item_fields
from cityservices.service_map.search.groups import GroupBuilder
from cityservices.service_map.search.normalize import normalize_text
from cityservices.service_map.search.records import ItemRecord, read_item_record

UNAFFECTED_KINDS = frozenset({"venue"})
ITEM_KINDS = frozenset({"item", "guide"})  # a guide's key is its item's code


def patch_search_index(index: SearchIndex, session: Session, change: RecordChange) -> Patched[SearchIndex] | None:
    """The index with ``change`` applied (see the module's description), or None when it must be rebuilt."""
    if change.kind in UNAFFECTED_KINDS:
        return Patched(index)
    if change.kind == "bundle":
        return Patched(index, exact=False)
    if change.kind not in ITEM_KINDS or index.semantic is not None or index.cascade is not None:
        return None
    position = index.by_code.get(change.key)
    record = read_item_record(session, change.key)
    if position is None or record is None:
        return None
    current = index.items[position]
    if record.is_core != current.is_core:
        return None
    if record == current:
        return Patched(index)
    return Patched(with_item(index, position, record), exact=_same_words(index, current, record))


def with_item(index: SearchIndex, position: int, record: ItemRecord) -> SearchIndex:
    """A copy of ``index`` with the item at ``position`` replaced by ``record`` (same code, same core flag)."""
    current = index.items[position]
    patched = copy.copy(index)
    items = list(index.items)
    items[position] = record
    patched.items = items
    patched.catalogue = dataclasses.replace(index.catalogue, items=items)
    patched._guides = {i: g for i, g in index._guides.items() if i != position}
    patched._item_tokens = {i: t for i, t in index._item_tokens.items() if i != position}
    patched._groups = GroupBuilder(items, index.lexicon)
    if record.name != current.name:  # whether an item pays a benefit is read from its name
        patched._payers = index._payers.copy()
        patched._payers[position] = index.benefits.pays(record.name)
    if record.is_core and record.name != current.name:
        patched._core_names = sorted(
            ((normalize_text(item.name).replace(" ", ""), i) for i, item in enumerate(items) if item.is_core),
            key=lambda pair: -len(pair[0]),
        )
    if not _same_words(index, current, record):
        patched.lexical = _with_document(index, position, record)
        if record.is_core:  # a staff-added alias is a word of the domain at once
            patched.domain = index.domain.including(item_domain_texts(record))
        if record.is_core and dict(record.fields).get(SITUATIONS) != dict(current.fields).get(SITUATIONS):
            patched.passages = situation_passages(items)
    return patched


def _same_words(index: SearchIndex, old: ItemRecord, new: ItemRecord) -> bool:
    by_bundle = bundle_names(index.catalogue.bundles)
    return (old.name, old.aliases) == (new.name, new.aliases) and item_fields(old, by_bundle) == item_fields(
        new, by_bundle
    )


def _with_document(index: SearchIndex, position: int, record: ItemRecord) -> FieldedIndex:
    lexical = index.lexical
    texts = item_fields(record, bundle_names(index.catalogue.bundles))
    patched = copy.copy(lexical)
    patched.names = lexical.names.with_document(position, index._document(record))
    patched.vocab = patched.names.vocab
    patched.fields = [
        (weight, field_index.with_document(position, field_tokens(name, texts.get(name, ""), record, index.tokens_of)))
        for (weight, field_index), name in zip(lexical.fields, lexical.field_names, strict=True)
    ]
    return patched
