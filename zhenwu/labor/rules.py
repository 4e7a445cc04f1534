"""Pure rules of the labour module (no Django): resident IDs as the 人社 rosters hold them,
skill-level names, destination classes. Exhaustively unit-tested in tests/test_rules.py.

- A 15-digit first-generation ID (all digits, birth year 19YY) is converted to 18 digits
  (GB 11643-1999 Appendix: insert "19" before the birth year, append the MOD 11-2 check
  character); everything else is validated by the platform's validator (`core.idnumbers`).
- Sex and birth date are *derived* from the ID (17th digit odd = 男, even = 女).
- An ID that Excel turned into a number (4.21081E+17) has lost its last digits: it is reported,
  never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhenwu.core.idnumbers import (
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_gender,
    validate_resident_id,
)

MANGLED_MESSAGE = (
    "身份证号码被Excel转换成了科学计数法（{shown}），后几位已经丢失，无法还原；"
    "请将该列设为文本后重新录入"
)
_SCI = re.compile(r"^[+-]?\d+(\.\d*)?[eE][+-]?\d+$")
MIN_WORKING_AGE = 16
# 工种 every town starts with (the migration seeds its own frozen copy of this list; the demo
# re-creates them after a test run has emptied the table).
STANDARD_TRADES = ("防水工", "保温工", "瓦工", "木工", "钢筋工", "架子工", "电工", "焊工", "其他")


def convert_15_to_18(id15: str) -> str:
    """A first-generation 15-digit ID as its 18-digit equivalent (births 1900–1999)."""
    n = unicodedata.normalize("NFKC", str(id15)).strip()
    if len(n) != 15 or not n.isascii() or not n.isdigit():
        raise ValueError("需要15位数字")
    first17 = n[:6] + "19" + n[6:]
    return first17 + resident_id_check_char(first17)


def excel_mangled(value) -> str | None:
    """The cell as shown if it is an ID Excel stored as a number with lost digits, else None.

    Numbers of 16 digits or more cannot hold an 18-digit ID exactly (Excel keeps 15
    significant digits), and text like "4.21081E+17" is what such a cell looks like after a
    copy or a CSV export."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        if value == value and abs(value) >= 1e15:  # not NaN, 16 digits or more
            return f"{float(value):.5E}"
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _SCI.match(text):
        return text
    return None


@dataclass
class IdCheck:
    valid: bool
    normalized: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    converted_from_15: bool = False


def check_resident_id(value, today: date | None = None) -> IdCheck:
    """Validate an ID as typed or imported: Excel-mangled numbers are an error naming the
    cause, 15-digit IDs are converted, the rest goes through GB 11643 validation."""
    shown = excel_mangled(value)
    if shown is not None:
        return IdCheck(False, str(value), [MANGLED_MESSAGE.format(shown=shown)])
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        value = str(int(value)) if value == value and value == int(value) else str(value)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))
    converted = False
    if len(text) == 15 and text.isascii() and text.isdigit():
        try:
            date(1900 + int(text[6:8]), int(text[8:10]), int(text[10:12]))
        except ValueError:
            shown = f"19{text[6:8]}年{text[8:10]}月{text[10:12]}日"
            return IdCheck(False, text, [f"15位身份证号码中的出生日期 {shown} 不是有效日期"])
        text = convert_15_to_18(text)
        converted = True
    result = validate_resident_id(text, today=today)
    return IdCheck(result.valid, result.normalized, result.errors, result.warnings, converted)


def derive_sex(resident_id: str) -> str | None:
    """ "M" or "F" from the 17th digit (None when unreadable)."""
    g = resident_id_gender(resident_id)
    return {"男": "M", "女": "F"}.get(g or "")


def derive_birth_date(resident_id: str) -> date | None:
    return resident_id_birth_date(resident_id)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


SEX_WORDS = {"男": "M", "女": "F", "m": "M", "f": "F", "男性": "M", "女性": "F"}

# 国家职业资格五级体系: both namings, as 人社 rosters write them.
SKILL_LEVEL_SYNONYMS = {
    "初级工": "5",
    "初级": "5",
    "五级": "5",
    "5级": "5",
    "初级工/五级": "5",
    "五级/初级工": "5",
    "中级工": "4",
    "中级": "4",
    "四级": "4",
    "4级": "4",
    "中级工/四级": "4",
    "四级/中级工": "4",
    "高级工": "3",
    "高级": "3",
    "三级": "3",
    "3级": "3",
    "高级工/三级": "3",
    "三级/高级工": "3",
    "技师": "2",
    "二级": "2",
    "2级": "2",
    "技师/二级": "2",
    "二级/技师": "2",
    "高级技师": "1",
    "一级": "1",
    "1级": "1",
    "高级技师/一级": "1",
    "一级/高级技师": "1",
}

DESTINATION_SYNONYMS = {
    "镇内": "town",
    "本镇内": "town",
    "南口镇": "town",
    "县内": "county",
    "市内": "county",
    "本市": "county",
    "本县": "county",
    "石首市内": "county",
    "省内": "province",
    "本省": "province",
    "省内市外": "province",
    "省外": "other_province",
    "外省": "other_province",
    "国外": "abroad",
    "境外": "abroad",
    "出国": "abroad",
    "国（境）外": "abroad",
}

OUTSIDE_PROVINCE = ("other_province", "abroad")


def share(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with one decimal (None when whole is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
