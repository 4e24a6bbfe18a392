"""Tables of the national catalogue: drugs (the 2024 edition), herbal pieces, the drug payment rules with the
products (national drug codes) they cover, and consumables. Codes are stored whole and split into their
segments (``codes.py``), indexed where "the same drug / the same consumable class" is asked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

INSURANCE_CLASSES = {"甲": "01", "乙": "02", "丙": "03"}  # the national chrgitm_lv codes
SECTIONS = ("西药", "中成药", "协议期内谈判药品(西药)", "协议期内谈判药品(中成药)", "竞价药品")


class CatalogueDrug(Base):
    """One row of the 2024 national drug catalogue (a drug in a dosage form, in one section)."""

    __tablename__ = "insurance_drugs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # section prefix-number-ordinal, e.g. XY-0003-2
    section: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(1))  # X 西药 / Z 中成药
    category_l1_code: Mapped[str] = mapped_column(String(8))
    category_l1_name: Mapped[str] = mapped_column(Text)
    category_code: Mapped[str] = mapped_column(String(12), index=True)
    category_name: Mapped[str] = mapped_column(Text)
    number: Mapped[int] = mapped_column(Integer)
    is_repeat_entry: Mapped[bool] = mapped_column(Boolean)
    insurance_class: Mapped[str] = mapped_column(String(1))  # 甲 / 乙
    name: Mapped[str] = mapped_column(Text, index=True)
    dosage_form: Mapped[str] = mapped_column(Text)
    remarks: Mapped[str] = mapped_column(Text)  # 备注: 限定支付范围
    payment_standard: Mapped[str] = mapped_column(Text)
    agreement_period: Mapped[str] = mapped_column(Text)
    agreement_start: Mapped[dt.date | None] = mapped_column(Date)
    agreement_end: Mapped[dt.date | None] = mapped_column(Date)
    negotiated: Mapped[bool] = mapped_column(Boolean)
    source_page: Mapped[int] = mapped_column(Integer)
    pinyin: Mapped[str] = mapped_column(Text)  # toneless full pinyin of the name (the national `pinyin` mnemonic)
    initials: Mapped[str] = mapped_column(String(64))


class HerbalPiece(Base):
    """A 中药饮片 payable under the fund."""

    __tablename__ = "insurance_herbal_pieces"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    not_payable_when_used_alone: Mapped[bool] = mapped_column(Boolean)
    pinyin: Mapped[str] = mapped_column(Text)
    initials: Mapped[str] = mapped_column(String(64))


class DrugPaymentRule(Base):
    """An NHSA rule-library drug rule (限定性别 / 年龄 / 机构等级 / 就医方式 / 支付疗程 / 保险类型)."""

    __tablename__ = "insurance_drug_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(8))
    generic_name: Mapped[str] = mapped_column(Text, index=True)
    description: Mapped[str] = mapped_column(Text)
    rule_type: Mapped[str] = mapped_column(String(16))
    restricted_to: Mapped[str] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(Text)
    drug_id: Mapped[int | None] = mapped_column(ForeignKey("insurance_drugs.id", ondelete="SET NULL"), index=True)


class DrugProduct(Base):
    """A product (national drug code) covered by a payment rule, split into its segments."""

    __tablename__ = "insurance_drug_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("insurance_drug_rules.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(23), index=True)
    kind: Mapped[str] = mapped_column(String(1))
    class_code: Mapped[str] = mapped_column(String(5))
    generic_code: Mapped[str] = mapped_column(String(5))
    form_code: Mapped[str] = mapped_column(String(4))
    spec_code: Mapped[str] = mapped_column(String(2))
    pack_code: Mapped[str] = mapped_column(String(2))
    maker_code: Mapped[str] = mapped_column(String(5))
    identity: Mapped[str] = mapped_column(String(16), index=True)  # the same drug from any maker, in any pack


class Consumable(Base):
    """A medical consumable with its 27-character national code (no public list is bundled: loaded by staff)."""

    __tablename__ = "insurance_consumables"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(27), unique=True)
    name: Mapped[str] = mapped_column(Text)
    class_part: Mapped[str] = mapped_column(String(20), index=True)
    group_code: Mapped[str] = mapped_column(String(15), index=True)  # the same consumable class, any maker
    maker_code: Mapped[str] = mapped_column(String(5))
    spec_code: Mapped[str] = mapped_column(String(7))
    specification: Mapped[str] = mapped_column(Text)
    maker_name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
