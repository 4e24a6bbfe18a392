"""The bundled "一件事" bundles are real plans: every material they share comes from somewhere."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from cityservices.service_map.interchange.records import BundleRecord

DATA = Path(__file__).resolve().parents[3] / "data" / "qingdao"


def _bundles() -> list[dict[str, object]]:
    with (DATA / "bundles.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _guide_materials() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with (DATA / "guides.jsonl").open(encoding="utf-8") as f:
        for line in f:
            g = json.loads(line)
            if g.get("is_current", True):
                out[g["item_code"]] = [str(m["name"]) for m in g.get("materials", [])]
    return out


def _brought() -> list[dict[str, str]]:
    with (DATA / "citizen_documents.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _key(name: str) -> str:
    return name.replace("《", "").replace("》", "").replace(" ", "")


def _needed(bundle: dict[str, object], guides: dict[str, list[str]]) -> dict[str, int]:
    """Each shared material (declared, or listed by two or more steps' guides) → the first position needing it."""
    items = bundle["items"]
    assert isinstance(items, list)
    needed: dict[str, int] = {}
    for m in bundle["shared_materials"]:  # type: ignore[attr-defined]
        name = _key(m["name"])
        # A declared shared material is needed by every step except the one that issues it.
        users = [int(i["position"]) for i in items if not any(_key(d) in name for d in i.get("produces", []))]
        needed.setdefault(name, min(users))
    users: dict[str, list[int]] = {}
    for i in items:
        for name in guides.get(i["item_code"], []):
            users.setdefault(_key(name), []).append(int(i["position"]))
    for name, positions in users.items():
        if len(set(positions)) >= 2:
            needed[name] = min(needed.get(name, 10**6), min(positions))
    return needed


def _problems(bundle: dict[str, object], guides: dict[str, list[str]], brought: list[dict[str, str]]) -> list[str]:
    items = bundle["items"]
    assert isinstance(items, list)
    producers: dict[str, list[int]] = {}
    for i in items:
        for doc in i.get("produces", []):
            producers.setdefault(_key(doc), []).append(int(i["position"]))
    problems = []
    for name, position in _needed(bundle, guides).items():
        made = [p for doc, ps in producers.items() if doc in name for p in ps]
        if made:
            if min(made) >= position:
                problems.append(f"{bundle['code']}: {name} 第 {position} 项要用，却在第 {min(made)} 项才取得")
            continue
        ok = any(
            b["name"] in name and (not b["life_events"] or bundle["life_event"] in b["life_events"].split(";"))
            for b in brought
        )
        if not ok:
            problems.append(f"{bundle['code']}: {name} 既不是前面事项的结果，也不是群众自带的材料")
    return problems


def test_every_shared_material_is_produced_earlier_or_brought() -> None:
    guides, brought = _guide_materials(), _brought()
    problems = [p for b in _bundles() for p in _problems(b, guides, brought)]
    assert problems == []


def test_the_check_catches_a_bundle_without_its_licence_step() -> None:
    guides, brought = _guide_materials(), _brought()
    catering = next(b for b in _bundles() if b["code"] == "B-CATERING")
    without = {**catering, "items": [i for i in catering["items"] if i.get("kind") != "first"]}  # type: ignore[attr-defined]
    assert any("营业执照" in p for p in _problems(without, guides, brought))


def test_the_named_bundles_are_plans() -> None:
    by_code = {str(b["code"]): BundleRecord.model_validate(b) for b in _bundles()}
    catering = by_code["B-CATERING"].items
    assert catering[0].kind == "first"
    assert "营业执照" in catering[0].produces
    retire = [i for i in by_code["B-RETIRE"].items if i.kind == "choice"]
    assert {i.item_code for i in retire} == {"QD-RS-0009", "QD-RS-0010"}
    assert len({i.choice_group for i in retire}) == 1
    remote = [i for i in by_code["B-REMOTE-CARE"].items if i.kind == "choice"]
    assert len(remote) == 4
    assert len({i.choice_group for i in remote}) == 1


def test_plan_fields_are_validated() -> None:
    base = {"code": "B-X", "name": "测试一件事"}
    with pytest.raises(ValidationError):
        BundleRecord.model_validate({**base, "items": [{"position": 1, "item_code": "QD-A", "kind": "choice"}]})
    with pytest.raises(ValidationError):
        BundleRecord.model_validate({**base, "items": [{"position": 1, "item_code": "QD-A", "kind": "if"}]})
    lone = {"position": 1, "item_code": "QD-A", "kind": "choice", "choice_group": "甲"}
    with pytest.raises(ValidationError):
        BundleRecord.model_validate({**base, "items": [lone, {"position": 2, "item_code": "QD-B"}]})
