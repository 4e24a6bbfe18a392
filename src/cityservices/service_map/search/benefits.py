"""Stage 2h: asking for money or a benefit (``data/benefit_requests.tsv``).

A condition query says who applies and what is asked: 低保家里有个残疾人，每月能多领点钱吗. The status (低保) matches
its own item (最低生活保障审核确认) best, but the need is a payment (困难残疾人生活补贴). When the query asks for money
or a benefit, candidates whose names carry a benefit marker rank up and those whose names only establish a status
(认定, 登记, 缴纳) rank down in ``rank.fuse``; a query asking for the determination itself (评残, 鉴定) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from cityservices.service_map.search.lexicon import PhraseMatcher, data_rows, make_phrase

FILE = "benefit_requests.tsv"
ROLES = ("ask", "named", "benefit", "status", "exclude")


@dataclass(frozen=True)
class BenefitRequests:
    ask: PhraseMatcher
    named: PhraseMatcher
    exclude: tuple[str, ...]
    benefit: tuple[str, ...]
    status: tuple[str, ...]

    @classmethod
    def load(cls) -> BenefitRequests:
        roles: dict[str, list[str]] = {}
        for role, words in data_rows(FILE):
            if role not in ROLES:
                raise ValueError(f"{FILE}: unknown role {role!r}")
            roles.setdefault(role, []).extend(words.split())
        ask, named = (PhraseMatcher([make_phrase(word, word) for word in roles[role]]) for role in ("ask", "named"))
        return cls(ask, named, tuple(roles["exclude"]), tuple(roles["benefit"]), tuple(roles["status"]))

    def asked(self, text: str) -> tuple[bool, bool]:
        """(the text asks for money, it asks for money or names a benefit) — both False when it asks for a
        determination (评残, 鉴定)."""
        if any(word in text for word in self.exclude):
            return False, False
        money = bool(self.ask.find(text))
        return money, money or bool(self.named.find(text))

    def names_benefit(self, word: str) -> bool:
        """Whether a word of the query is, as a whole, a way of asking for money or naming a benefit (补助, 领钱)."""
        return any(h.start == 0 and h.end == len(word) for h in [*self.ask.find(word), *self.named.find(word)])

    def pays(self, name: str) -> bool:
        """Whether an item's name says it pays an allowance, a subsidy or relief."""
        return any(marker in name for marker in self.benefit)

    def establishes(self, name: str) -> bool:
        """Whether an item's name only establishes a status (a determination, a registration, paying in)."""
        return not self.pays(name) and any(marker in name for marker in self.status)
