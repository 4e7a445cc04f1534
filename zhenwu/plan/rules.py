"""Pure rules of the plan: expected progress curves, the traffic light (one rule set for the
whole product), month-end freezing with the red→yellow catch-up rule, forecasts and weighted
roll-ups. Plain functions over plain values — no database — so every edge is unit-tested.

Vocabulary:
- *share*: the fraction (0…1) of the year's target that should be done by a date (time progress).
- *gap*: how far the actual value is behind the expected value, in percentage points of the
  target (`(expected − actual) / target × 100`). Negative = ahead of the curve.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from zhenwu.core import lights  # the product's one light vocabulary

GREEN, YELLOW, RED, NONE = lights.GREEN, lights.YELLOW, lights.RED, lights.NONE
STATUS_LABELS = {k: lights.LABELS[k] for k in (GREEN, YELLOW, RED, NONE)}
STATUS_ORDER = {RED: 0, YELLOW: 1, GREEN: 2, NONE: 3}
DUE_SOON_WORKDAYS = 3
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# --- curves --------------------------------------------------------------------------------


SHARES_FORMAT = "月度累计进度应为用逗号分隔的12个数字（如 5,10,…,100）"


def parse_shares(text) -> list[float]:
    """A custom curve as offices write it — "5,10,…,100", with Chinese commas or 、 —
    into its numbers (the form and the ledger both read it here). ValueError with
    `SHARES_FORMAT` when a part is not a number; `validate_shares` checks the curve."""
    text = str(text or "").replace("，", ",").replace("、", ",").strip()
    if not text:
        return []
    try:
        return [float(Decimal(x.strip().rstrip("%"))) for x in text.split(",") if x.strip()]
    except Exception as exc:
        raise ValueError(SHARES_FORMAT) from exc


def shares_text(shares) -> str:
    """The curve back as text, the way `parse_shares` reads it (whole numbers without .0)."""
    return ",".join(f"{s:g}" if isinstance(s, float) else str(s) for s in shares or [])


def validate_shares(shares) -> str | None:
    """A custom curve: 12 month-end cumulative percentages, non-decreasing, ending at 100.
    Returns a Chinese message, or None when valid."""
    if not isinstance(shares, (list, tuple)) or len(shares) != 12:
        return "自定义曲线需要12个月末累计百分比（如 5,10,…,100）"
    try:
        values = [_d(s) for s in shares]
    except Exception:
        return "自定义曲线的每个值都应是数字（百分比）"
    if any(v < 0 or v > 100 for v in values):
        return "自定义曲线的百分比应在0—100之间"
    if any(b < a for a, b in pairwise(values)):
        return "自定义曲线应逐月不减（累计进度）"
    if values[-1] != 100:
        return "自定义曲线12月末应为100%"
    return None


def month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def expected_share(curve: str, year: int, as_of: date, shares: Sequence | None = None) -> Decimal:
    """Fraction of the year's target expected done by the end of `as_of`.

    - linear: by calendar days — day n of the year expects n/365 (n/366 in a leap year);
    - stepped: by whole months — m completed months expect m/12 (the month's step is due on
      its last day, e.g. 6/12 on 30 June, still 5/12 on 29 June);
    - custom: month-end cumulative percentages, interpolated by days inside a month.
    Before the year: 0; after it: 1.
    """
    if as_of < date(year, 1, 1):
        return ZERO
    if as_of >= date(year, 12, 31):
        return ONE
    if curve == "stepped":
        done = as_of.month if as_of == month_end(year, as_of.month) else as_of.month - 1
        return Decimal(done) / 12
    if curve == "custom" and shares and validate_shares(shares) is None:
        values = [_d(s) / HUNDRED for s in shares]
        before = values[as_of.month - 2] if as_of.month > 1 else ZERO
        after = values[as_of.month - 1]
        days = _calendar.monthrange(year, as_of.month)[1]
        return before + (after - before) * Decimal(as_of.day) / Decimal(days)
    days_in_year = 366 if _calendar.isleap(year) else 365
    return Decimal(as_of.timetuple().tm_yday) / Decimal(days_in_year)


def expected_value(target_value, share) -> Decimal:
    return _d(target_value) * _d(share)


# --- the traffic light ---------------------------------------------------------------------


def due_soon(as_of: date, deadline: date, calendar, workdays: int = DUE_SOON_WORKDAYS) -> bool:
    """The deadline is today or within the next `workdays` working days (holidays skipped,
    调休 make-up days counted), e.g. 2025-09-29 → 2025-10-09 is within 3 working days."""
    if deadline < as_of:
        return False
    return deadline <= calendar.add_workdays(as_of, workdays)


def gap_points(actual, expected, target) -> Decimal:
    """Percentage points of the target by which `actual` is behind `expected` (≥ targets)."""
    target = _d(target)
    if target == 0:
        return ZERO
    return (_d(expected) - _d(actual)) / target * HUNDRED


def progress_ratio(actual, target, comparison: str = "gte") -> Decimal:
    """actual / target; a target of 0 is met by definition (1), never a division by zero.
    For a ceiling (≤) the ratio reads the same way: 1 means exactly at the ceiling."""
    target = _d(target)
    if target == 0:
        return ONE if comparison == "gte" or _d(actual) == 0 else ZERO
    return _d(actual) / target


def raw_status(
    *,
    actual,
    target,
    expected,
    as_of: date,
    deadline: date,
    calendar,
    margin=Decimal(10),
    comparison: str = "gte",
) -> str:
    """The colour before the catch-up rule (see `status_for`)."""
    actual, target, expected, margin = _d(actual), _d(target), _d(expected), _d(margin)
    if comparison == "lte":
        # A ceiling (e.g. problems found must stay ≤ n): over it is the gap.
        if actual <= target:
            return GREEN
        over = (actual - target) / target * HUNDRED if target else HUNDRED
        return YELLOW if over < margin else RED
    if actual >= target:
        return GREEN  # the year's target is met: nothing left to chase
    if as_of > deadline:
        return RED  # overdue and not met
    gap = gap_points(actual, expected, target)
    if gap <= 0:
        return YELLOW if due_soon(as_of, deadline, calendar) else GREEN
    return YELLOW if gap < margin else RED


def apply_catch_up(raw: str, previous_frozen: str | None, *, met: bool = False) -> str:
    """督办 practice: a target frozen red last month stays red until its gap is made up, and
    then turns yellow — never straight to green. It may turn green the month after. A target
    whose whole year's figure is met is green whatever its history."""
    if met or previous_frozen != RED or raw == NONE:
        return raw
    return YELLOW if raw == GREEN else RED


