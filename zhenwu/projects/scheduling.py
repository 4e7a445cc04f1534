"""Critical-path scheduling over a working-day calendar (pure Python, no Django).

Two entry points share one engine:

* :func:`schedule_spec` — the exact semantics of the public scheduling API
  (backward from a deadline / forward from a start date, finish-to-start links with lags).
* :func:`schedule` — the same passes plus what stored projects need: per-task calendar-day
  durations, "must start on" dates, actual start/finish, percent complete and a re-forecast
  from ``today`` against the deadline.

Day model (exactly the API spec)
--------------------------------
The calendar's working days are numbered 0, 1, 2, … from the project's first day.  A task of
duration ``d`` occupies days ``[ES, ES + d)``; ``EF = ES + d``; for every predecessor ``p``
``ES >= EF(p) + lag`` (lag may be negative) and ``ES >= 0``.  Dates: start = day ``ES``,
finish = day ``ES + d - 1``.  A milestone (``d == 0``) is dated at the *end* of day
``ES - 1`` (or day ``ES`` when ``ES`` is the project's first day).  Late pass:
``LF = min(LS(s) - lag)`` over successors (the finish boundary for tasks without successors),
``LS = LF - d``; late dates follow the same date rule.  ``total_float = LS - ES``.

* forward: day 0 = first working day on or after ``start``; boundary = largest EF.
* backward: boundary = the day after the last working day on or before ``deadline``;
  day 0 = boundary - longest path; early dates are computed forward from day 0.

``project_finish`` is day ``boundary - 1``, clamped to day 0 in the degenerate case where every
task is a milestone at day 0 (the same clamp the milestone date rule uses).

Internally indexes are absolute positions in a :class:`WorkdayIndex`: forward mode puts its
origin at ``start`` (day 0 = index 0); backward mode puts it at ``deadline + 1 day`` so the
boundary is index 0 and the project's first day is index ``-longest_path``.

Richer rules (:func:`schedule`) — choices documented here for the lead
----------------------------------------------------------------------
* ``calendar_days=True`` on a task: its duration counts calendar days (e.g. a 7-day 公示期)
  inside a working-day project.  It starts on a working day ``ES`` and occupies the calendar
  days ``[date(ES), date(ES) + d)``; ``EF`` is the first working day on or after
  ``date(ES) + d`` (so a lag-0 successor starts on the first working day after the period).
  Backward, ``LS`` is the last working day on or before ``date(LF) - d``.  Its finish dates
  are the real calendar end ``start + d - 1`` (which may be a weekend/holiday).  Lags always
  count project working days.
* ``fixed_start`` ("must start on"): ``ES`` = index of that date (the first working day on or
  after it) regardless of predecessors, and ``LS`` = the same index regardless of
  successors (``LF = LS + duration``).  Predecessors that cannot make it get negative float.
  A fixed *milestone* happens at the end of its date (index = last working day on or before
  it + 1), so it is reported on that date and lag-0 successors start the next working day.
  When re-forecasting and the task has not started, ``ES`` is also pushed to ``today``.
* Backward mode with calendar-day or fixed tasks: the longest path depends on where the
  project starts, so day 0 is instead the earliest late start of a plan-only late pass from
  the boundary (for plain networks that is exactly ``boundary - longest path``; with a fixed
  task it keeps the fixed task and its predecessors inside the project).
* Re-forecast: ``actual_finish`` set ⇒ finished: its dates are the actual dates (start =
  ``actual_start`` or derived from the duration), late dates = actual dates, float 0,
  never critical.  ``actual_start`` only ⇒ in progress: ``ES`` = actual start, remaining
  ``ceil(d × (1 − pct/100))`` working (or calendar) days counted from ``today`` (from the
  actual start when ``today`` is None); predecessors no longer constrain it.  Not started
  ⇒ cannot start before ``today`` (when given); ``percent_complete`` is ignored for tasks
  without an actual start.  Actual dates on non-working days snap to working days for the
  index arithmetic but are reported verbatim.
* ``critical`` is ``total_float <= 0`` (and not finished): identical to the spec's
  ``== 0`` there, because float is never negative without fixed dates / re-forecasting.
* ``late_start_passed``: today > late start date and the task has not started.
* Deadline: in backward mode the anchor; in forward mode an optional ``deadline=``.
  ``days_short`` = working days by which the forecast's largest EF exceeds the deadline
  boundary (0 when it meets it).

Performance: the passes run over integer indexes with CSR adjacency lists (Kahn's algorithm,
no per-edge objects); see ``bench/bench_schedule.py``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any, Literal, Protocol, runtime_checkable

__all__ = [
    "CalendarDays",
    "Dependency",
    "ScheduleError",
    "ScheduleResult",
    "Task",
    "TaskSchedule",
    "WorkdayCalendar",
    "WorkdayIndex",
    "schedule",
    "schedule_spec",
]

Mode = Literal["backward", "forward"]
_MAX_ORD = date.max.toordinal()
_MAX_GAP = 3700  # a calendar with no working day for ~10 years is considered broken


# --------------------------------------------------------------------------- public types
@runtime_checkable
class WorkdayCalendar(Protocol):
    """Anything with ``is_workday(date) -> bool`` (e.g. ``zhenwu.core.workcalendar``)."""

    def is_workday(self, d: date, /) -> bool: ...


class CalendarDays:
    """Calendar where every day is a working day (durations in calendar days)."""

    __slots__ = ()

    def is_workday(self, d: date, /) -> bool:
        return True

    def __repr__(self) -> str:
        return "CalendarDays()"


class ScheduleError(ValueError):
    """Invalid scheduling input; ``message`` is Chinese, ``task_key`` names the task if any."""

    def __init__(self, message: str, task_key: str | None = None):
        super().__init__(message)
        self.message = message
        self.task_key = task_key


@dataclass(frozen=True, slots=True)
class Dependency:
    """Finish-to-start link from predecessor ``key`` with ``lag`` working days."""

    key: str
    lag: int = 0


@dataclass(frozen=True, slots=True)
class Task:
    """Input task.  Plain mappings with the same field names are accepted too."""

    key: str
    duration: int
    predecessors: Sequence[Dependency | Mapping[str, Any] | str] = ()
    calendar_days: bool = False
    fixed_start: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    percent_complete: float | int = 0


@dataclass(slots=True)
class TaskSchedule:
    key: str
    early_start: date
    early_finish: date
    late_start: date
    late_finish: date
    total_float: int
    critical: bool
    # working-day indexes relative to the project's first day (day 0)
    es: int
    ef: int
    ls: int
    lf: int
    status: Literal["not_started", "in_progress", "finished"] = "not_started"
    late_start_passed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The API-spec fields, dates as ISO strings."""
        return {
            "key": self.key,
            "early_start": self.early_start.isoformat(),
            "early_finish": self.early_finish.isoformat(),
            "late_start": self.late_start.isoformat(),
            "late_finish": self.late_finish.isoformat(),
            "total_float": self.total_float,
            "critical": self.critical,
        }


