"""适用情形: plain-language situations of the core items (``sources/core_item_situations.tsv``) in their guides.

The file is written by the project from each item's purpose (see data/qingdao/PROVENANCE.md); the build puts
each core item's list into its current guide as ``situations``. ``apply_situations`` does only that to an
already built ``guides.jsonl`` (nothing else of the file changes), so the list can be edited without a rebuild.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .common import Json

FILE = "core_item_situations.tsv"
SEPARATOR = "；"
MIN_COUNT, MAX_COUNT = 6, 12
MIN_LENGTH, MAX_LENGTH = 5, 20


def read_situations(path: Path) -> dict[str, list[str]]:
    """Item name → its situations, in file order; ``#`` lines are comments, the first other line the header."""
    found: dict[str, list[str]] = {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and line[0] != "#"]
    for number, line in enumerate(lines[1:], start=2):
        name, _, text = line.partition("\t")
        if not text or name.strip() in found:
            raise ValueError(f"{path.name}: row {number} ({name!r}) has no situations or repeats a name")
        found[name.strip()] = [s.strip() for s in text.split(SEPARATOR) if s.strip()]
    return found


def problems(situations: dict[str, list[str]], core_names: list[str]) -> list[str]:
    """What breaks the file's rules: unknown names, too few or too many situations, too short or long ones."""
    known = set(core_names)
    found = [f"不是核心事项的名称: {name}" for name in situations if name not in known]
    for name, texts in situations.items():
        if not MIN_COUNT <= len(texts) <= MAX_COUNT:
            found.append(f"{name}: {len(texts)} 条适用情形（应为 {MIN_COUNT}–{MAX_COUNT} 条）")
        if len(set(texts)) != len(texts):
            found.append(f"{name}: 有重复的适用情形")
        found += [f"{name}: “{t}” 长度不在 {MIN_LENGTH}–{MAX_LENGTH} 字" for t in texts
                  if not MIN_LENGTH <= len(t) <= MAX_LENGTH]  # fmt: skip
    return found


def with_situations(guide: Json, situations: list[str]) -> Json:
    """The guide with its ``situations`` (placed after ``acceptance_conditions``; removed when empty)."""
    fields = {key: value for key, value in guide.items() if key != "situations"}
    if not situations:
        return fields
    placed: Json = {}
    for key, value in fields.items():
        placed[key] = value
        if key == "acceptance_conditions":
            placed["situations"] = list(situations)
    return placed if "situations" in placed else {**placed, "situations": list(situations)}


def apply_situations(dataset: Path, situations: dict[str, list[str]]) -> int:
    """Set the situations of every current guide of a named item in ``dataset/guides.jsonl``; the count set."""
    with (dataset / "items.csv").open(encoding="utf-8", newline="") as handle:
        codes = {row["code"]: row["name"] for row in csv.DictReader(handle) if row["is_core"] == "true"}
    path = dataset / "guides.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    written, count = [], 0
    for line in lines:
        if not line.strip():
            continue
        guide = json.loads(line)
        texts = situations.get(codes.get(guide["item_code"], ""), []) if guide.get("is_current", True) else []
        count += bool(texts)
        written.append(json.dumps(with_situations(guide, texts), ensure_ascii=False))
    path.write_text("".join(f"{line}\n" for line in written), encoding="utf-8", newline="\n")
    return count
