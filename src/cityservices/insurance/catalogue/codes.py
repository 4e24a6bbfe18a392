"""The national medical-insurance code structures, parsed into their segments (docs/insurance-catalogue.md).

Drug codes (医保药品分类与代码): Western medicine (X) 23 characters = kind 1 + class 5 + generic name 4 +
dosage form 4 + specification 2 + packaging 2 + maker 5; Chinese patent medicine (Z) 20 characters = kind 1 +
class 5 + generic name 5 + specification 2 + packaging 2 + maker 5 (the dosage form is part of a 中成药's
name). Consumables codes (医保医用耗材分类与代码): 27 characters = a 20-character classification part (C + three
2-digit class levels + generic name 3 + material 2 + feature 3 + maker 5) + a 7-character specification/model.

"The same drug from any maker, in any pack" is the drug's identity prefix (kind, class, generic name, dosage
form); "the same consumable class" is the first 20 characters without the maker (the first 15).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (segment, width, pattern, Chinese label)
DRUG_X_SEGMENTS = (
    ("kind", 1, r"X", "药品类别"),
    ("class_code", 5, r"[A-Z][0-9]{2}[A-Z]{2}", "分类"),
    ("generic_code", 4, r"[A-Z][0-9]{3}", "通用名"),
    ("form_code", 4, r"[A-Z][0-9]{3}", "剂型"),
    ("spec_code", 2, r"[0-9]{2}", "规格"),
    ("pack_code", 2, r"[0-9]{2}", "包装"),
    ("maker_code", 5, r"[0-9]{5}", "生产企业"),
)
DRUG_Z_SEGMENTS = (
    ("kind", 1, r"Z", "药品类别"),
    ("class_code", 5, r"[A-Z][0-9]{2}[A-Z]{2}", "分类"),
    ("generic_code", 5, r"[A-Z][0-9]{4}", "通用名"),
    ("spec_code", 2, r"[0-9]{2}", "规格"),
    ("pack_code", 2, r"[0-9]{2}", "包装"),
    ("maker_code", 5, r"[0-9]{5}", "生产企业"),
)
CONSUMABLE_SEGMENTS = (
    ("kind", 1, r"C", "耗材标识"),
    ("level1", 2, r"[0-9]{2}", "一级分类"),
    ("level2", 2, r"[0-9]{2}", "二级分类"),
    ("level3", 2, r"[0-9]{2}", "三级分类"),
    ("generic_code", 3, r"[0-9]{3}", "通用名"),
    ("material_code", 2, r"[0-9]{2}", "材质"),
    ("feature_code", 3, r"[0-9]{3}", "特征"),
    ("maker_code", 5, r"[0-9]{5}", "生产企业"),
    ("spec_code", 7, r"[0-9A-Z]{7}", "规格型号"),
)
DRUG_X_LENGTH = sum(width for _, width, _, _ in DRUG_X_SEGMENTS)  # 23
DRUG_Z_LENGTH = sum(width for _, width, _, _ in DRUG_Z_SEGMENTS)  # 20
CONSUMABLE_LENGTH = sum(width for _, width, _, _ in CONSUMABLE_SEGMENTS)  # 27
CONSUMABLE_CLASS_LENGTH = 20
CONSUMABLE_GROUP_LENGTH = 15  # the classification part without the maker: "the same consumable class"


class CodeError(ValueError):
    """A code that does not have the national structure; ``segment`` names the part that is wrong."""

    def __init__(self, code: str, segment: str, label: str, message: str) -> None:
        super().__init__(f"{label}({segment}): {message}")
        self.code = code
        self.segment = segment
        self.label = label
        self.message = message


@dataclass(frozen=True)
class DrugCode:
    code: str
    kind: str  # X 西药 / Z 中成药
    class_code: str
    generic_code: str
    form_code: str  # "" for 中成药 (the form is in the name)
    spec_code: str
    pack_code: str
    maker_code: str

    @property
    def identity(self) -> str:
        """Kind + class + generic name (+ dosage form): the same drug from any maker, in any pack."""
        return self.kind + self.class_code + self.generic_code + self.form_code

    @property
    def identity_with_spec(self) -> str:
        """The same drug in the same specification, from any maker and in any pack."""
        return self.identity + self.spec_code

    @property
    def catalogue_class(self) -> str:
        """The catalogue's class code (e.g. XA02BC), which the code begins with."""
        return self.kind + self.class_code


