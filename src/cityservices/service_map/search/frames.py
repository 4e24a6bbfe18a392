"""Stage 2f: the purpose of a need, read from word classes (``data/purpose_frames.tsv``).

去澳门看望我女儿 and 去香港见客户 share their place with four endorsements; 房租太贵想申请补贴 and 想租政府的房子 share
renting with a rent subsidy and public rental housing. A frame applies when one of its context words is in the
query and none of its exclusions; its classes are tried in the order written, and the first with a word in the
query names the item (ranked up by ``rank.fuse`` like a household move's direction, ``moves.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cityservices.service_map.search.lexicon import (
    PhraseMatcher,
    data_rows,
    make_phrase,
    passive_forms,
    passive_markers,
)

FILE = "purpose_frames.tsv"


@dataclass
class Frame:
    context: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    classes: list[tuple[str, list[str], str]] = field(default_factory=list)  # (name, words, item name)


class PurposeFrames:
    """All frames of the data file, with one phrase matcher over every word they use."""

    def __init__(self, frames: dict[str, Frame]) -> None:
        self.frames = frames
        words = {w for f in frames.values() for w in [*f.context, *f.exclude, *(x for c in f.classes for x in c[1])]}
        self.matcher = PhraseMatcher([make_phrase(w, w) for w in words])

    @classmethod
    def load(cls) -> PurposeFrames:
        frames: dict[str, Frame] = {}
        markers = passive_markers()
        for name, role, column, *rest in data_rows(FILE):
            # 被~压 also 让~压 / 叫~压 (passive.tsv)
            words = " ".join(form for word in column.split() for form in [word, *passive_forms(word, markers)])
            frame = frames.setdefault(name, Frame())
            if role == "context":
                frame.context += words.split()
            elif role == "exclude":
                frame.exclude += words.split()
            elif role.startswith("class:"):
                frame.classes.append((role.removeprefix("class:"), words.split(), rest[0]))
            else:
                raise ValueError(f"{FILE}: unknown role {role!r}")
        return cls(frames)

    def items(self) -> dict[str, str]:
        """``frame:class`` → the item name it names."""
        return {f"{name}:{c}": item for name, frame in self.frames.items() for c, _, item in frame.classes}

    def purpose(self, text: str) -> str | None:
        """``frame:class`` of the first frame whose context is in the text and whose class is said, or None."""
        found = {hit.phrase.payload for hit in self.matcher.find(text)}
        if not found:
            return None
        for name, frame in self.frames.items():
            if not found.intersection(frame.context) or found.intersection(frame.exclude):
                continue
            for cls_name, words, _ in frame.classes:
                if found.intersection(words):
                    return f"{name}:{cls_name}"
        return None
