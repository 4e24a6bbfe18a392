"""Guides (guides.jsonl): one current guide (version 1) per item.

Where service_guides.jsonl has a guide of the same name, its elements are used (time limits, visits,
materials, acceptance conditions, legal basis, process); everything adapted or generated — material
forms, Qingdao channels and phone numbers, steps and fees not in the source — is listed in
``demo_fields``. Items without a source guide get a guide generated from the category templates, all of
whose generated fields are listed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from . import guide_templates as t
from .common import (
    DEMO_SITE,
    GENERATED_SOURCE,
    HOTLINE,
    LAST_VERIFIED,
    VALID_FROM,
    Item,
    Json,
    phone,
    rng_for,
)
from .situations import with_situations

T = TypeVar("T")
MAX_TEXT = 20000
INSTANT_WORDS = ("当场", "即时", "即办")
KIOSK_CATEGORIES = frozenset({"人社", "医保", "公积金", "税务", "出入境", "车驾管"})
# Source guides that share the item's name but cover a narrower case (not used for the item).
NOT_MATCHING = {"户口迁出"}  # the Guangdong guide covers only 人才集体户口 迁出
WINDOW_NAMES = {"city": "青岛市政务服务中心", "district": "各区（市）政务服务中心", "street": "街道（镇）便民服务中心"}


def index_guides(records: list[Json]) -> dict[str, list[Json]]:
    by_name: dict[str, list[Json]] = defaultdict(list)
    for record in records:
        by_name[str(record["name"]).strip()].append(record)
    return by_name


def source_guide(item: Item, by_name: dict[str, list[Json]]) -> Json | None:
    """The source guide of the same name: one from the item's own source preferred, then a Shandong one."""
    if item.name in NOT_MATCHING:
        return None
    candidates = by_name.get(item.name, [])

    def rank(record: Json) -> int:
        if record.get("source") in item.raw_sources:
            return 0
        return 1 if "山东" in str(record.get("region")) else 2

    return min(candidates, key=rank) if candidates else None


def material(spec: str) -> Json:
    """A material object from "name|form|copies|waivable|note" (see guide_templates)."""
    parts = spec.split("|") + [""] * 4
    return {"name": parts[0], "form": parts[1] or "原件", "copies": int(parts[2] or 1),
            "waivable": parts[3] == "y", "note": parts[4]}  # fmt: skip


def _guess_form(name: str) -> str:
    if "复印件" in name:
        return "复印件"
    if "电子" in name:
        return "电子证照"
    return "原件"


def _source_materials(names: list[str]) -> list[Json]:
    cleaned = [re.sub(r"[；;，,。\s]+$", "", str(n)).strip() for n in names]
    unique = [n for n in dict.fromkeys(cleaned) if n]
    return [{"name": n, "form": _guess_form(n), "copies": 1, "waivable": False, "note": ""} for n in unique]


def _template(item: Item) -> t.Template:
    return t.CATEGORY_TEMPLATES.get(item.category, t.DEFAULT_TEMPLATE)


def _first_match(name: str, rules: Sequence[tuple[tuple[str, ...], T]]) -> T | None:
    """The value of the first rule one of whose keywords occurs in ``name``."""
    return next((value for words, value in rules if any(word in name for word in words)), None)


def _legal_basis(item: Item) -> list[str]:
    basis = _first_match(item.name, t.KEYWORD_BASIS)
    if basis is None:
        basis = _template(item).basis or ((t.ADMIN_LICENSING_LAW,) if item.item_type == "行政许可" else ())
    return list(basis)


def _timing(item: Item) -> t.Timing:
    timing = _first_match(item.name, t.KEYWORD_TIMES)
    if timing is not None:
        return timing
    template = _template(item)
    return t.Timing(template.legal_days, template.promised_days, template.visits, "时限以工作日计，不含法定节假日。")


def _template_materials(item: Item) -> list[Json]:
    specs = _first_match(item.name, t.KEYWORD_MATERIALS) or _template(item).materials
    return [material(s) for s in specs]


