"""One index of the bundled demo catalogue per test session (built from the dataset files in ~1 s)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cityservices.config import PROJECT_ROOT
from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.records import read_dataset_catalogue
from tests.builders import unavailable

DEMO = PROJECT_ROOT / "data" / "qingdao"
# The development query set is kept in the project (data/dev_queries.jsonl, provenance in data/PROVENANCE.md);
# CITYSERVICES_EVAL_DIR points at another copy.
EVAL_DIR = Path(os.environ.get("CITYSERVICES_EVAL_DIR", Path(__file__).parent / "data"))
DEV_QUERIES = EVAL_DIR / "dev_queries.jsonl"
HELDOUT = Path(__file__).parent / "data" / "heldout_paraphrases.jsonl"


@pytest.fixture(scope="session")
def demo_index() -> SearchIndex:
    if not (DEMO / "items.csv").is_file():
        unavailable("the demo dataset data/qingdao is not built")
    return SearchIndex(read_dataset_catalogue(DEMO))
