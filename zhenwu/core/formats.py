"""How values read on every page: one date format per context, amounts with separators and
亿元 above 10,000 万元, 是/否 for booleans. The template filters in `core/templatetags/zhenwu.py`
(`date_long`, `date_short`, `date_cell`, `amount`, `num`) and the table renderer call these, so
a page never formats a value its own way.

Contexts:
- *long* — headings, detail pages, documents: ``2026年11月30日`` (``2026年11月29日 20:18``);
- *short* — inside a sentence or a card about this year: ``11月30日`` (another year keeps its
  year: ``2025年11月30日``);
- *cell* — table cells and form values, compact and sortable: ``2026-11-30`` (``2026-11-29 20:18``).
"""

from __future__ import annotations

import datetime
import decimal

from django.utils import timezone, translation

YI = decimal.Decimal(10000)  # 1 亿元 = 10,000 万元


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _as_date(value):
    if isinstance(value, str) and value:
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def date_long(value) -> str:
    value = _as_date(value)
    if isinstance(value, datetime.datetime):
        v = _local(value)
        return f"{v.year}年{v.month}月{v.day}日 {v:%H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


def date_short(value, today: datetime.date | None = None) -> str:
    value = _as_date(value)
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    if isinstance(value, datetime.date):
        today = today or timezone.localdate()
        if value.year != today.year:
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.month}月{value.day}日"
    return "" if value is None else str(value)


def date_cell(value) -> str:
    value = _as_date(value)
    if isinstance(value, datetime.datetime):
        return f"{_local(value):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _dec(value) -> decimal.Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
    except (decimal.InvalidOperation, ValueError, TypeError):
        return None


def number(value, places: int = 2) -> str:
    """Thousands separators, at most `places` decimals, no trailing zeros: 95100 → 95,100,
    1656.00 → 1,656, 3.50 → 3.5."""
    d = _dec(value)
    if d is None:
        return "" if value is None else str(value)
    quant = decimal.Decimal(1).scaleb(-places)
    d = d.quantize(quant, rounding=decimal.ROUND_HALF_UP)
    text = f"{d:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount(value) -> str:
    """An amount in 万元 as people read it: ``1,700万元``; from 10,000 万元 on in 亿元:
    ``9.51亿元`` (two decimals at most)."""
    d = _dec(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    if (translation.get_language() or "").startswith("en"):
        return _amount_en(d)
    if abs(d) >= YI:
        return f"{number(d / YI)}亿元"
    return f"{number(d)}万元"


MILLION = decimal.Decimal(100)  # 1 million yuan = 100 万元


def _amount_en(d: decimal.Decimal) -> str:
    """The same amount for an English page, in yuan: 1,700万元 → CNY 17 million, 9.51亿元 →
    CNY 951 million, from 1,000 million on in billions; below 1 million in thousands."""
    if abs(d) >= YI * 10:
        return f"CNY {number(d / (YI * 10))} billion"
    if abs(d) >= MILLION:
        return f"CNY {number(d / MILLION)} million"
    return f"CNY {number(d * 10)} thousand"