def _result(item: Item) -> str:
    for keywords, result in t.RESULTS:
        if any(word in item.name for word in keywords):
            return result
    match = re.search(r"《?([^《》]{2,20}(?:许可证|合格证|资格证))》?", item.name)
    return f"《{match.group(1)}》" if match else ""


def _steps(instant: bool) -> list[Json]:
    steps = [
        {"name": "申请", "description": "申请人通过窗口、青岛政务服务网或“爱山东”App提交申请材料"},
        {"name": "受理", "description": "窗口查验材料，齐全且符合法定形式的予以受理；需补正的一次性告知"},
    ]
    if not instant:
        steps.append({"name": "审核", "description": "承办部门对申请材料进行审核，必要时进行核查"})
    steps.append({"name": "办结", "description": "作出办理决定，结果可窗口领取或邮寄送达"})
    return steps


def _source_steps(process: str) -> list[Json]:
    """Steps from the source's process text: "申请—受理—审核—办结" or a paragraph of sentences."""
    if "—" in process and len(process) < 40:
        return [{"name": part.strip(), "description": ""} for part in process.split("—") if part.strip()]
    sentences = [s.strip() for s in re.split(r"[。]", process) if s.strip()]
    return [{"name": f"第{n}步", "description": s} for n, s in enumerate(sentences, start=1)]


def _channels(item: Item, online: bool) -> list[Json]:
    places = "、".join(WINDOW_NAMES[level] for level in item.levels)
    channels: list[Json] = [{"kind": "window", "name": f"窗口办理：{places}", "url": None}]
    if online:
        channels.append({"kind": "online", "name": "青岛政务服务网", "url": f"{DEMO_SITE}/banshi/{item.code}"})
        if item.applicant_type != "企业":
            channels.append({"kind": "app", "name": "“爱山东”App", "url": None})
    if item.category in KIOSK_CATEGORIES:
        channels.append({"kind": "kiosk", "name": "政务服务自助终端", "url": None})
    return channels


def _fees(item: Item) -> tuple[list[Json], bool]:
    """The fees and whether they are generated (demo)."""
    if item.name in t.KNOWN_FEES:
        return [dict(fee) for fee in t.KNOWN_FEES[item.name]], False
    if any(word in item.name for word in t.CHARGED_WORDS):
        return [{"name": "工本费或登记费", "amount": "按国家和山东省规定标准收取", "basis": ""}], True
    return [], True


def _time_kind(promised: int | None) -> str | None:
    if promised is None:
        return None
    return "即办件" if promised == 0 else "承诺件"


def _faq(item: Item) -> list[Json]:
    personal = any(word in item.name for word in ("身份证", "护照", "通行证", "驾驶证", "婚"))
    answer = (
        "本事项需本人到场采集照片、指纹或签字，不能委托他人代办。"
        if personal
        else "可以。代办人需携带委托书、申请人和代办人的身份证件，具体以窗口告知为准。"
    )
    return [{"q": "可以委托他人代为办理吗？", "a": answer}]


def build_guide(item: Item, by_name: dict[str, list[Json]], situations: dict[str, list[str]]) -> Json:
    """The item's guide; a core item's carries its plain-language situations (适用情形, situations.py)."""
    record = source_guide(item, by_name)
    guide = _from_source(item, record) if record is not None else _generated(item)
    return with_situations(guide, situations.get(item.name, []) if item.is_core else [])


def _base(item: Item) -> Json:
    fees, fees_demo = _fees(item)
    consult = phone(rng_for("consult-phone", item.department_code))
    guide: Json = {
        "item_code": item.code, "version": 1, "is_current": True, "valid_from": VALID_FROM,
        "last_verified": LAST_VERIFIED, "legal_basis": [], "acceptance_conditions": "", "materials": [],
        "steps": [], "legal_time_limit_days": None, "promised_time_limit_days": None, "time_limit_kind": None,
        "time_limit_note": "", "fees": fees, "visits_to_site": None, "channels": [], "consult_phone": consult,
        "complaint_phone": HOTLINE, "faqs": [], "result_certificate": _result(item), "source": "",
        "demo_fields": ["valid_from", "consult_phone", "channels"] + (["fees"] if fees_demo else []),
    }  # fmt: skip
    if guide["result_certificate"]:
        guide["demo_fields"].append("result_certificate")
    return guide


