"""Chinese working-day calendar (法定节假日与调休).

Source of truth, in order of precedence:

1. **Administrator overrides** – a ``date -> is_workday`` mapping maintained by staff from the
   annual State Council notice (国务院办公厅关于××年部分节假日安排的通知, published each
   November; e.g. the 2026 notice of 2025-11-04,
   https://www.gov.cn/zhengce/content/202511/content_7047090.htm). An override wins over
   everything else, in any year.
2. **chinesecalendar 1.11.0** (PyPI ``chinesecalendar``, import name ``chinese_calendar``), which
   encodes the State Council notices for **2004–2026**, including the 2025 rule change that added
   除夕 and 5月2日 (13 statutory days a year) and every 调休 make-up Saturday/Sunday. For any other
   year it raises ``NotImplementedError``. The version is pinned; upgrade it each November.
3. **Fallback: Monday–Friday** for years chinesecalendar does not cover. Such dates are reported
   as *unconfirmed* by :meth:`WorkCalendar.is_confirmed` so the UI can say "节假日安排未确认".

Every date from 0001-01-01 to 9999-12-31 is accepted; nothing here raises for an uncovered year.

Performance: counting is done with a closed-form Monday–Friday count plus, for the few
"special" years (covered by chinesecalendar or holding an override), a cached per-year prefix
count and a cumulative per-year correction. ``workdays_between`` is therefore O(log k) in the
number of special years, and ``add_workdays`` is an exponential + binary search over that count
(O(log n) count evaluations), independent of how long the range is.

This module is pure Python and imports no Django model; the project registers a loader that reads
the ``HolidayOverride`` table with :func:`set_override_loader`.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

import chinese_calendar

__all__ = [
    "WorkCalendar",
    "add_workdays",
    "chinese_calendar_years",
    "get_calendar",
    "invalidate_calendar",
    "is_confirmed",
    "is_workday",
    "set_local_override_loader",
    "set_override_loader",
    "workdays_between",
]

_MIN_ORD = date.min.toordinal()  # 1 (0001-01-01, a Monday)
_MAX_ORD = date.max.toordinal()  # 9999-12-31


def _as_date(d: date) -> date:
    """Accept ``date`` or ``datetime`` (its date part); reject anything else."""
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    raise TypeError(f"expected datetime.date, got {type(d).__name__}")


def _weekdays_before(o: int) -> int:
    """Number of Monday–Friday days with ordinal in [1, o). Ordinal 1 (0001-01-01) is a Monday."""
    k = o - 1
    weeks, rem = divmod(k, 7)
    return 5 * weeks + min(rem, 5)


# --------------------------------------------------------------------------- chinesecalendar


def _cc_year_bounds() -> tuple[int, int]:
    """Year range chinesecalendar knows about (it uses the same rule internally)."""
    keys = list(chinese_calendar.holidays.keys())
    return min(keys).year, max(keys).year


_cc_covered_cache: dict[int, bool] = {}


def _cc_covers(year: int) -> bool:
    """True if chinesecalendar has data for ``year`` (it raises NotImplementedError otherwise)."""
    cached = _cc_covered_cache.get(year)
    if cached is None:
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            cached = False
        else:
            cached = True
        _cc_covered_cache[year] = cached
    return cached


def chinese_calendar_years() -> range:
    """Years covered by the installed chinesecalendar (1.11.0: ``range(2004, 2027)``)."""
    lo, hi = _cc_year_bounds()
    covered = [y for y in range(lo, hi + 1) if _cc_covers(y)]
    if not covered:  # pragma: no cover - library without data
        return range(0)
    return range(covered[0], covered[-1] + 1)


def _cc_is_workday(d: date) -> bool:
    # Same rule as chinese_calendar.is_workday, minus its per-call range validation (~18 µs).
    return d in chinese_calendar.workdays or (
        d.weekday() <= 4 and d not in chinese_calendar.holidays
    )


# --------------------------------------------------------------------------- per-year data


class _YearData:
    """Workday flags and prefix counts for one year."""

    __slots__ = ("jan1", "prefix", "total_delta")

    def __init__(self, year: int, flags: list[bool]) -> None:
        self.jan1 = date(year, 1, 1).toordinal()
        prefix = [0] * (len(flags) + 1)
        running = 0
        for i, f in enumerate(flags):
            running += f
            prefix[i + 1] = running
        self.prefix = prefix  # prefix[i] = workdays among the first i days of the year
        n = len(flags)
        self.total_delta = running - (_weekdays_before(self.jan1 + n) - _weekdays_before(self.jan1))

    def flag(self, o: int) -> bool:
        i = o - self.jan1
        return self.prefix[i + 1] != self.prefix[i]


class WorkCalendar:
    """Working-day calendar: overrides > chinesecalendar (2004–2026) > Monday–Friday.

    ``overrides`` maps a date to ``True`` (workday) or ``False`` (day off). It is copied at
    construction; build a new calendar (or call :func:`invalidate_calendar`) when it changes.

    Conventions (all methods accept ``date`` or ``datetime``; a ``datetime`` is truncated):

    * ``add_workdays(d, 0)`` is ``d`` if ``d`` is a workday, otherwise the next workday.
    * ``add_workdays(d, n)`` with ``n > 0`` is the *n*-th workday strictly after ``d``; ``d``
      itself is never counted, whether or not it is a workday (期间开始之日不计算在内). So a
      3-workday deadline set on a Saturday falls on Wednesday, and from a Friday on Wednesday.
      Note ``add_workdays(sat, 0) == add_workdays(sat, 1)``.
    * ``add_workdays(d, n)`` with ``n < 0`` is the ``|n|``-th workday strictly before ``d``.
    * ``workdays_between(a, b)`` counts workdays in the half-open range ``[a, b)``; it is
      ``-workdays_between(b, a)`` when ``b < a``. For a workday ``d``,
      ``workdays_between(d, add_workdays(d, n)) == n`` for every ``n``.
    * ``workdays_in_range(a, b)`` lists the workdays in ``[a, b)`` (empty if ``b <= a``), so
      ``len(workdays_in_range(a, b)) == workdays_between(a, b)``.

    A result that would fall outside 0001-01-01..9999-12-31 raises ``OverflowError`` (as date
    arithmetic does); any input date in that range is accepted.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = {
            _as_date(k): bool(v) for k, v in (overrides or {}).items()
        }
        self._override_years: frozenset[int] = frozenset(d.year for d in self._overrides)
        self._years: dict[int, _YearData] = {}
        self._index: tuple[list[int], list[int]] | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ introspection

    @property
    def overrides(self) -> Mapping[date, bool]:
        """A copy of the override table this calendar was built with."""
        return dict(self._overrides)

    def __repr__(self) -> str:
        return f"<WorkCalendar overrides={len(self._overrides)}>"

    # ------------------------------------------------------------------ single days

    def _year_is_special(self, year: int) -> bool:
        return _cc_covers(year) or year in self._override_years

    def _raw_is_workday(self, d: date) -> bool:
        ov = self._overrides.get(d)
        if ov is not None:
            return ov
        if _cc_covers(d.year):
            return _cc_is_workday(d)
        return d.weekday() <= 4

    def _year_data(self, year: int) -> _YearData:
        yd = self._years.get(year)
        if yd is None:
            start = date(year, 1, 1)
            n = (date(year, 12, 31) - start).days + 1
            one = timedelta(days=1)
            flags = []
            d = start
            for i in range(n):
                flags.append(self._raw_is_workday(d))
                if i + 1 < n:
                    d += one
            yd = _YearData(year, flags)
            self._years[year] = yd
        return yd

    def is_workday(self, d: date) -> bool:
        """True if ``d`` is a working day (override, else chinesecalendar, else Mon–Fri)."""
        return self._raw_is_workday(_as_date(d))

    def is_confirmed(self, d: date) -> bool:
        """True if ``d``'s status comes from an override or from chinesecalendar.

        False means the Monday–Friday fallback was used because chinesecalendar 1.11.0 has no
        data for ``d.year`` (it covers 2004–2026) and there is no override for that exact date.
        """
        d = _as_date(d)
        return d in self._overrides or _cc_covers(d.year)

    # ------------------------------------------------------------------ counting

    def _get_index(self) -> tuple[list[int], list[int]]:
        """Sorted special years and cumulative corrections (``cum[i]`` = Σ delta of years[:i])."""
        index = self._index
        if index is None:
            with self._lock:
                index = self._index
                if index is None:
                    lo, hi = _cc_year_bounds()
                    years = {y for y in range(lo, hi + 1) if _cc_covers(y)}
                    years |= self._override_years
                    ys = sorted(years)
                    cum = [0]
                    for y in ys:
                        cum.append(cum[-1] + self._year_data(y).total_delta)
                    index = (ys, cum)
                    self._index = index
        return index

    def _count_before_ord(self, o: int) -> int:
        """Workdays with ordinal in [1, o), for ``1 <= o <= date.max.toordinal() + 1``."""
        base = _weekdays_before(o)
        ys, cum = self._get_index()
        if o > _MAX_ORD:
            return base + cum[-1]
        year = date.fromordinal(o).year
        i = bisect.bisect_left(ys, year)
        total = base + cum[i]
        if i < len(ys) and ys[i] == year:
            yd = self._year_data(year)
            doy = o - yd.jan1
            total += yd.prefix[doy] - (base - _weekdays_before(yd.jan1))
        return total

    def _kth_workday_ord(self, k: int, hint: int) -> int:
        """Ordinal of the workday ``w`` with exactly ``k`` workdays before it (0-based index).

        Exponential search from ``hint`` then bisection on the monotone count.
        """
        total = self._count_before_ord(_MAX_ORD + 1)
        if k < 0 or k >= total:
            raise OverflowError("date value out of range (no such workday in years 1..9999)")

        def reached(o: int) -> bool:  # at least k+1 workdays in [1, o]
            return self._count_before_ord(o + 1) > k

        hint = min(max(hint, _MIN_ORD), _MAX_ORD)
        step = 8
        if reached(hint):
            hi = hint
            lo = hint - step
            while lo >= _MIN_ORD and reached(lo):
                hi = lo
                step *= 2
                lo = hi - step
            lo = max(lo, _MIN_ORD - 1)  # reached(_MIN_ORD - 1) is False for k >= 0
        else:
            lo = hint
            hi = hint + step
            while hi <= _MAX_ORD and not reached(hi):
                lo = hi
                step *= 2
                hi = lo + step
            hi = min(hi, _MAX_ORD)  # reached(_MAX_ORD) is True because k < total
        # invariant: not reached(lo), reached(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if reached(mid):
                hi = mid
            else:
                lo = mid
        return hi

    def workdays_between(self, a: date, b: date) -> int:
        """Number of workdays in ``[a, b)``; negative (``-workdays_between(b, a)``) if b < a."""
        a, b = _as_date(a), _as_date(b)
        return self._count_before_ord(b.toordinal()) - self._count_before_ord(a.toordinal())

    def add_workdays(self, d: date, n: int) -> date:
        """Move ``n`` workdays from ``d`` (see the class docstring for the exact convention).

        * ``n == 0``: ``d`` if it is a workday, else the next workday.
        * ``n > 0``: the n-th workday strictly after ``d`` (``d`` itself is not counted).
        * ``n < 0``: the |n|-th workday strictly before ``d``.
        """
        d = _as_date(d)
        n = int(n)
        o = d.toordinal()
        if n == 0:
            if self.is_workday(d):
                return d
            k = self._count_before_ord(o)
            hint = o + 1
        elif n > 0:
            k = self._count_before_ord(o + 1) + n - 1
            hint = o + n + (2 * n) // 5
        else:
            k = self._count_before_ord(o) + n
            hint = o + n + (2 * n) // 5
        return date.fromordinal(self._kth_workday_ord(k, hint))

    def next_workday_on_or_after(self, d: date) -> date:
        """``d`` if it is a workday, else the first workday after it (== ``add_workdays(d, 0)``)."""
        return self.add_workdays(d, 0)

    def workday_on_or_before(self, d: date) -> date:
        """``d`` if it is a workday, else the last workday before it."""
        d = _as_date(d)
        if self.is_workday(d):
            return d
        return self.add_workdays(d, -1)

    def workdays_in_range(self, a: date, b: date) -> list[date]:
        """Workdays in the half-open range ``[a, b)``, ascending; ``[]`` if ``b <= a``."""
        a, b = _as_date(a), _as_date(b)
        out: list[date] = []
        o, end = a.toordinal(), b.toordinal()
        while o < end:
            d = date.fromordinal(o)
            year_end = min(date(d.year, 12, 31).toordinal() + 1, end)
            if self._year_is_special(d.year):
                yd = self._year_data(d.year)
                out.extend(date.fromordinal(x) for x in range(o, year_end) if yd.flag(x))
            else:
                out.extend(date.fromordinal(x) for x in range(o, year_end) if (x - 1) % 7 <= 4)
            o = year_end
        return out


