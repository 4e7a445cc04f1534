"""Validators for 公民身份号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

Pure functions, no Django imports. Messages are in Chinese, written for a township clerk.

Deliberately *not* built on ``stdnum.cn.ric.validate`` / ``stdnum.cn.uscc.validate`` (see
docs/domain-rules.md §2.3): python-stdnum 2.2 rejects valid Shishou residents whose address code
does not match the birth year (421081 for births before 1994, 422402/422424 otherwise), and it
rejects USCC codes whose first 8 characters are not all digits, e.g. 农村集体经济组织 ``N2421081…``.
Here the address / region code is only ever a *warning*.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "PROVINCE_CODES",
    "USCC_CATEGORIES",
    "USCC_DEPARTMENTS",
    "ValidationResult",
    "mask_phone",
    "mask_resident_id",
    "resident_id_birth_date",
    "resident_id_check_char",
    "resident_id_gender",
    "uscc_check_char",
    "validate_resident_id",
    "validate_uscc",
]


@dataclass
class ValidationResult:
    """Outcome of a validation.

    ``valid`` is True iff ``errors`` is empty; ``warnings`` never make a value invalid.
    ``normalized`` is the cleaned-up input (whitespace removed, full-width → half-width,
    upper case), returned even when invalid so the form can redisplay it.
    """

    valid: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    normalized: str = ""


def _normalize(value: str | None) -> str:
    """NFKC (full-width digits/letters → ASCII), drop all whitespace, upper-case."""
    if value is None:
        return ""
    s = str(value)
    if s.isascii() and s.isalnum():  # the usual case: nothing to normalise
        return s.upper()
    s = unicodedata.normalize("NFKC", s)
    return re.sub(r"\s+", "", s).upper()


def _fmt_date(y: str, m: str, d: str) -> str:
    return f"{y}年{m}月{d}日"


# --------------------------------------------------------------------------- 公民身份号码

#: Province-level prefixes of GB/T 2260 (incl. 71 台湾, 81 香港, 82 澳门, 83 港澳台居民居住证).
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:02d}"
    for n in [
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    ]
)

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"
_RIC_ZERO = 48 * sum(_RIC_WEIGHTS)
_EARLIEST_BIRTH = date(1900, 1, 1)


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("需要17位数字")
    # the digits' code points less 48 (ord("0")) for each weight, in C: no per-digit int()
    s = (sum(map(operator.mul, first17.encode(), _RIC_WEIGHTS)) - _RIC_ZERO) % 11
    return _RIC_CHECK[s]


def _parse_birth(n: str) -> date | None:
    try:
        return date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return None


def validate_resident_id(value: str, today: date | None = None) -> ValidationResult:
    """See `_validate_resident_id`; results are remembered per (value, today) — an import
    checks each ID in its cell and again in the model's rules — and handed out as copies."""
    try:
        valid, errors, warnings, n = _remembered_resident_id(value, today or date.today())
    except TypeError:  # an unhashable value
        return _validate_resident_id(value, today)
    return ValidationResult(valid, list(errors), list(warnings), n)


@functools.lru_cache(maxsize=65536)
def _remembered_resident_id(value, today):
    r = _validate_resident_id(value, today)
    return r.valid, tuple(r.errors), tuple(r.warnings), r.normalized


