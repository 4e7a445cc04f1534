"""Cell parsers for spreadsheet imports.

Every parser takes the raw value of one cell as it comes out of the reader (``str``, ``int``,
``float``, ``bool``, ``datetime``, ``date``, ``Decimal`` or ``None``) and returns the parsed
value, or raises :class:`CellError` whose message is a complete Chinese sentence meant for the
clerk (the caller adds the row and the column).

Blank cells (``None``, ``''``, whitespace, ``-``, ``—``, ``/``, ``无`` …) parse to ``None`` for
every parser (``parse_bool`` reads ``无`` as ``False``, ``parse_choice`` prefers a choice literally
called ``无``). Whether a blank is acceptable is the caller's business (required columns).

The parsers are called once per cell for ledgers of tens of thousands of rows, so the common
cases (numbers and dates typed as real Excel values, plain numeric strings) are handled by
type checks before any normalisation or regular expression.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "AMOUNT_UNITS",
    "BLANK_TOKENS",
    "INT_SUFFIXES",
    "CellError",
    "choice_parser",
    "excel_serial_to_date",
    "is_blank",
    "normalize_text",
    "parse_amount",
    "parse_amount_with_unit",
    "parse_area_mu",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_month",
    "parse_percent",
    "parse_text",
]


class CellError(ValueError):
    """A cell value that cannot be imported; ``str(err)`` is the Chinese message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------
# Blank cells and text normalisation
# ---------------------------------------------------------------------------------------------

#: Cell contents (after ``strip()``) that mean "nothing filled in".
BLANK_TOKENS = frozenset(
    {"", "-", "--", "—", "——", "－", "/", "／", "\\", "无", "空", "null", "None", "NULL", "N/A"}
)
_BLANK_NO_WU = BLANK_TOKENS - {"无"}

_WS_RE = re.compile(r"\s+")


def is_blank(value: Any) -> bool:
    """True for ``None`` and for strings that only hold a blank token (see ``BLANK_TOKENS``)."""
    if value is None:
        return True
    if type(value) is str:
        return value.strip() in BLANK_TOKENS
    return False


def normalize_text(value: str) -> str:
    """NFKC (full-width → half-width), remove all whitespace, lower-case."""
    return _WS_RE.sub("", unicodedata.normalize("NFKC", value)).lower()


def _show(value: Any) -> str:
    """The value as the clerk would recognise it, for error messages."""
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if len(text) > 40:
        text = text[:40] + "…"
    return text


def _float_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:.15g}"


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_ONE = Decimal(1)


def _tidy(d: Decimal) -> Decimal:
    """Drop exponent notation and trailing zeros: 1.2E+4 → 12000, 3.50 → 3.5, -0 → 0."""
    if d == d.to_integral_value():
        return d.quantize(_ONE) + 0  # "+ 0" turns -0 into 0
    return d.normalize()


def _float_to_decimal(value: float) -> Decimal:
    # 15 significant digits is what Excel itself shows, and it removes binary noise from
    # formula results (0.1 + 0.2 → 0.3, 1200.0000000000002 → 1200).
    if value.is_integer() and abs(value) < 1e15:
        return Decimal(int(value))
    text = f"{value:.15g}"
    d = Decimal(text)
    return _tidy(d) if "e" in text else d


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_DIGIT_CHARS = "".join(_CN_DIGITS)
_NUM_TOKEN = re.compile(
    rf"(\d+(?:\.\d+)?)|([{_CN_DIGIT_CHARS}])|([十拾百佰千仟])|([万萬亿億])|(点)"
)
_CN_DIGIT_RUN = re.compile(rf"[{_CN_DIGIT_CHARS}]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")


class _BadNumber(Exception):
    pass


