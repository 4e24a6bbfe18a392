"""The dataset build keeps the reviewed bundle plans: a rebuild does not undo kinds, choice groups, conditions,
what steps produce, or steps only the review added."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scripts.qingdao_dataset.bundles import build_bundles, merge_reviewed, read_written
from scripts.qingdao_dataset.items import build_items
from scripts.qingdao_dataset.sources import load_sources

DATA = Path(__file__).resolve().parents[2] / "data" / "qingdao"


def _bundle(code: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": code, "name": f"{code} 一件事", "items": steps}


def _step(position: int, code: str, note: str = "", **plan: Any) -> dict[str, Any]:
    return {"position": position, "item_code": code, "note": note, **plan}


def test_reviewed_fields_and_steps_survive_a_rebuild() -> None:
    generated = [
        _bundle("B-A", [_step(1, "I-2", "新注"), _step(2, "I-3"), _step(3, "I-4"), _step(4, "I-9")]),
        _bundle("B-PLAIN", [_step(1, "I-1", "表格新写")]),
    ]
    written = {
        "B-A": _bundle("B-A", [
            _step(1, "I-1", "评审补充", kind="first", produces=["营业执照"]),  # only the review has it
            _step(2, "I-3", kind="choice", choice_group="情形"),
            _step(3, "I-4", kind="choice", choice_group="情形", condition="已满 60 周岁的"),
            _step(4, "I-2", "旧注", kind="if", condition="需要时"),
            _step(5, "I-5"),  # the tables dropped it and nobody reviewed it: it goes
        ]),
        "B-PLAIN": _bundle("B-PLAIN", [_step(1, "I-1", "旧写法")]),
    }  # fmt: skip
    merged, notes = merge_reviewed(generated, written)
    steps = merged[0]["items"]
    assert [(s["position"], s["item_code"]) for s in steps] == [
        (1, "I-1"),
        (2, "I-3"),
        (3, "I-4"),
        (4, "I-2"),
        (5, "I-9"),
    ]
    assert steps[0] == _step(1, "I-1", "评审补充", kind="first", produces=["营业执照"])
    assert (steps[1]["kind"], steps[1]["choice_group"]) == ("choice", "情形")
    assert steps[2]["condition"] == "已满 60 周岁的"
    assert (steps[3]["kind"], steps[3]["condition"], steps[3]["note"]) == ("if", "需要时", "新注")  # note: the tables'
    assert "kind" not in steps[4]  # newly produced by the tables: a plain step
    assert notes == ["B-A 一件事: kept the reviewed step I-1, which the tables do not produce"]
    assert merged[1] == generated[1]  # nothing reviewed: the tables win


def test_rebuilding_the_bundled_data_changes_nothing_reviewed(tmp_path: Path) -> None:
    sources = load_sources(DATA / "sources")
    items = build_items(sources.core_items, sources.raw_items)
    generated, _ = build_bundles(sources.bundles, {item.name: item.code for item in items})
    written = read_written(DATA / "bundles.jsonl")
    plans = {code: [s for s in b["items"] if s.get("kind", "step") != "step"] for code, b in written.items()}
    assert sum(map(len, plans.values())) >= 10  # the written data is reviewed …
    regenerated = {b["code"]: b for b in generated}
    assert all("kind" not in s for b in regenerated.values() for s in b["items"])  # … and the tables know nothing of it
    merged, _ = merge_reviewed(generated, written)
    assert {b["code"]: b for b in merged} == written
    out = tmp_path / "bundles.jsonl"
    out.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in merged), encoding="utf-8")
    assert read_written(out) == written
    assert read_written(tmp_path / "none.jsonl") == {}
