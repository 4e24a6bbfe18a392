"""Use cases of the catalogue: loading the bundled files (validated whole, written in one transaction), building
the search index, searching with the pre-self-pay ratio of the asking member, and the code queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from cityservices.errors import NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.catalogue import repository as repo
from cityservices.insurance.catalogue.codes import CodeError, parse_consumable_code, parse_drug_code
from cityservices.insurance.catalogue.engine import CatalogueIndex, Doc, Hit
from cityservices.insurance.catalogue.models import INSURANCE_CLASSES
from cityservices.insurance.catalogue.records import CatalogueData, RowIssue, read_catalogue, read_consumables
from cityservices.insurance.catalogue.schemas import (
    ConsumableCodeRead,
    ConsumableRead,
    DrugCodeRead,
    EntryRead,
    GroupRead,
    PreSelfPayRead,
    RestrictionRead,
    SameConsumableRead,
    SameDrugRead,
    SearchHitRead,
    SearchRead,
    UnderstoodRead,
)
from cityservices.insurance.install import CHANGED
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import PreSelfPayRule
from cityservices.insurance.vocabulary import psn_group
from cityservices.kit import events

EXAMPLE_LABEL = "示例参数，未经核实"
RATIO = Decimal("0.0001")
PSN_TYPES = frozenset(
    {"1101", "1102", "1103", "1201", "1202", "1203", "1300", "1401", "1402", "1403", "1404", "1405", "1501"}
)


class CatalogueInvalid(RuleViolation):
    """A catalogue file with bad rows: every issue names its file, row and field; nothing was written."""

    code = "catalogue_invalid"

    def __init__(self, issues: Sequence[RowIssue]) -> None:
        shown = "\n".join(str(issue) for issue in issues[:50])
        more = f"\n… 另有 {len(issues) - 50} 处错误" if len(issues) > 50 else ""
        super().__init__(f"目录载入失败，共 {len(issues)} 处错误，未写入任何数据:\n{shown}{more}")
        self.issues = list(issues)


@dataclass(frozen=True)
class PreSelfPay:
    """The 乙类 pre-self-pay ratio for one member type, from the rules (verified) or an example parameter."""

    ratio: Decimal
    verified: bool
    label: str


PreSelfPayLookup = Callable[[str | None], PreSelfPay]


def example_preselfpay(psn_type: str | None) -> PreSelfPay:
    """The example parameter used until the rules tables give a verified ratio: 10 % for every member type.
    Local Qingdao ratios were not found in a verifiable source (docs/insurance-catalogue.md)."""
    return PreSelfPay(Decimal("0.1000"), verified=False, label=EXAMPLE_LABEL)


def rules_preselfpay(book: RuleBook, day: dt.date) -> PreSelfPayLookup:
    """The 乙类 pre-self-pay ratio for a member type from the rule book's ``preselfpay`` rows on ``day``: the
    employees' row (310) for employees and retirees, the residents' row (390) for residents, the employees' row
    when no type is given. A row not marked verified is labelled as an example parameter; no row at all falls
    back to ``example_preselfpay``."""

    def lookup(psn_type: str | None) -> PreSelfPay:
        resident = psn_type is not None and psn_group(psn_type) == "resident"
        row = book.find(PreSelfPayRule, ("390" if resident else "310", "02"), day)
        if row is None:
            return example_preselfpay(psn_type)
        scheme = "城乡居民医保" if resident else "职工医保"
        label = f"{scheme}乙类先行自付比例" + ("" if row.verified else f"（{EXAMPLE_LABEL}）")
        return PreSelfPay(row.ratio.value, verified=row.verified, label=label)

    return lookup


# Loading --------------------------------------------------------------------------------------------------------


def _variants(name: str) -> list[str]:
    """Names a rule may use for a catalogue row: 桑菊感冒丸(片、颗粒) → 桑菊感冒丸, 桑菊感冒片, 桑菊感冒颗粒."""
    out = [name]
    found = re.match(r"^(.*?)(丸|片|胶囊|颗粒|口服液|散|膏|糖浆|合剂|滴丸|软胶囊)[(（]([^)）]+)[)）]$", name)
    if found:
        stem, first, rest = found.groups()
        out += [stem + first] + [stem + alt.strip() for alt in re.split("[、,，]", rest)]
    base = re.sub(r"[(（][^)）]*[)）]", "", name)
    if base != name:
        out.append(base)
    return out


def link_rules(data: CatalogueData) -> list[int | None]:
    """For each rule, the index of the catalogue row it is about, else None: the same name or a name variant;
    failing that, the longest catalogue name inside the rule's name among the rows of its products' class
    (小儿布洛芬栓, products in XM01AE → 布洛芬)."""
    by_name: dict[str, int] = {}
    for at, drug in enumerate(data.drugs):
        for variant in _variants(drug.name):
            by_name.setdefault(variant, at)
    classes: dict[int, set[str]] = {}
    for product in data.products:
        classes.setdefault(product.rule_index, set()).add(product.code.catalogue_class)
    by_class: dict[str, list[tuple[str, int]]] = {}
    for at, drug in enumerate(data.drugs):
        base = re.sub(r"[(（][^)）]*[)）]", "", drug.name)
        if len(base) >= 2:
            by_class.setdefault(drug.category_code, []).append((base, at))
    linked: list[int | None] = []
    for index, rule in enumerate(data.rules):
        found = by_name.get(rule.generic_name)
        if found is None:
            prefixes = {c[:n] for c in classes.get(index, ()) for n in range(2, len(c) + 1)}
            inside = [(len(b), -at) for p in prefixes for b, at in by_class.get(p, ()) if b in rule.generic_name]
            found = -max(inside)[1] if inside else None
        linked.append(found)
    return linked


def load_catalogue(session: Session, folder: Path, step: repo.Step = lambda _what, _n: None) -> dict[str, int]:
    """Replace the catalogue with the files of ``folder``. Every row is checked first; any issue raises
    :class:`CatalogueInvalid` and nothing is written."""
    data = read_catalogue(folder)
    if data.issues:
        raise CatalogueInvalid(data.issues)
    step("校验", len(data.drugs) + len(data.herbal) + len(data.rules) + len(data.products))
    repo.clear_catalogue(session)
    linked = link_rules(data)
    repo.insert_catalogue(session, data, linked, step)
    events.publish_after_commit(session, CHANGED, {"kind": "catalogue", "key": "load"})
    return repo.counts(session) | {"rules_linked": sum(1 for x in linked if x is not None)}


def load_consumables(session: Session, path: Path) -> int:
    """Replace the consumables with a supplied file (the catalogue's ``consumables.csv`` format); every row is
    checked first, any issue raises :class:`CatalogueInvalid` and nothing is written."""
    data = CatalogueData()
    if not path.is_file():
        raise CatalogueInvalid([RowIssue(path.name, 0, "file", f"找不到文件 {path}")])
    read_consumables(path, data)
    if data.issues:
        raise CatalogueInvalid(data.issues)
    repo.replace_consumables(session, data)
    events.publish_after_commit(session, CHANGED, {"kind": "catalogue", "key": "consumables"})
    return len(data.consumables)


def catalogue_stats(session: Session) -> dict[str, int]:
    return repo.counts(session)


# The search index -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchIndex:
    engine: CatalogueIndex
    entries: dict[str, EntryRead]  # key → the entry without its pre-self-pay ratio
    same_name: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (type, name) → keys

    @classmethod
    def of(cls, engine: CatalogueIndex, entries: dict[str, EntryRead]) -> SearchIndex:
        """The index with the entries of each generic name (one per dosage form) gathered in catalogue order."""
        names: dict[tuple[str, str], list[str]] = {}
        for key, entry in entries.items():
            names.setdefault((entry.entry_type, entry.name), []).append(key)
        return cls(engine, entries, {name: tuple(keys) for name, keys in names.items()})


def build_search_index(session: Session) -> SearchIndex:
    docs: list[Doc] = []
    entries: dict[str, EntryRead] = {}
    restrictions: dict[int, list[RestrictionRead]] = {}
    for rule in repo.all_rules(session):
        if rule.drug_id is not None:
            item = RestrictionRead(rule_type=rule.rule_type, restricted_to=rule.restricted_to, batch=rule.batch)
            restrictions.setdefault(rule.drug_id, []).append(item)
    for order, drug in enumerate(repo.all_drugs(session)):
        docs.append(
            Doc(
                drug.code,
                "drug",
                drug.name,
                drug.dosage_form,
                drug.category_code,
                drug.insurance_class,
                order,
                pinyin=drug.pinyin,
                initials=drug.initials,
            )
        )
        entries[drug.code] = EntryRead(
            key=drug.code,
            entry_type="drug",
            name=drug.name,
            kind="西药" if drug.kind == "X" else "中成药",
            section=drug.section,
            insurance_class=drug.insurance_class,
            chrgitm_lv=INSURANCE_CLASSES[drug.insurance_class],
            dosage_form=drug.dosage_form,
            category_code=drug.category_code,
            category_name=drug.category_name,
            remarks=drug.remarks,
            restrictions=restrictions.get(drug.id, []),
            not_payable_when_used_alone=False,
            payment_standard=drug.payment_standard,
            negotiated=drug.negotiated,
            agreement_period=drug.agreement_period,
            agreement_start=drug.agreement_start,
            agreement_end=drug.agreement_end,
            preselfpay=None,
        )
    offset = len(docs)
    for piece in repo.all_herbal(session):
        key = f"YP-{piece.number:04d}"
        docs.append(
            Doc(
                key,
                "herbal",
                piece.name,
                "",
                "",
                "",
                offset + piece.number,
                pinyin=piece.pinyin,
                initials=piece.initials,
            )
        )
        entries[key] = EntryRead(
            key=key,
            entry_type="herbal_piece",
            name=piece.name,
            kind="中药饮片",
            section="中药饮片",
            insurance_class="",
            chrgitm_lv=None,
            dosage_form="饮片",
            category_code="",
            category_name="中药饮片",
            remarks="单独使用时不予支付，且全部由这类饮片组成的处方也不予支付"
            if piece.not_payable_when_used_alone
            else "",
            restrictions=[],
            not_payable_when_used_alone=piece.not_payable_when_used_alone,
            payment_standard="",
            negotiated=False,
            agreement_period="",
            agreement_start=None,
            agreement_end=None,
            preselfpay=None,
        )
    return SearchIndex.of(CatalogueIndex(docs), entries)


def _preselfpay(entry: EntryRead, psn_type: str | None, lookup: PreSelfPayLookup) -> PreSelfPayRead | None:
    if entry.insurance_class == "甲":
        return PreSelfPayRead(ratio=Decimal("0.0000"), psn_type=psn_type, verified=True, label="甲类药品不设先行自付")
    if entry.insurance_class != "乙":
        return None
    found = lookup(psn_type)
    return PreSelfPayRead(
        ratio=found.ratio.quantize(RATIO), psn_type=psn_type, verified=found.verified, label=found.label
    )


def checked_psn_type(psn_type: str | None) -> str | None:
    if psn_type is not None and psn_type not in PSN_TYPES:
        raise RequestInvalid(
            "psn_type", f"未知的人员类别“{psn_type}”，应为国家平台的 psn_type 代码，如 1101、1201、1501"
        )
    return psn_type


def search_catalogue(
    index: SearchIndex,
    q: str,
    *,
    limit: int = 10,
    psn_type: str | None = None,
    lookup: PreSelfPayLookup = example_preselfpay,
) -> SearchRead:
    if not q.strip():
        raise RequestInvalid("q", "请输入药品名称、商品名、拼音或常见叫法，例如“降压药”")
    psn_type = checked_psn_type(psn_type)
    found, hits = index.engine.search(q, limit)
    return SearchRead(
        query=q,
        understood=UnderstoodRead(
            text=found.text,
            brand=found.brand,
            generic_name=found.generic,
            dosage_form_word=found.form_word or None,
            dosage_forms=list(found.forms),
            group=found.group,
            classes=list(found.classes),
            notes=found.notes,
        ),
        results=[_hit(index, hit, psn_type, lookup) for hit in hits],
        groups=_groups(index, hits, psn_type, lookup),
    )


def _groups(index: SearchIndex, hits: list[Hit], psn_type: str | None, lookup: PreSelfPayLookup) -> list[GroupRead]:
    """One answer per generic name, in the order of its best hit, with every dosage form the catalogue lists for
    it (also forms the search did not rank), each with its own class, ratio and restrictions."""
    groups: dict[tuple[str, str], GroupRead] = {}
    for hit in hits:
        entry = index.entries[hit.doc.key]
        name = (entry.entry_type, entry.name)
        if name in groups:
            continue
        forms = [index.entries[key] for key in index.same_name.get(name, (entry.key,))]
        groups[name] = GroupRead(
            name=entry.name,
            entry_type=entry.entry_type,
            kind=entry.kind,
            category_name=entry.category_name,
            classes=[c for c in ("甲", "乙") if any(form.insurance_class == c for form in forms)],
            dosage_forms=[form.dosage_form for form in forms],
            score=round(hit.score, 2),
            reason=hit.reason,
            forms=[form.model_copy(update={"preselfpay": _preselfpay(form, psn_type, lookup)}) for form in forms],
        )
    return list(groups.values())


def _hit(index: SearchIndex, hit: Hit, psn_type: str | None, lookup: PreSelfPayLookup) -> SearchHitRead:
    entry = index.entries[hit.doc.key]
    entry = entry.model_copy(update={"preselfpay": _preselfpay(entry, psn_type, lookup)})
    return SearchHitRead(entry=entry, score=round(hit.score, 2), reason=hit.reason)


def entry_detail(
    index: SearchIndex, key: str, psn_type: str | None = None, lookup: PreSelfPayLookup = example_preselfpay
) -> EntryRead:
    entry = index.entries.get(key)
    if entry is None:
        raise NotFound(f"目录中没有编号为 {key} 的条目")
    return entry.model_copy(update={"preselfpay": _preselfpay(entry, checked_psn_type(psn_type), lookup)})


# Codes ----------------------------------------------------------------------------------------------------------


def _code_invalid(field: str, error: CodeError) -> RequestInvalid:
    return RequestInvalid(field, f"{error.label}({error.segment})有误：{error.message}")


def drug_code_detail(session: Session, code: str) -> DrugCodeRead:
    try:
        parsed = parse_drug_code(code)
    except CodeError as error:
        raise _code_invalid("code", error) from error
    rules = [
        RestrictionRead(rule_type=r.rule_type, restricted_to=r.restricted_to, batch=r.batch)
        for r in repo.product_rules(session, parsed.code)
    ]
    return DrugCodeRead(
        code=parsed.code,
        kind=parsed.kind,
        class_code=parsed.class_code,
        generic_code=parsed.generic_code,
        form_code=parsed.form_code,
        spec_code=parsed.spec_code,
        pack_code=parsed.pack_code,
        maker_code=parsed.maker_code,
        identity=parsed.identity,
        catalogue_class=parsed.catalogue_class,
        rules=rules,
    )


def same_drug(session: Session, code: str, *, same_spec: bool, limit: int) -> SameDrugRead:
    """The same drug (class, generic name, dosage form) from any maker, in any pack (optionally the same spec)."""
    detail = drug_code_detail(session, code)
    codes, total = repo.same_drug_codes(session, detail.identity, detail.spec_code if same_spec else None, limit)
    return SameDrugRead(code=detail, same_specification_only=same_spec, total=total, codes=codes)


def consumable_code_detail(code: str) -> ConsumableCodeRead:
    try:
        parsed = parse_consumable_code(code)
    except CodeError as error:
        raise _code_invalid("code", error) from error
    return ConsumableCodeRead(
        code=parsed.code,
        level1=parsed.level1,
        level2=parsed.level2,
        level3=parsed.level3,
        generic_code=parsed.generic_code,
        material_code=parsed.material_code,
        feature_code=parsed.feature_code,
        maker_code=parsed.maker_code,
        spec_code=parsed.spec_code,
        class_part=parsed.class_part,
        group=parsed.group,
    )


def same_consumable_class(session: Session, code: str, *, limit: int) -> SameConsumableRead:
    detail = consumable_code_detail(code)
    rows, total = repo.same_consumable_class(session, detail.group, limit)
    items = [
        ConsumableRead(
            code=r.code, name=r.name, specification=r.specification, maker_name=r.maker_name, source=r.source
        )
        for r in rows
    ]
    return SameConsumableRead(code=detail, total=total, items=items)