def _parse_numeral(s: str) -> tuple[Decimal, bool]:
    """Parse a number mixing Arabic digits and Chinese numerals.

    ``s`` is already NFKC-normalised, without whitespace, commas or sign. Returns the value and
    whether a 万/亿 multiplier occurred. Handles ``一千二百万``, ``1.2亿``, ``1亿2000万``,
    ``三千零五``, ``三万五`` (= 35000), ``三点五万``, ``壹佰贰拾``, ``一二三`` (digit by digit).
    """
    if not s:
        raise _BadNumber
    if _CN_DIGIT_RUN.fullmatch(s):  # 一二三 / 二〇二五: digit by digit
        return Decimal("".join(str(_CN_DIGITS[c]) for c in s)), False
    total = _ZERO
    section = _ZERO
    num: Decimal | None = None
    last_small: int | None = None  # multiplier used last inside the current 万-section
    last_big: int | None = None
    prev_mult: int | None = None  # multiplier token right before the current number
    prev_was_mult = False
    zero_seen = False
    big_seen = False
    pos = 0
    n = len(s)
    while pos < n:
        m = _NUM_TOKEN.match(s, pos)
        if m is None:
            raise _BadNumber
        pos = m.end()
        arabic, cdigit, small, big, point = m.groups()
        if arabic is not None or cdigit is not None:
            if num is not None:
                raise _BadNumber
            if cdigit is not None:
                d = _CN_DIGITS[cdigit]
                if d == 0:
                    zero_seen = True
                    prev_was_mult = False
                    continue
                num = Decimal(d)
            else:
                num = Decimal(arabic)
            prev_mult = prev_mult if prev_was_mult else None
            prev_was_mult = False
        elif small is not None:
            mult = _CN_SMALL[small]
            if last_small is not None and mult >= last_small:
                raise _BadNumber
            section += (num if num is not None else _ONE) * mult
            num = None
            last_small = mult
            prev_mult = mult
            prev_was_mult = True
            zero_seen = False
        elif big is not None:
            mult = _CN_BIG[big]
            seg = section + (num if num is not None else _ZERO)
            if num is None and section == 0:
                raise _BadNumber
            if mult == 10**8:
                total = (total + seg) * mult
            else:
                if last_big == 10**4:
                    raise _BadNumber
                total += seg * mult
            last_big = mult
            section = _ZERO
            num = None
            last_small = None
            prev_mult = mult
            prev_was_mult = True
            zero_seen = False
            big_seen = True
        else:  # 点: Chinese decimal point, followed by Chinese digits
            del point
            frac = _CN_DIGIT_RUN.match(s, pos)
            if frac is None:
                raise _BadNumber
            pos = frac.end()
            digits = "".join(str(_CN_DIGITS[c]) for c in frac.group())
            num = (num if num is not None else _ZERO) + Decimal("0." + digits)
            prev_was_mult = False
            prev_mult = None
    if num is not None:
        # 三万五 = 35000, 一百二 = 120, 1万5 = 15000: a lone digit right after a multiplier
        # stands for the next lower place.
        if (
            prev_mult is not None
            and prev_mult >= 10
            and not zero_seen
            and num == num.to_integral_value()
            and 0 < num < 10
        ):
            num = num * prev_mult / 10
        section += num
    return total + section, big_seen


def _normalize_number_text(value: str) -> str:
    s = _WS_RE.sub("", unicodedata.normalize("NFKC", value))
    if "," in s:
        s = _THOUSANDS.sub("", s)
    return s


def _split_sign(s: str) -> tuple[bool, str]:
    if s[:1] in "-+":
        return s[0] == "-", s[1:]
    if s[:1] == "负":
        return True, s[1:]
    return False, s


def _check_sign(d: Decimal, allow_negative: bool, shown: Any) -> Decimal:
    if d < 0 and not allow_negative:
        raise CellError(f"「{_show(shown)}」不能为负数")
    return d


