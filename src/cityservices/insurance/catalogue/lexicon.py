"""The search vocabulary of the catalogue (``data/*.tsv``): brand → generic names, everyday dosage-form words →
the catalogue's dosage forms, colloquial drug groups (降压药) → catalogue class codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _table(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("\t")
            rows.append((key.strip(), value.strip()))
    return rows


@dataclass(frozen=True)
class Lexicon:
    brands: dict[str, str]  # 拜新同 → 硝苯地平
    forms: dict[str, tuple[str, ...]]  # 片 → (口服常释剂型,)
    groups: dict[str, tuple[str, ...]]  # 降压药 → (XC02, …)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(
        brands=dict(_table("brands.tsv")),
        forms={k: tuple(v.split()) for k, v in _table("forms.tsv")},
        groups={k: tuple(v.split()) for k, v in _table("colloquial.tsv")},
    )
