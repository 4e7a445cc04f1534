"""`?as_of=YYYY-MM-DD` — the one parser of the date every status is computed as of (DESIGN.md
"Time"), with one behaviour through every door:

- empty or absent: the page's default (today, or a module's own default such as the 四上
  pool's last month with figures);
- unreadable: the API answers 422 naming the field (`AsOfError`, handled in `zhenwu/api.py`);
  a page shows a warning saying which date it fell back to, and shows that date.

Links out of a page that was opened as of a date carry it on (`as_of_query`).
"""

from __future__ import annotations

import datetime
from datetime import date

from django.utils import timezone

from zhenwu.core import formats

PARAM = "as_of"

# Far enough for any replay or plan, near enough that date arithmetic (a year back, a month
# forward, working-day counts) cannot leave the range Python dates hold.
AS_OF_MIN = date(1900, 1, 1)
AS_OF_MAX = date(2200, 12, 31)


class AsOfError(ValueError):
    """An `as_of` value that is not a date, or one outside AS_OF_MIN..AS_OF_MAX; `str()` is the
    Chinese message."""

    def __init__(self, text: str, message: str | None = None):
        self.text = text
        super().__init__(message or error_message(text))


def error_message(text) -> str:
    return f"截至日期「{text}」无法识别，应为 YYYY-MM-DD（如 2025-06-30）"


def today() -> date:
    """The town's date today, in the deployment's time zone (``TIME_ZONE``; the product
    never activates another). Read directly from the default zone: `timezone.localdate()`
    looks the active zone up in a context-local each call, which a 50,000-row import's
    per-row rules would pay 50,000 times."""
    return datetime.datetime.now(timezone.get_default_timezone()).date()


def check(value: date) -> date:
    """`value` if it lies in the range every calculation can handle, else AsOfError."""
    if not AS_OF_MIN <= value <= AS_OF_MAX:
        raise AsOfError(
            value.isoformat(),
            f"截至日期「{value.isoformat()}」超出范围，应在 {AS_OF_MIN.year}—{AS_OF_MAX.year} 年之间",
        )
    return value


def parse(text, default: date | None = None) -> date:
    """The date in `text`; `default` (today when None) when empty; AsOfError when unreadable
    or out of range."""
    if isinstance(text, date):
        return check(text)
    if text is None or not str(text).strip():
        return default or today()
    value = str(text).strip()
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise AsOfError(value) from None
    return check(parsed)


def for_page(request, default: date | None = None) -> tuple[date, str | None]:
    """(date, warning) for a page. An unreadable date falls back to `default` (today when None)
    and the warning — also added to the page's messages, once per request — says so."""
    fallback = default or today()
    try:
        return parse(request.GET.get(PARAM), default=fallback), None
    except AsOfError as exc:
        warning = f"{exc}；已按{formats.date_long(fallback)}显示。"
        if not getattr(request, "_as_of_warned", False) and not getattr(request, "htmx", False):
            from django.contrib import messages

            messages.warning(request, warning)
            request._as_of_warned = True
        return fallback, warning


def for_api(request, default: date | None = None) -> date:
    """The date for an API call; AsOfError (→ 422 with the field named) when unreadable."""
    return parse(request.GET.get(PARAM), default=default)


def as_of_query(as_of: date | None, **params) -> str:
    """A query string that carries the as-of date (when not today) and the given filters on to
    the next page: `?as_of=2025-06-30&plan=3`; "" when there is nothing to carry."""
    from urllib.parse import urlencode

    items = {}
    if as_of is not None and as_of != today():
        items[PARAM] = as_of.isoformat()
    items.update({k: v for k, v in params.items() if v not in (None, "")})
    return "?" + urlencode(items) if items else ""