def _fast_decimal(value: Any) -> Decimal | None:
    """Decimal for real numbers and plain numeric strings, None when the slow path is needed."""
    t = type(value)
    if t is float:
        if value.is_integer() and -1e15 < value < 1e15:
            return Decimal(int(value))
        if math.isfinite(value):
            return _float_to_decimal(value)
        return None
    if t is int:
        return Decimal(value)
    if t is str:
        if _PLAIN_NUMBER.fullmatch(value):
            if ("." in value and value[-1] == "0") or "e" in value or "E" in value:
                return _tidy(Decimal(value))
            return Decimal(value)
        return None
    if t is Decimal:
        return _tidy(value) if value.is_finite() else None
    return None


_INT_SUFFIX_DEFAULT = (
    "人",
    "户",
    "个",
    "家",
    "名",
    "次",
    "项",
    "座",
    "处",
    "条",
    "间",
    "套",
    "辆",
    "台",
    "件",
    "所",
    "位",
    "场",
    "批",
    "期",
    "栋",
    "幢",
    "亩",
    "天",
    "年",
)
#: Suffixes that ``parse_int`` strips by default (``12人``, ``3户``).
INT_SUFFIXES: tuple[str, ...] = _INT_SUFFIX_DEFAULT


def _number_from_text(value: str, suffixes: Iterable[str] = ()) -> Decimal:
    """Slow path for parse_decimal / parse_int. Raises _BadNumber."""
    s = _normalize_number_text(value)
    if "," in s or not s:
        raise _BadNumber
    negative, s = _split_sign(s)
    for suffix in suffixes:
        if suffix and s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    if _PLAIN_NUMBER.fullmatch(s):
        d = Decimal(s)
    else:
        d, _ = _parse_numeral(s)
    return -d if negative else d


def parse_decimal(
    value: Any, allow_negative: bool = False, suffixes: Sequence[str] = ()
) -> Decimal | None:
    """A plain number → ``Decimal``. Accepts ``3,500``, ``1.5万`` (= 15000), ``三千``.

    ``suffixes``: unit words that may follow the number and are ignored (``("吨", "元")``).
    """
    d = _fast_decimal(value)
    if d is None:
        if value is None:
            return None
        if type(value) is not str:
            raise CellError(f"无法识别的数字「{_show(value)}」")
        if value.strip() in BLANK_TOKENS:
            return None
        try:
            d = _tidy(_number_from_text(value, suffixes))
        except (_BadNumber, InvalidOperation):
            raise CellError(f"无法识别的数字「{_show(value)}」") from None
    if d < 0 and not allow_negative:
        raise CellError(f"「{_show(value)}」不能为负数")
    return d


def parse_int(
    value: Any, allow_negative: bool = False, suffixes: Sequence[str] = INT_SUFFIXES
) -> int | None:
    """A whole number → ``int``. Accepts ``12``, ``12.0``, ``12人``, ``3户``, ``十二``."""
    t = type(value)
    if t is int:
        d: Decimal | int = value
    elif t is float and value.is_integer():
        d = int(value)
    else:
        d = parse_decimal(value, allow_negative=True, suffixes=suffixes)
        if d is None:
            return None
        if d != d.to_integral_value():
            raise CellError(f"「{_show(value)}」不是整数")
    if d < 0 and not allow_negative:
        raise CellError(f"「{_show(value)}」不能为负数")
    return int(d)


# ---------------------------------------------------------------------------------------------
# Amounts of money
# ---------------------------------------------------------------------------------------------

#: Supported column units and their power of ten in 元.
AMOUNT_UNITS = {"元": 0, "千元": 3, "万元": 4, "亿元": 8}

_AMOUNT_APPROX = re.compile(r"^(?:\(约\)|约计|大约|约|近|逾|超)|(?:左右)$|余(?=[万萬亿億元]|$)")
_AMOUNT_CURRENCY = re.compile(r"^(?:¥|rmb|cny|人民币)|(?:rmb|cny)$")


