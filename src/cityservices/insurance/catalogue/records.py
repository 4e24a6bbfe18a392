"""Reading the catalogue files into validated records. Every problem is collected with its file, row (the
line number, the header being line 1) and field, so that a bad file is refused whole with every reason."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cityservices.insurance.catalogue.codes import CodeError, DrugCode, parse_consumable_code, parse_drug_code
from cityservices.insurance.catalogue.models import SECTIONS
from cityservices.kit.text import is_han, syllables

DRUG_FILE = "drug_catalog.csv"
HERBAL_FILE = "drug_catalog_tcm_pieces.csv"
RULE_FILE = "drug_payment_rules.csv"
PRODUCT_FILE = "drug_rule_product_codes.csv"
CONSUMABLE_FILE = "consumables.csv"  # optional: no public list is bundled
SECTION_PREFIX = dict(zip(SECTIONS, ("XY", "ZC", "TX", "TZ", "JJ"), strict=True))
NEGOTIATED_SECTIONS = frozenset(SECTIONS[2:])
RULE_TYPES = frozenset({"限定性别对象", "限定年龄对象", "限定机构等级", "限定就医方式", "限定支付疗程", "限定保险类型"})
_PERIOD = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日至(\d{4})年(\d{1,2})月(\d{1,2})日$")
_BOOL = {"true": True, "false": False}


@dataclass(frozen=True)
class RowIssue:
    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} 第 {self.row} 行 {self.field}: {self.message}"


@dataclass(frozen=True)
class DrugRecord:
    code: str
    section: str
    kind: str
    category_l1_code: str
    category_l1_name: str
    category_code: str
    category_name: str
    number: int
    is_repeat_entry: bool
    insurance_class: str
    name: str
    dosage_form: str
    remarks: str
    payment_standard: str
    agreement_period: str
    agreement_start: dt.date | None
    agreement_end: dt.date | None
    negotiated: bool
    source_page: int
    pinyin: str
    initials: str


@dataclass(frozen=True)
class HerbalRecord:
    number: int
    name: str
    not_payable_when_used_alone: bool
    pinyin: str
    initials: str


@dataclass(frozen=True)
class RuleRecord:
    batch: str
    generic_name: str
    description: str
    rule_type: str
    restricted_to: str
    source_file: str


@dataclass(frozen=True)
class ProductRecord:
    rule_index: int  # position of its rule in CatalogueData.rules
    seq: int
    code: DrugCode


@dataclass(frozen=True)
class ConsumableRecord:
    code: str
    name: str
    specification: str
    maker_name: str
    source: str


@dataclass
class CatalogueData:
    drugs: list[DrugRecord] = field(default_factory=list)
    herbal: list[HerbalRecord] = field(default_factory=list)
    rules: list[RuleRecord] = field(default_factory=list)
    products: list[ProductRecord] = field(default_factory=list)
    consumables: list[ConsumableRecord] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)


def pinyin_of(name: str) -> tuple[str, str]:
    """Toneless full pinyin and initials of a name (Latin letters and digits kept, other marks dropped)."""
    parts = [s.lower() for s in syllables(name) if s.isalnum()]
    return "".join(parts), "".join(p[0] for p in parts if p and (len(p) > 1 or p.isalpha()))[:64]


def _rows(path: Path, columns: tuple[str, ...], issues: list[RowIssue]) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            issues.append(RowIssue(path.name, 1, missing[0], "缺少此列"))
            return
        for line, row in enumerate(reader, start=2):
            yield line, {k: (v or "").strip() for k, v in row.items() if k is not None}


class _Checker:
    def __init__(self, file: str, row: int, issues: list[RowIssue]) -> None:
        self.file, self.row, self.issues = file, row, issues
        self.ok = True

    def fail(self, field_name: str, message: str) -> None:
        self.issues.append(RowIssue(self.file, self.row, field_name, message))
        self.ok = False

    def required(self, row: dict[str, str], name: str) -> str:
        value = row.get(name, "")
        if not value:
            self.fail(name, "不能为空")
        elif any(ord(c) < 32 for c in value):
            self.fail(name, "含控制字符")
        return value

    def integer(self, row: dict[str, str], name: str) -> int:
        value = row.get(name, "")
        if not value.isdigit() or int(value) < 1:
            self.fail(name, f"应为正整数，实为“{value}”")
            return 0
        return int(value)

    def boolean(self, row: dict[str, str], name: str) -> bool:
        value = row.get(name, "").lower()
        if value not in _BOOL:
            self.fail(name, f"应为 true 或 false，实为“{row.get(name, '')}”")
            return False
        return _BOOL[value]


def parse_period(text: str) -> tuple[dt.date, dt.date] | None:
    """ "2024年1月1日至2025年12月31日" → (start, end); None when it is not such a period."""
    found = _PERIOD.match(text)
    if not found:
        return None
    y1, m1, d1, y2, m2, d2 = (int(g) for g in found.groups())
    try:
        start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
    except ValueError:
        return None
    return (start, end) if start <= end else None


DRUG_COLUMNS = (
    "section", "category_l1_code", "category_l1_name", "category_code", "category_name", "number",
    "is_repeat_entry", "insurance_class", "drug_name", "dosage_form", "remarks", "payment_standard",
    "agreement_period", "source_page",
)  # fmt: skip


def read_drugs(path: Path, data: CatalogueData) -> None:
    ordinals: dict[tuple[str, int], int] = {}
    for line, row in _rows(path, DRUG_COLUMNS, data.issues):
        check = _Checker(path.name, line, data.issues)
        section = check.required(row, "section")
        if section and section not in SECTION_PREFIX:
            check.fail("section", f"未知的目录部分“{section}”")
        l1, category = check.required(row, "category_l1_code"), check.required(row, "category_code")
        if category and (category[0] not in "XZ" or not category.startswith(l1)):
            check.fail("category_code", f"“{category}”应以 X 或 Z 开头并以一级分类“{l1}”开头")
        number = check.integer(row, "number")
        repeat = check.boolean(row, "is_repeat_entry")
        level = check.required(row, "insurance_class")
        if level and level not in ("甲", "乙"):
            check.fail("insurance_class", f"应为 甲 或 乙，实为“{level}”")
        name = check.required(row, "drug_name")
        period_text = row.get("agreement_period", "")
        period = parse_period(period_text) if period_text else None
        if period_text and period is None:
            check.fail("agreement_period", f"应为“YYYY年M月D日至YYYY年M月D日”，实为“{period_text}”")
        page = check.integer(row, "source_page")
        if not check.ok:
            continue
        key = (section, number)
        ordinals[key] = ordinals.get(key, 0) + 1
        pinyin, initials = pinyin_of(name)
        data.drugs.append(
            DrugRecord(
                code=f"{SECTION_PREFIX[section]}-{number:04d}-{ordinals[key]}",
                section=section,
                kind=category[0],
                category_l1_code=l1,
                category_l1_name=row["category_l1_name"],
                category_code=category,
                category_name=row["category_name"],
                number=number,
                is_repeat_entry=repeat,
                insurance_class=level,
                name=name,
                dosage_form=row.get("dosage_form", ""),
                remarks=row.get("remarks", ""),
                payment_standard=row.get("payment_standard", ""),
                agreement_period=period_text,
                agreement_start=period[0] if period else None,
                agreement_end=period[1] if period else None,
                negotiated=section in NEGOTIATED_SECTIONS,
                source_page=page,
                pinyin=pinyin,
                initials=initials,
            )
        )


def read_herbal(path: Path, data: CatalogueData) -> None:
    seen: set[int] = set()
    for line, row in _rows(path, ("number", "name", "not_payable_when_used_alone"), data.issues):
        check = _Checker(path.name, line, data.issues)
        number = check.integer(row, "number")
        if number in seen:
            check.fail("number", f"编号 {number} 重复")
        name = check.required(row, "name")
        if name and not any(is_han(c) for c in name):
            check.fail("name", f"“{name}”不是中文药名")
        alone = check.boolean(row, "not_payable_when_used_alone")
        if check.ok:
            seen.add(number)
            data.herbal.append(HerbalRecord(number, name, alone, *pinyin_of(name)))


def read_rules(path: Path, data: CatalogueData) -> dict[tuple[str, str, str], int]:
    index: dict[tuple[str, str, str], int] = {}
    columns = ("batch", "drug_generic_name", "description", "rule_type", "restricted_to", "source_file")
    for line, row in _rows(path, columns, data.issues):
        check = _Checker(path.name, line, data.issues)
        batch, name = check.required(row, "batch"), check.required(row, "drug_generic_name")
        rule_type = check.required(row, "rule_type")
        if rule_type and rule_type not in RULE_TYPES:
            check.fail("rule_type", f"未知的规则类型“{rule_type}”")
        restricted = check.required(row, "restricted_to")
        if not check.ok:
            index.setdefault((batch, name, row.get("rule_type", "")), -1)  # refused: its products are not blamed
            continue
        index.setdefault((batch, name, rule_type), len(data.rules))
        data.rules.append(
            RuleRecord(batch, name, row.get("description", ""), rule_type, restricted, row.get("source_file", ""))
        )
    return index


def read_products(path: Path, data: CatalogueData, rules: dict[tuple[str, str, str], int]) -> None:
    columns = ("batch", "drug_generic_name", "seq", "national_drug_code", "rule_type")
    for line, row in _rows(path, columns, data.issues):
        check = _Checker(path.name, line, data.issues)
        seq = check.integer(row, "seq")
        key = (row.get("batch", ""), row.get("drug_generic_name", ""), row.get("rule_type", ""))
        if rules.get(key) == -1:
            continue
        if key not in rules:
            check.fail("drug_generic_name", f"在 {RULE_FILE} 中没有对应的规则({'/'.join(key)})")
        try:
            code = parse_drug_code(row.get("national_drug_code", ""))
        except CodeError as error:
            check.fail(f"national_drug_code.{error.segment}", str(error))
            continue
        if check.ok:
            data.products.append(ProductRecord(rules[key], seq, code))


def read_consumables(path: Path, data: CatalogueData) -> None:
    seen: set[str] = set()
    for line, row in _rows(path, ("code", "name", "specification", "maker_name", "source"), data.issues):
        check = _Checker(path.name, line, data.issues)
        try:
            code = parse_consumable_code(row.get("code", "")).code
        except CodeError as error:
            check.fail(f"code.{error.segment}", str(error))
            continue
        if code in seen:
            check.fail("code", f"代码 {code} 重复")
        name = check.required(row, "name")
        if check.ok:
            seen.add(code)
            data.consumables.append(
                ConsumableRecord(code, name, row["specification"], row["maker_name"], check.required(row, "source"))
            )


def read_catalogue(folder: Path) -> CatalogueData:
    """Every file of a catalogue folder, validated; ``issues`` is empty when it may be loaded."""
    data = CatalogueData()
    for name in (DRUG_FILE, HERBAL_FILE, RULE_FILE, PRODUCT_FILE):
        if not (folder / name).is_file():
            data.issues.append(RowIssue(name, 0, "file", f"在 {folder} 中找不到此文件"))
    if data.issues:
        return data
    read_drugs(folder / DRUG_FILE, data)
    read_herbal(folder / HERBAL_FILE, data)
    rules = read_rules(folder / RULE_FILE, data)
    read_products(folder / PRODUCT_FILE, data, rules)
    if (folder / CONSUMABLE_FILE).is_file():
        read_consumables(folder / CONSUMABLE_FILE, data)
    return data
