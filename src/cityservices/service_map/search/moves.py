"""Stage 2e: the direction of a household-registration move (``data/household_moves.tsv``).

户口迁回老家 and 把我妈的户口迁到我这 share every content word with five items (迁出, three 投靠, 落户): what tells
them apart is which way the register moves and who joins whom. This reads it from word classes and their order —
an outward verb or destination → 户口迁出; a relative named before the move verb is the one who moves, else the
relative named after it is the one joined → the 投靠 item of that relation; renting, buying or a degree → the
落户 item of that basis — and names the item the query asks for (ranked up by ``rank.fuse``).
"""

from __future__ import annotations

from dataclasses import dataclass

from cityservices.service_map.search.lexicon import data_rows

FILE = "household_moves.tsv"
# who moves → who is joined → frame
JOINS = {"parent": "parent_joins_child", "child": "child_joins_parent", "spouse": "spouse"}
HOSTS = {"parent": "child_joins_parent", "child": "parent_joins_child", "spouse": "spouse"}


@dataclass(frozen=True)
class MoveRules:
    classes: dict[str, tuple[str, ...]]
    results: dict[str, str]  # frame → item name

    @classmethod
    def load(cls) -> MoveRules:
        classes: dict[str, tuple[str, ...]] = {}
        results: dict[str, str] = {}
        for kind, *columns in data_rows(FILE):
            if kind == "result":
                results[columns[0]] = columns[1]
            else:
                classes[kind] = tuple(sorted(columns[0].split(), key=len, reverse=True))
        return cls(classes, results)

    def find(self, text: str, kind: str) -> list[int]:
        """Start positions of the words of class ``kind`` in the text (longest word first at each position)."""
        found: list[int] = []
        taken: set[int] = set()
        for word in self.classes.get(kind, ()):
            start = text.find(word)
            while start >= 0:
                if start not in taken:
                    found.append(start)
                    taken.update(range(start, start + len(word)))
                start = text.find(word, start + 1)
        return sorted(found)

    def frame(self, text: str) -> str | None:
        """The move the text asks for (a key of ``results``), or None when it is no household move."""
        if not self.find(text, "context") or self.find(text, "newborn") or self.find(text, "split"):
            return None
        if self._outward(text):
            return "out"
        kin = self._kin(text)
        if kin is not None:
            return kin
        for basis in ("rent", "buy", "talent"):
            if self.find(text, basis):
                return basis
        return None

    def _outward(self, text: str) -> bool:
        if self.find(text, "out_verb"):
            return True
        moves = self.find(text, "in_verb")
        sources = self.find(text, "source")
        for place in self.find(text, "out_place"):
            # 从老家迁过来: the outward place is where the register comes from, not where it goes
            if any(s < place and place - s <= 2 for s in sources):
                continue
            if any(m < place for m in moves):
                return True
        return False

    def _kin(self, text: str) -> str | None:
        if self.find(text, "spouse"):
            return "spouse"
        moves = self.find(text, "in_verb")
        if not moves:
            return None
        verb = moves[0]
        named = sorted((p, k) for k in ("parent", "child") for p in self.find(text, k))
        before = [k for p, k in named if p < verb]
        after = [k for p, k in named if p > verb]
        if before:
            return JOINS[before[-1]]
        if after:
            return HOSTS[after[0]]
        return None