def parse_amount_with_unit(
    value: Any, unit: str = "万元", allow_negative: bool = False
) -> tuple[Decimal | None, str | None]:
    """Parse an amount of money into the column's ``unit``.

    Returns ``(amount, explicit_unit)`` where ``explicit_unit`` is the unit written in the cell
    (``"元"``, ``"万元"``, ``"亿元"``) or ``None`` when the cell held a bare number (which is
    taken to be in the column's unit). Rules:

    * trailing ``元`` / ``万(元)`` / ``亿(元)`` are units: ``1.2亿元`` → 12000 万元,
      ``8000万`` → 8000 万元, ``3500元`` → 0.35 万元, ``1亿2000万`` → 12000 万元;
    * ``千`` and ``百`` are numerals, not units: ``三千`` and ``3千`` are 3000 in the column
      unit; ``5千元`` is 5000 元;
    * ``3,500`` / ``3 500`` / full-width digits / ``¥`` / ``人民币`` / ``约`` / ``左右`` /
      ``余`` (``200余万元``) are accepted;
    * negatives (``-5``, ``负五``) raise unless ``allow_negative``.
    """
    exp = AMOUNT_UNITS.get(unit)
    if exp is None:
        raise ValueError(f"unsupported amount unit {unit!r}; use one of {list(AMOUNT_UNITS)}")
    d = _fast_decimal(value)
    if d is not None:
        if d < 0 and not allow_negative:
            raise CellError(f"金额「{_show(value)}」不能为负数")
        return d, None
    if value is None:
        return None, None
    if type(value) is not str:
        raise CellError(f"无法识别的金额「{_show(value)}」")
    if value.strip() in BLANK_TOKENS:
        return None, None
    try:
        d, explicit = _amount_from_text(value, exp)
    except (_BadNumber, InvalidOperation):
        raise CellError(
            f"无法识别的金额「{_show(value)}」，请填写数字，如「1200」「1.2亿元」「8000万」"
        ) from None
    if d < 0 and not allow_negative:
        raise CellError(f"金额「{_show(value)}」不能为负数")
    return d, explicit


def _amount_from_text(value: str, exp: int) -> tuple[Decimal, str | None]:
    s = _normalize_number_text(value).lower()
    if "," in s or not s:
        raise _BadNumber
    s = _AMOUNT_APPROX.sub("", s)
    s = _AMOUNT_CURRENCY.sub("", s)
    s = _AMOUNT_APPROX.sub("", s)  # ¥约200 / 约¥200
    negative, s = _split_sign(s)
    explicit: str | None = None
    if s.endswith("元") and len(s) > 1:
        s = s[:-1]
        explicit = "元"
    if _PLAIN_NUMBER.fullmatch(s):
        number = Decimal(s)
        in_yuan = explicit is not None
    else:
        number, big = _parse_numeral(s)
        in_yuan = big or explicit is not None
        if big:
            last = s[-1]
            if last in "亿億":
                explicit = "亿元"
            elif last in "万萬":
                explicit = "万元"
            elif explicit is None:
                explicit = "亿元" if "亿" in s or "億" in s else "万元"
    if in_yuan and exp:
        number = number.scaleb(-exp)
    number = _tidy(number)
    return (-number if negative else number), explicit


def parse_amount(value: Any, unit: str = "万元", allow_negative: bool = False) -> Decimal | None:
    """Parse an amount of money into the column's ``unit`` (see ``parse_amount_with_unit``)."""
    if type(value) is float and unit in AMOUNT_UNITS:  # the common case, kept cheap
        if value.is_integer() and 0 <= value < 1e15:
            return Decimal(int(value))
        if value > 0 and value != math.inf:
            return _float_to_decimal(value)
    return parse_amount_with_unit(value, unit, allow_negative)[0]


# ---------------------------------------------------------------------------------------------
# Area (亩) and percentages
# ---------------------------------------------------------------------------------------------

