"""The data files: they load, they are consistent, and no entry copies a development query."""

from __future__ import annotations

import json

import pytest

from cityservices.service_map.search.lexicon import PhraseMatcher, load_lexicon, longest_hits, make_phrase
from cityservices.service_map.search.normalize import normalize_text

from .conftest import DEV_QUERIES


def test_every_file_loads_with_entries() -> None:
    lex = load_lexicon()
    assert len(lex.synonyms) > 500
    assert lex.query_conditions
    assert lex.item_conditions
    assert lex.compatibility
    assert len(lex.event_triggers) > 150
    assert len(lex.out_of_domain) > 150
    assert all(terms or lex.categories.get(p) for p, terms in lex.synonyms.items())


def test_every_trigger_names_a_known_event_and_every_condition_has_a_label() -> None:
    lex = load_lexicon()
    assert set(lex.event_triggers.values()) <= set(lex.events)
    conditions = set(lex.query_conditions.values()) - {"none"}
    assert conditions <= set(lex.condition_labels)
    assert {q for q, _ in lex.compatibility} == conditions


def test_no_entry_is_a_copy_of_a_development_query() -> None:
    if not DEV_QUERIES.is_file():
        pytest.skip("../shared/eval is not present")
    lex = load_lexicon()
    queries = {
        normalize_text(json.loads(line)["query"]).replace(" ", "") for line in DEV_QUERIES.open(encoding="utf-8")
    }
    entries = {*lex.synonyms, *lex.event_triggers, *lex.out_of_domain, *lex.fillers}
    copies = {e for e in entries if e.replace("~", "") in queries}
    assert not copies


def test_gap_phrases_match_with_a_few_characters_between() -> None:
    matcher = PhraseMatcher([make_phrase("扯~证", "syn")])
    assert [h.length for h in matcher.find("想扯个证")] == [3]
    assert matcher.find("扯了好几天才拿证") == []


def test_longest_hits_prefer_longer_phrases() -> None:
    matcher = PhraseMatcher([make_phrase("社保", "a"), make_phrase("社保卡", "b")])
    hits = longest_hits(matcher.find("社保卡丢了"))
    assert [h.phrase.payload for h in hits] == ["b"]
