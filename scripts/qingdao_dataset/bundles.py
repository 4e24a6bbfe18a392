"""One-thing bundles (bundles.jsonl).

1. The sourced bundles of one_thing_bundles.json (its ``bundles`` list): each source item is mapped to
   a Qingdao item by the explicit table ``SOURCED``; source items without a counterpart are skipped
   (they are listed in PROVENANCE.md). Entries without a ``name`` (``name_list_only``) give bundles whose
   names are sourced but whose items were chosen here (those fields are marked demo).
2. Common bundles a citizen expects that no source gave: wholly generated (``demo_fields = ["*"]``).

The plans in bundles.jsonl are reviewed by hand after the build: a step's ``kind`` (first, choice, if), its
``choice_group``, ``condition`` and ``produces``, and steps a reviewer added (such as a prerequisite the source
left out). A rebuild keeps them: ``merge_reviewed`` matches the generated bundles with the written ones by
bundle code and item code, keeps the reviewed fields and the reviewed order, keeps steps that only the review
has, and appends steps the tables newly produce. ``--force`` rebuilds without it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .common import Json

SOURCE_FILE = "one_thing_bundles.json"


@dataclass(frozen=True)
class SourcedBundle:
    source_name: str  # the bundle's ``name`` in the source file
    code: str
    name: str
    life_event: str
    lead: str | None  # the Qingdao counterpart of the source's lead department
    items: tuple[tuple[str, str | None], ...]  # (source item name, our item name or None = skipped)


SOURCED: tuple[SourcedBundle, ...] = (
    SourcedBundle("新生儿出生", "B-BIRTH", "新生儿出生一件事", "新生儿出生", "3702-WJ", (
        ("《出生医学证明》(首签)", "《出生医学证明》首次签发"),
        ("预防接种证", "《预防接种证》办理"),
        ("本市户口登记（申报出生登记）", "出生登记"),
        ("社会保障卡申领", "社会保障卡申领"),
        ("办理居民医保登记", "城乡居民基本医疗保险参保登记"),
        ("生育医疗费用报销", "生育医疗费支付"),
        ("科学育儿指导服务登记", None),
    )),
    SourcedBundle("退休（企业职工基本养老保险）", "B-RETIRE", "退休一件事", "退休", "3702-RS", (
        ("企业职工基本养老保险正常退休申请", "企业职工基本养老保险正常退休申请"),
        ("企业职工基本养老保险提前退休申请", "企业职工基本养老保险提前退休申请"),
        ("个人账户封存（住房公积金）", None),
        ("退休提取住房公积金", "退休提取住房公积金"),
    )),
    SourcedBundle("开办餐饮店", "B-CATERING", "开办餐饮店一件事", "开办餐饮店", "3702-SJ", (
        ("企业营业执照信息核验", None),
        ("食品经营许可新办", "食品经营许可证核发"),
        ("户外招牌设施设置规范管理", "规范户外招牌设施设置"),
        ("公众聚集场所投入使用、营业前消防安全检查", "公众聚集场所投入使用、营业前消防安全检查"),
        ("烟草专卖零售许可证核发(新办)", "烟草专卖零售许可证核发"),
    )),
    SourcedBundle("我要开商场超市", "B-SUPERMARKET", "开办商场超市一件事", "开办商场超市", None, (
        ("市场主体设立登记", "公司设立登记"),
        ("食品经营许可证新发", "食品经营许可证核发"),
        ("公共场所卫生许可", "公共场所卫生许可"),
        ("设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批", "设置大型户外广告的审批"),
        ("建设工程消防设计审核或备案", "特殊建设工程消防设计审查"),
        ("建设工程竣工消防验收或备案", "特殊建设工程消防验收"),
        ("公众聚集场所投入使用、营业前消防安全检查", "公众聚集场所投入使用、营业前消防安全检查"),
        ("权限内建设项目环境影响报告表审批(或建设项目环境影响登记表备案)", "建设项目环境影响报告表审批"),
        ("涉税事项办理", "一照一码户信息确认"),
        ("公章刻制备案", "公章刻制备案"),
    )),
    SourcedBundle("企业开办", "B-STARTUP", "企业开办一件事", "企业开办", "3702-SJ", (
        ("企业设立登记", "公司设立登记"),
        ("社保登记", "用人单位社会保险参保登记"),
        ("医疗（生育）保险参保登记", "用人单位医疗保险参保登记"),
        ("就业登记", "就业登记"),
        ("住房公积金企业缴存登记", "住房公积金单位缴存登记"),
        ("公章刻制", "公章刻制备案"),
        ("发票和税控设备申领", "发票领用"),
    )),
    SourcedBundle("残疾人两项补贴（残疾人服务相关单项）", "B-DISABILITY-SUBSIDY", "残疾人两项补贴一件事", "残疾人服务",
                  "3702-CL", (
        ("发放困难残疾人生活补贴", "困难残疾人生活补贴"),
        ("发放重度残疾人护理补贴", "重度残疾人护理补贴"),
    )),
)  # fmt: skip

# Bundles whose names come from a ``name_list_only`` source entry; the items are our choice.
NAME_ONLY: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "就业补贴一件事": ("B-EMPLOYMENT-SUBSIDY", "就业创业", "3702-RS", (
        "就业困难人员认定", "就业创业证申领", "创业补贴申请", "失业保险技能提升补贴申领", "创业担保贷款申请")),
    "生育保险一件事": ("B-MATERNITY-INSURANCE", "生育", "3702-YB", ("生育登记", "生育医疗费支付", "生育津贴支付")),
    "异地就医一件事": ("B-REMOTE-CARE", "异地就医", "3702-YB", (
        "异地长期居住人员备案", "常驻异地工作人员备案", "异地转诊人员备案", "临时外出就医人员备案",
        "住院费用零星报销")),
}  # fmt: skip

ID_CARD = "居民身份证"
# Generated bundles: code → (name, life event, lead department, items, shared material names).
GENERATED: dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = {
    "B-MARRIAGE": ("结婚一件事", "结婚", "3702-MZ",
                   ("婚前医学检查", "内地居民结婚登记", "孕前优生健康检查", "生育登记"), (f"双方{ID_CARD}",)),
    "B-DEATH": ("身后一件事", "死亡", "3702-MZ",
                ("居民死亡医学证明（推断）书签发", "死亡人员户口注销", "基本殡葬服务费用减免", "丧葬补助金、抚恤金申领",
                 "职工死亡提取住房公积金", "社会保障卡注销", "国有建设用地使用权及房屋所有权转移登记（继承、受遗赠）"),
                (f"逝者{ID_CARD}", "逝者居民户口簿", "死亡证明", f"经办人{ID_CARD}")),
    "B-SCHOOL": ("教育入学一件事", "教育入学", "3702-JY",
                 ("居住证申领", "《预防接种证》办理", "义务教育阶段新生入学登记",
                  "进城务工人员随迁子女接受义务教育入学申请办理"),
                 ("儿童居民户口簿", f"父母{ID_CARD}", "房产证明或居住证明")),
    "B-VETERAN": ("军人退役一件事", "军人退役", "3702-TY",
                  ("退役士兵安置报到", "退役军人优待证申领", "退役士兵自主就业一次性经济补助金的给付", "光荣牌悬挂",
                   "企业职工基本养老保险关系转移接续申请", "基本医疗保险关系转移接续"), ("退出现役证件", ID_CARD)),
    "B-RESALE": ("二手房转移登记一件事", "二手房买卖", "3702-ZR",
                 ("存量房买卖合同网签备案", "存量房交易税费申报",
                  "国有建设用地使用权及房屋所有权转移登记（存量房买卖）", "购房提取住房公积金"),
                 (f"买卖双方{ID_CARD}", "不动产权证书", "存量房买卖合同")),
    "B-CLOSURE": ("企业注销一件事", "企业注销", "3702-SP",
                  ("注销税务登记", "公司注销登记", "公司简易注销登记"), ("营业执照", "清算报告或全体投资人承诺书")),
    "B-SSCARD": ("社会保障卡居民服务一件事", "社会保障卡居民服务", "3702-RS",
                 ("社会保障卡申领", "社会保障卡启用（激活）", "社会保障卡挂失", "社会保障卡补领、换领、换发",
                  "社会保障卡密码重置", "医保电子凭证申领"), (ID_CARD,)),
    "B-DISABILITY": ("残疾人服务一件事", "残疾人服务", "3702-CL",
                     ("残疾人证新办", "困难残疾人生活补贴", "重度残疾人护理补贴", "残疾人基本型辅助器具适配申请",
                      "残疾儿童康复训练申请"), (ID_CARD, "居民户口簿", "近期2寸免冠彩色照片")),
    "B-CHANGE": ("企业信息变更一件事", "企业信息变更", "3702-SP",
                 ("公司变更登记", "一照一码户信息确认", "营业执照补领、换发"), ("营业执照", "变更决议或决定")),
    "B-TRANSPORT": ("开办运输企业一件事", "开办运输企业", "3702-JT",
                    ("公司设立登记", "道路货物运输经营许可", "道路货物运输车辆道路运输证配发",
                     "道路运输从业人员从业资格证核发"), ("营业执照", "法定代表人身份证明", "车辆行驶证")),
}  # fmt: skip


def _material(name: str) -> Json:
    form = "复印件" if "复印件" in name else "原件"
    return {"name": name, "form": form, "copies": 1, "waivable": False, "note": ""}


def _refs(names: list[tuple[str, str]], codes: dict[str, str]) -> list[Json]:
    """(our item name, note) pairs → ordered item references; unknown names are a table error."""
    missing = [name for name, _ in names if name not in codes]
    if missing:
        raise KeyError(f"bundle mapping names unknown items: {missing}")
    return [{"position": n, "item_code": codes[name], "note": note} for n, (name, note) in enumerate(names, 1)]


def _shared_from_source(entry: Json) -> list[Json]:
    """Materials that every source item lists (the source's shared materials), names verbatim."""
    lists = [set(item.get("materials") or []) for item in entry["items"] if item.get("materials")]
    if len(lists) < 2:
        return []
    common = set.intersection(*lists)
    ordered = [m for item in entry["items"] for m in item.get("materials") or [] if m in common]
    return [_material(name) for name in dict.fromkeys(ordered)]


def _sourced(spec: SourcedBundle, entry: Json, codes: dict[str, str]) -> Json:
    pairs = [(ours, f"来源事项：{theirs}") for theirs, ours in spec.items if ours is not None]
    shared = _shared_from_source(entry)
    region = entry.get("region", "")
    description = f"事项组合依据{region}公开的“高效办成一件事”方案（见来源），对应为本数据集的青岛事项。"
    truncated = "来源文本只记录了可见部分，可能还有其他联办事项。" if entry.get("truncated") else ""
    return {
        "code": spec.code, "name": spec.name, "description": description + truncated,
        "life_event": spec.life_event, "lead_department_code": spec.lead, "items": _refs(pairs, codes),
        "shared_materials": shared, "source": f"{SOURCE_FILE} ← {entry['source']}",
        "demo_fields": ["shared_materials"] if shared else [],
    }  # fmt: skip


def _name_only(name: str, entry: Json, codes: dict[str, str]) -> Json:
    code, life_event, lead, names = NAME_ONLY[name]
    return {
        "code": code, "name": name, "description": f"名称见{entry.get('region', '')}公开配置；所含事项为演示组合。",
        "life_event": life_event, "lead_department_code": lead, "items": _refs([(n, "") for n in names], codes),
        "shared_materials": [_material(ID_CARD)], "source": f"{SOURCE_FILE} ← {entry['source']}",
        "demo_fields": ["description", "items", "lead_department_code", "shared_materials"],
    }  # fmt: skip


def _generated(code: str, codes: dict[str, str]) -> Json:
    name, life_event, lead, names, shared = GENERATED[code]
    return {
        "code": code, "name": name,
        "description": f"演示数据：{life_event}相关事项的一次告知、一表申请、联动办理示例。",
        "life_event": life_event, "lead_department_code": lead, "items": _refs([(n, "") for n in names], codes),
        "shared_materials": [_material(m) for m in shared], "source": "演示数据（生成）", "demo_fields": ["*"],
    }  # fmt: skip


def build_bundles(source: Json, codes: dict[str, str]) -> tuple[list[Json], list[str]]:
    """The bundles, and notes on every source item that was skipped (for PROVENANCE.md)."""
    specs = {spec.source_name: spec for spec in SOURCED}
    result: list[Json] = []
    skipped: list[str] = []
    for entry in source["bundles"]:
        if "name" in entry:
            spec = specs[entry["name"]]
            result.append(_sourced(spec, entry, codes))
            skipped += [f"{spec.name}: {theirs}" for theirs, ours in spec.items if ours is None]
        else:
            result += [_name_only(name, entry, codes) for name in entry.get("name_list_only", [])]
    result += [_generated(code, codes) for code in GENERATED]
    return sorted(result, key=lambda b: str(b["code"])), skipped


REVIEWED_FIELDS = ("kind", "choice_group", "condition", "produces")


def is_reviewed(step: Json) -> bool:
    """Whether a written bundle step carries plan fields that only a review sets."""
    return any(step.get(name) not in (None, "", [], "step") for name in REVIEWED_FIELDS)


def read_written(path: Path) -> dict[str, Json]:
    """The bundles already written at ``path`` by code (none when the file does not exist yet)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as lines:
        return {str(row["code"]): row for row in map(json.loads, filter(str.strip, lines))}


def merge_reviewed(generated: list[Json], written: dict[str, Json]) -> tuple[list[Json], list[str]]:
    """``generated`` with the reviewed plan of ``written`` kept (see the module doc), and notes of what the
    merge kept that the tables no longer produce (for the build summary)."""
    notes: list[str] = []
    merged: list[Json] = []
    for bundle in generated:
        old = written.get(str(bundle["code"]))
        if old is None or not any(is_reviewed(step) for step in old["items"]):
            merged.append(bundle)
            continue
        fresh = {str(step["item_code"]): step for step in bundle["items"]}
        steps: list[Json] = []
        for step in sorted(old["items"], key=lambda s: int(s["position"])):
            code = str(step["item_code"])
            if code in fresh:
                generated_step = {k: v for k, v in fresh.pop(code).items() if k not in REVIEWED_FIELDS}
                steps.append({**step, **generated_step})  # the written key order: a rebuild changes no byte
            elif is_reviewed(step):
                steps.append(dict(step))
                notes.append(f"{bundle['name']}: kept the reviewed step {code}, which the tables do not produce")
        steps += fresh.values()
        merged.append({**bundle, "items": [{**step, "position": n} for n, step in enumerate(steps, 1)]})
    return merged, notes
