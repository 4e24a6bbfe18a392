"""Stage 2g: a request for a document to be issued (``data/document_requests.tsv``).

单位要我交一份医保参保的证明 and 贷款银行要我开个公积金缴了多少的证明 name a subject (医保参保, 公积金缴存) whose own
items (参保登记, 缴存登记) the words match as well as the item that issues the proof; what is asked for is the
document. A clause that ends with a document noun, preceded within ``WINDOW`` characters by a request verb with
no question word in between or after (落户需要出生证明吗 asks about a material, not for it), is a request: the
candidates whose names carry an issuing marker (证明, 记录, 开具, 发票) rank up in ``rank.fuse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cityservices.service_map.search.lexicon import data_rows

FILE = "document_requests.tsv"
WINDOW = 14  # characters between the verb and the document noun (开个公积金缴了多少的证明)
TRAILING = "了吧呢啊呀的来去"  # particles that may follow the document at the end of its clause
CLAUSE = re.compile(r"[\s，,。.；;：:！!？?、]+")


@dataclass(frozen=True)
class DocumentRequests:
    verbs: tuple[str, ...]
    nouns: tuple[str, ...]
    questions: tuple[str, ...]
    issuing: tuple[str, ...]

    @classmethod
    def load(cls) -> DocumentRequests:
        roles: dict[str, tuple[str, ...]] = {}
        for role, words in data_rows(FILE):
            if role not in ("verb", "noun", "question", "issuing"):
                raise ValueError(f"{FILE}: unknown role {role!r}")
            roles[role] = tuple(sorted(words.split(), key=len, reverse=True))
        return cls(roles["verb"], roles["noun"], roles["question"], roles["issuing"])

    def asked(self, text: str) -> bool:
        """Whether some clause of the text asks for a document to be issued."""
        return any(self._clause_asks(clause) for clause in CLAUSE.split(text) if clause)

    def _clause_asks(self, clause: str) -> bool:
        for noun in self.nouns:
            end = clause.find(noun)
            if end < 0:
                continue
            # the document ends its clause (……的证明, 证明吧): 要证明他是在哪出生的 uses 证明 as a verb
            if clause[end + len(noun) :].strip(TRAILING) or any(q in clause[end:] for q in self.questions):
                continue
            window = clause[max(0, end - WINDOW) : end]
            for verb in self.verbs:
                at = window.find(verb)
                if at >= 0 and not any(q in window[max(0, at - 1) :] for q in self.questions):  # 需要 is no request
                    return True
        return False

    def issues(self, name: str) -> bool:
        """Whether an item's name says it issues a document (…证明开具, 纳税记录开具, 代开…发票)."""
        return any(marker in name for marker in self.issuing)