def _validate_resident_id(value: str, today: date | None = None) -> ValidationResult:
    """Validate an 18-character 公民身份号码 (GB 11643-1999).

    Errors: wrong length (15-digit first-generation cards are rejected), non-digits in the
    first 17 positions, a last character other than 0–9/X, a birth date that does not exist,
    lies in the future (relative to ``today``, default ``date.today()``) or before 1900, and a
    wrong ISO 7064 MOD 11-2 check character. Spaces are ignored and ``x`` is accepted as ``X``.

    The address code is only checked for being 6 digits; an unknown province prefix is a
    warning, because residents keep historic codes (e.g. 422402 / 422424 for Shishou before
    1994) for life.
    """
    n = _normalize(value)
    errors: list[str] = []
    warnings: list[str] = []
    if not n:
        return ValidationResult(False, ["身份证号码为空"], [], n)
    if len(n) != 18:
        if len(n) == 15 and n.isascii() and n.isdigit():
            errors.append("身份证号码应为18位（15位一代证已于2013年停用），请使用新证号码")
        else:
            errors.append(f"身份证号码应为18位，实为{len(n)}位")
        return ValidationResult(False, errors, warnings, n)

    head = n[:17]
    bad = (
        []
        if head.isascii() and head.isdigit()  # the usual case: no per-character scan
        else [f"第{i + 1}位「{c}」" for i, c in enumerate(head) if c not in "0123456789"]
    )
    if bad:
        errors.append("身份证号码前17位只能是数字：" + "、".join(bad) + "无效")
    last = n[17]
    if last not in "0123456789X":
        errors.append(f"第18位校验位只能是数字或X，实为「{last}」")

    area = n[:6]
    if area.isascii() and area.isdigit():
        if area[:2] not in PROVINCE_CODES:
            warnings.append(f"地址码 {area} 不是已知省级代码（前两位 {area[:2]}），请核对")
    else:
        errors.append(f"地址码「{area}」应为6位数字")

    ymd = n[6:14]
    if ymd.isascii() and ymd.isdigit():
        shown = _fmt_date(ymd[:4], ymd[4:6], ymd[6:8])
        birth = _parse_birth(n)
        if birth is None:
            errors.append(f"出生日期 {shown} 不是有效日期")
        else:
            ref = today if today is not None else date.today()
            if birth > ref:
                errors.append(
                    f"出生日期 {shown} 晚于今天（{ref.year}年{ref.month:02d}月{ref.day:02d}日）"
                )
            elif birth < _EARLIEST_BIRTH:
                errors.append(f"出生日期 {shown} 早于1900年，请核对")

    if not bad and last in "0123456789X":
        expected = resident_id_check_char(n[:17])
        if expected != last:
            errors.append(f"校验位错误：应为 {expected}，实为 {last}")

    return ValidationResult(not errors, errors, warnings, n)


def _ric_parts(value: str) -> str | None:
    n = _normalize(value)
    if len(n) != 18 or not n[:17].isascii() or not n[:17].isdigit():
        return None
    return n


def resident_id_birth_date(value: str) -> date | None:
    """Birth date encoded in an 18-character ID, or None if it cannot be read.

    Does not verify the check character: call :func:`validate_resident_id` first.
    """
    n = _ric_parts(value)
    return _parse_birth(n) if n else None


def resident_id_gender(value: str) -> str | None:
    """ "男" (odd 17th digit) or "女" (even), or None if the ID cannot be read.

    Does not verify the check character: call :func:`validate_resident_id` first.
    """
    n = _ric_parts(value)
    if n is None:
        return None
    return "男" if int(n[16]) % 2 else "女"


# --------------------------------------------------------------------------- 统一社会信用代码

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1,3,9,27,19,26,16,17,20,29,...

#: Pos 1 登记管理部门代码 (GB 32100-2015, as listed in docs/domain-rules.md §2.1).
USCC_DEPARTMENTS: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

#: Pos 2 机构类别代码 allowed for each pos 1.
USCC_CATEGORIES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {
        "1": "外国旅游部门常驻代表机构",
        "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
        "9": "其他",
    },
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {
        "1": "组级集体经济组织",
        "2": "村级集体经济组织",
        "3": "乡镇级集体经济组织",
        "9": "其他",
    },
    "Y": {"1": "其他"},
}

# Region prefixes accepted without warning: provinces plus 10 (100000 = 中央/国家级登记机关).
_USCC_REGION_PREFIXES = PROVINCE_CODES | {"10"}

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character: 31 − (Σ Ci·3^(i−1) mod 31), with 31 written as "0"."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError("需要17位有效字符")
    s = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - s % 31) % 31]


def _org_code_check_char(body8: str) -> str | None:
    """GB 11714 check for the 8-character 组织机构代码 body; None if it has odd characters."""
    total = 0
    for c, w in zip(body8, _ORG_WEIGHTS, strict=True):
        if c.isascii() and c.isdigit():
            v = int(c)
        elif "A" <= c <= "Z":
            v = ord(c) - 55
        else:
            return None
        total += v * w
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def demo_uscc(n: int, region: str = "421081") -> str:
    """A demo 统一社会信用代码 that passes every check (GB 32100 check character and the GB 11714
    organisation-code check on pos 9–17, so re-importing the demo's own export warns nothing):
    法人 · 企业 (91), registered in `region` (石首市 by default), organisation code MA4nnnnn-c."""
    if not 0 <= n < 100000:
        raise ValueError("n 应在 0–99999 之间")
    body8 = f"MA4{n:05d}"
    first17 = f"91{region}{body8}{_org_code_check_char(body8)}"
    return first17 + uscc_check_char(first17)


