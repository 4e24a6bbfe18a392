"""API shapes of the catalogue: entries (drugs and herbal pieces) with their payment terms, search answers,
parsed drug and consumables codes, and the "same drug / same consumable class" answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field


class PreSelfPayRead(BaseModel):
    """先行自付比例 of a 乙类 drug for the asking member's type: a ratio (4 decimals), never an amount."""

    ratio: Decimal = Field(description="先行自付比例 (0–1，4 位小数)")
    psn_type: str | None = Field(description="人员类别 (psn_type)；未指定时为一般参保人")
    verified: bool = Field(description="是否为已核实的政策参数")
    label: str = Field(description="参数说明，未核实时为“示例参数，未经核实”")


class RestrictionRead(BaseModel):
    """A rule-library payment restriction (限定性别 / 年龄 / 机构等级 / 就医方式 / 支付疗程 / 保险类型)."""

    rule_type: str
    restricted_to: str
    batch: str


class EntryRead(BaseModel):
    key: str = Field(description="目录条目编号 (药品) 或 YP-编号 (中药饮片)")
    entry_type: Literal["drug", "herbal_piece"]
    name: str
    kind: str = Field(description="西药 / 中成药 / 中药饮片")
    section: str
    insurance_class: str = Field(description="甲 / 乙；中药饮片为空")
    chrgitm_lv: str | None = Field(description="国家平台收费项目等级：01 甲类、02 乙类")
    dosage_form: str
    category_code: str
    category_name: str
    remarks: str = Field(description="备注：限定支付范围等")
    restrictions: list[RestrictionRead]
    not_payable_when_used_alone: bool = Field(description="中药饮片：单独使用或全部由此类饮片组成的处方不予支付")
    payment_standard: str = Field(description="医保支付标准 (谈判 / 竞价药品；* 为企业申请保密)")
    negotiated: bool = Field(description="协议期内谈判药品或竞价药品")
    agreement_period: str
    agreement_start: dt.date | None
    agreement_end: dt.date | None
    preselfpay: PreSelfPayRead | None = Field(description="乙类药品的先行自付比例；甲类为 0，中药饮片按各地规定")


class SearchHitRead(BaseModel):
    entry: EntryRead
    score: float
    reason: str = Field(description="name / brand / pinyin / initials / group / homophone / typo")


class UnderstoodRead(BaseModel):
    text: str = Field(description="规范化后的查询")
    brand: str | None
    generic_name: str | None
    dosage_form_word: str | None
    dosage_forms: list[str]
    group: str | None = Field(description="俗称的一类药 (如 降压药)")
    classes: list[str]
    notes: list[str]


class GroupRead(BaseModel):
    """One generic name with every dosage form the catalogue lists for it (each its own entry: class, ratio …)."""

    name: str = Field(description="通用名 (中药饮片为饮片名)")
    entry_type: Literal["drug", "herbal_piece"]
    kind: str
    category_name: str
    classes: list[str] = Field(description="各剂型的甲 / 乙类别 (去重)")
    dosage_forms: list[str] = Field(description="目录中该通用名的剂型，按目录顺序")
    score: float = Field(description="该通用名最佳命中的得分")
    reason: str
    forms: list[EntryRead]


class SearchRead(BaseModel):
    query: str
    understood: UnderstoodRead
    results: list[SearchHitRead] = Field(description="逐条目的命中 (同一通用名的不同剂型各占一条)")
    groups: list[GroupRead] = Field(description="按通用名合并的答案：每个通用名一条，列出其全部剂型")


class DrugCodeRead(BaseModel):
    code: str
    kind: str = Field(description="X 西药 / Z 中成药")
    class_code: str
    generic_code: str
    form_code: str = Field(description="剂型 (中成药为空：剂型在名称中)")
    spec_code: str
    pack_code: str
    maker_code: str
    identity: str = Field(description="同一药品 (任一企业、任一包装) 的代码前缀")
    catalogue_class: str
    rules: list[RestrictionRead] = Field(description="列出此产品的支付规则")


class SameDrugRead(BaseModel):
    code: DrugCodeRead
    same_specification_only: bool
    total: int
    codes: list[str]


class ConsumableCodeRead(BaseModel):
    code: str
    level1: str
    level2: str
    level3: str
    generic_code: str
    material_code: str
    feature_code: str
    maker_code: str
    spec_code: str
    class_part: str = Field(description="前 20 位分类部分")
    group: str = Field(description="同类耗材 (任一企业) 的代码前缀：前 15 位")


class ConsumableRead(BaseModel):
    code: str
    name: str
    specification: str
    maker_name: str
    source: str


class SameConsumableRead(BaseModel):
    code: ConsumableCodeRead
    total: int
    items: list[ConsumableRead]


class CatalogueStatsRead(BaseModel):
    drugs: int
    herbal_pieces: int
    drug_rules: int
    drug_products: int
    consumables: int