@dataclass(frozen=True)
class ConsumableCode:
    code: str
    level1: str
    level2: str
    level3: str
    generic_code: str
    material_code: str
    feature_code: str
    maker_code: str
    spec_code: str

    @property
    def class_part(self) -> str:
        """The 20-character classification part (with the maker)."""
        return self.code[:CONSUMABLE_CLASS_LENGTH]

    @property
    def group(self) -> str:
        """Class levels + generic name + material + feature: the same consumable class from any maker."""
        return self.code[:CONSUMABLE_GROUP_LENGTH]


def _split(code: str, segments: tuple[tuple[str, int, str, str], ...]) -> dict[str, str]:
    parts: dict[str, str] = {}
    at = 0
    for name, width, pattern, label in segments:
        piece = code[at : at + width]
        if not re.fullmatch(pattern, piece):
            raise CodeError(code, name, label, f"第 {at + 1}–{at + width} 位应为 {_describe(pattern)}，实为“{piece}”")
        parts[name] = piece
        at += width
    return parts


def _describe(pattern: str) -> str:
    return (
        pattern.replace("[A-Z]", "大写字母")
        .replace("[0-9]", "数字")
        .replace("[0-9A-Z]", "数字或大写字母")
        .replace("{2}", "×2")
        .replace("{3}", "×3")
        .replace("{4}", "×4")
        .replace("{5}", "×5")
        .replace("{7}", "×7")
    )


def normalise_code(code: str) -> str:
    return code.strip().upper()


def parse_drug_code(code: str) -> DrugCode:
    """Split a national drug code into its segments; ``CodeError`` names the first wrong segment."""
    code = normalise_code(code)
    if not code:
        raise CodeError(code, "code", "药品代码", "为空")
    if code[0] not in "XZ":
        raise CodeError(code, "kind", "药品类别", f"首位应为 X(西药) 或 Z(中成药)，实为“{code[0]}”")
    expected = DRUG_X_LENGTH if code[0] == "X" else DRUG_Z_LENGTH
    if len(code) != expected:
        raise CodeError(
            code,
            "length",
            "长度",
            f"{'西药' if code[0] == 'X' else '中成药'}代码应为 {expected} 位，实为 {len(code)} 位",
        )
    parts = _split(code, DRUG_X_SEGMENTS if code[0] == "X" else DRUG_Z_SEGMENTS)
    return DrugCode(
        code=code,
        kind=parts["kind"],
        class_code=parts["class_code"],
        generic_code=parts["generic_code"],
        form_code=parts.get("form_code", ""),
        spec_code=parts["spec_code"],
        pack_code=parts["pack_code"],
        maker_code=parts["maker_code"],
    )


def parse_consumable_code(code: str) -> ConsumableCode:
    """Split a 27-character consumables code; ``CodeError`` names the first wrong segment."""
    code = normalise_code(code)
    if len(code) != CONSUMABLE_LENGTH:
        raise CodeError(code, "length", "长度", f"耗材代码应为 {CONSUMABLE_LENGTH} 位，实为 {len(code)} 位")
    parts = _split(code, CONSUMABLE_SEGMENTS)
    return ConsumableCode(code=code, **{k: v for k, v in parts.items() if k != "kind"})


def consumable_class_prefix(text: str) -> str:
    """A full code or its class part (15 or 20 characters) → the group prefix of "the same consumable class"."""
    text = normalise_code(text)
    if len(text) in (CONSUMABLE_GROUP_LENGTH, CONSUMABLE_CLASS_LENGTH):
        text = text + "0" * (CONSUMABLE_LENGTH - len(text))
        return parse_consumable_code(text).group
    return parse_consumable_code(text).group
