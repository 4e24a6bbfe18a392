"""Stage 2d: slots — place (divisions from the database, 附近), time (周六, 现在, 明天上午 …),
applicant (个人 / 企业) and condition. Place and time words are taken out of the text that is searched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cityservices.service_map.search.lexicon import Hit, Lexicon, Phrase
from cityservices.service_map.search.records import DivisionRecord

PLACE_SUFFIXES = ("街道办事处", "街道", "新区", "区", "市", "镇")
CONDITION_PRIORITY = (
    "lost",
    "damaged",
    "expired",
    "change",
    "cancel",
    "transfer",
    "report_loss",
    "reissue",
    "renew",
    "first",
)


@dataclass
class Slots:
    place: dict[str, Any] | None = None
    time: dict[str, Any] | None = None
    applicant: str | None = None
    conditions: list[str] = field(default_factory=list)
    condition_words: list[str] = field(default_factory=list)

    def settle(self) -> None:
        """换 says little when 到期 or 丢了 is also there: keep only the specific conditions then."""
        specific = [c for c in self.conditions if c not in ("renew", "first")]
        if specific:
            self.conditions = specific

    @property
    def condition(self) -> str | None:
        ranked = sorted(self.conditions, key=CONDITION_PRIORITY.index)
        return ranked[0] if ranked else None

    def as_dict(self) -> dict[str, Any]:
        condition = None
        if self.condition:
            condition = {"kind": self.condition, "words": self.condition_words}
        return {"place": self.place, "time": self.time, "applicant": self.applicant, "condition": condition}


def place_phrases(divisions: list[DivisionRecord], lexicon: Lexicon) -> list[Phrase]:
    """Full and short names of districts, streets and towns (崂山区 / 崂山), and the 附近 words."""
    phrases: list[Phrase] = []
    for division in sorted(divisions, key=lambda d: d.code):
        if division.level == "city":
            continue
        names = {division.name}
        for suffix in PLACE_SUFFIXES:
            short = division.name.removesuffix(suffix)
            if short != division.name and len(short) >= 2:
                names.add(short)
                break
        for name in names:
            phrases.append(Phrase(name, f"division|{division.code}|{division.name}|{division.level}"))
    by_code = {d.code: d for d in divisions}
    for phrase, (slot, value) in lexicon.slot_words.items():
        if slot != "place":
            continue
        if value.startswith("division="):
            alias_of = by_code.get(value.removeprefix("division="))
            if alias_of is not None:
                phrases.append(Phrase(phrase, f"division|{alias_of.code}|{alias_of.name}|{alias_of.level}"))
        else:
            phrases.append(Phrase(phrase, f"{value}|||"))
    return phrases


def place_slot(hit: Hit) -> dict[str, Any]:
    kind, code, name, level = hit.phrase.payload.split("|")
    if kind == "division":
        return {"kind": "division", "code": code, "name": name, "level": level, "text": hit.phrase.text}
    return {"kind": kind, "text": hit.phrase.text}


def add_time(slots: Slots, phrase: str, value: str) -> None:
    """Merge one time word into the time slot (周六 + 上午 → weekday and part of day)."""
    time = slots.time or {"text": ""}
    key, _, val = value.partition("=")
    if key == "asks":
        time["asks_hours"] = True
    else:
        time[key] = val
    time["text"] = (time["text"] + " " + phrase).strip()
    slots.time = time


NEGATIONS = ("没有", "没", "无", "不在")


def negated(text: str, phrase: str) -> bool:
    """Whether every occurrence of ``phrase`` in the text follows a negation (没单位, 没有公司, 不在单位)."""
    starts = [i for i in range(len(text)) if text.startswith(phrase, i)]
    return bool(starts) and all(any(text[:i].endswith(n) for n in NEGATIONS) for i in starts)


def add_applicant(slots: Slots, lexicon: Lexicon, text: str) -> None:
    """企业 when the text names a company, shop or employer; 个人 when it names oneself — or an employer it has
    not (我没单位自己交医保 is a person without one, not an employer)."""
    found = set()
    for phrase, (slot, value) in lexicon.slot_words.items():
        if slot == "applicant" and phrase in text:
            found.add("个人" if value == "企业" and negated(text, phrase) else value)
    if found:
        slots.applicant = "企业" if "企业" in found else "个人"


# An age said with a number (八十五了, 九十二岁, 85岁): a number rule, not one lexicon entry per age.
AGE = re.compile(
    r"(?<![\d一二三四五六七八九十百])([一二三四五六七八九]?十[一二三四五六七八九]?|\d{2,3})(多)?(周岁|岁|了)"
)
DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
# The age phrases of the lexicon (synonyms.tsv) that an age is read as, highest first.
AGE_PHRASES = ((100, "百岁"), (90, "九十岁"), (80, "八十多岁"))


def age_value(number: str) -> int:
    """85 from 八十五 / 85; 10 from 十."""
    if number.isdigit():
        return int(number)
    tens, _, units = number.partition("十")
    return DIGITS.get(tens, 1) * 10 + DIGITS.get(units, 0)


def rewrite_ages(text: str, known: Callable[[str], bool]) -> tuple[str, list[tuple[str, str]]]:
    """Ages of 80 and more written in any form become the lexicon's age phrase (八十五了 → 八十多岁); a phrase
    the lexicon already knows (八十岁) is left as written. Returns the text and the (original, phrase) pairs."""
    changes: list[tuple[str, str]] = []

    def replace(match: re.Match[str]) -> str:
        surface, value = match.group(0), age_value(match.group(1))
        phrase = next((p for floor, p in AGE_PHRASES if value >= floor), None)
        if phrase is None or value > 120 or known(surface):
            return surface
        changes.append((surface, phrase))
        return phrase

    return AGE.sub(replace, text), changes
