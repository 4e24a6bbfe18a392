"""Text rules shared by every domain: parameter patterns, query normalisation and pinyin.

``normalize_text`` folds width (NFKC), script (traditional → simplified, zhconv) and case, and turns punctuation,
symbols and emoji into single spaces. ``syllables`` gives one toneless pinyin syllable per Han character and
``fuzzy`` folds the common regional confusions (zh/z, ch/c, sh/s, n/l, ing/in, eng/en, ang/an), so that
homophone typos and typed pinyin can be matched by any domain's search.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv
from pypinyin import Style, lazy_pinyin

# No control characters (a NUL cannot even be sent to PostgreSQL): a field-level 422 instead of a database error.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"

FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))
_SPACES = re.compile(r"\s+")


def is_han(char: str) -> bool:
    """A CJK unified ideograph (the basic block and extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _keep(char: str) -> bool:
    """Letters (Han, Latin, …) and digits survive normalisation; everything else becomes a space."""
    return char.isalnum() and unicodedata.category(char)[0] in "LN"


@lru_cache(maxsize=4096)
def normalize_text(raw: str) -> str:
    """Width, script and case folding; punctuation, symbols and emoji become single spaces."""
    text = unicodedata.normalize("NFKC", raw)
    text = zhconv.convert(text, "zh-cn")
    text = "".join(ch if _keep(ch) else " " for ch in text.lower())
    return _SPACES.sub(" ", text).strip()


def fuzzy(syllable: str) -> str:
    """A pinyin syllable with the common confusions folded (zh→z, n→l, ing→in …)."""
    for long, short in FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    if syllable.startswith("n"):
        syllable = "l" + syllable[1:]
    for long, short in FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


def syllables(text: str) -> list[str]:
    """One toneless syllable per character (a non-Han character stands for itself)."""
    out: list[str] = []
    run = ""
    for char in text + " ":
        if is_han(char):
            run += char
            continue
        if run:
            out += lazy_pinyin(run, style=Style.NORMAL)
            run = ""
        out.append(char)
    return out[:-1]


# --- CSV cells that spreadsheets would run as formulas ----------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: a value starting with ``= + - @``, a tab or a carriage return
    (``=HYPERLINK(…)``) gets a leading ``'``, as does a value already starting with ``'`` so that
    ``from_spreadsheet_safe`` gives back exactly what was written."""
    if value.startswith((*FORMULA_TRIGGERS, "'")):
        return "'" + value
    return value


def from_spreadsheet_safe(value: str) -> str:
    """The value ``spreadsheet_safe`` was given (cells it did not change come back unchanged)."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith((*FORMULA_TRIGGERS, "'")):
        return value[1:]
    return value
