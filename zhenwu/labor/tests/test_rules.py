"""Pure rules: resident IDs as rosters hold them (15 → 18, Excel-mangled numbers, sex and
birth date derived), skill-level names, shares."""

from datetime import date
from decimal import Decimal

import pytest

from zhenwu.core.idnumbers import validate_resident_id
from zhenwu.labor import rules
from zhenwu.labor.tests.helpers import rid


def test_convert_15_to_18_inserts_century_and_check_digit():
    # GB 11643 appendix example family: 15-digit 340524800101001 → 34052419800101001X
    assert rules.convert_15_to_18("340524800101001") == "34052419800101001X"
    out = rules.convert_15_to_18("421081850612123")
    assert out.startswith("42108119850612123") and len(out) == 18
    assert validate_resident_id(out).valid


@pytest.mark.parametrize("bad", ["42108185061212", "4210818506121234", "42108185061212X", ""])
def test_convert_15_to_18_refuses_other_shapes(bad):
    with pytest.raises(ValueError):
        rules.convert_15_to_18(bad)


def test_check_converts_15_digit_text_and_number():
    for value in ("421081850612123", 421081850612123, 421081850612123.0):
        check = rules.check_resident_id(value)
        assert check.valid and check.converted_from_15, value
        assert check.normalized == rules.convert_15_to_18("421081850612123")


def test_check_15_digit_with_impossible_date():
    check = rules.check_resident_id("421081850230123")  # 1985-02-30
    assert not check.valid and "1985年02月30日" in check.errors[0]


@pytest.mark.parametrize(
    "value", [4.21081e17, 421081198506121234, 4.2108119850612e17, "4.21081E+17", "4.21081e+17 "]
)
def test_excel_mangled_ids_are_reported_never_guessed(value):
    check = rules.check_resident_id(value)
    assert not check.valid
    assert "科学计数法" in check.errors[0] and "请将该列设为文本后重新录入" in check.errors[0]


def test_excel_mangled_shows_the_cell_as_excel_does():
    assert rules.excel_mangled(421081198506121234.0) == "4.21081E+17"
    assert rules.excel_mangled("421081198506121234") is None  # text keeps every digit
    assert rules.excel_mangled(421081850612123) is None  # 15 digits fit in a number
    assert rules.excel_mangled(True) is None


def test_check_18_digit_errors_come_from_the_platform_validator():
    good = rid("19850612")
    assert rules.check_resident_id(good).valid
    assert rules.check_resident_id(good.lower()).valid
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位错误" in rules.check_resident_id(wrong).errors[0]
    impossible = "421081" + "19850230" + "123"
    impossible += "0"  # any check character: the date is reported first
    errors = rules.check_resident_id(impossible).errors
    assert any("不是有效日期" in e for e in errors)
    assert rules.check_resident_id(" 4210 81").errors[0].startswith("身份证号码应为18位")


def test_sex_and_birth_are_derived_from_the_id():
    male = rid("19700101", male=True)
    female = rid("20000229", male=False)
    assert rules.derive_sex(male) == "M" and rules.derive_sex(female) == "F"
    assert rules.derive_birth_date(female) == date(2000, 2, 29)
    assert rules.derive_sex("garbage") is None and rules.derive_birth_date("") is None


def test_age_on_birthday_edges():
    assert rules.age_on(date(2000, 2, 29), date(2016, 2, 28)) == 15
    assert rules.age_on(date(2000, 2, 29), date(2016, 3, 1)) == 16
    assert rules.age_on(date(1990, 6, 1), date(2025, 6, 1)) == 35


def test_skill_level_synonyms_cover_both_namings():
    pairs = {"初级工": "5", "五级": "5", "中级工": "4", "四级": "4", "高级工": "3", "三级": "3",
             "技师": "2", "二级": "2", "高级技师": "1", "一级": "1"}  # fmt: skip
    for word, level in pairs.items():
        assert rules.SKILL_LEVEL_SYNONYMS[word] == level


def test_share():
    assert rules.share(0, 0) is None
    assert rules.share(1, 3) == Decimal("33.3")
    assert rules.share(2, 2) == Decimal("100.0")
