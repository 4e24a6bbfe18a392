"""The national drug-code and consumables-code structures: segments, and errors naming the wrong segment."""

from __future__ import annotations

import csv

import pytest

from cityservices.insurance.catalogue import CATALOGUE_DIR
from cityservices.insurance.catalogue.codes import (
    CodeError,
    consumable_class_prefix,
    parse_consumable_code,
    parse_drug_code,
)


def test_western_drug_code_segments() -> None:
    code = parse_drug_code("xa01abd075a002010100483 ")
    assert (code.kind, code.class_code, code.generic_code, code.form_code) == ("X", "A01AB", "D075", "A002")
    assert (code.spec_code, code.pack_code, code.maker_code) == ("01", "01", "00483")
    assert code.identity == "XA01ABD075A002"
    assert code.identity_with_spec == "XA01ABD075A00201"
    assert code.catalogue_class == "XA01AB"


def test_patent_chinese_medicine_code_has_no_dosage_form_segment() -> None:
    code = parse_drug_code("ZA04CAE0023010100166")
    assert (code.class_code, code.generic_code, code.form_code) == ("A04CA", "E0023", "")
    assert (code.spec_code, code.pack_code, code.maker_code) == ("01", "01", "00166")
    assert code.identity == "ZA04CAE0023"


@pytest.mark.parametrize(
    ("code", "segment"),
    [
        ("", "code"),
        ("YA01ABD075A002010100483", "kind"),
        ("XA01ABD075A00201010048", "length"),
        ("ZA04CAE002301010016", "length"),
        ("X101ABD075A002010100483", "class_code"),
        ("XA01AB1075A002010100483", "generic_code"),
        ("XA01ABD075AA02010100483", "form_code"),
        ("XA01ABD075A0020X0100483", "spec_code"),
        ("XA01ABD075A00201X100483", "pack_code"),
        ("XA01ABD075A00201010048X", "maker_code"),
        ("ZA04CAEX023010100166", "generic_code"),
    ],
)
def test_a_wrong_drug_code_names_its_segment(code: str, segment: str) -> None:
    with pytest.raises(CodeError) as caught:
        parse_drug_code(code)
    assert caught.value.segment == segment
    assert caught.value.label in str(caught.value)


def test_every_bundled_product_code_parses_and_begins_with_a_catalogue_class() -> None:
    with (CATALOGUE_DIR / "drug_rule_product_codes.csv").open(encoding="utf-8") as handle:
        codes = [row["national_drug_code"] for row in csv.DictReader(handle)]
    assert len(codes) == 13827
    kinds = {parse_drug_code(code).kind for code in codes}
    assert kinds == {"X", "Z"}


def test_consumable_code_class_part_and_specification() -> None:
    code = parse_consumable_code("C0301010010000100001AB12345")
    assert (code.level1, code.level2, code.level3) == ("03", "01", "01")
    assert (code.generic_code, code.material_code, code.feature_code) == ("001", "00", "001")
    assert code.maker_code == "00001"
    assert code.spec_code == "AB12345"
    assert code.class_part == "C0301010010000100001"
    assert code.group == "C03010100100001"
    assert consumable_class_prefix("C0301010010000100001") == code.group


@pytest.mark.parametrize(
    ("code", "segment"),
    [
        ("C03010100100001000012345", "length"),
        ("D0301010010000100001AB12345", "kind"),
        ("C0X01010010000100001AB12345", "level1"),
        ("C030101001000010000XAB12345", "maker_code"),
        ("C0301010010000100001ab-2345", "spec_code"),
    ],
)
def test_a_wrong_consumable_code_names_its_segment(code: str, segment: str) -> None:
    with pytest.raises(CodeError) as caught:
        parse_consumable_code(code)
    assert caught.value.segment == segment