@dataclass(slots=True)
class ScheduleResult:
    mode: Mode
    project_start: date
    project_finish: date
    tasks: list[TaskSchedule]  # input order
    # re-forecast / deadline information (schedule(); for schedule_spec: no today)
    deadline: date | None = None
    forecast_finish: date | None = None
    days_short: int = 0
    today: date | None = None

    @property
    def meets_deadline(self) -> bool | None:
        return None if self.deadline is None else self.days_short == 0

    @property
    def by_key(self) -> dict[str, TaskSchedule]:
        return {t.key: t for t in self.tasks}

    @property
    def critical_keys(self) -> list[str]:
        return [t.key for t in self.tasks if t.critical]

    def to_dict(self) -> dict[str, Any]:
        """The API-spec payload, dates as ISO strings."""
        return {
            "project_start": self.project_start.isoformat(),
            "project_finish": self.project_finish.isoformat(),
            "tasks": [t.to_dict() for t in self.tasks],
        }


# --------------------------------------------------------------------------- day indexes
class WorkdayIndex:
    """Bidirectional mapping between integer indexes and a calendar's working dates.

    Index 0 is the first working day on or after ``origin``; index -1 is the last working day
    strictly before ``origin``.  The date lists grow lazily in both directions and are built
    once (one ``is_workday`` call per calendar day covered).
    """

    __slots__ = ("_all", "_back", "_bnext", "_cal", "_fnext", "_fwd", "_o")

    def __init__(self, calendar: WorkdayCalendar, origin: date):
        self._cal = calendar
        self._all = isinstance(calendar, CalendarDays)
        self._o = origin.toordinal()
        self._fwd: list[int] = []  # ordinals of working days >= origin, ascending
        self._back: list[int] = []  # NEGATED ordinals of working days < origin, ascending
        self._fnext = self._o
        self._bnext = self._o - 1

    # -- growth
    def _grow_fwd(self, count: int = 0, until_ord: int | None = None) -> None:
        fwd, isw, fromord = self._fwd, self._cal.is_workday, date.fromordinal
        x = self._fnext
        gap = 0
        while len(fwd) < count or (until_ord is not None and (not fwd or fwd[-1] < until_ord)):
            if x > _MAX_ORD:
                raise ScheduleError("排期超出可计算的日期范围（9999年）")
            if isw(fromord(x)):
                fwd.append(x)
                gap = 0
            else:
                gap += 1
                if gap > _MAX_GAP:
                    raise ScheduleError(f"工作日历在{fromord(x - gap)}之后长期没有工作日")
            x += 1
        self._fnext = x

    def _grow_back(self, count: int = 0, until_ord: int | None = None) -> None:
        back, isw, fromord = self._back, self._cal.is_workday, date.fromordinal
        x = self._bnext
        gap = 0
        while len(back) < count or (until_ord is not None and (not back or -back[-1] > until_ord)):
            if x < 1:
                raise ScheduleError("排期超出可计算的日期范围（公元1年）")
            if isw(fromord(x)):
                back.append(-x)
                gap = 0
            else:
                gap += 1
                if gap > _MAX_GAP:
                    raise ScheduleError(f"工作日历在{fromord(x + gap)}之前长期没有工作日")
            x -= 1
        self._bnext = x

    # -- lookups
    def ordinal(self, i: int) -> int:
        if self._all:
            o = self._o + i
            if not 1 <= o <= _MAX_ORD:
                raise ScheduleError("排期超出可计算的日期范围")
            return o
        if i >= 0:
            if i >= len(self._fwd):
                self._grow_fwd(count=i + 1)
            return self._fwd[i]
        j = -i - 1
        if j >= len(self._back):
            self._grow_back(count=j + 1)
        return -self._back[j]

    def date_of(self, i: int) -> date:
        return date.fromordinal(self.ordinal(i))

    def dates(self, lo: int, hi: int) -> list[date]:
        """Dates of indexes ``lo..hi`` inclusive (``result[i - lo]``)."""
        if hi < lo:
            return []
        fromord = date.fromordinal
        if self._all:
            self.ordinal(lo), self.ordinal(hi)  # range check
            o = self._o
            return [fromord(o + i) for i in range(lo, hi + 1)]
        out: list[date] = []
        if lo < 0:
            self.ordinal(lo)
            back = self._back
            top = min(hi, -1)
            # index i < 0 -> back[-i - 1]; i from lo..top ascending -> back index descending
            out.extend(fromord(-back[j]) for j in range(-lo - 1, -top - 2, -1))
        if hi >= 0:
            self.ordinal(hi)
            out.extend(map(fromord, self._fwd[max(lo, 0) : hi + 1]))
        return out

    def ceil_index(self, d: date) -> int:
        """Index of the first working day on or after ``d``."""
        x = d.toordinal()
        if self._all:
            return x - self._o
        if x >= self._o:
            self._grow_fwd(count=1, until_ord=x)
            return bisect.bisect_left(self._fwd, x)
        self._grow_back(until_ord=x)
        # working days in [x, origin) are back[0..k-1]
        k = bisect.bisect_right(self._back, -x)
        return -k

    def floor_index(self, d: date) -> int:
        """Index of the last working day on or before ``d``."""
        x = d.toordinal()
        if self._all:
            return x - self._o
        if x >= self._o:
            self._grow_fwd(until_ord=x)
            return bisect.bisect_right(self._fwd, x) - 1
        self._grow_back(count=1, until_ord=x)
        k = bisect.bisect_left(self._back, -x)  # entries strictly after x
        return -k - 1


