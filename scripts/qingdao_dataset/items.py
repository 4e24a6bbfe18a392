"""Service items (事项) and their implementations per level.

Core items come verbatim from core_items.csv; the raw catalogue (service_items.csv, collected in other
regions) is added de-duplicated by name and normalised to Qingdao departments by department_category.
"""

from __future__ import annotations

from collections import defaultdict

from .common import CODE_RE, CORE_SOURCE, Implementation, Item
from .departments import core_department, department_for_category

RAW_LEVELS: dict[str, tuple[str, ...]] = {
    "省级": ("city",),
    "市级": ("city",),
    "县级": ("district",),
    "县级/派出所": ("district", "street"),
    "省、市、县": ("city", "district"),
}

ALIASES: dict[str, tuple[str, ...]] = {
    "出生登记": ("新生儿落户", "新生儿上户口"),
    "居民身份证首次申领": ("身份证首次办理", "办身份证"),
    "居民身份证到期换领": ("身份证到期换证", "身份证过期换领"),
    "居民身份证丢失补领": ("身份证丢失补办",),
    "居民身份证损坏换领": ("身份证损坏换证",),
    "临时居民身份证申领": ("临时身份证办理",),
    "居民户口簿补领": ("户口本补办",),
    "居民户口簿换领": ("户口本换领",),
    "无犯罪记录证明开具": ("无犯罪证明",),
    "普通护照首次申请": ("办护照",),
    "往来港澳通行证首次申请": ("办港澳通行证",),
    "机动车驾驶证初次申领": ("考驾照",),
    "机动车驾驶证期满换证": ("驾照到期换证",),
    "机动车驾驶证遗失补证": ("驾照丢失补办",),
    "道路交通安全违法行为处理": ("交通违法处理", "违章处理"),
    "社会保障卡申领": ("社保卡申领", "社保卡办理"),
    "社会保障卡补领、换领、换发": ("社保卡补办",),
    "社会保障卡挂失": ("社保卡挂失",),
    "失业保险金申领": ("失业金申领",),
    "城乡居民基本医疗保险参保登记": ("居民医保参保",),
    "异地长期居住人员备案": ("异地就医备案",),
    "住房公积金个人住房贷款申请": ("公积金贷款",),
    "租房提取住房公积金": ("租房提取公积金",),
    "购房提取住房公积金": ("购房提取公积金",),
    "内地居民结婚登记": ("结婚登记",),
    "内地居民离婚登记": ("离婚登记",),
    "补领婚姻登记证": ("补办结婚证",),
    "最低生活保障审核确认": ("低保申请",),
    "残疾人证新办": ("办理残疾人证",),
    "个人所得税综合所得汇算清缴": ("个税年度汇算",),
    "个体工商户设立登记": ("个体户营业执照办理",),
    "老年人优待证申领": ("老年优待证办理",),
}

ENTERPRISE_WORDS = ("企业", "公司", "单位", "法人", "组织", "机关")
ENTERPRISE_NAME_WORDS = ("企业", "公司", "经营许可", "生产许可", "施工许可", "建设项目", "单位")


def build_items(core_rows: list[dict[str, str]], raw_rows: list[dict[str, str]]) -> list[Item]:
    """Core items first (numbered 0001… per department), then raw items (numbered 1001…)."""
    counters: dict[tuple[str, int], int] = defaultdict(int)
    items = [_core_item(row, counters) for row in core_rows]
    core_names = {item.name for item in items}
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in raw_rows:
        name = row["name"].strip()
        if name and name not in core_names:
            grouped[name].append(row)
    items.extend(_raw_item(name, rows, counters) for name, rows in grouped.items())
    return items


def _next_code(department_code: str, counters: dict[tuple[str, int], int], start: int) -> str:
    """QD-<department suffix>-<number>, numbered from ``start`` per department in input order."""
    suffix = department_code.split("-", 1)[1]
    number = start + counters[suffix, start]
    counters[suffix, start] += 1
    return f"QD-{suffix}-{number:04d}"


def _core_item(row: dict[str, str], counters: dict[tuple[str, int], int]) -> Item:
    department = core_department(row["department"], row["department_category"])
    return Item(
        code=_next_code(department, counters, 1),
        name=row["name"],
        item_type=row["item_type"],
        applicant_type=row["applicant"],
        department_code=department,
        category=row["department_category"],
        basic_code="",
        aliases=ALIASES.get(row["name"], ()),
        is_core=True,
        source=CORE_SOURCE,
        demo_fields=(),
        levels=tuple(level for level in ("city", "district", "street") if level in row["levels"].split(";")),
    )


def _raw_item(name: str, rows: list[dict[str, str]], counters: dict[tuple[str, int], int]) -> Item:
    first = rows[0]
    department = department_for_category(first["department_category"])
    demo_fields: list[str] = []
    item_type = next((r["item_type"] for r in rows if r["item_type"]), "")
    if not item_type:
        item_type = "公共服务" if "证明" in name or "查询" in name else "行政确认"
        demo_fields.append("item_type")
    applicant = _applicant(next((r["service_object"] for r in rows if r["service_object"]), ""))
    if not applicant:
        applicant = "企业" if any(word in name for word in ENTERPRISE_NAME_WORDS) else "个人;企业"
        demo_fields.append("applicant_type")
    if first["department_category"] == "其他":
        demo_fields.append("department_code")
    levels, impl_codes = _raw_levels(rows)
    sources = tuple(dict.fromkeys(r["source"] for r in rows))
    return Item(
        code=_next_code(department, counters, 1001),
        name=name,
        item_type=item_type,
        applicant_type=applicant,
        department_code=department,
        category=first["department_category"],
        basic_code=next((r["item_code"] for r in rows if _is_code(r["item_code"])), ""),
        aliases=(),
        is_core=False,
        source="; ".join(f"service_items.csv ← {source}" for source in sources),
        demo_fields=tuple(demo_fields),
        levels=levels,
        implementation_codes=impl_codes,
        raw_sources=sources,
    )


def _is_code(value: str) -> bool:
    return len(value) >= 8 and bool(CODE_RE.match(value))


def _applicant(service_object: str) -> str:
    """自然人 → 个人; 法人/组织/单位 → 企业; both → 个人;企业; empty → ''."""
    if not service_object:
        return ""
    person = "自然人" in service_object or "灵活就业" in service_object
    company = any(word in service_object for word in ENTERPRISE_WORDS)
    if person and company:
        return "个人;企业"
    return "企业" if company else "个人"


def _raw_levels(rows: list[dict[str, str]]) -> tuple[tuple[str, ...], dict[str, str]]:
    codes: dict[str, str] = {}
    for row in rows:
        for level in RAW_LEVELS.get(row["level"], ("city",)):
            if not codes.get(level):
                codes[level] = row["implementation_code"] if _is_code(row["implementation_code"]) else ""
    levels = tuple(level for level in ("city", "district", "street") if level in codes)
    return levels, codes


def build_implementations(items: list[Item]) -> list[Implementation]:
    """One implementation per (item, level); the department is the category's city department."""
    result = []
    for item in items:
        for level in item.levels:
            code = item.implementation_codes.get(level, "")
            demo_fields = ("department_code",) if "department_code" in item.demo_fields else ()
            result.append(Implementation(item.code, level, item.department_code, code, demo_fields))
    return result
