"""Server-rendered Gantt geometry: positions in percent of a date range, the calendar's
non-working days (holidays and weekends, minus 调休 make-up working days) as shaded spans,
month ticks and today's line. No JavaScript: it prints on A3 landscape as it shows on screen,
and works offline on any browser."""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, timedelta

from zhenwu.projects.scheduling import CalendarDays


@dataclass
class Bar:
    left: float
    width: float


@dataclass
class Chart:
    start: date
    end: date  # inclusive
    months: list[dict] = field(default_factory=list)
    offdays: list[dict] = field(default_factory=list)
    makeup: list[dict] = field(default_factory=list)
    today: float | None = None
    today_date: date | None = None
    unconfirmed: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def _pct(self, n: float) -> float:
        return round(100.0 * n / self.days, 4)

    def bar(self, a: date | None, b: date | None) -> Bar | None:
        """Days a..b inclusive, clipped to the chart."""
        if a is None or b is None:
            return None
        if b < a:
            a, b = b, a
        a, b = max(a, self.start), min(b, self.end)
        if b < a:
            return None
        return Bar(self._pct((a - self.start).days), self._pct((b - a).days + 1))

    def point(self, d: date | None) -> float | None:
        """The end of day `d` (where a zero-duration milestone sits)."""
        if d is None or d < self.start or d > self.end:
            return None
        return self._pct((d - self.start).days + 1)


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _month_end(d: date) -> date:
    return d.replace(day=pycal.monthrange(d.year, d.month)[1])


def build_chart(first: date, last: date, cal, today: date | None = None) -> Chart:
    """A chart from the first day of `first`'s month to the last day of `last`'s month."""
    start, end = _month_start(first), _month_end(last)
    if (end - start).days > 366 * 6:  # a broken date must not draw thousands of columns
        end = _month_end(start + timedelta(days=366 * 6))
    chart = Chart(start=start, end=end)
    d = start
    while d <= end:
        m_end = min(_month_end(d), end)
        b = chart.bar(d, m_end)
        chart.months.append(
            {"label": f"{d.month}月" if d.month != 1 else f"{d.year % 100:02d}年1月", "left": b.left,
             "width": b.width, "year": d.year, "month": d.month}
        )  # fmt: skip
        d = m_end + timedelta(days=1)
    # Merge consecutive non-working days into spans (a holiday week is one shaded block).
    run_start = None
    d = start
    one = timedelta(days=1)
    every_day = isinstance(cal, CalendarDays)  # no weekends, hence no 调休 either
    while d <= end + one:
        off = d <= end and not cal.is_workday(d)
        if d <= end and not every_day and d.weekday() >= 5 and cal.is_workday(d):
            b = chart.bar(d, d)
            chart.makeup.append({"left": b.left, "width": b.width, "date": d})
        if d <= end and hasattr(cal, "is_confirmed") and not cal.is_confirmed(d):
            chart.unconfirmed = True
        if off and run_start is None:
            run_start = d
        elif not off and run_start is not None:
            b = chart.bar(run_start, d - one)
            chart.offdays.append(
                {"left": b.left, "width": b.width, "first": run_start, "last": d - one}
            )
            run_start = None
        d += one
    if today is not None and start <= today <= end:
        chart.today = chart._pct((today - start).days + 0.5)
        chart.today_date = today
    return chart


def lanes(items, key_start, key_finish) -> list[list]:
    """Greedy interval packing: items that overlap go to separate lanes (wall chart rows)."""
    out: list[list] = []
    ends: list[date] = []
    for item in sorted(items, key=lambda i: (key_start(i), key_finish(i))):
        s, f = key_start(item), key_finish(item)
        for i, e in enumerate(ends):
            if s > e:
                out[i].append(item)
                ends[i] = f
                break
        else:
            out.append([item])
            ends.append(f)
    return out


# Other modules' rows on the wall chart (挂图作战), e.g. the land module's campaigns beside the
# key projects. A source is `fn(user, as_of) -> list[dict]` with keys name, url, subtitle,
# start, finish, deadline, days_short, light and bars: [{label, start, finish, critical, done}].
_wall_sources: list = []


def register_wall_source(fn):
    if fn not in _wall_sources:
        _wall_sources.append(fn)
    return fn


def wall_rows(user, as_of) -> list[dict]:
    return [row for fn in _wall_sources for row in fn(user, as_of)]
