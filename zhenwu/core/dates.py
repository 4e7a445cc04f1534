"""The one parser of `?as_of=YYYY-MM-DD` (issue 8 "one home per policy"): pages show its
message and fall back to their default date; the API answers 422 with it."""

from __future__ import annotations

from datetime import date

# Far enough for any replay or plan, near enough that date arithmetic (a year back, a month
# forward, working-day counts) cannot leave the range Python dates hold.
AS_OF_MIN = date(1900, 1, 1)
AS_OF_MAX = date(2200, 12, 31)


class AsOfError(ValueError):
    """An `as_of` that is not a date, or one outside AS_OF_MIN..AS_OF_MAX; str() is the
    Chinese message."""


def check_as_of(value: date) -> date:
    if not AS_OF_MIN <= value <= AS_OF_MAX:
        raise AsOfError(
            f"日期「{value.isoformat()}」超出范围，应在 {AS_OF_MIN.year}—{AS_OF_MAX.year} 年之间"
        )
    return value


def parse_as_of(text: str | None) -> date | None:
    """None when empty; the date; or AsOfError naming the text and the expected form."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise AsOfError(f"日期「{text}」格式不正确，应为 YYYY-MM-DD（如 2025-06-30）") from None
    return check_as_of(value)


def as_of_or(text: str | None, default: date) -> tuple[date, str | None]:
    """Page behaviour: (the date, None), or (default, a message saying it was used)."""
    try:
        value = parse_as_of(text)
    except AsOfError as exc:
        return default, f"{exc}，已按 {default.isoformat()} 显示。"
    return (default if value is None else value), None