# --------------------------------------------------------------------------- process default

OverrideLoader = Callable[[], Mapping[date, bool] | None]

_state_lock = threading.Lock()
_loader: OverrideLoader | None = None
_loader_ttl: float | None = None
_default: WorkCalendar | None = None
_default_built_at: float = 0.0
# Local (one town's) overrides, consulted after the national ones: town id → override table.
LocalLoader = Callable[[int], Mapping[date, bool] | None]
_local_loader: LocalLoader | None = None
_town_calendars: dict[int, tuple[WorkCalendar, WorkCalendar, float]] = {}


def set_local_override_loader(loader: LocalLoader | None) -> None:
    """Register the callable returning one town's local overrides (``{date: is_workday}``);
    they apply to that town's calendar only, after (over) the national overrides."""
    global _local_loader
    with _state_lock:
        _local_loader = loader
    invalidate_calendar()


def set_override_loader(loader: OverrideLoader | None, *, ttl: float | None = None) -> None:
    """Register the callable that returns the override table (``{date: is_workday}``).

    The loader is called lazily by :func:`get_calendar`, not here. ``ttl`` (seconds), if given,
    makes the cached calendar expire so that edits made in another process (another gunicorn
    worker) are picked up; :func:`invalidate_calendar` only clears the current process.
    Passing ``None`` unregisters the loader. Either way the cache is dropped.
    """
    global _loader, _loader_ttl
    with _state_lock:
        _loader = loader
        _loader_ttl = ttl
    invalidate_calendar()


