"""Pure rules of the 人居环境 inspections (domain-rules §4): scoring a unit's sheet, the monthly
ranking with its flags, rectification deadlines in working days, recurrence (反弹) and the
weekly secret draw. No database here: services and selectors feed plain values in."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from math import asin, cos, radians, sin, sqrt

from zhenwu.core import rectification as _rectification

FULL_MARKS = Decimal(100)
TWO = Decimal("0.01")

# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class ItemRule:
    """One checklist item: `deduction` per occurrence, at most `cap` in all (扣完为止);
    `zeroes_section` — one occurrence takes the whole section's points (e.g. open burning)."""

    code: str
    section: str
    deduction: Decimal
    cap: Decimal
    zeroes_section: bool = False


@dataclass(frozen=True)
class Hit:
    """A finding on the sheet: the item, how many occurrences, and the weight (1, or the
    recurrence multiplier for a 反弹)."""

    code: str
    count: int
    weight: Decimal = Decimal(1)


@dataclass
class SheetScore:
    score: Decimal | None  # None: nothing applicable (not scored)
    deducted: Decimal
    applicable_points: Decimal
    rescaled: bool
    by_section: dict[str, Decimal] = field(default_factory=dict)  # deduction per section


def item_deduction(rule: ItemRule, count: int, weight: Decimal = Decimal(1)) -> Decimal:
    """Deduction of one item: count × deduction × weight, never more than the item's cap."""
    if count <= 0:
        return Decimal(0)
    return min(rule.cap, Decimal(count) * rule.deduction * weight).quantize(TWO, ROUND_HALF_UP)


def score_sheet(
    sections: Mapping[str, Decimal],
    items: Mapping[str, ItemRule],
    hits: Iterable[Hit],
    not_applicable: Iterable[str] = (),
) -> SheetScore:
    """100 − capped deductions. Per item capped at its cap, per section at the section's points
    (扣完为止); a zeroing item takes the whole section. Items marked not applicable, and sections
    all of whose items are, are left out and the score rescaled to 100."""
    na = set(not_applicable)
    by_item: dict[str, Decimal] = {}
    zeroed: set[str] = set()
    for hit in hits:
        rule = items.get(hit.code)
        if rule is None or hit.code in na or hit.count <= 0:
            continue
        if rule.zeroes_section:
            zeroed.add(rule.section)
        by_item[hit.code] = by_item.get(hit.code, Decimal(0)) + Decimal(hit.count) * (
            rule.deduction * hit.weight
        )
    applicable_points = Decimal(0)
    deducted = Decimal(0)
    by_section: dict[str, Decimal] = {}
    for name, points in sections.items():
        section_items = [r for r in items.values() if r.section == name]
        live = [r for r in section_items if r.code not in na]
        if section_items and not live:
            continue  # the whole section is not applicable
        applicable_points += points
        if name in zeroed:
            lost = points
        else:
            lost = sum((min(r.cap, by_item.get(r.code, Decimal(0))) for r in live), Decimal(0))
            lost = min(points, lost)
        by_section[name] = lost
        deducted += lost
    total = sum(sections.values(), Decimal(0))
    if applicable_points <= 0:
        return SheetScore(None, Decimal(0), Decimal(0), True, by_section)
    score = (applicable_points - deducted) * FULL_MARKS / applicable_points
    return SheetScore(
        score.quantize(TWO, ROUND_HALF_UP),
        deducted,
        applicable_points,
        applicable_points != total,
        by_section,
    )


# --------------------------------------------------------------------------- ranking

RED_BLACK = "red_black"  # 红黑榜
FLAGS = "flags"  # 流动红旗 / 黄旗

RED = "红旗"
YELLOW = "黄旗"
TALK = "约谈"
RED_LIST = "红榜"
BLACK_LIST = "黑榜"
NOT_INSPECTED = "未检查"


@dataclass(frozen=True)
class FlagScheme:
    kind: str = FLAGS
    red_min: Decimal = Decimal(90)  # red flag: score ≥ red_min and rank ≤ red_top
    red_top: int = 3
    yellow_below: Decimal = Decimal(80)  # yellow flag: score < yellow_below and in the bottom
    yellow_bottom: int = 3
    red_list: int = 3  # 红黑榜: the top n on the red list, the bottom n on the black list
    black_list: int = 3


@dataclass
class RankRow:
    unit: int
    score: Decimal | None
    rank: int | None = None
    flag: str = ""
    talk: bool = False  # two yellow flags in a row → 约谈