_SQM_TO_MU = Decimal("0.0015")  # 1 亩 = 10000/15 m²
_AREA_SUFFIXES = (
    ("平方公里", Decimal(1500)),
    ("km2", Decimal(1500)),
    ("平方米", _SQM_TO_MU),
    ("平米", _SQM_TO_MU),
    ("m2", _SQM_TO_MU),  # ㎡ and m² become m2 under NFKC
    ("公顷", Decimal(15)),
    ("hm2", Decimal(15)),
    ("ha", Decimal(15)),
    ("亩", _ONE),
)


def parse_area_mu(value: Any, allow_negative: bool = False) -> Decimal | None:
    """An area in 亩. ``12``, ``12亩``, ``1.2万亩``, ``1000平方米``/``1000㎡`` (→ 1.5 亩),
    ``2公顷`` (→ 30 亩)."""
    d = _fast_decimal(value)
    if d is None:
        if value is None:
            return None
        if type(value) is not str:
            raise CellError(f"无法识别的面积「{_show(value)}」")
        if value.strip() in BLANK_TOKENS:
            return None
        try:
            s = _normalize_number_text(value).lower()
            if "," in s or not s:
                raise _BadNumber
            negative, s = _split_sign(s)
            factor = _ONE
            for suffix, f in _AREA_SUFFIXES:
                if s.endswith(suffix) and len(s) > len(suffix):
                    s = s[: -len(suffix)]
                    factor = f
                    break
            d = Decimal(s) if _PLAIN_NUMBER.fullmatch(s) else _parse_numeral(s)[0]
            d = _tidy(d * factor)
            if negative:
                d = -d
        except (_BadNumber, InvalidOperation):
            raise CellError(
                f"无法识别的面积「{_show(value)}」，请填写亩数，如「12.5」「1000平方米」"
            ) from None
    return _check_sign(d, allow_negative, value)


def parse_percent(
    value: Any, max_value: int | Decimal | None = 100, allow_negative: bool = False
) -> Decimal | None:
    """A percentage in percentage points: ``85%`` → 85, ``85`` → 85, ``0.85`` → 85.

    A value without ``%`` whose absolute value is at most 1 is read as a fraction (that is what
    Excel stores for cells formatted as percentages), so ``1`` → 100 and ``0.5`` → 50.
    ``百分之八十五`` → 85. Values above ``max_value`` (default 100; ``None`` for no limit) raise.
    """
    if type(value) is float and -1 <= value <= 1:
        d = _float_to_decimal(value * 100)  # 0.85 * 100 = 85.00000000000001 → 85
    elif (d := _fast_decimal(value)) is not None:
        if -1 <= d <= 1:
            d = _tidy(d * _HUNDRED)
    else:
        if value is None:
            return None
        if type(value) is not str:
            raise CellError(f"无法识别的百分比「{_show(value)}」")
        if value.strip() in BLANK_TOKENS:
            return None
        try:
            s = _normalize_number_text(value)
            if "," in s or not s:
                raise _BadNumber
            negative, s = _split_sign(s)
            explicit = False
            if s.endswith("%"):
                s = s[:-1]
                explicit = True
            elif s.startswith("百分之"):
                s = s[3:]
                explicit = True
            d = Decimal(s) if _PLAIN_NUMBER.fullmatch(s) else _parse_numeral(s)[0]
            if not explicit and d <= 1:
                d = d * _HUNDRED
            d = _tidy(-d if negative else d)
        except (_BadNumber, InvalidOperation):
            raise CellError(
                f"无法识别的百分比「{_show(value)}」，请填写如「85%」或「85」"
            ) from None
    d = _check_sign(d, allow_negative, value)
    if max_value is not None and d > max_value:
        raise CellError(f"百分比「{_show(value)}」超出范围：不能大于{max_value}%")
    return d


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_EPOCH_EARLY = date(1899, 12, 31)  # serials below 60 (before the fictitious 1900-02-29)
MIN_YEAR = 1900
MAX_YEAR = 2100

_DATE_YMD = re.compile(
    r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号號]?"
    r"(?:\s*[T\s]\s*\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?"
)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_YM = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?(?:份)?")
_CN_DATE = re.compile(
    r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
    r"(?:([一二三四五六七八九十]{1,3})[日号])?"
)
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")


