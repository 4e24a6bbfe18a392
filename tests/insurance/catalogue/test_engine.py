"""The search engine on the bundled catalogue (no database): understanding, each kind of match, and the
accuracy on the development and held-out query sets (docs/insurance-catalogue.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityservices.insurance.catalogue import CATALOGUE_DIR
from cityservices.insurance.catalogue.engine import CatalogueIndex, Doc, aliases_of, core_name
from cityservices.insurance.catalogue.evaluate import evaluate, read_cases
from cityservices.insurance.catalogue.records import read_catalogue

QUERIES = Path(__file__).resolve().parents[2] / "data" / "insurance"


@pytest.fixture(scope="module")
def index() -> CatalogueIndex:
    data = read_catalogue(CATALOGUE_DIR)
    docs = [
        Doc(
            d.code,
            "drug",
            d.name,
            d.dosage_form,
            d.category_code,
            d.insurance_class,
            i,
            pinyin=d.pinyin,
            initials=d.initials,
        )
        for i, d in enumerate(data.drugs)
    ]
    docs += [Doc(f"YP-{h.number:04d}", "herbal", h.name, "", "", "", 10_000 + h.number) for h in data.herbal]
    return CatalogueIndex(docs)


def top(index: CatalogueIndex, query: str) -> Doc:
    _, hits = index.search(query, 5)
    assert hits, query
    return hits[0].doc


def test_names_aliases_and_core() -> None:
    assert aliases_of("复方丹参片(丸、胶囊、滴丸)") == ("复方丹参片", "复方丹参丸", "复方丹参胶囊", "复方丹参滴丸")
    assert aliases_of("阿莫西林") == ()
    assert core_name("注射用艾普拉唑钠") == "艾普拉唑钠"


def test_dosage_form_word_picks_the_form(index: CatalogueIndex) -> None:
    found, _ = index.search("硝苯地平片")
    assert found.form_word == "片"
    assert found.forms == ("口服常释剂型",)
    assert top(index, "硝苯地平片").form == "口服常释剂型"
    assert top(index, "硝苯地平缓释片").form == "缓释控释剂型"
    assert top(index, "阿奇霉素针").form == "注射剂"


def test_brand_pinyin_initials_typos_and_groups(index: CatalogueIndex) -> None:
    found, hits = index.search("拜新同")
    assert (found.brand, found.generic) == ("拜新同", "硝苯地平")
    assert hits[0].reason == "brand"
    assert top(index, "xiaobendiping").name == "硝苯地平"
    assert top(index, "xbdp").name == "硝苯地平"
    assert top(index, "硝笨地平").name == "硝苯地平"  # homophone
    assert top(index, "阿奇毒素").name == "阿奇霉素"  # another character
    found, hits = index.search("高血压吃什么药", 50)
    assert found.group == "高血压"
    assert all(h.reason == "group" for h in hits)
    assert hits[0].doc.insurance_class == "甲"
    assert hits[0].doc.category_code.startswith(found.classes)


def test_nothing_for_nonsense(index: CatalogueIndex) -> None:
    assert index.search("qqqqzzzz")[1] == []
    assert index.search("")[1] == []


def test_accuracy_on_the_development_set(index: CatalogueIndex) -> None:
    cases = read_cases(QUERIES / "catalogue_queries.tsv")
    assert len(cases) >= 100
    report = evaluate(index, cases)
    assert report.top1_rate >= 0.97, report.misses


def test_accuracy_on_the_held_out_set(index: CatalogueIndex) -> None:
    report = evaluate(index, read_cases(QUERIES / "catalogue_queries_heldout.tsv"))
    assert report.top1_rate >= 0.85, report.misses
