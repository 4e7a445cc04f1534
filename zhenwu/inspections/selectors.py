"""Reads of the inspections module: the monthly ranking (评比) and its figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from zhenwu.core import scoping
from zhenwu.core.models import Village
from zhenwu.inspections import rules
from zhenwu.inspections.models import (
    Checklist,
    Finding,
    FindingStatus,
    Round,
    RoundKind,
    Sheet,
)


def month_start(d: date) -> date:
    return d.replace(day=1)


def previous_month(m: date) -> date:
    return (m.replace(day=1) - timedelta(days=1)).replace(day=1)


def parse_month(text: str | None) -> date | None:
    """'2025-03' → 2025-03-01; None when not a month."""
    if not text:
        return None
    try:
        y, m = str(text).split("-")
        if len(y) != 4 or not 1 <= len(m) <= 2:
            return None
        return date(int(y), int(m), 1)
    except (ValueError, TypeError):
        return None


@dataclass
class RankingRow:
    village_id: int
    village: str
    score: Decimal | None
    rank: int | None
    flag: str
    talk: bool
    change: Decimal | None  # score change from last month
    previous_rank: int | None
    sheets: int
    findings: int
    rectified_on_time: int
    recurrences: int


def _schemes(town_ids) -> dict[int, rules.FlagScheme]:
    kinds = {}
    for town_id, kind in (
        Checklist.objects.filter(town_id__in=town_ids, is_active=True)
        .order_by("town_id", "edition")
        .values_list("town_id", "flag_scheme")
    ):
        kinds[town_id] = kind  # the latest active edition wins
    return {t: rules.FlagScheme(kind=kinds.get(t, rules.FLAGS)) for t in town_ids}


def _scores(town_ids, months, as_of=None) -> dict[date, dict[int, tuple[Decimal, int]]]:
    """month → village → (average sheet score, sheets), for rounds started by `as_of`; one
    query for all the months asked."""
    as_of = as_of or timezone.now()
    out: dict[date, dict[int, tuple[Decimal, int]]] = {m: {} for m in months}
    for m, vid, avg, n in (
        Sheet.objects.filter(
            town_id__in=town_ids,
            month__in=months,
            round__starts_at__lte=as_of,
            score__isnull=False,
        )
        .exclude(round__kind=RoundKind.REINSPECTION)  # a 复查 revisits problems, it does not score
        .values("month", "village")
        .annotate(avg=Avg("score"), n=Count("pk"))
        .values_list("month", "village", "avg", "n")
    ):
        out[m][vid] = (Decimal(avg).quantize(rules.TWO, ROUND_HALF_UP), n)
    return out


def monthly_ranking(town, month: date, *, as_of=None) -> list[RankingRow]:
    """Every unit of the town for `month`: average score of its sheets in rounds started by
    `as_of`, shared rank, change from last month, flag (with 约谈 after two yellows in a row),
    findings, rectifications made on time, recurrences. Not inspected → score None, 未检查."""
    return county_ranking([town], month, as_of=as_of)[town.pk]


def county_ranking(towns, month: date, *, as_of=None) -> dict[int, list[RankingRow]]:
    """`monthly_ranking` for several towns at once, in four queries whatever their number."""
    month = month_start(month)
    prev = previous_month(month)
    before = previous_month(prev)
    town_ids = [t.pk for t in towns]
    villages = list(
        Village.objects.filter(town_id__in=town_ids)
        .order_by("order", "pk")
        .values_list("pk", "town_id", "name")
    )
    table = _scores(town_ids, [month, prev, before], as_of)
    cur, last, older = table[month], table[prev], table[before]
    as_of_dt = as_of or timezone.now()
    # Driven from the month's sheets (indexed by town and month), then their findings by the
    # sheet index: a county's year holds hundreds of thousands of findings, a month a twelfth.
    month_sheets = Sheet.objects.filter(
        town_id__in=town_ids, month=month, round__starts_at__lte=as_of_dt
    ).values("pk")
    counts = {
        row["village"]: row
        for row in Finding.objects.filter(sheet__in=month_sheets)
        .values("village")
        .annotate(
            n=Count("pk"),
            rec=Count("pk", filter=Q(is_recurrence=True)),
            on_time=Count(
                "pk",
                # the status first: the local-date conversion runs for rectified rows only
                filter=Q(status__in=(FindingStatus.SUBMITTED, FindingStatus.ACCEPTED))
                & Q(rectified_at__date__lte=F("deadline")),
            ),
        )
    }
    schemes = _schemes(town_ids)
    out: dict[int, list[RankingRow]] = {}
    for town_id in town_ids:
        scheme = schemes[town_id]
        units = [(pk, name) for pk, t, name in villages if t == town_id]
        names = dict(units)

        def scores_of(tbl, units=units):
            return {pk: (tbl[pk][0] if pk in tbl else None) for pk, _ in units}

        prev_rows = rules.rank_month(
            scores_of(last),
            scheme,
            {r.unit: r.flag for r in rules.rank_month(scores_of(older), scheme)},
        )
        prev_flags = {r.unit: r.flag for r in prev_rows}
        prev_ranks = {r.unit: r.rank for r in prev_rows}
        result = []
        for r in rules.rank_month(scores_of(cur), scheme, prev_flags):
            c = counts.get(r.unit, {})
            before_score = last[r.unit][0] if r.unit in last else None
            result.append(
                RankingRow(
                    village_id=r.unit,
                    village=names[r.unit],
                    score=r.score,
                    rank=r.rank,
                    flag=rules.TALK if r.talk else r.flag,
                    talk=r.talk,
                    change=(r.score - before_score)
                    if r.score is not None and before_score is not None
                    else None,
                    previous_rank=prev_ranks.get(r.unit),
                    sheets=cur[r.unit][1] if r.unit in cur else 0,
                    findings=c.get("n", 0),
                    rectified_on_time=c.get("on_time", 0),
                    recurrences=c.get("rec", 0),
                )
            )
        out[town_id] = result
    return out


def town_average(rows: list[RankingRow]) -> Decimal | None:
    return rules.month_average([r.score for r in rows if r.score is not None])


def recurrence_rates(town, month: date) -> dict[int, tuple[int, int]]:
    """Village → (recurrences, findings) from January to the end of `month`: each unit's
    反弹率 for the year so far, shown beside the month's ranking. Rounds not yet started count
    nowhere (their draw is secret)."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    out = {}
    for vid, n, rec in (
        Finding.objects.filter(
            town=town,
            round__starts_at__lte=timezone.now(),
            round__starts_at__date__gte=month.replace(month=1, day=1),
            round__starts_at__date__lt=end,
        )
        .values("village")
        .annotate(n=Count("pk"), rec=Count("pk", filter=Q(is_recurrence=True)))
        .values_list("village", "n", "rec")
    ):
        out[vid] = (rec, n)
    return out


def recurrence_rate_percent(rec: int, n: int) -> Decimal | None:
    """The year's 反弹率 in per cent, one decimal (12.5); None when the unit had no finding."""
    if not n:
        return None
    return (Decimal(rec) * 100 / Decimal(n)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def recurrence_rate_text(rec: int, n: int) -> str:
    """12.5%（2/16）; a unit with no finding this year has no rate (—)."""
    if not n:
        return "—"
    return f"{rec * 100 / n:.1f}%（{rec}/{n}）"


def visible_rounds(user):
    return scoping.restrict(Round.objects.all(), user)


def visible_findings(user):
    return scoping.restrict(Finding.objects.all(), user)
