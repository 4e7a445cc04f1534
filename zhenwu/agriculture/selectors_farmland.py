"""Reads of 守粮安: a chief's plots and what is due (coverage), each plot's last patrol, and the
figures the plan board binds to. Querysets come in already passed through `restrict()` where a
user is involved; the indicators take a town."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max

from zhenwu.agriculture import rules_farmland as rules
from zhenwu.agriculture.models.farmland import ChiefLevel, FieldChief, Patrol, Plot


def chief_plots(chief: FieldChief, plots=None):
    """The plots a chief answers for: a town chief every plot of the town, a grid 田管员 the
    plots of their grid (when listed), else the plots of their villages."""
    qs = plots if plots is not None else Plot.objects.filter(town_id=chief.town_id)
    if chief.level == ChiefLevel.TOWN:
        return qs
    if chief.level == ChiefLevel.GRID:
        listed = list(chief.plots.values_list("pk", flat=True))
        if listed:
            return qs.filter(pk__in=listed)
    return qs.filter(village__in=chief.villages.all())


def last_patrols(plot_ids, *, by_user=None, until: date | None = None) -> dict[int, date]:
    """{plot id: the date of its last patrol} (by one patroller when `by_user` is given; on or
    before `until` when given)."""
    qs = Patrol.objects.filter(plots__in=list(plot_ids))
    if until is not None:
        qs = qs.filter(patrolled_on__lte=until)
    if by_user is not None:
        qs = qs.filter(patroller=by_user)
    return dict(
        qs.values_list("plots").annotate(last=Max("patrolled_on")).values_list("plots", "last")
    )


@dataclass
class DueRow:
    plot: Plot
    last: date | None
    days_since: int | None
    overdue_days: int


@dataclass
class ChiefCoverage:
    chief: FieldChief
    interval: int
    plots: int
    due: list[DueRow]
    coverage: float | None  # % of the plots patrolled within the interval


def chief_coverage(chief: FieldChief, *, intervals: dict, today: date, plots=None):
    """What a chief has to patrol: their plots not walked by them within their level's interval
    (longest waiting first)."""
    interval = rules.interval_days(chief.level, intervals)
    mine = list(chief_plots(chief, plots).select_related("village"))
    by_id = {p.pk: p for p in mine}
    last = last_patrols(by_id, by_user=chief.user_id)
    due = rules.due_plots(by_id, last, interval=interval, today=today)
    return ChiefCoverage(
        chief=chief,
        interval=interval,
        plots=len(mine),
        due=[DueRow(by_id[d.plot_id], d.last, d.days_since, d.overdue_days) for d in due],
        coverage=rules.coverage(by_id, last, interval=interval, today=today),
    )


def town_coverage(town, *, today: date, interval: int) -> float | None:
    """Share of the town's plots patrolled (by anyone) within `interval` days of `today`."""
    ids = list(Plot.objects.filter(town=town).values_list("pk", flat=True))
    last = last_patrols(ids, until=today)
    return rules.coverage(ids, last, interval=interval, today=today)