def shared_ranks(scores: Mapping[int, Decimal | None]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) by score, highest first; units without a score: None."""
    scored = sorted((s for s in scores.values() if s is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for i, s in enumerate(scored, start=1):
        first.setdefault(s, i)
    return {u: (None if s is None else first[s]) for u, s in scores.items()}


def rank_month(
    scores: Mapping[int, Decimal | None],
    scheme: FlagScheme = FlagScheme(),
    previous_flags: Mapping[int, str] | None = None,
) -> list[RankRow]:
    """Rank the units of a month and flag them. A unit not inspected has score None: no rank,
    flag 未检查 (never 0 or 100). Bottom-n counts ranks among inspected units, ties included."""
    ranks = shared_ranks(scores)
    n = sum(1 for s in scores.values() if s is not None)
    previous_flags = previous_flags or {}
    rows = []
    for unit, score in scores.items():
        row = RankRow(unit=unit, score=score, rank=ranks[unit])
        if score is None:
            row.flag = NOT_INSPECTED
        else:
            rank = ranks[unit]
            # position from the bottom: how many inspected units score no higher than this one
            from_bottom = sum(1 for s in scores.values() if s is not None and s <= score)
            if scheme.kind == RED_BLACK:
                if rank <= scheme.red_list:
                    row.flag = RED_LIST
                elif from_bottom <= scheme.black_list and n > scheme.red_list:
                    row.flag = BLACK_LIST
            else:
                if score >= scheme.red_min and rank <= scheme.red_top:
                    row.flag = RED
                elif score < scheme.yellow_below and from_bottom <= scheme.yellow_bottom:
                    row.flag = YELLOW
                    row.talk = previous_flags.get(unit) == YELLOW
        rows.append(row)
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit))
    return rows


def month_average(scores: Sequence[Decimal]) -> Decimal | None:
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(TWO, ROUND_HALF_UP)


# --------------------------------------------------------------------------- rectification


# The rectification deadline and recurrence rules are shared with every module that
# rectifies (core.rectification); kept importable here under their old names.
rectification_deadline = _rectification.rectification_deadline
is_recurrence = _rectification.is_recurrence


# --------------------------------------------------------------------------- the draw


def draw(
    spots_by_unit: Mapping[int, Sequence[int]],
    *,
    units_per_round: int,
    spots_per_unit: int,
    visits_this_month: Mapping[int, int],
    min_visits: int,
    last_spots: Mapping[int, Iterable[int]],
    rng: random.Random,
) -> dict[int, list[int]]:
    """Which units, and which of their spots, a round covers.

    Units that still need visits to reach `min_visits` this month come first (most needed
    first, random among equals); the rest are drawn at random. A unit's spots are drawn at random, avoiding the spots of its last visit
    whenever it has others (not the same spot twice in a row)."""
    units = sorted(spots_by_unit)
    rng.shuffle(units)
    need = {u: max(0, min_visits - visits_this_month.get(u, 0)) for u in units}
    units.sort(key=lambda u: -need[u])  # stable: random among equals
    chosen = units[: min(units_per_round, len(units))]
    out: dict[int, list[int]] = {}
    for unit in chosen:
        spots = list(spots_by_unit[unit])
        previous = set(last_spots.get(unit, ()))
        fresh = [s for s in spots if s not in previous]
        k = min(spots_per_unit, len(spots))
        if len(fresh) >= k:
            picked = rng.sample(fresh, k)
        else:
            picked = fresh + rng.sample([s for s in spots if s in previous], k - len(fresh))
        out[unit] = sorted(picked)
    return out


# --------------------------------------------------------------------------- photo checks

EARTH_RADIUS_M = 6371000.0


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lng2 - lng1)
    a = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(sqrt(a))


def photo_flags(
    *,
    taken_at: datetime | None,
    round_start: datetime,
    position: tuple[float, float] | None,
    spot_position: tuple[float, float] | None,
    max_distance_m: float = 500.0,
) -> list[str]:
    """Why a finding's photo is doubtful — flagged, never refused."""
    flags = []
    if taken_at is not None and taken_at < round_start - timedelta(minutes=5):
        flags.append("照片拍摄时间早于本轮暗访开始")
    if position and spot_position:
        d = distance_m(position[0], position[1], spot_position[0], spot_position[1])
        if d > max_distance_m:
            flags.append(f"拍摄位置距点位约{d:.0f}米")
    return flags