def excel_serial_to_date(serial: float) -> date:
    """Excel (1900 date system) serial number → date; serial 45721 is 2025-03-05."""
    if not 1 <= serial <= 2958465:
        raise CellError(f"「{_show(serial)}」不是有效的日期序号")
    days = int(serial)
    if days == 60:
        raise CellError("日期「1900-02-29」无效：1900年2月只有28天")
    if days < 60:
        return _EXCEL_EPOCH_EARLY + timedelta(days=days)
    return _EXCEL_EPOCH + timedelta(days=days)


def _make_date(y: int, m: int, d: int, shown: Any) -> date:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise CellError(f"日期「{_show(shown)}」无效：年份应在{MIN_YEAR}–{MAX_YEAR}之间")
    if not 1 <= m <= 12:
        raise CellError(f"日期「{_show(shown)}」无效：月份应为1–12")
    try:
        return date(y, m, d)
    except ValueError:
        last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
        raise CellError(f"日期「{_show(shown)}」无效：{y}年{m}月只有{last}天") from None


def _cn_small_int(text: str) -> int:
    d, _ = _parse_numeral(text)
    return int(d)


def _date_from_number(value: float) -> date:
    if type(value) is int or value.is_integer():
        n = int(value)
        if MIN_YEAR <= n <= MAX_YEAR:
            raise CellError(f"日期「{n}」只有年份，请填写完整日期，如「{n}-03-05」")
        if 19000101 <= n <= 21001231:  # 20250305 typed as a number
            return _make_date(n // 10000, n // 100 % 100, n % 100, value)
        return excel_serial_to_date(n)
    if MIN_YEAR < value < MAX_YEAR + 1:
        # "2025.3" / "2025.12" typed into a cell that Excel took for a number.
        year_text, frac = f"{value:.6f}".rstrip("0").split(".")
        if frac == "1":
            raise CellError(
                f"日期「{_float_text(value)}」被 Excel 当成了数字，无法区分1月和10月，"
                f"请填写为「{year_text}年1月」或「{year_text}年10月」"
            )
        if len(frac) <= 2:
            return _make_date(int(year_text), int(frac), 1, value)
        raise CellError(f"无法识别的日期「{_float_text(value)}」")
    return excel_serial_to_date(value)


def _date_from_text(value: str) -> date:
    s = value.strip()
    m = _DATE_YMD.fullmatch(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), value)
    m = _DATE_YM.fullmatch(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), 1, value)
    m = _DATE_COMPACT.fullmatch(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), value)
    s2 = _WS_RE.sub("", unicodedata.normalize("NFKC", s))
    if s2 != s:
        m = _DATE_YMD.fullmatch(s2) or _DATE_YM.fullmatch(s2) or _DATE_COMPACT.fullmatch(s2)
        if m:
            day = 1 if m.re is _DATE_YM else int(m[3])
            return _make_date(int(m[1]), int(m[2]), day, value)
    m = _CN_DATE.fullmatch(s2)
    if m:
        try:
            y = int(_parse_numeral(m[1])[0])
            mo = _cn_small_int(m[2])
            d = _cn_small_int(m[3]) if m[3] else 1
        except _BadNumber:
            pass
        else:
            return _make_date(y, mo, d, value)
    if len(s2) == 4 and s2.isdigit() and MIN_YEAR <= int(s2) <= MAX_YEAR:
        return _date_from_number(int(s2))  # year only: precise message
    if _SERIAL_TEXT.fullmatch(s2):  # a serial number that went through CSV
        return _date_from_number(float(s2))
    raise CellError(f"无法识别的日期「{_show(value)}」，请填写如「2025-03-05」或「2025年3月5日」")


