"""Tests for zhenwu.core.idnumbers (no database needed)."""

from __future__ import annotations

from datetime import date

import pytest

from zhenwu.core.idnumbers import (
    USCC_CATEGORIES,
    ValidationResult,
    mask_phone,
    mask_resident_id,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_gender,
    uscc_check_char,
    validate_resident_id,
    validate_uscc,
)

TODAY = date(2025, 6, 1)


def ric(first17: str) -> str:
    """Independent ISO 7064 MOD 11-2 reference, closed form from domain-rules §2.2."""
    return "0123456789X"[(1 - 2 * int(first17, 13)) % 11]


def uscc_ref(first17: str) -> str:
    """Independent GB 32100 reference implementation."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    s = sum(alphabet.index(c) * (3**i % 31) for i, c in enumerate(first17))
    return alphabet[(31 - s % 31) % 31]


# --------------------------------------------------------------------------- resident ID


def test_check_char_reference():
    for p in ("42108119600101001", "11010519491231002", "42240219880315123", "99000019800101001"):
        assert resident_id_check_char(p) == ric(p)
    with pytest.raises(ValueError):
        resident_id_check_char("4210811960010100")


@pytest.mark.parametrize(
    "value",
    [
        "421081196001010011",  # Shishou current code, born 1960 (stdnum 2.2 rejects this)
        "422402198803151234",  # Shishou 1986–94 code
        "422424195607080023",  # 石首县 before 1986
        "11010519491231002X",
        "421081196002290019",  # 1960 is a leap year
        "421081200002290026",  # 2000 is a leap year
        "421081190001010014",  # 1900-01-01 is the earliest accepted
    ],
)
def test_valid_resident_ids(value):
    r = validate_resident_id(value, today=TODAY)
    assert r.valid, r.errors
    assert r.errors == []
    assert r.warnings == []
    assert r.normalized == value


def test_result_type():
    r = validate_resident_id("421081196001010011", today=TODAY)
    assert isinstance(r, ValidationResult)
    assert r == ValidationResult(True, [], [], "421081196001010011")


def test_lowercase_x_and_spaces_normalised():
    r = validate_resident_id(" 110105 19491231 002x ", today=TODAY)
    assert r.valid
    assert r.normalized == "11010519491231002X"
    # full-width digits pasted from a Word document
    r = validate_resident_id("４２１０８１１９６００１０１００１１", today=TODAY)
    assert r.valid
    assert r.normalized == "421081196001010011"


def test_wrong_check_digit_names_expected_char():
    r = validate_resident_id("421081196001010012", today=TODAY)
    assert not r.valid
    assert r.errors == ["校验位错误：应为 1，实为 2"]
    r = validate_resident_id("110105194912310021", today=TODAY)
    assert r.errors == ["校验位错误：应为 X，实为 1"]


def test_fifteen_digit_rejected_with_explanation():
    r = validate_resident_id("421081600101001", today=TODAY)
    assert not r.valid
    assert r.errors == ["身份证号码应为18位（15位一代证已于2013年停用），请使用新证号码"]


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty(value):
    r = validate_resident_id(value, today=TODAY)  # type: ignore[arg-type]
    assert not r.valid
    assert r.errors == ["身份证号码为空"]


def test_wrong_length():
    r = validate_resident_id("42108119600101001", today=TODAY)
    assert r.errors == ["身份证号码应为18位，实为17位"]
    r = validate_resident_id("4210811960010100111", today=TODAY)
    assert r.errors == ["身份证号码应为18位，实为19位"]


def test_letters_rejected():
    r = validate_resident_id("42108119600101A011", today=TODAY)
    assert not r.valid
    assert r.errors == ["身份证号码前17位只能是数字：第15位「A」无效"]
    r = validate_resident_id("4210811960010100 1Y".replace(" ", ""), today=TODAY)
    assert "第18位校验位只能是数字或X，实为「Y」" in r.errors
    r = validate_resident_id("42A08119600101001X", today=TODAY)
    assert "地址码「42A081」应为6位数字" in r.errors


def test_feb_29_non_leap_year():
    r = validate_resident_id("421081196102290016", today=TODAY)  # 1961 not a leap year
    assert not r.valid
    assert r.errors == ["出生日期 1961年02月29日 不是有效日期"]
    r = validate_resident_id("421081190002290012", today=TODAY)  # 1900 not a leap year
    assert "出生日期 1900年02月29日 不是有效日期" in r.errors


def test_invalid_month_message():
    p = "42108120251301001"
    r = validate_resident_id(p + ric(p), today=TODAY)
    assert r.errors == ["出生日期 2025年13月01日 不是有效日期"]
    p = "42108119800431001"
    r = validate_resident_id(p + ric(p), today=TODAY)
    assert r.errors == ["出生日期 1980年04月31日 不是有效日期"]


def test_future_birth_date():
    p = "42108120250602001"
    r = validate_resident_id(p + ric(p), today=TODAY)
    assert not r.valid
    assert r.errors == ["出生日期 2025年06月02日 晚于今天（2025年06月01日）"]
    p = "42108120250601001"  # born today is fine
    assert validate_resident_id(p + ric(p), today=TODAY).valid


def test_today_defaults_to_system_date():
    p = "42108199991231001"
    assert not validate_resident_id(p + ric(p)).valid
    assert validate_resident_id("421081196001010011").valid


def test_before_1900():
    r = validate_resident_id("42108118991231001X", today=TODAY)
    assert not r.valid
    assert r.errors == ["出生日期 1899年12月31日 早于1900年，请核对"]


def test_unknown_province_is_only_a_warning():
    r = validate_resident_id("990000198001010012", today=TODAY)
    assert r.valid
    assert r.warnings == ["地址码 990000 不是已知省级代码（前两位 99），请核对"]
    # Hong Kong / Macao / Taiwan residence permits are known prefixes
    for prefix in ("810000", "820000", "830000", "710000"):
        p = prefix + "19800101001"
        r = validate_resident_id(p + ric(p), today=TODAY)
        assert r.valid and r.warnings == [], prefix


def test_multiple_errors_reported_together():
    p = "99000020251301001"
    r = validate_resident_id(p + ("0" if ric(p) != "0" else "1"), today=TODAY)
    assert not r.valid
    assert len(r.errors) == 2
    assert r.errors[0].startswith("出生日期 2025年13月01日")
    assert r.errors[1].startswith("校验位错误")
    assert r.warnings


def test_birth_date_and_gender_helpers():
    assert resident_id_birth_date("421081196001010011") == date(1960, 1, 1)
    assert resident_id_gender("421081196001010011") == "男"  # 17th digit 1
    assert resident_id_gender("422424195607080023") == "女"  # 17th digit 2
    assert resident_id_gender("11010519491231002x") == "女"
    assert resident_id_birth_date(" 110105 19491231 002x") == date(1949, 12, 31)
    assert resident_id_birth_date("421081196102290016") is None
    assert resident_id_birth_date("421081600101001") is None
    assert resident_id_birth_date("") is None
    assert resident_id_gender("42108119600101A011") is None
    assert resident_id_gender(None) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------- USCC


def test_uscc_worked_example():
    assert uscc_check_char("91110108717743469") == "K"
    assert validate_uscc("91110108717743469K").valid


@pytest.mark.parametrize(
    "value",
    [
        "91110108551385082Q",
        "91110108717743469K",
        "N2421081MA4F3K2X1C",  # 村级集体经济组织 (stdnum rejects the N prefix)
        "N1421081MA4F3K3B88",  # 组级
        "N3421081MA49XX2L7L",  # 乡镇级
        "92421081MA4B5Q1C7E",  # 个体工商户
        "93421081MA4A6LUY2A",  # 农民专业合作社
        "52421081MJ12345617",  # 民办非企业单位
        "11100000000013100M",  # central-level 机关, region 100000
        "Y1421081MA4C0L7R8D",
        "914210815513819030",  # check sum 31 → written as "0"
    ],
)
def test_valid_uscc(value):
    assert uscc_ref(value[:17]) == value[17]
    r = validate_uscc(value)
    assert r.valid, r.errors
    assert r.warnings == [], r.warnings
    assert r.normalized == value


def test_check_31_written_as_zero():
    assert uscc_check_char("91421081551381903") == "0"


def test_uscc_lowercase_and_spaces_normalised():
    r = validate_uscc(" 9111 0108 5513 8508 2q ")
    assert r.valid
    assert r.normalized == "91110108551385082Q"
    r = validate_uscc("n2421081ma4f3k2x1c")
    assert r.valid
    assert r.normalized == "N2421081MA4F3K2X1C"


def test_uscc_wrong_check_char():
    r = validate_uscc("91110108551385082R")
    assert not r.valid
    assert r.errors == ["校验位错误：应为 Q，实为 R"]


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z"])
def test_uscc_forbidden_letters(bad):
    value = "91110108551385082" + bad
    r = validate_uscc(value)
    assert not r.valid
    assert r.errors == [
        f"统一社会信用代码含有不允许的字符：第18位「{bad}」（只用数字和大写字母，不用 I、O、S、V、Z）"
    ]
    r = validate_uscc(bad.lower() + "1110108551385082Q")
    assert not r.valid
    assert f"第1位「{bad}」" in r.errors[0]
    assert len(r.errors) == 1


@pytest.mark.parametrize(
    ("first2", "fragment"),
    [
        ("B1", "统一社会信用代码第1位登记管理部门代码「B」无效"),
        ("01", "统一社会信用代码第1位登记管理部门代码「0」无效"),
        ("X1", "统一社会信用代码第1位登记管理部门代码「X」无效"),
        ("94", "第2位机构类别代码「4」与登记管理部门「9 工商」不匹配"),
        ("99", "第2位机构类别代码「9」与登记管理部门「9 工商」不匹配"),
        ("54", "第2位机构类别代码「4」与登记管理部门「5 民政」不匹配"),
        ("N4", "第2位机构类别代码「4」与登记管理部门「N 农业」不匹配"),
        ("Y2", "第2位机构类别代码「2」与登记管理部门「Y 其他」不匹配"),
        ("A2", "第2位机构类别代码「2」与登记管理部门「A 中央军委改革和编制办公室」不匹配"),
        ("1A", "第2位机构类别代码「A」与登记管理部门「1 机构编制」不匹配"),
    ],
)
def test_uscc_bad_department_category(first2, fragment):
    p = first2 + "421081MA4F3K2X1"
    r = validate_uscc(p + uscc_ref(p))  # correct check char: only pos 1/2 are wrong
    assert not r.valid
    assert len(r.errors) == 1
    assert fragment in r.errors[0]


def test_uscc_category_message_lists_choices():
    p = "94421081MA4F3K2X1"
    r = validate_uscc(p + uscc_ref(p))
    assert r.errors[0].endswith("（可用：1 企业、2 个体工商户、3 农民专业合作社）")


def test_uscc_all_table_combinations_accepted():
    for dept, cats in USCC_CATEGORIES.items():
        for cat in cats:
            p = dept + cat + "421081MA4F3K2X1"
            r = validate_uscc(p + uscc_ref(p))
            assert r.valid, (dept, cat, r.errors)


def test_uscc_region_must_be_digits():
    p = "9142A081MA4F3K2X1"
    r = validate_uscc(p + uscc_ref(p))
    assert not r.valid
    assert r.errors == ["统一社会信用代码第3–8位登记管理机关行政区划码「42A081」应为6位数字"]


def test_uscc_unknown_region_is_warning():
    p = "91990000MA4F3K2X1"
    r = validate_uscc(p + uscc_ref(p))
    assert r.valid
    assert r.warnings == ["登记管理机关行政区划码 990000 不是已知省级代码，请核对"]


def test_uscc_legacy_org_code_check_is_warning():
    p = "91421081551385083"  # org code 55138508-3, should be -2
    r = validate_uscc(p + uscc_ref(p))
    assert r.valid
    assert len(r.warnings) == 1
    assert "55138508-3" in r.warnings[0]
    assert "应为 2" in r.warnings[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "统一社会信用代码为空"),
        ("9111010855138508", "统一社会信用代码应为18位，实为16位"),
        ("91110108551385082QQ", "统一社会信用代码应为18位，实为19位"),
    ],
)
def test_uscc_length(value, message):
    r = validate_uscc(value)
    assert not r.valid
    assert r.errors == [message]


def test_uscc_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        uscc_check_char("9111010855138508")
    with pytest.raises(ValueError):
        uscc_check_char("9111010855138508I")


# --------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("421081196001010011", "421081********0011"),
        ("11010519491231002x", "110105********002X"),
        (" 421081 19600101 0011 ", "421081********0011"),
        ("421081600101001", "421081*****1001"),
        ("12345678901", "123456*8901"),
        ("1234567890", "**********"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_resident_id(value, masked):
    assert mask_resident_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("008613812345678", "0086 138****5678"),
        ("0716-7654321", "071****4321"),
        ("12345678", "123*5678"),
        ("1234567", "*******"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked
