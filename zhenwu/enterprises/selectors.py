"""Reads of the enterprise module: the town's rule table (cached), per-firm classification,
the 培育库 (cultivation pool) and entry batch deadlines. A constant number of queries whatever
the number of firms; the arithmetic is in `classification` (pure, tested exhaustively)."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q

from zhenwu.core import timeline
from zhenwu.core.actor import Source
from zhenwu.core.bulk import bulk_save, new_record
from zhenwu.enterprises import classification as cls
from zhenwu.enterprises.gb4754 import IndustryCodeError
from zhenwu.enterprises.models import (
    ABOVE_SCALE_STATUSES,
    ChecklistItem,
    Enterprise,
    EntryEvent,
    EntryRoute,
    EntryStatus,
    MonthlyFigure,
    PoolSetting,
    ThresholdRule,
)

# --- rule table ----------------------------------------------------------------------------

_RULE_CACHE: dict[int, tuple[tuple, tuple[cls.ThresholdRule, ...]]] = {}


def seed_rules(town) -> int:
    """Copy `classification.DEFAULT_RULES` into the town's table (town creation, demo)."""
    if ThresholdRule.all_objects.filter(town=town).exists():
        return 0
    rows = [
        new_record(
            ThresholdRule,
            town=town,
            category=r.category,
            label=r.label,
            tier=r.tier or "",
            scope=", ".join(r.scope),
            metric=r.metric,
            min_value_wan=r.min_value_wan,
            effective_from=r.effective_from,
            effective_to=r.effective_to,
            source_url=r.source_url,
            note=r.note,
        )
        for r in cls.DEFAULT_RULES
    ]
    bulk_save(ThresholdRule, create=rows, acting_user=None, source=Source.SYSTEM)
    _RULE_CACHE.pop(town.pk, None)
    return len(cls.DEFAULT_RULES)


def rules_for(town) -> tuple[cls.ThresholdRule, ...]:
    """The town's rules as `classification.ThresholdRule`s. Cached per process and checked
    with one cheap query (count + latest update), so an edit in any process is seen at once.
    A town without rows (one created before towns were seeded at creation) uses the defaults
    — read, never written here: nothing writes on a GET (issue 8). Rows deleted by an
    administrator stay deleted."""
    if town is None:
        return cls.DEFAULT_RULES
    stamp_row = ThresholdRule.all_objects.filter(town=town).aggregate(
        n=Count("pk"), live=Count("pk", filter=Q(is_deleted=False)), last=Max("updated_at")
    )
    if stamp_row["n"] == 0:
        return cls.DEFAULT_RULES
    stamp = (stamp_row["n"], stamp_row["live"], stamp_row["last"])
    hit = _RULE_CACHE.get(town.pk)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    rules = []
    for row in ThresholdRule.objects.filter(town=town).order_by("pk"):
        try:
            rules.append(row.to_rule())
        except (ValueError, IndustryCodeError):
            continue  # an invalid row cannot be saved through the forms; ignore if forced in
    rules = tuple(rules)
    _RULE_CACHE[town.pk] = (stamp, rules)
    return rules


def pool_setting(town) -> PoolSetting:
    setting = PoolSetting.objects.filter(town=town).first()
    return setting or PoolSetting(town=town)


# --- entry batch deadlines ([L], domain-rules §1.2) ------------------------------------------


def next_entry_deadline(route: str, as_of: datetime.date, setting: PoolSetting) -> datetime.date:
    """Next date papers are due. Monthly entry (new firms): by `monthly_deadline_day` of the
    month before the target month — the next such day on or after `as_of`. Annual entry
    (小升规): the next configured batch date on or after `as_of` (rolling into next year)."""
    if route == EntryRoute.NEW:
        day = setting.monthly_deadline_day
        candidate = as_of.replace(day=day)
        if candidate < as_of:
            y, m = (as_of.year + 1, 1) if as_of.month == 12 else (as_of.year, as_of.month + 1)
            candidate = datetime.date(y, m, day)
        return candidate
    try:
        batches = setting.batch_dates() or [(11, 15), (12, 26)]
    except ValueError:
        batches = [(11, 15), (12, 26)]
    for year in (as_of.year, as_of.year + 1):
        for month, day in batches:
            d = datetime.date(year, month, day)
            if d >= as_of:
                return d
    return datetime.date(as_of.year + 1, *batches[0])  # unreachable


# --- classification of many firms -----------------------------------------------------------


@dataclass(slots=True)
class FirmStatus:
    enterprise: Enterprise
    category: str | None = None
    category_label: str | None = None
    threshold_wan: Decimal | None = None
    metric: str | None = None
    last_year_wan: Decimal | None = None  # sum of last year's months (None without data)
    last_year_months: int = 0
    ytd_wan: Decimal = Decimal(0)
    months_reported: int = 0
    last_month: int | None = None
    annualised_wan: Decimal | None = None
    meets_last_year: bool = False
    meets_annualised: bool = False
    gap_wan: Decimal | None = None
    in_pool: bool = False
    forecast: tuple[int, int] | None = None  # (year, month) the threshold is forecast crossed
    series: list[Decimal] = field(default_factory=list)  # this year's months 1..last_month
    reason: str = ""
    entry_status: str = ""  # as of the date asked for (from the timeline)
    deadline: datetime.date | None = None
    checklist_done: int = 0
    checklist_total: int = 0
    spark: str = ""  # SVG points of the trend (set by the page)

    @property
    def forecast_label(self) -> str:
        if self.forecast is None:
            return ""
        return f"{self.forecast[0]}年{self.forecast[1]}月"

    @property
    def entry_status_label(self) -> str:
        return EntryStatus(self.entry_status).label if self.entry_status else ""

    @property
    def checklist_pct(self) -> int:
        if not self.checklist_total:
            return 0
        return round(100 * self.checklist_done / self.checklist_total)


def forecast_crossing(series: list[tuple[int, Decimal]], threshold: Decimal, year: int):
    """(year, month) when the cumulative of `year` reaches `threshold` at the trailing pace —
    the rule of `classification.forecast_crossing_month` (months already reported count;
    then the average of the last 3 reported months is projected; missing months are 0) —
    and, if that falls after December, the month of next year in which a year's cumulative
    at the same pace would reach it; None if the pace is too slow for that (pace × 12 <
    threshold) or there is no data. `series` is (month, amount) sorted by month, one entry a
    month (the equivalence with the pure function is tested)."""
    if not series:
        return None
    cumulative = Decimal(0)
    for month, amount in series:
        cumulative += amount
        if cumulative >= threshold:
            return (year, month)
    trailing = [a for _, a in series[-3:]]
    pace = sum(trailing, Decimal(0)) / len(trailing)
    if pace <= 0:
        return None
    crossing = series[-1][0] + math.ceil((threshold - cumulative) / pace)
    if crossing <= 12:
        return (year, crossing)
    if pace * 12 < threshold:
        return None
    return (year + 1, max(1, math.ceil(threshold / pace)))


def classify_firms(
    enterprises,
    figures,
    *,
    rules,
    year: int,
    as_of_month: int,
    share: Decimal,
    entry_statuses: dict[int, str] | None = None,
    last_year: dict[int, tuple] | None = None,
) -> list[FirmStatus]:
    """Pure: classify `enterprises` with `figures` = iterable of (enterprise_id, year, month,
    revenue, main_revenue) covering `year - 1` and `year` (months ≤ `as_of_month` of `year`
    count). `last_year`, when given, replaces last year's rows by per-firm aggregates
    {id: (Σ coalesce(main, revenue), Σ coalesce(revenue, main), months)} (what the database
    sums in `firm_statuses`). Pool rule (domain-rules §1.2 [?]/[L]): a firm not yet 入库 whose industry has a
    revenue threshold and whose last-year revenue is below the threshold but ≥ share ×
    threshold, or whose annualised year-to-date revenue is ≥ share × threshold (including
    crossing it); a construction firm with a qualifying 资质 and a K7010 firm with
    development activity that are not yet 入库 are listed too (they meet the rule already).
    Runs in linear time; the rule lookup is done once per distinct (code, 资质, activity)."""
    by_firm: dict[int, list] = defaultdict(list)
    for row in figures:
        by_firm[row[0]].append(row)
    verdicts: dict[tuple, object] = {}
    out = []
    append = out.append
    zero = Decimal(0)
    last_year_no = year - 1
    for ent in enterprises:
        pk = ent.pk
        key = (ent.industry_code, ent.qualification, ent.has_development_activity)
        verdict = verdicts.get(key)
        if verdict is None:
            try:
                c = cls.classify(
                    ent.industry_code,
                    None,
                    qualification=None if ent.qualification == "none" else ent.qualification,
                    has_development_activity=ent.has_development_activity,
                    year=year,
                    rules=rules,
                )
            except (ValueError, IndustryCodeError) as exc:
                verdict = str(exc)
            else:
                t = c.threshold_wan
                verdict = (c, c.metric == "main_revenue", t, t * share if t is not None else None)
            verdicts[key] = verdict
        if isinstance(verdict, str):
            append(FirmStatus(enterprise=ent, reason=verdict))
            continue
        c, main_first, t, t_share = verdict
        st = FirmStatus(
            enterprise=ent,
            category=c.category,
            category_label=c.label,
            threshold_wan=t,
            metric=c.metric,
            reason=c.reason,
        )
        last_total = zero
        if last_year is not None:
            agg = last_year.get(pk)
            if agg is not None and agg[2]:
                last_total = agg[0] if main_first else agg[1]
                st.last_year_months = agg[2]
        this_year: dict[int, Decimal] = {}
        for _, y, m, revenue, main_revenue in by_firm.get(pk, ()):
            # domain-rules §1.1: 主营业务收入 for industry/trade, 营业收入 for services; where
            # the preferred one is missing the other may be used.
            if main_first:
                value = main_revenue if main_revenue is not None else revenue
            else:
                value = revenue if revenue is not None else main_revenue
            if value is None:
                continue
            if y == year:
                if m <= as_of_month:
                    this_year[m] = this_year[m] + value if m in this_year else value
            elif y == last_year_no and last_year is None:
                last_total += value
                st.last_year_months += 1
        if st.last_year_months:
            st.last_year_wan = last_total
        status = (
            entry_statuses.get(pk, EntryStatus.CANDIDATE)
            if entry_statuses is not None
            else ent.entry_status
        )
        st.entry_status = status
        already = status in ABOVE_SCALE_STATUSES
        series = None
        if this_year:
            series = sorted(this_year.items())
            st.months_reported = len(series)
            ytd = sum(this_year.values(), zero)
            st.ytd_wan = ytd
            last_month = series[-1][0]
            st.last_month = last_month
            if len(series) == last_month:
                st.series = [a for _, a in series]
            else:
                st.series = [this_year.get(m, zero) for m in range(1, last_month + 1)]
            if ytd >= 0:
                st.annualised_wan = ytd * 12 / last_month
        if t is None:
            if c.metric in ("qualification", "activity"):
                st.meets_last_year = st.meets_annualised = c.above_scale
                st.in_pool = not already and c.above_scale
                st.gap_wan = zero if c.above_scale else None
        else:
            ly, an = st.last_year_wan, st.annualised_wan
            st.meets_last_year = ly is not None and ly >= t
            st.meets_annualised = an is not None and an >= t
            st.in_pool = not already and (
                (ly is not None and ly >= t_share) or (an is not None and an >= t_share)
            )
            if series:
                st.gap_wan = t - st.ytd_wan if st.ytd_wan < t else zero
                st.forecast = forecast_crossing(series, t, year)
            else:
                st.gap_wan = t
        append(st)
    return out