def parse_date(value: Any) -> date | None:
    """A date. Accepts real Excel dates, Excel serial numbers (1900 system), ``2025年3月5日``,
    ``2025年3月5号``, ``2025.3.5``, ``2025/3/5``, ``2025-03-05``, ``20250305``,
    ``2025-03-05 10:30`` (time dropped), ``二〇二五年三月五日``; month-only forms ``2025-03``,
    ``2025年3月``, ``2025.3`` give the first of the month."""
    t = type(value)
    if t is datetime:
        return value.date()
    if t is date:
        return value
    if t is float or t is int:
        if t is float and not math.isfinite(value):
            raise CellError(f"无法识别的日期「{_show(value)}」")
        return _date_from_number(value)
    if value is None:
        return None
    if t is str:
        if value.strip() in BLANK_TOKENS:
            return None
        return _date_from_text(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        raise CellError(f"「{_show(value)}」是时间，不是日期")
    if isinstance(value, Decimal) and value.is_finite():
        return _date_from_number(float(value))
    raise CellError(f"无法识别的日期「{_show(value)}」")


def parse_month(value: Any) -> date | None:
    """A month, returned as the first day of that month (``2025-03``, ``2025年3月``,
    ``2025.3``, or a full date in any ``parse_date`` form)."""
    d = parse_date(value)
    if d is None or d.day == 1:
        return d
    return d.replace(day=1)


# ---------------------------------------------------------------------------------------------
# Booleans, choices, text
# ---------------------------------------------------------------------------------------------

_TRUE = frozenset(
    {"是", "有", "√", "✓", "✔", "☑", "y", "yes", "true", "t", "1", "对", "是的", "已"}
)
_FALSE = frozenset(
    {"否", "无", "×", "✗", "✘", "☒", "n", "no", "false", "f", "0", "没有", "不是", "错", "未"}
)


def parse_bool(value: Any) -> bool | None:
    """是/否, √/×, 有/无, Y/N, yes/no, true/false, 1/0 → bool (``无`` is ``False`` here)."""
    t = type(value)
    if t is bool:
        return value
    if value is None:
        return None
    if t is int or t is float:
        if value == 1:
            return True
        if value == 0:
            return False
    elif t is str:
        s = value.strip()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        if s in _BLANK_NO_WU:
            return None
        s = normalize_text(s)
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    raise CellError(f"「{_show(value)}」无法识别为是/否，请填写「是」或「否」")


def _flatten_choices(choices: Iterable[Any]) -> list[tuple[Any, str]]:
    flat: list[tuple[Any, str]] = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # Django option groups
            flat.extend(_flatten_choices(label))
        else:
            flat.append((value, str(label)))
    return flat


def choice_parser(
    choices: Iterable[tuple[Any, Any]], synonyms: Mapping[str, Any] | None = None
) -> Callable[[Any], Any]:
    """Build a fast parser for one choice column (precomputes the lookup table).

    ``choices`` are Django-style ``(value, label)`` pairs (option groups allowed). The cell may
    hold the label or the value, compared after NFKC, whitespace removal and lower-casing.
    ``synonyms`` maps further spellings to a choice *value*: ``{"在建": "building"}``.
    """
    flat = _flatten_choices(choices)
    lookup: dict[str, Any] = {}
    for value, _label in flat:
        lookup.setdefault(normalize_text(str(value)), value)
    for value, label in flat:  # labels win over values with the same spelling
        lookup[normalize_text(label)] = value
    valid_values = {value for value, _ in flat}
    for text, value in (synonyms or {}).items():
        if value not in valid_values:
            raise ValueError(f"synonym {text!r} maps to {value!r}, which is not a choice")
        lookup[normalize_text(str(text))] = value
    labels = "、".join(f"「{label}」" for _, label in flat)
    label_of = {value: label for value, label in flat}
    exact = {label: value for value, label in flat}
    exact.update({k: v for k, v in lookup.items() if k not in exact})

    def parse(raw: Any) -> Any:
        if raw is None:
            return None
        if type(raw) is str:
            hit = exact.get(raw, _MISSING)
            if hit is not _MISSING:
                return hit
            s = raw.strip()
            key = normalize_text(s)
        elif type(raw) is float:
            s = _float_text(raw)
            key = s
        else:
            s = str(raw).strip()
            key = normalize_text(s)
        if key in lookup:
            return lookup[key]
        if s in BLANK_TOKENS:
            return None
        guess = closest_choice(key, lookup, label_of)
        hint = f"您是否指「{guess}」？" if guess else ""
        raise CellError(f"「{_show(raw)}」不是有效选项，{hint}可选：{labels}")

    return parse


_ASPECT_PREFIXES = ("已经", "正在", "已", "在")
_ASPECT_SUFFIXES = ("完毕", "了", "中")


def closest_choice(key: str, lookup: Mapping[str, Any], label_of: Mapping[Any, str]) -> str:
    """The label of the choice the (normalised) word most likely means, or "".

    The word's core — without 「已」「正在」「了」「中」 — inside a label or synonym (「已签」 →
    签约) counts first; otherwise a clearly similar spelling (difflib ratio above 0.5), so
    「停工」 suggests nothing rather than 「开工」."""
    import difflib

    if not key:
        return ""
    core = key
    for prefix in _ASPECT_PREFIXES:
        if core.startswith(prefix) and len(core) > len(prefix):
            core = core[len(prefix) :]
            break
    for suffix in _ASPECT_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    best, best_score = None, 0.0
    for text, value in lookup.items():
        if not text or not set(text) & set(key):
            continue
        score = difflib.SequenceMatcher(None, key, text).ratio()
        if core in text or text in core:
            score += 1
        if score > best_score:
            best, best_score = value, score
    return str(label_of[best]) if best is not None and best_score > 0.5 else ""


_MISSING = object()
_CHOICE_CACHE: dict[tuple[int, int], tuple[Any, Any, Callable[[Any], Any]]] = {}


def parse_choice(
    value: Any,
    choices: Iterable[tuple[Any, Any]],
    synonyms: Mapping[str, Any] | None = None,
) -> Any:
    """Match a cell against ``(value, label)`` choices; returns the choice value.

    The lookup table is cached per ``choices``/``synonyms`` object, so calling this for every
    row with the same (module-level) choices list is cheap. ``choice_parser`` builds a
    standalone parser.
    """
    key = (id(choices), id(synonyms))
    cached = _CHOICE_CACHE.get(key)
    if cached is None or cached[0] is not choices or cached[1] is not synonyms:
        if len(_CHOICE_CACHE) > 256:
            _CHOICE_CACHE.clear()
        choices_list = choices if isinstance(choices, list | tuple) else list(choices)
        parser = choice_parser(choices_list, synonyms)
        if choices_list is choices:
            _CHOICE_CACHE[key] = (choices, synonyms, parser)
        return parser(value)
    return cached[2](value)


def parse_text(value: Any, max_length: int | None = None) -> str | None:
    """Text, stripped. Numbers Excel stored as floats come back as written (12.0 → ``12``)."""
    t = type(value)
    if t is str:
        s = value.strip()
        if s in BLANK_TOKENS:
            return None
    elif value is None:
        return None
    elif t is float:
        if not math.isfinite(value):
            raise CellError(f"无法识别的内容「{value}」")
        s = _float_text(value)
    elif t is bool:
        s = "是" if value else "否"
    elif isinstance(value, datetime):
        s = _show(value)
    elif isinstance(value, date):
        s = value.isoformat()
    elif isinstance(value, time):
        s = value.strftime("%H:%M:%S").removesuffix(":00")
    else:
        s = str(value).strip()
    if max_length is not None and len(s) > max_length:
        raise CellError(f"内容过长：最多{max_length}个字，当前{len(s)}个字")
    if "\x00" in s:  # PostgreSQL cannot store it; SQLite would, and break exports
        raise CellError("内容包含空字符（NUL），请删除后再导入")
    return s
