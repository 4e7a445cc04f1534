"""Pure rules of the 招商引资 ledger (domain-rules §8), with no database access.

- 亿元以上: planned total ≥ 10000 万元 (met exactly at the threshold).
- Size bands (county assessment formula): 1–3亿 [10000, 30000), 3–10亿 [30000, 100000),
  10–20亿 [100000, 200000), ≥20亿 [200000, ∞) 万元; below 1亿 no band.
- 超时限未开工: signed more than N calendar months ago (default 6) and not started.
  "More than": signed 2025-01-15, N = 6 → overdue from 2025-07-16 on; a month end clamps
  (signed 2025-08-31 + 6 months = 2026-02-28, overdue from 2026-03-01).
- 久未跟进 (stale): a pipeline project with no follow-up for more than N days (default 30),
  counted from its last follow-up, or from the day it entered its stage if it has none.
- Counting: a project counts once (one record per project code); a capital increase (增资) is
  not a new signing, and its planned total holds only the increase.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

HUNDRED_MILLION_WAN = Decimal(10000)  # 1亿元 in 万元
DEFAULT_OVERDUE_START_MONTHS = 6
DEFAULT_STALE_DAYS = 30

# (label, lower bound inclusive, upper bound exclusive or None), in 万元.
SIZE_BANDS: tuple[tuple[str, Decimal, Decimal | None], ...] = (
    ("1–3亿", Decimal(10000), Decimal(30000)),
    ("3–10亿", Decimal(30000), Decimal(100000)),
    ("10–20亿", Decimal(100000), Decimal(200000)),
    ("≥20亿", Decimal(200000), None),
)
SIZE_BAND_LABELS = tuple(b[0] for b in SIZE_BANDS)

# Stages on which follow-ups still matter (达产 and 终止 are done).
FOLLOW_UP_STAGES = ("lead", "negotiating", "signed", "started", "completed")


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def is_above_100m(planned_total_wan) -> bool:
    """亿元以上: planned total ≥ 10000 万元."""
    total = _dec(planned_total_wan)
    return total is not None and total >= HUNDRED_MILLION_WAN


def size_band(planned_total_wan) -> str | None:
    """The band label of a planned total in 万元, or None below 1亿 (or unknown)."""
    total = _dec(planned_total_wan)
    if total is None:
        return None
    for label, low, high in SIZE_BANDS:
        if total >= low and (high is None or total < high):
            return label
    return None


def size_band_bounds(label: str) -> tuple[Decimal, Decimal | None]:
    for name, low, high in SIZE_BANDS:
        if name == label:
            return low, high
    raise KeyError(label)


def is_industrial(project_type: str | None) -> bool:
    return project_type == "industrial"


def counts_as_signing(nature: str | None) -> bool:
    """A capital increase of an existing project is not a new signing (counted once)."""
    return nature != "capital_increase"


def newly_signed_in(signed_on: date | None, nature: str | None, year: int) -> bool:
    """签约 in `year` as a new project (增资 excluded)."""
    return signed_on is not None and signed_on.year == year and counts_as_signing(nature)


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's last day (01-31 + 1 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def overdue_start_since(signed_on: date, months: int = DEFAULT_OVERDUE_START_MONTHS) -> date:
    """The first day on which a signed, unstarted project is 超时限未开工."""
    return add_months(signed_on, months) + timedelta(days=1)


def is_overdue_start(
    signed_on: date | None,
    started_on: date | None,
    today: date,
    months: int = DEFAULT_OVERDUE_START_MONTHS,
    terminated: bool = False,
) -> bool:
    """超时限未开工: signed more than `months` months before `today`, not started by `today`."""
    if signed_on is None or terminated:
        return False
    if started_on is not None and started_on <= today:
        return False
    return today >= overdue_start_since(signed_on, months)


def overdue_start_cutoff(today: date, months: int) -> date:
    """`is_overdue_start` as a query bound: a project signed before the returned day and not
    started is 超时限未开工 on `today`."""
    # signed_on < cutoff  ⇔  today ≥ add_months(signed_on, months) + 1 day
    day = today - timedelta(days=1)
    back = add_months(day, -months)
    # add_months clamps; a signing on a later day of a shorter month may still map to `back`.
    while add_months(back + timedelta(days=1), months) <= day:
        back += timedelta(days=1)
    return back + timedelta(days=1)


def days_in_stage(stage_entered_on: date | None, today: date) -> int | None:
    if stage_entered_on is None:
        return None
    return max((today - stage_entered_on).days, 0)


def is_stale(
    stage: str,
    last_follow_up_on: date | None,
    stage_entered_on: date | None,
    today: date,
    days: int = DEFAULT_STALE_DAYS,
) -> bool:
    """久未跟进: a pipeline project whose last follow-up (or stage entry, if none) is more
    than `days` days before `today`."""
    if stage not in FOLLOW_UP_STAGES:
        return False
    reference = last_follow_up_on or stage_entered_on
    if reference is None:
        return False
    return (today - reference).days > days


def follow_up_status(next_on: date | None, today: date) -> str | None:
    """Reminder state of a follow-up's next date: "overdue", "due" (today) or None."""
    if next_on is None:
        return None
    if next_on < today:
        return "overdue"
    if next_on == today:
        return "due"
    return None


def month_start(day: date) -> date:
    return day.replace(day=1)