def status_for(
    *,
    actual,
    target,
    expected,
    as_of: date,
    deadline: date,
    calendar,
    margin=Decimal(10),
    comparison: str = "gte",
    previous_frozen: str | None = None,
) -> str:
    """THE traffic light of the product (one rule set for every module):

    - green: on or ahead of the expected curve (or the target is met);
    - yellow: behind by less than `margin` percentage points of the target, or on the curve
      but the deadline is within 3 working days and the target is not met;
    - red: behind by `margin` points or more (a tie at exactly the margin is red), or overdue;
    - after a red month (`previous_frozen`): red until the gap is made up, then yellow.
    """
    raw = raw_status(
        actual=actual,
        target=target,
        expected=expected,
        as_of=as_of,
        deadline=deadline,
        calendar=calendar,
        margin=margin,
        comparison=comparison,
    )
    met = _d(actual) >= _d(target) if comparison == "gte" else _d(actual) <= _d(target)
    return apply_catch_up(raw, previous_frozen, met=met)


# --- month-end freezing --------------------------------------------------------------------


def months_to_freeze(year: int, as_of: date) -> list[int]:
    """Months of `year` whose last day is before `as_of` (a month freezes once it has ended)."""
    return [m for m in range(1, 13) if month_end(year, m) < as_of]


def last_frozen_month(year: int, as_of: date) -> int | None:
    months = months_to_freeze(year, as_of)
    return months[-1] if months else None


def freeze_sequence(raw_by_month: Sequence[str], met_by_month: Sequence[bool] | None = None):
    """Frozen colours month by month from the raw month-end colours, applying the catch-up
    rule along the chain (each month looks at the previous frozen one)."""
    frozen: list[str] = []
    previous = None
    for i, raw in enumerate(raw_by_month):
        met = bool(met_by_month[i]) if met_by_month else False
        colour = apply_catch_up(raw, previous, met=met)
        frozen.append(colour)
        previous = colour
    return frozen


# --- forecast ------------------------------------------------------------------------------


def forecast(actual, share) -> Decimal:
    """Year-end value at the current pace relative to the curve: actual ÷ time progress.
    Before anything is expected (share 0) or after the year (share 1) it is the actual value."""
    actual, share = _d(actual), _d(share)
    if share <= 0 or share >= 1:
        return actual
    return actual / share


# --- roll-up -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    weight: Decimal
    progress: Decimal  # actual / target (capped at 1 in the roll-up)
    time_progress: Decimal  # expected / target
    status: str
    margin: Decimal = Decimal(10)


@dataclass(frozen=True)
class RollUp:
    progress: Decimal | None
    time_progress: Decimal | None
    status: str
    counts: dict


def roll_up(children: Iterable[Child]) -> RollUp:
    """A measure's / theme's / plan's figures from its children, weighted: progress (each child
    capped at 100%, so one overshoot cannot hide a laggard beyond its completion) and time
    progress, then the same gap rule as a target, in percentage points of the node. The colour
    can never be better than the worst child's by more than one step (a red child makes the
    node at best yellow). Children that cannot be judged (indicator errors) are left out."""
    children = list(children)
    items = [c for c in children if c.status != NONE]
    counts = {GREEN: 0, YELLOW: 0, RED: 0, NONE: 0}
    for c in children:
        counts[c.status] = counts.get(c.status, 0) + 1
    total = sum((_d(c.weight) for c in items), ZERO)
    if not items or total <= 0:
        return RollUp(None, None, NONE, counts)
    progress = sum((_d(c.weight) * min(_d(c.progress), ONE) for c in items), ZERO) / total
    time_progress = sum((_d(c.weight) * min(_d(c.time_progress), ONE) for c in items), ZERO) / total
    margin = sum((_d(c.weight) * _d(c.margin) for c in items), ZERO) / total
    gap = (time_progress - progress) * HUNDRED
    if gap <= 0:
        status = GREEN
    elif gap < margin:
        status = YELLOW
    else:
        status = RED
    worst = min((c.status for c in items), key=STATUS_ORDER.__getitem__)
    if worst == RED and status == GREEN:
        status = YELLOW
    return RollUp(progress, time_progress, status, counts)


def quantize(value, places: int = 2) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return _d(value).quantize(q, rounding=ROUND_HALF_UP)
