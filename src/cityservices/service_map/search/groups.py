"""Ad hoc groups: a life event the database has no one-thing bundle for is answered as a group of items
under a heading (``data/event_groups.tsv``), in the same shape as a bundle (code ``group:<event>``)."""

from __future__ import annotations

from cityservices.service_map.search.lexicon import Lexicon
from cityservices.service_map.search.records import ItemRecord
from cityservices.service_map.search.schemas import BundleItemRead, BundleRead

GROUP_MIN = 2  # a "group" of one item is just an answer


class GroupBuilder:
    """Per event term, the best-ranked core item whose name has it (else the first such core item)."""

    def __init__(self, items: list[ItemRecord], lexicon: Lexicon) -> None:
        self.items = items
        self.lexicon = lexicon
        terms = {t for spec in lexicon.events.values() if not spec.bundles for t in spec.terms}
        self.core_with: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.is_core:
                for term in terms:
                    if term in item.name:
                        self.core_with.setdefault(term, index)

    def members(self, event: str) -> list[int]:
        """The core items the event's terms name, in the order of its terms (first core item per term)."""
        spec = self.lexicon.events.get(event)
        found = [self.core_with[t] for t in spec.terms if t in self.core_with] if spec is not None else []
        return list(dict.fromkeys(found))

    def group(self, event: str, ranked: list[int]) -> BundleRead | None:
        heading = self.lexicon.group_headings.get(event)
        spec = self.lexicon.events.get(event)
        if heading is None or spec is None:
            return None
        order = [i for i in ranked if self.items[i].is_core]
        members: list[BundleItemRead] = []
        for term in spec.terms:
            index = next((i for i in order if term in self.items[i].name), self.core_with.get(term))
            if index is not None and all(m.code != self.items[index].code for m in members):
                item = self.items[index]
                members.append(BundleItemRead(position=len(members) + 1, name=item.name, code=item.code, note=""))
        if len(members) < GROUP_MIN:
            return None
        return BundleRead(code=f"group:{event}", name=heading, life_event=event, items=members)