# --------------------------------------------------------------------------- input parsing
def _as_date(value: Any, what: str, task_key: str | None = None) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    prefix = f"任务「{task_key}」的" if task_key is not None else ""
    raise ScheduleError(f"{prefix}{what}日期无效：{value!r}", task_key=task_key)


def _opt_date(value: Any, what: str, task_key: str) -> date | None:
    if value is None or value == "":
        return None
    return _as_date(value, what, task_key)


def _as_int(value: Any, what: str, task_key: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ScheduleError(f"任务「{task_key}」的{what}必须是整数：{value!r}", task_key=task_key)
    return int(value)


class _Extra:
    """Per-task options of the richer model (only allocated for tasks that use them)."""

    __slots__ = (
        "actual_finish",
        "actual_start",
        "calendar_days",
        "ef_date",
        "es_date",
        "fixed_start",
        "lf_date",
        "ls_date",
        "pct",
    )

    def __init__(self) -> None:
        self.calendar_days = False
        self.fixed_start: date | None = None
        self.actual_start: date | None = None
        self.actual_finish: date | None = None
        self.pct: Fraction = Fraction(0)
        self.es_date: date | None = None
        self.ef_date: date | None = None
        self.ls_date: date | None = None
        self.lf_date: date | None = None

    @property
    def status(self) -> str:
        if self.actual_finish is not None:
            return "finished"
        if self.actual_start is not None:
            return "in_progress"
        return "not_started"


class _Net:
    """Task network in integer form: predecessor and successor lists in CSR layout."""

    __slots__ = (
        "dur",
        "extra",
        "keys",
        "n",
        "order",
        "pidx",
        "plag",
        "powner",
        "pptr",
        "sedge",
        "sptr",
    )


def _parse(tasks: Iterable[Any], rich: bool) -> _Net:
    if isinstance(tasks, Mapping | str | bytes):
        raise ScheduleError("任务列表格式无效")
    keys: list[str] = []
    dur: list[int] = []
    pptr: list[int] = [0]
    pkeys: list[Any] = []
    plag: list[int] = []
    extra: list[_Extra | None] | None = [] if rich else None
    index: dict[str, int] = {}
    for t in tasks:
        if isinstance(t, Mapping):
            get = t.get
        elif isinstance(t, Task):
            get = t.__getattribute__  # type: ignore[assignment]
        else:
            raise ScheduleError(f"任务格式无效：{t!r}")
        key = get("key")
        if not isinstance(key, str) or not key.strip():
            raise ScheduleError(
                f"任务编号无效：{key!r}", task_key=key if isinstance(key, str) else None
            )
        if key in index:
            raise ScheduleError(f"任务编号「{key}」重复", task_key=key)
        index[key] = len(keys)
        d = get("duration")
        if type(d) is not int:
            d = _as_int(d, "工期", key)
        if d < 0:
            raise ScheduleError(f"任务「{key}」的工期不能为负数（{d}）", task_key=key)
        keys.append(key)
        dur.append(d)
        preds = get("predecessors") or ()
        if isinstance(preds, str | bytes | Mapping):
            raise ScheduleError(f"任务「{key}」的前置任务格式无效", task_key=key)
        for p in preds:
            if isinstance(p, Mapping):
                pk = p.get("key")
                lag = p.get("lag", 0)
            elif isinstance(p, Dependency):
                pk, lag = p.key, p.lag
            elif isinstance(p, str):
                pk, lag = p, 0
            else:
                raise ScheduleError(f"任务「{key}」的前置任务格式无效：{p!r}", task_key=key)
            if lag is None:
                lag = 0
            elif type(lag) is not int:
                lag = _as_int(lag, "前置任务间隔（lag）", key)
            pkeys.append(pk)
            plag.append(lag)
        pptr.append(len(pkeys))
        if extra is not None:
            extra.append(_parse_extra(get, key))
    n = len(keys)
    if n == 0:
        raise ScheduleError("任务列表为空")

    # resolve predecessor keys -> indexes
    try:
        pidx = [index[k] for k in pkeys]
    except (KeyError, TypeError):
        for e, k in enumerate(pkeys):
            if not isinstance(k, str) or k not in index:
                owner = keys[bisect.bisect_right(pptr, e) - 1]
                raise ScheduleError(
                    f"任务「{owner}」的前置任务「{k}」不存在", task_key=owner
                ) from None
        raise  # pragma: no cover

    net = _Net()
    net.n, net.keys, net.dur, net.extra = n, keys, dur, extra
    net.pptr, net.pidx, net.plag = pptr, pidx, plag
    # edge owner (the successor) of each predecessor entry, and successor CSR of edge ids
    powner = [0] * len(pidx)
    outdeg = [0] * (n + 1)
    for i in range(n):
        a, b = pptr[i], pptr[i + 1]
        if a != b:
            powner[a:b] = [i] * (b - a)
    for p in pidx:
        outdeg[p + 1] += 1
    sptr = outdeg
    for i in range(n):
        sptr[i + 1] += sptr[i]
    fill = sptr[:-1]
    sedge = [0] * len(pidx)
    for e, p in enumerate(pidx):
        sedge[fill[p]] = e
        fill[p] += 1
    net.powner, net.sptr, net.sedge = powner, sptr, sedge
    net.order = _toposort(net)
    return net


def _parse_extra(get: Any, key: str) -> _Extra | None:
    cal_days = bool(_g(get, "calendar_days"))
    fixed = _opt_date(_g(get, "fixed_start"), "固定开始", key)
    a_start = _opt_date(_g(get, "actual_start"), "实际开始", key)
    a_finish = _opt_date(_g(get, "actual_finish"), "实际完成", key)
    pct_raw = _g(get, "percent_complete")
    if not (cal_days or fixed or a_start or a_finish or pct_raw):
        return None
    x = _Extra()
    x.calendar_days, x.fixed_start, x.actual_start, x.actual_finish = (
        cal_days,
        fixed,
        a_start,
        a_finish,
    )
    if a_start is not None and a_finish is not None and a_finish < a_start:
        raise ScheduleError(f"任务「{key}」的实际完成日期早于实际开始日期", task_key=key)
    if pct_raw:
        try:
            pct = Fraction(str(pct_raw))
        except (ValueError, ZeroDivisionError):
            raise ScheduleError(
                f"任务「{key}」的完成百分比无效：{pct_raw!r}", task_key=key
            ) from None
        if not 0 <= pct <= 100:
            raise ScheduleError(f"任务「{key}」的完成百分比必须在0到100之间", task_key=key)
        x.pct = pct
    return x


def _g(get: Any, name: str) -> Any:
    try:
        return get(name)
    except AttributeError:
        return None


def _toposort(net: _Net) -> list[int]:
    n, pptr, sptr, sedge, powner = net.n, net.pptr, net.sptr, net.sedge, net.powner
    indeg = [pptr[i + 1] - pptr[i] for i in range(n)]
    order = [i for i in range(n) if indeg[i] == 0]
    for i in order:  # the list grows while we iterate (Kahn's queue)
        for k in range(sptr[i], sptr[i + 1]):
            j = powner[sedge[k]]
            indeg[j] -= 1
            if indeg[j] == 0:
                order.append(j)
    if len(order) < n:
        _raise_cycle(net, indeg)
    return order


def _raise_cycle(net: _Net, indeg: list[int]) -> None:
    pptr, pidx, keys = net.pptr, net.pidx, net.keys
    v = next(i for i in range(net.n) if indeg[i] > 0)
    seen: dict[int, int] = {}
    walk: list[int] = []
    while v not in seen:
        seen[v] = len(walk)
        walk.append(v)
        # a node left over by Kahn's algorithm has a predecessor that is left over too
        v = next(pidx[k] for k in range(pptr[v], pptr[v + 1]) if indeg[pidx[k]] > 0)
    cycle = walk[seen[v] :][::-1]  # walked against the arrows; reverse to follow them
    r = cycle.index(min(cycle))
    cycle = cycle[r:] + cycle[:r]
    names = [keys[i] for i in cycle]
    raise ScheduleError("存在循环依赖：" + " → ".join([*names, names[0]]), task_key=names[0])


# --------------------------------------------------------------------------- core passes
def _forward_plain(net: _Net, floor: int) -> tuple[list[int], list[int]]:
    """ES/EF with every task unconstrained except by links and ``ES >= floor``."""
    n, dur, pptr, pidx, plag = net.n, net.dur, net.pptr, net.pidx, net.plag
    es = [0] * n
    ef = [0] * n
    for i in net.order:
        a = pptr[i]
        b = pptr[i + 1]
        s = floor
        while a < b:
            v = ef[pidx[a]] + plag[a]
            if v > s:
                s = v
            a += 1
        es[i] = s
        ef[i] = s + dur[i]
    return es, ef


def _backward_plain(
    net: _Net, ef_boundary: int, es: list[int], ef: list[int]
) -> tuple[list[int], list[int]]:
    n, dur, sptr, sedge, powner, plag = net.n, net.dur, net.sptr, net.sedge, net.powner, net.plag
    ls = [0] * n
    lf = [0] * n
    order = net.order
    for j in range(n - 1, -1, -1):
        i = order[j]
        a = sptr[i]
        b = sptr[i + 1]
        f = ef_boundary
        if a < b:
            e = sedge[a]
            f = ls[powner[e]] - plag[e]
            a += 1
            while a < b:
                e = sedge[a]
                v = ls[powner[e]] - plag[e]
                if v < f:
                    f = v
                a += 1
        lf[i] = f
        ls[i] = f - dur[i]
    return ls, lf


class _Ctx:
    """What the special-task rules need: the day index and the re-forecast state."""

    __slots__ = ("all_days", "forecast", "idx", "today", "today_i")

    def __init__(self, idx: WorkdayIndex, today: date | None, forecast: bool):
        self.idx = idx
        self.all_days = idx._all
        self.today = today
        self.today_i = idx.ceil_index(today) if today is not None else None
        self.forecast = forecast


def _span_end(ctx: _Ctx, s: int, d: int) -> int:
    """EF of a calendar-day task of ``d`` days starting on working day ``s``."""
    if d == 0 or ctx.all_days:
        return s + d
    return ctx.idx.ceil_index(ctx.idx.date_of(s) + timedelta(days=d))


def _fixed_index(idx: WorkdayIndex, day: date, d: int) -> int:
    """A task fixed to start on ``day`` starts on the first working day on or after it; a
    fixed milestone happens at the end of ``day`` (its date rule then shows ``day`` itself
    when ``day`` is a working day)."""
    return idx.floor_index(day) + 1 if d == 0 else idx.ceil_index(day)


def _remaining(d: int, pct: Fraction) -> int:
    return math.ceil(d * (100 - pct) / 100)


def _forward_rich(net: _Net, floor: int, ctx: _Ctx) -> tuple[list[int], list[int]]:
    """Forward pass honouring the per-task extras; ``floor`` = max(day 0, today)."""
    n, dur, pptr, pidx, plag, extra = net.n, net.dur, net.pptr, net.pidx, net.plag, net.extra
    assert extra is not None
    es = [0] * n
    ef = [0] * n
    idx = ctx.idx
    for i in net.order:
        x = extra[i]
        d = dur[i]
        if x is None:
            a = pptr[i]
            b = pptr[i + 1]
            s = floor
            while a < b:
                v = ef[pidx[a]] + plag[a]
                if v > s:
                    s = v
                a += 1
            es[i] = s
            ef[i] = s + d
            continue
        x.es_date = x.ef_date = None
        if ctx.forecast and x.actual_finish is not None:
            e = idx.floor_index(x.actual_finish) + 1
            if x.actual_start is not None:
                s = idx.ceil_index(x.actual_start)
                x.es_date = x.actual_start
            elif x.calendar_days:
                start = x.actual_finish - timedelta(days=max(d - 1, 0))
                s = idx.ceil_index(start) if d else e
                x.es_date = start if d else x.actual_finish
            else:
                s = e - d
                x.es_date = idx.date_of(s) if d else x.actual_finish
            x.ef_date = x.actual_finish
            s = min(s, e)
        elif ctx.forecast and x.actual_start is not None:
            s = idx.ceil_index(x.actual_start)
            x.es_date = x.actual_start
            if ctx.today is None:
                base_day, base_i = x.actual_start, s
                r = d
            else:
                base_day = max(ctx.today, x.actual_start)
                base_i = max(ctx.today_i, s)
                r = _remaining(d, x.pct)
            if x.calendar_days:
                e = ctx.idx.ceil_index(base_day + timedelta(days=r)) if r else base_i
                x.ef_date = max(base_day + timedelta(days=r - 1), x.actual_start)
            else:
                e = base_i + r
            if d and e <= s:
                e = s + 1
        else:
            if x.fixed_start is not None:
                s = _fixed_index(idx, x.fixed_start, d)
                if ctx.forecast and ctx.today_i is not None and ctx.today_i > s:
                    s = ctx.today_i
            else:
                a = pptr[i]
                b = pptr[i + 1]
                s = floor
                while a < b:
                    v = ef[pidx[a]] + plag[a]
                    if v > s:
                        s = v
                    a += 1
            e = _span_end(ctx, s, d) if x.calendar_days else s + d
        es[i] = s
        ef[i] = e
    return es, ef


def _backward_rich(
    net: _Net, boundary: int, es: list[int], ef: list[int], ctx: _Ctx
) -> tuple[list[int], list[int]]:
    n, dur, sptr, sedge, powner, plag, extra = (
        net.n,
        net.dur,
        net.sptr,
        net.sedge,
        net.powner,
        net.plag,
        net.extra,
    )
    assert extra is not None
    ls = [0] * n
    lf = [0] * n
    order = net.order
    idx = ctx.idx
    for j in range(n - 1, -1, -1):
        i = order[j]
        a = sptr[i]
        b = sptr[i + 1]
        f = boundary
        if a < b:
            e = sedge[a]
            f = ls[powner[e]] - plag[e]
            a += 1
            while a < b:
                e = sedge[a]
                v = ls[powner[e]] - plag[e]
                if v < f:
                    f = v
                a += 1
        x = extra[i]
        d = dur[i]
        if x is None:
            lf[i] = f
            ls[i] = f - d
            continue
        x.ls_date = x.lf_date = None
        if ctx.forecast and x.actual_finish is not None:
            ls[i], lf[i] = es[i], ef[i]
            x.ls_date, x.lf_date = x.es_date, x.ef_date
        elif ctx.forecast and x.actual_start is not None:
            lf[i] = f
            ls[i] = f - (ef[i] - es[i])
        elif x.fixed_start is not None:
            s = _fixed_index(idx, x.fixed_start, d)
            ls[i] = s
            lf[i] = _span_end(ctx, s, d) if x.calendar_days else s + d
        elif x.calendar_days and d and not ctx.all_days:
            lf[i] = f
            ls[i] = idx.floor_index(idx.date_of(f) - timedelta(days=d))
        else:
            lf[i] = f
            ls[i] = f - d
    return ls, lf


# --------------------------------------------------------------------------- entry points
def _check_mode(mode: Any) -> Mode:
    if mode not in ("backward", "forward"):
        raise ScheduleError(f"排期方式无效：{mode!r}（应为 backward 或 forward）")
    return mode


def _check_calendar(calendar: Any) -> WorkdayCalendar:
    if calendar is None or not callable(getattr(calendar, "is_workday", None)):
        raise ScheduleError("未提供有效的工作日历")
    return calendar


def schedule_spec(
    tasks: Iterable[Mapping[str, Any] | Task],
    *,
    mode: Mode,
    anchor: date | str,
    calendar: WorkdayCalendar,
) -> ScheduleResult:
    """The API's scheduling semantics, exactly (see the module docstring).

    ``anchor`` is the deadline (backward) or the start date (forward), a ``date`` or an ISO
    string.  Tasks are mappings ``{key, duration, predecessors: [{key, lag}]}`` (or
    :class:`Task`); extra fields are ignored.  Raises :class:`ScheduleError`.
    """
    mode = _check_mode(mode)
    anchor_d = _as_date(anchor, "截止" if mode == "backward" else "开始")
    calendar = _check_calendar(calendar)
    net = _parse(tasks, rich=False)

    es, ef = _forward_plain(net, 0)
    longest = max(ef)
    if mode == "forward":
        idx = WorkdayIndex(calendar, anchor_d)
        start, boundary = 0, longest
    else:
        idx = WorkdayIndex(calendar, anchor_d + timedelta(days=1))
        start, boundary = -longest, 0
        if longest:
            es = [v - longest for v in es]
            ef = [v - longest for v in ef]
    ls, lf = _backward_plain(net, boundary, es, ef)
    return _build_result(net, idx, mode, start, boundary, es, ef, ls, lf, None, None)


def schedule(
    tasks: Iterable[Mapping[str, Any] | Task],
    *,
    mode: Mode,
    anchor: date | str,
    calendar: WorkdayCalendar,
    today: date | str | None = None,
    deadline: date | str | None = None,
) -> ScheduleResult:
    """Schedule stored-project tasks (spec semantics + extras, see the module docstring).

    ``anchor``: deadline (backward) or start (forward).  ``deadline`` (forward mode only,
    optional) is what ``days_short`` is measured against; in backward mode it is the anchor.
    ``today`` turns on the re-forecast (actuals, remaining durations, nothing before today).
    """
    mode = _check_mode(mode)
    anchor_d = _as_date(anchor, "截止" if mode == "backward" else "开始")
    today_d = None if today is None else _as_date(today, "今天")
    calendar = _check_calendar(calendar)
    net = _parse(tasks, rich=True)
    extra = net.extra
    assert extra is not None

    if mode == "backward":
        deadline_d: date | None = anchor_d
        idx = WorkdayIndex(calendar, anchor_d + timedelta(days=1))
        boundary_dl: int | None = 0
    else:
        deadline_d = None if deadline is None else _as_date(deadline, "截止")
        idx = WorkdayIndex(calendar, anchor_d)
        boundary_dl = None if deadline_d is None else idx.floor_index(deadline_d) + 1

    any_extra = any(x is not None for x in extra)
    plan_ctx = _Ctx(idx, None, forecast=False)
    if mode == "forward":
        start = 0
    elif not any(
        x is not None and (x.fixed_start is not None or (x.calendar_days and not idx._all))
        for x in extra
    ):
        _, ef0 = _forward_plain(net, 0)
        start = -max(ef0)
    else:
        start = _latest_start(net, 0, plan_ctx)

    forecast = today_d is not None or any(
        x is not None and (x.actual_start is not None or x.actual_finish is not None) for x in extra
    )
    ctx = _Ctx(idx, today_d, forecast=forecast)
    floor = start
    if ctx.today_i is not None and ctx.today_i > floor:
        floor = ctx.today_i
    if any_extra:
        es, ef = _forward_rich(net, floor, ctx)
    else:
        es, ef = _forward_plain(net, floor)
    finish = max(ef)
    boundary = boundary_dl if mode == "backward" else finish
    assert boundary is not None
    if any_extra:
        ls, lf = _backward_rich(net, boundary, es, ef, ctx)
    else:
        ls, lf = _backward_plain(net, boundary, es, ef)
    short = 0 if boundary_dl is None else max(0, finish - boundary_dl)
    res = _build_result(net, idx, mode, start, boundary, es, ef, ls, lf, today_d, ctx)
    res.deadline = deadline_d
    res.forecast_finish = idx.date_of(max(finish - 1, start))
    res.days_short = short
    return res


def _latest_start(net: _Net, boundary: int, ctx: _Ctx) -> int:
    """Day 0 of a backward plan whose longest path depends on dates (calendar-day or fixed
    tasks): the earliest late start of a plan-only late pass from ``boundary``.  For plain
    networks this equals ``boundary - longest path``; with fixed dates it keeps the project
    from starting after its own fixed tasks and their predecessors."""
    zeros = [0] * net.n
    ls, _ = _backward_rich(net, boundary, zeros, zeros, ctx)
    return min(ls)


def _build_result(
    net: _Net,
    idx: WorkdayIndex,
    mode: Mode,
    start: int,
    boundary: int,
    es: list[int],
    ef: list[int],
    ls: list[int],
    lf: list[int],
    today: date | None,
    ctx: _Ctx | None,
) -> ScheduleResult:
    lo = min(min(es), min(ls), start) - 1
    hi = max(max(ef), max(lf), boundary)
    dates = idx.dates(lo, hi)
    keys, dur, extra = net.keys, net.dur, net.extra
    s0 = start - lo
    out: list[TaskSchedule] = []
    append = out.append
    for i in range(net.n):
        d = dur[i]
        a, b, c, f = es[i] - lo, ef[i] - lo, ls[i] - lo, lf[i] - lo
        if d:
            e_s, e_f, l_s, l_f = dates[a], dates[b - 1], dates[c], dates[f - 1]
        else:
            e_s = e_f = dates[a] if a == s0 else dates[a - 1]
            l_s = l_f = dates[c] if c == s0 else dates[c - 1]
        fl = ls[i] - es[i]
        x = extra[i] if extra is not None else None
        if x is None:
            append(
                TaskSchedule(
                    keys[i], e_s, e_f, l_s, l_f, fl, fl <= 0, a - s0, b - s0, c - s0, f - s0
                )
            )
            continue
        status = x.status if ctx is not None and ctx.forecast else "not_started"
        if x.calendar_days and d:
            e_f = e_s + timedelta(days=d - 1)
            l_f = l_s + timedelta(days=d - 1)
        if x.es_date is not None:
            e_s = x.es_date
        if x.ef_date is not None:
            e_f = x.ef_date
        if x.ls_date is not None:
            l_s = x.ls_date
        if x.lf_date is not None:
            l_f = x.lf_date
        if status == "finished":
            fl = 0
        ts = TaskSchedule(
            keys[i],
            e_s,
            e_f,
            l_s,
            l_f,
            fl,
            fl <= 0 and status != "finished",
            a - s0,
            b - s0,
            c - s0,
            f - s0,
            status,
        )
        out.append(ts)
    if today is not None:
        for t in out:
            t.late_start_passed = t.status == "not_started" and today > t.late_start
    pf = max(boundary - 1, start)
    return ScheduleResult(
        mode=mode,
        project_start=dates[s0],
        project_finish=dates[pf - lo],
        tasks=out,
        today=today,
    )
