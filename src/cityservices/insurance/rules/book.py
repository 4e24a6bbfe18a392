"""The rule book: validated rule rows indexed by table and key, answering "which row applies on this day".

Pure and in memory, so that the settlement engine never touches the database. Overlapping validity of two rows
with the same table and key is refused when a book is built (and by the loader before anything is written).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import TypeVar

from cityservices.insurance.rules.schemas import RuleBase

R = TypeVar("R", bound=RuleBase)


class RuleOverlap(ValueError):
    """Two rows of one table with the same key are valid on a common day."""

    def __init__(self, first: RuleBase, second: RuleBase) -> None:
        self.first, self.second = first, second
        super().__init__(f"规则 {second.id} 与 {first.id} 的有效期重叠（{first.label}，键 {'/'.join(first.key)}）")


class RuleMissing(LookupError):
    """No row of a table covers the key on the day asked."""

    def __init__(self, label: str, key: tuple[str, ...], day: dt.date) -> None:
        self.label, self.key, self.day = label, key, day
        super().__init__(f"没有适用的{label}规则（{'/'.join(key)}，{day.isoformat()}）")


@cache
def table_of(kind: type[RuleBase]) -> str:
    """The table name of a rule class (its ``table`` discriminator)."""
    annotation = kind.model_fields["table"].annotation
    return str(annotation.__args__[0])  # type: ignore[union-attr]


def _table(row: RuleBase) -> str:
    return table_of(type(row))


def find_overlaps(rows: Iterable[RuleBase]) -> list[RuleOverlap]:
    """Every pair of rows (same table, same key) whose validity periods share a day; duplicate ids too."""
    groups: dict[tuple[str, tuple[str, ...]], list[RuleBase]] = defaultdict(list)
    for row in rows:
        groups[(_table(row), row.key)].append(row)
    found = []
    for group in groups.values():
        ordered = sorted(group, key=lambda r: r.valid_from)
        for earlier, later in pairwise(ordered):
            if earlier.valid_to is None or later.valid_from < earlier.valid_to:
                found.append(RuleOverlap(earlier, later))
    return found


@dataclass(frozen=True)
class RuleBook:
    """Rows by (table, key), each list sorted by ``valid_from``; ``version`` names the loaded rule set."""

    version: str
    rows: dict[tuple[str, tuple[str, ...]], tuple[RuleBase, ...]]

    @classmethod
    def of(cls, rows: Iterable[RuleBase], *, version: str = "") -> RuleBook:
        materialised = list(rows)
        overlaps = find_overlaps(materialised)
        if overlaps:
            raise overlaps[0]
        groups: dict[tuple[str, tuple[str, ...]], list[RuleBase]] = defaultdict(list)
        for row in materialised:
            groups[(_table(row), row.key)].append(row)
        return cls(version, {k: tuple(sorted(v, key=lambda r: r.valid_from)) for k, v in groups.items()})

    def find(self, kind: type[R], key: tuple[str, ...], day: dt.date) -> R | None:
        for row in self.rows.get((table_of(kind), key), ()):
            if row.covers(day):
                assert isinstance(row, kind)
                return row
        return None

    def get(self, kind: type[R], key: tuple[str, ...], day: dt.date) -> R:
        row = self.find(kind, key, day)
        if row is None:
            raise RuleMissing(kind.label, key, day)
        return row

    def all_rows(self) -> list[RuleBase]:
        return [row for rows in self.rows.values() for row in rows]
