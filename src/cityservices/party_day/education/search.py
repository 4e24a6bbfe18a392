"""Search of the resource library in Chinese, with the project's text rules (``kit.text``): the query and the
resource's title, tags and description are normalised (width, traditional → simplified, case, punctuation); a
query word typed in pinyin also matches a title by its (fuzzy-folded) syllables.

Ranking, per query word (every word must match somewhere): in the title 10 (15 when the title starts with it),
in a tag (a content or a keyword) 6, in the description 2, the title's pinyin 4 (whole syllables) or its initials
3; ties by title length (shorter first), then id. The library is small (hundreds of rows), so matching runs in
Python over the rows of the filters, with no index."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cityservices.kit.text import fuzzy, normalize_text, syllables

TITLE, TITLE_START, TAG, DESCRIPTION, PINYIN, INITIALS = 10, 15, 6, 2, 4, 3


@dataclass(frozen=True)
class SearchKey:
    """What a resource is matched on (stored as JSON in ``search_text``)."""

    title: str
    tags: tuple[str, ...]
    description: str
    pinyin: str  # fuzzy-folded syllables of the title, joined
    initials: str


def search_key(title: str, description: str, tags: list[str]) -> SearchKey:
    norm_title = normalize_text(title)
    parts = [s for s in syllables(norm_title.replace(" ", "")) if s.isalnum()]
    folded = [fuzzy(s) if s.isascii() and s.isalpha() else s for s in parts]
    return SearchKey(
        title=norm_title,
        tags=tuple(normalize_text(t) for t in tags if normalize_text(t)),
        description=normalize_text(description),
        pinyin="".join(folded),
        initials="".join(s[0] for s in parts if s),
    )


def dump_key(key: SearchKey) -> str:
    return json.dumps([key.title, list(key.tags), key.description, key.pinyin, key.initials], ensure_ascii=False)


def load_key(text: str) -> SearchKey:
    title, tags, description, pinyin, initials = json.loads(text)
    return SearchKey(str(title), tuple(str(t) for t in tags), str(description), str(pinyin), str(initials))


def query_words(query: str) -> list[str]:
    return normalize_text(query).split()


def _fold_pinyin(word: str) -> str:
    """A typed pinyin word with the fuzzy confusions folded the way the titles were (syllable by syllable is not
    knowable from typed text, so the common initials and finals are folded over the whole word)."""
    for long, short in (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"), ("ang", "an")):
        word = word.replace(long, short)
    return word.replace("n", "l")


def word_score(key: SearchKey, word: str) -> int:
    """The score of one normalised query word against a resource (0: no match)."""
    score = 0
    if word in key.title:
        score += TITLE_START if key.title.startswith(word) else TITLE
    if any(word in tag for tag in key.tags):
        score += TAG
    if word in key.description:
        score += DESCRIPTION
    if not score and word.isascii() and word.isalpha() and len(word) >= 2:
        pinyin = key.pinyin.replace("n", "l")
        if _fold_pinyin(word) in pinyin:
            score += PINYIN
        elif word in key.initials:
            score += INITIALS
    return score


def score(key: SearchKey, words: list[str]) -> int:
    """The resource's score for the query (0 unless every word matches)."""
    total = 0
    for word in words:
        points = word_score(key, word)
        if not points:
            return 0
        total += points
    return total
