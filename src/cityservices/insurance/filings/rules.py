"""The filing rules as data (``data/qingdao/insurance/filings/``): the four categories with their documents,
validity, change / cancellation rules and minimum stay; emergency treatment deemed filed; filing before
discharge; what happens to unfiled treatment; the province codes a treatment place may name.

Every category carries its source and ``verified`` (false: shown as 示例参数，未经核实)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cityservices.insurance.vocabulary import EXAMPLE_MARK, ElsewhereKind

DATA_DIR: Final = Path(__file__).resolve().parents[4] / "data" / "qingdao" / "insurance" / "filings"
CategoryCode = Literal["long_term_residence", "work_elsewhere", "referral", "temporary"]
CATEGORY_CODES: Final[tuple[CategoryCode, ...]] = ("long_term_residence", "work_elsewhere", "referral", "temporary")
QINGDAO: Final = "370200"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Strict):
    code: CategoryCode
    name: str
    term: Literal["long", "temporary"]
    elsewhere_kind: ElsewhereKind | None  # the engine's ratio reduction; None: the insured place's normal ratio
    documents: list[list[str]] = Field(min_length=1)  # any one of these sets of document kinds suffices
    validity_months: int | None = Field(ge=1, le=60)  # None: valid until cancelled
    min_stay_months: int = Field(ge=0, le=24)  # before a change or cancellation
    change_rule: str
    cancel_rule: str
    source: str
    verified: bool
    note: str = ""

    @property
    def marking(self) -> str:
        return "" if self.verified else EXAMPLE_MARK


class Emergency(_Strict):
    med_types: list[str]
    elsewhere_kind: ElsewhereKind
    source: str
    verified: bool


class BeforeDischarge(_Strict):
    max_days_before_today: int = Field(ge=1, le=366)
    source: str
    verified: bool
    note: str = ""


class Unfiled(_Strict):
    direct_settlement: bool
    reimburse_as: ElsewhereKind
    source: str
    verified: bool


class FilingRules(_Strict):
    version: str
    region: str = Field(pattern=r"^\d{6}$")
    provenance: str
    categories: list[Category]
    documents: dict[str, str]
    emergency: Emergency
    before_discharge: BeforeDischarge
    unfiled: Unfiled
    max_days_ahead: int = Field(ge=1, le=366)

    @model_validator(mode="after")
    def _complete(self) -> FilingRules:
        if tuple(c.code for c in self.categories) != CATEGORY_CODES:
            raise ValueError(f"categories must be exactly {CATEGORY_CODES} in that order")
        for category in self.categories:
            unknown = {kind for option in category.documents for kind in option} - set(self.documents)
            if unknown:
                raise ValueError(f"{category.code}: unknown document kinds {sorted(unknown)}")
        return self

    def category(self, code: str) -> Category:
        return next(c for c in self.categories if c.code == code)


class Regions(_Strict):
    source: str
    provinces: dict[str, str]


@lru_cache(maxsize=1)
def filing_rules() -> FilingRules:
    return FilingRules.model_validate(json.loads((DATA_DIR / "filing_rules.json").read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def regions() -> Regions:
    return Regions.model_validate(json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8")))


def region_prefix(admdvs: str) -> str:
    """``110000`` → ``11``, ``440300`` → ``4403``: the codes a filing to ``admdvs`` covers start with this."""
    prefix = admdvs
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


def region_name(admdvs: str) -> str | None:
    """The province's name for a treatment-place code, or None when the province is unknown."""
    return regions().provinces.get(admdvs[:2])