def invalidate_calendar() -> None:
    """Drop the process-cached calendar; the next :func:`get_calendar` reloads overrides."""
    global _default
    with _state_lock:
        _default = None
        _town_calendars.clear()


def get_calendar(town=None) -> WorkCalendar:
    """Process-cached :class:`WorkCalendar` with overrides from the registered loader.

    With ``town`` (a Town or its id), the calendar of that town: the national overrides, then
    the town's local ones (:func:`set_local_override_loader`); cached per town and rebuilt
    when the national calendar is. With no loader registered there are no overrides. If the
    loader raises, the exception propagates and nothing is cached (the next call retries).
    """
    national = _national_calendar()
    town_id = getattr(town, "pk", town)
    if town_id is None or _local_loader is None:
        return national
    cached = _town_calendars.get(town_id)
    if cached is not None and cached[0] is national:
        return cached[1]
    local = _local_loader(town_id) or {}
    cal = WorkCalendar({**national.overrides, **local}) if local else national
    with _state_lock:
        _town_calendars[town_id] = (national, cal, time.monotonic())
    return cal


def _national_calendar() -> WorkCalendar:
    global _default, _default_built_at
    cal = _default
    if cal is not None and (
        _loader_ttl is None or time.monotonic() - _default_built_at < _loader_ttl
    ):
        return cal
    with _state_lock:
        cal = _default
        now = time.monotonic()
        if cal is not None and (_loader_ttl is None or now - _default_built_at < _loader_ttl):
            return cal
        overrides = _loader() if _loader is not None else None
        cal = WorkCalendar(overrides)
        _default = cal
        _default_built_at = now
        return cal


def is_workday(d: date) -> bool:
    """:meth:`WorkCalendar.is_workday` on :func:`get_calendar`."""
    return get_calendar().is_workday(d)


def is_confirmed(d: date) -> bool:
    """:meth:`WorkCalendar.is_confirmed` on :func:`get_calendar`."""
    return get_calendar().is_confirmed(d)


def add_workdays(d: date, n: int) -> date:
    """:meth:`WorkCalendar.add_workdays` on :func:`get_calendar`."""
    return get_calendar().add_workdays(d, n)


def workdays_between(a: date, b: date) -> int:
    """:meth:`WorkCalendar.workdays_between` on :func:`get_calendar`."""
    return get_calendar().workdays_between(a, b)