def validate_uscc(value: str) -> ValidationResult:
    """Validate an 18-character 统一社会信用代码 (GB 32100-2015).

    Errors: wrong length, a character outside 0-9 A-H J-N P-R T U W-Y (I, O, S, V, Z are never
    used), an unknown pos-1 登记管理部门代码 or a pos-2 机构类别代码 not allowed for it, non-digits
    in pos 3–8, and a wrong check character. Input is upper-cased and spaces are removed.

    Warnings only: an unknown province prefix in the region code (pos 3–8), and a failed
    legacy GB 11714 organisation-code check on pos 9–17 (some post-2015 codes fail it).
    """
    n = _normalize(value)
    errors: list[str] = []
    warnings: list[str] = []
    if not n:
        return ValidationResult(False, ["统一社会信用代码为空"], [], n)
    if len(n) != 18:
        return ValidationResult(False, [f"统一社会信用代码应为18位，实为{len(n)}位"], [], n)

    bad = [f"第{i + 1}位「{c}」" for i, c in enumerate(n) if c not in _USCC_VALUE]
    if bad:
        errors.append(
            "统一社会信用代码含有不允许的字符："
            + "、".join(bad)
            + "（只用数字和大写字母，不用 I、O、S、V、Z）"
        )

    dept, cat = n[0], n[1]
    if dept not in _USCC_VALUE:
        pass  # already reported as a forbidden character
    elif dept not in USCC_DEPARTMENTS:
        errors.append(f"统一社会信用代码第1位登记管理部门代码「{dept}」无效")
    else:
        allowed = USCC_CATEGORIES[dept]
        if cat not in allowed and cat in _USCC_VALUE:
            choices = "、".join(f"{k} {v}" for k, v in allowed.items())
            errors.append(
                f"统一社会信用代码第2位机构类别代码「{cat}」与登记管理部门"
                f"「{dept} {USCC_DEPARTMENTS[dept]}」不匹配（可用：{choices}）"
            )

    region = n[2:8]
    if region.isascii() and region.isdigit():
        if region[:2] not in _USCC_REGION_PREFIXES:
            warnings.append(f"登记管理机关行政区划码 {region} 不是已知省级代码，请核对")
    else:
        errors.append(f"统一社会信用代码第3–8位登记管理机关行政区划码「{region}」应为6位数字")

    if not bad:
        expected = uscc_check_char(n[:17])
        if expected != n[17]:
            errors.append(f"校验位错误：应为 {expected}，实为 {n[17]}")
        org_expected = _org_code_check_char(n[8:16])
        if org_expected is not None and org_expected != n[16]:
            warnings.append(
                f"第9–17位组织机构代码 {n[8:16]}-{n[16]} 不符合GB 11714校验规则"
                f"（按规则应为 {org_expected}），仅供核对"
            )

    return ValidationResult(not errors, errors, warnings, n)


# --------------------------------------------------------------------------- masking


def mask_resident_id(value: str | None) -> str:
    """Keep the first 6 and last 4 characters: "421081********0011".

    Values of 10 characters or fewer are masked completely; empty/None gives "".
    """
    n = _normalize(value)
    if len(n) <= 10:
        return "*" * len(n)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def mask_phone(value: str | None) -> str:
    """Mask the middle of a phone number: "13812345678" → "138****5678".

    Spaces and hyphens are ignored; a "+86"/"0086" prefix is kept. Numbers of 7 characters or
    fewer are masked completely; empty/None gives "".
    """
    if value is None:
        return ""
    n = re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", str(value)))
    prefix = ""
    for p in ("+86", "0086"):
        if n.startswith(p) and len(n) - len(p) == 11:
            prefix, n = p + " ", n[len(p) :]
            break
    if len(n) <= 7:
        return prefix + "*" * len(n)
    return prefix + n[:3] + "*" * (len(n) - 7) + n[-4:]