def as_of_default(town, today: datetime.date) -> datetime.date:
    """The pool's default date: today, or — when this year has no figures yet (e.g. a demo
    of a past year) — the end of the latest month with figures."""
    last = MonthlyFigure.objects.filter(town=town, month__lte=today).aggregate(m=Max("month"))["m"]
    if last is None or last.year == today.year:
        return today
    nxt = datetime.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def firm_statuses(enterprise_qs, town, *, as_of: datetime.date) -> list[FirmStatus]:
    """Classify the firms of `enterprise_qs` (already scoped) as of `as_of`: months that
    ended by `as_of` count (a month's report is in once the month is over — the as-of rule)."""
    year = as_of.year
    month_end = (as_of + datetime.timedelta(days=1)).month != as_of.month
    as_of_month = as_of.month if month_end else as_of.month - 1
    setting = pool_setting(town)
    rules = rules_for(town)
    enterprises = list(enterprise_qs.select_related("village", "cadre"))
    ids = [e.pk for e in enterprises]
    figures = []
    last_year: dict[int, tuple] = {}
    if ids:
        from django.db.models import Sum
        from django.db.models.functions import Coalesce

        for row in (
            MonthlyFigure.objects.filter(
                enterprise__in=enterprise_qs,
                month__gte=datetime.date(year - 1, 1, 1),
                month__lte=datetime.date(year - 1, 12, 1),
            )
            .values("enterprise_id")
            .annotate(
                main=Sum(Coalesce("main_revenue", "revenue")),
                rev=Sum(Coalesce("revenue", "main_revenue")),
                n=Count(Coalesce("main_revenue", "revenue")),
            )
            .order_by()
        ):
            last_year[row["enterprise_id"]] = (row["main"], row["rev"], row["n"])
        if as_of_month >= 1:
            figures = [
                (e, m.year, m.month, r, mr)
                for e, m, r, mr in MonthlyFigure.objects.filter(
                    enterprise__in=enterprise_qs,
                    month__gte=datetime.date(year, 1, 1),
                    month__lte=datetime.date(year, as_of_month, 1),
                ).values_list("enterprise_id", "month", "revenue", "main_revenue")
            ]
    entry_statuses: dict[int, str] = {}
    if ids:
        for ent_id, to_status in (
            EntryEvent.objects.filter(enterprise__in=enterprise_qs, on_date__lte=as_of)
            .order_by(*timeline.ORDERING)
            .values_list("enterprise_id", "to_status")
        ):
            entry_statuses[ent_id] = to_status
    statuses = classify_firms(
        enterprises,
        figures,
        rules=rules,
        year=year,
        as_of_month=max(as_of_month, 0),
        share=setting.pool_share,
        entry_statuses=entry_statuses,
        last_year=last_year,
    )
    checklist = {
        row["enterprise_id"]: row
        for row in ChecklistItem.objects.filter(enterprise__in=enterprise_qs)
        .values("enterprise_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(done=True)))
    }
    for st in statuses:
        row = checklist.get(st.enterprise.pk)
        if row:
            st.checklist_done, st.checklist_total = row["done"], row["total"]
        st.deadline = next_entry_deadline(st.enterprise.entry_route, as_of, setting)
    return statuses


def pool(enterprise_qs, town, *, as_of: datetime.date) -> list[FirmStatus]:
    """The 培育库 as of a date, closest to the threshold first."""
    members = [s for s in firm_statuses(enterprise_qs, town, as_of=as_of) if s.in_pool]
    members.sort(
        key=lambda s: (s.gap_wan if s.gap_wan is not None else Decimal(10**9), s.enterprise.name)
    )
    return members
