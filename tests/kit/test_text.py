from __future__ import annotations

from cityservices.kit.text import fuzzy, is_han, normalize_text, syllables


def test_normalize_folds_width_script_and_case() -> None:
    assert normalize_text("ＡＢＣ　阿莫西林膠囊！") == "abc 阿莫西林胶囊"


def test_syllables_one_per_han_character_others_kept() -> None:
    assert syllables("硝苯地平a") == ["xiao", "ben", "di", "ping", "a"]


def test_fuzzy_folds_regional_confusions() -> None:
    assert fuzzy("zhong") == "zong"
    assert fuzzy("nian") == "lian"
    assert fuzzy("ping") == fuzzy("pin")
    assert is_han("药")
    assert not is_han("a")