def _generated(item: Item) -> Json:
    timing = _timing(item)
    guide = _base(item)
    guide.update({
        "legal_basis": _legal_basis(item), "acceptance_conditions": _conditions(item),
        "materials": _template_materials(item), "steps": _steps(timing.promised_days == 0),
        "legal_time_limit_days": timing.legal_days, "promised_time_limit_days": timing.promised_days,
        "time_limit_kind": _time_kind(timing.promised_days), "time_limit_note": timing.note,
        "visits_to_site": timing.visits,
        "channels": _channels(item, online=True), "faqs": _faq(item), "source": GENERATED_SOURCE,
    })  # fmt: skip
    guide["demo_fields"] = sorted({*guide["demo_fields"], "last_verified", "legal_basis", "acceptance_conditions",
                                   "materials", "steps", "legal_time_limit_days", "promised_time_limit_days",
                                   "time_limit_kind", "time_limit_note", "visits_to_site", "faqs"})  # fmt: skip
    return guide


def _conditions(item: Item) -> str:
    who = "申请人" if item.applicant_type != "企业" else "申请单位"
    return f"{who}符合本事项设定依据规定的条件，提交的申请材料齐全、符合法定形式。"


def _from_source(item: Item, record: Json) -> Json:
    guide = _base(item)
    demo_fields: set[str] = set(guide["demo_fields"])
    _source_time_limits(item, record, guide, demo_fields)
    names = record.get("materials") or []
    guide["materials"] = _source_materials(names) if names else _template_materials(item)
    demo_fields.add("materials")  # material forms are not in the source
    conditions = str(record.get("acceptance_conditions") or "").strip()
    guide["acceptance_conditions"] = conditions[:MAX_TEXT] if conditions else _conditions(item)
    if not conditions:
        demo_fields.add("acceptance_conditions")
    guide["legal_basis"] = [str(b) for b in record.get("legal_basis") or []]
    if not guide["legal_basis"]:
        guide["legal_basis"] = _legal_basis(item)
        demo_fields.add("legal_basis")
    process = str(record.get("process") or "").strip()
    guide["steps"] = _source_steps(process) if process else _steps(guide["time_limit_kind"] == "即办件")
    if not process:
        demo_fields.add("steps")
    guide["channels"] = _channels(item, online=record.get("online_available") is not False)
    guide["source"] = f"service_guides.jsonl ← {record.get('source')}（{record.get('region')}）"
    guide["demo_fields"] = sorted(demo_fields)
    return guide


def _source_time_limits(item: Item, record: Json, guide: Json, demo_fields: set[str]) -> None:
    legal: Any = record.get("legal_time_limit_days")
    promised: Any = record.get("promised_time_limit_days")
    phrases = [str(p) for p in record.get("time_limit_phrases") or []]
    notes = [f"法定办结时限：{record['legal_time_limit']}" if record.get("legal_time_limit") else "",
             f"承诺办结时限：{record['promised_time_limit']}" if record.get("promised_time_limit") else "",
             "；".join(phrases)]  # fmt: skip
    timing = _timing(item)
    if promised is None and any(word in p for p in phrases for word in INSTANT_WORDS):
        promised = 0  # derived from the source's wording ("当场给予办理"), not stated as a number
        demo_fields.add("promised_time_limit_days")
    if legal is None:
        legal = timing.legal_days
        demo_fields.add("legal_time_limit_days")
    if promised is None:
        promised = timing.promised_days
        demo_fields.add("promised_time_limit_days")
    visits = record.get("visits_to_site")
    if visits is None:
        visits = timing.visits
        demo_fields.add("visits_to_site")
    if "promised_time_limit_days" in demo_fields:
        demo_fields.add("time_limit_kind")
    guide.update({"legal_time_limit_days": legal, "promised_time_limit_days": promised,
                  "time_limit_kind": _time_kind(promised), "visits_to_site": visits,
                  "time_limit_note": "；".join(n for n in notes if n)})  # fmt: skip
