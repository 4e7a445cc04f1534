"""Tests for zhenwu.core.workcalendar (no database needed)."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from zhenwu.core import workcalendar as wc
from zhenwu.core.workcalendar import WorkCalendar

D = date
ONE = timedelta(days=1)

# chinesecalendar is pinned to 1.11.0, which covers 2004–2026. When it is upgraded (each
# November), move UNCOVERED to the first year the new release does not cover.
UNCOVERED = 2027


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


@pytest.fixture(autouse=True)
def _reset_default_calendar():
    wc.set_override_loader(None)
    yield
    wc.set_override_loader(None)


# --------------------------------------------------------------------------- helpers


def brute_between(cal: WorkCalendar, a: date, b: date) -> int:
    if b < a:
        return -brute_between(cal, b, a)
    return sum(cal.is_workday(a + i * ONE) for i in range((b - a).days))


def brute_add(cal: WorkCalendar, d: date, n: int) -> date:
    if n == 0:
        while not cal.is_workday(d):
            d += ONE
        return d
    step = ONE if n > 0 else -ONE
    left = abs(n)
    while left:
        d += step
        if cal.is_workday(d):
            left -= 1
    return d


def mon_fri_between(a: date, b: date) -> int:
    """Independent Monday–Friday count over [a, b), a <= b."""
    days = (b - a).days
    weeks, rem = divmod(days, 7)
    extra = sum((a + i * ONE).weekday() < 5 for i in range(rem))
    return 5 * weeks + extra


# --------------------------------------------------------------------------- chinesecalendar data


def test_library_version_and_coverage():
    assert chinese_calendar.__version__ == "1.11.0"
    assert wc.chinese_calendar_years() == range(2004, UNCOVERED)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(UNCOVERED, 1, 4))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2003, 12, 31))


def test_matches_chinese_calendar_every_day_2004_2026(cal):
    d = D(2004, 1, 1)
    while d <= D(2026, 12, 31):
        assert cal.is_workday(d) is chinese_calendar.is_workday(d), d
        assert cal.is_confirmed(d)
        d += ONE


@pytest.mark.parametrize(
    "d",
    [
        D(2025, 1, 1),  # 元旦
        *(D(2025, 1, 28) + i * ONE for i in range(8)),  # 春节 1/28–2/4
        D(2025, 4, 4),  # 清明
        D(2025, 4, 5),
        D(2025, 4, 6),
        *(D(2025, 5, 1) + i * ONE for i in range(5)),  # 劳动节 5/1–5
        D(2025, 5, 31),  # 端午 5/31–6/2
        D(2025, 6, 1),
        D(2025, 6, 2),
        *(D(2025, 10, 1) + i * ONE for i in range(8)),  # 国庆+中秋 10/1–8
        D(2026, 1, 1),  # 元旦 1/1–3
        D(2026, 1, 2),
        D(2026, 1, 3),
        *(D(2026, 2, 15) + i * ONE for i in range(9)),  # 春节 2/15–23
        D(2026, 4, 4),  # 清明 4/4–6
        D(2026, 4, 5),
        D(2026, 4, 6),
        *(D(2026, 5, 1) + i * ONE for i in range(5)),  # 劳动节 5/1–5
        D(2026, 6, 19),  # 端午 6/19–21
        D(2026, 6, 20),
        D(2026, 6, 21),
        D(2026, 9, 25),  # 中秋 9/25–27
        D(2026, 9, 26),
        D(2026, 9, 27),
        *(D(2026, 10, 1) + i * ONE for i in range(7)),  # 国庆 10/1–7
    ],
    ids=str,
)
def test_statutory_holidays_2025_2026(cal, d):
    assert not cal.is_workday(d)
    assert cal.is_confirmed(d)


@pytest.mark.parametrize(
    "d",
    [
        D(2025, 1, 26),  # Sunday before 春节
        D(2025, 2, 8),  # Saturday after 春节
        D(2025, 4, 27),  # Sunday before 劳动节
        D(2025, 9, 28),  # Sunday before 国庆
        D(2025, 10, 11),  # Saturday after 国庆
        D(2026, 1, 4),  # Sunday after 元旦
        D(2026, 2, 14),  # Saturday before 春节
        D(2026, 2, 28),  # Saturday after 春节
        D(2026, 5, 9),  # Saturday after 劳动节
        D(2026, 9, 20),  # Sunday before 国庆
        D(2026, 10, 10),  # Saturday after 国庆
    ],
    ids=str,
)
def test_make_up_weekend_workdays(cal, d):
    assert d.weekday() >= 5
    assert cal.is_workday(d)


def test_ordinary_days(cal):
    assert cal.is_workday(D(2025, 10, 9))  # Thursday after 国庆
    assert not cal.is_workday(D(2025, 10, 12))  # ordinary Sunday
    assert not cal.is_workday(D(2026, 3, 7))  # ordinary Saturday
    assert cal.is_workday(D(2026, 3, 9))  # ordinary Monday


def test_year_totals(cal):
    assert cal.workdays_between(D(2025, 1, 1), D(2026, 1, 1)) == 248
    assert cal.workdays_between(D(2026, 1, 1), D(2027, 1, 1)) == 248
    assert len(cal.workdays_in_range(D(2025, 1, 1), D(2026, 1, 1))) == 248
    assert cal.workdays_between(D(2025, 10, 1), D(2025, 10, 9)) == 0


# --------------------------------------------------------------------------- uncovered years


def test_uncovered_year_falls_back_to_mon_fri(cal):
    jan1 = D(UNCOVERED, 1, 1)  # Friday; will surely be 元旦, but nobody has confirmed that
    assert jan1.weekday() == 4
    assert cal.is_workday(jan1)
    assert not cal.is_confirmed(jan1)
    assert not cal.is_workday(D(UNCOVERED, 1, 2))
    assert not cal.is_confirmed(D(UNCOVERED, 1, 2))
    assert cal.workdays_between(D(UNCOVERED, 1, 1), D(UNCOVERED + 1, 1, 1)) == mon_fri_between(
        D(UNCOVERED, 1, 1), D(UNCOVERED + 1, 1, 1)
    )
    assert not cal.is_confirmed(D(2003, 12, 31))
    assert cal.is_confirmed(D(2004, 1, 1))
    assert cal.is_confirmed(D(2026, 12, 31))


def test_override_in_uncovered_year_is_honoured_and_confirmed():
    cal = WorkCalendar({D(UNCOVERED, 1, 1): False, D(UNCOVERED, 2, 6): True})
    assert not cal.is_workday(D(UNCOVERED, 1, 1))
    assert cal.is_confirmed(D(UNCOVERED, 1, 1))
    assert cal.is_workday(D(UNCOVERED, 2, 6))  # a Saturday made a workday
    assert cal.is_confirmed(D(UNCOVERED, 2, 6))
    # other dates of that year stay unconfirmed Mon–Fri
    assert cal.is_workday(D(UNCOVERED, 1, 4))
    assert not cal.is_confirmed(D(UNCOVERED, 1, 4))
    # 2026-12-31 is Thursday (workday); next is 2027-01-04 because 1/1 is overridden
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(UNCOVERED, 1, 4)
    base = WorkCalendar()
    year = (D(UNCOVERED, 1, 1), D(UNCOVERED + 1, 1, 1))
    assert cal.workdays_between(*year) == base.workdays_between(*year)  # -1 + 1


def test_far_years_and_extremes(cal):
    for d in (D(1, 1, 1), D(1900, 6, 15), D(2200, 3, 3), D(9999, 12, 31)):
        assert cal.is_workday(d) is (d.weekday() < 5)
        assert not cal.is_confirmed(d)
    assert cal.add_workdays(D(1, 1, 1), 0) == D(1, 1, 1)  # a Monday
    assert cal.workday_on_or_before(D(1, 1, 1)) == D(1, 1, 1)
    assert cal.add_workdays(D(9999, 12, 31), 0) == D(9999, 12, 31)  # a Friday
    assert cal.next_workday_on_or_after(D(9999, 12, 31)) == D(9999, 12, 31)
    assert cal.add_workdays(D(9999, 12, 31), -1) == D(9999, 12, 30)
    assert cal.add_workdays(D(1, 1, 1), 1) == D(1, 1, 2)
    with pytest.raises(OverflowError):
        cal.add_workdays(D(9999, 12, 31), 1)
    with pytest.raises(OverflowError):
        cal.add_workdays(D(1, 1, 1), -1)
    assert cal.workdays_between(D(9999, 12, 25), D(9999, 12, 31)) == 4  # Sat..Thu
    assert cal.workdays_in_range(D(9999, 12, 29), D(9999, 12, 31)) == [
        D(9999, 12, 29),
        D(9999, 12, 30),
    ]
    assert cal.workdays_in_range(D(1, 1, 1), D(1, 1, 8)) == [D(1, 1, i) for i in range(1, 6)]
    assert cal.add_workdays(D(1900, 1, 1), 5) == D(1900, 1, 8)  # 1900-01-01 is a Monday


def test_whole_range_count(cal):
    total = cal.workdays_between(D(1, 1, 1), D(9999, 12, 31))
    corrections = sum(
        sum(chinese_calendar.is_workday(D(y, 1, 1) + i * ONE) for i in range(365 + (y % 4 == 0)))
        - mon_fri_between(D(y, 1, 1), D(y + 1, 1, 1))
        for y in range(2004, 2027)
    )
    assert total == mon_fri_between(D(1, 1, 1), D(9999, 12, 31)) + corrections
    for cut in (D(1900, 1, 1), D(2004, 1, 1), D(2025, 6, 1), D(2027, 1, 1), D(5000, 5, 5)):
        assert total == cal.workdays_between(D(1, 1, 1), cut) + cal.workdays_between(
            cut, D(9999, 12, 31)
        )
    assert cal.workdays_between(D(9999, 12, 31), D(1, 1, 1)) == -total


# --------------------------------------------------------------------------- overrides


def test_override_turns_workday_into_holiday():
    d = D(2025, 5, 6)  # Tuesday, a normal workday
    base = WorkCalendar()
    cal = WorkCalendar({d: False})
    assert base.is_workday(d)
    assert not cal.is_workday(d)
    assert cal.is_confirmed(d)
    # 劳动节 5/1–5 then 5/6 closed → next workday after 4/30 is 5/7
    assert cal.add_workdays(D(2025, 4, 30), 1) == D(2025, 5, 7)
    assert base.add_workdays(D(2025, 4, 30), 1) == D(2025, 5, 6)
    assert cal.workdays_between(D(2025, 1, 1), D(2026, 1, 1)) == 247
    assert cal.workdays_between(D(2025, 5, 7), D(2025, 5, 1)) == 0
    assert cal.workday_on_or_before(D(2025, 5, 6)) == D(2025, 4, 30)
    assert d not in cal.workdays_in_range(D(2025, 5, 1), D(2025, 5, 10))


def test_override_turns_holiday_into_workday():
    cal = WorkCalendar({D(2025, 10, 3): True, datetime(2025, 10, 4, 9, 30): True})
    assert cal.is_workday(D(2025, 10, 3))
    assert cal.is_workday(D(2025, 10, 4))  # datetime keys are truncated to dates
    assert cal.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 3)
    assert cal.add_workdays(D(2025, 9, 30), 2) == D(2025, 10, 4)
    assert cal.add_workdays(D(2025, 9, 30), 3) == D(2025, 10, 9)
    assert cal.workdays_between(D(2025, 10, 1), D(2025, 10, 9)) == 2


def test_overrides_are_copied():
    table = {D(2025, 5, 6): False}
    cal = WorkCalendar(table)
    table[D(2025, 5, 6)] = True
    assert not cal.is_workday(D(2025, 5, 6))
    assert cal.overrides == {D(2025, 5, 6): False}


# --------------------------------------------------------------------------- add_workdays


def test_add_zero(cal):
    assert cal.add_workdays(D(2025, 6, 3), 0) == D(2025, 6, 3)  # Tuesday
    assert cal.add_workdays(D(2025, 6, 7), 0) == D(2025, 6, 9)  # Saturday → Monday
    assert cal.add_workdays(D(2025, 1, 26), 0) == D(2025, 1, 26)  # 调休 Sunday
    assert cal.add_workdays(D(2025, 10, 1), 0) == D(2025, 10, 9)
    assert cal.next_workday_on_or_after(D(2025, 10, 1)) == D(2025, 10, 9)
    assert cal.workday_on_or_before(D(2025, 10, 5)) == D(2025, 9, 30)
    assert cal.workday_on_or_before(D(2025, 10, 9)) == D(2025, 10, 9)


def test_add_positive_does_not_count_start_day(cal):
    # Friday + 1 → Monday; Saturday + 1 → Monday; Saturday + 3 → Wednesday
    assert cal.add_workdays(D(2025, 6, 6), 1) == D(2025, 6, 9)
    assert cal.add_workdays(D(2025, 6, 7), 1) == D(2025, 6, 9)
    assert cal.add_workdays(D(2025, 6, 7), 3) == D(2025, 6, 11)
    assert cal.add_workdays(D(2025, 6, 6), 3) == D(2025, 6, 11)


def test_add_around_spring_festival_2025(cal):
    assert cal.add_workdays(D(2025, 1, 24), 1) == D(2025, 1, 26)  # Fri → 调休 Sunday
    assert cal.add_workdays(D(2025, 1, 26), 1) == D(2025, 1, 27)
    assert cal.add_workdays(D(2025, 1, 26), 2) == D(2025, 2, 5)  # 1/28–2/4 off
    assert cal.add_workdays(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert cal.add_workdays(D(2025, 2, 5), 3) == D(2025, 2, 8)  # 调休 Saturday
    assert cal.add_workdays(D(2025, 2, 5), -1) == D(2025, 1, 27)
    assert cal.add_workdays(D(2025, 2, 5), -2) == D(2025, 1, 26)
    assert cal.add_workdays(D(2025, 2, 5), -3) == D(2025, 1, 24)
    assert cal.add_workdays(D(2025, 2, 1), -1) == D(2025, 1, 27)  # from inside the break


def test_add_around_spring_festival_2026(cal):
    assert cal.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)  # 调休 Saturday
    assert cal.add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)  # 2/15–23 off
    assert cal.add_workdays(D(2026, 2, 24), 4) == D(2026, 2, 28)  # 调休 Saturday
    assert cal.add_workdays(D(2026, 2, 28), 1) == D(2026, 3, 2)
    assert cal.add_workdays(D(2026, 2, 24), -1) == D(2026, 2, 14)
    assert cal.workdays_between(D(2026, 2, 14), D(2026, 3, 1)) == 6  # 2/14, 2/24–27, 2/28


def test_add_across_national_day(cal):
    assert cal.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.add_workdays(D(2025, 10, 9), 2) == D(2025, 10, 11)
    assert cal.add_workdays(D(2025, 10, 9), 3) == D(2025, 10, 13)
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_workdays(D(2026, 10, 8), 2) == D(2026, 10, 10)


def test_year_boundaries(cal):
    # 2026 元旦 1/1–3, Sunday 1/4 is a workday
    assert cal.add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert cal.add_workdays(D(2026, 1, 4), -1) == D(2025, 12, 31)
    assert cal.workdays_between(D(2025, 12, 31), D(2026, 1, 5)) == 2
    assert cal.workdays_in_range(D(2025, 12, 30), D(2026, 1, 6)) == [
        D(2025, 12, 30),
        D(2025, 12, 31),
        D(2026, 1, 4),
        D(2026, 1, 5),
    ]
    # covered → uncovered boundary
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(UNCOVERED, 1, 1)
    assert cal.add_workdays(D(UNCOVERED, 1, 1), -1) == D(2026, 12, 31)
    # uncovered → covered boundary: 2004-01-01 was 元旦
    assert cal.add_workdays(D(2003, 12, 31), 1) == D(2004, 1, 2)


def test_negative_n(cal):
    assert cal.add_workdays(D(2025, 6, 9), -1) == D(2025, 6, 6)  # Monday → Friday
    assert cal.add_workdays(D(2025, 6, 8), -1) == D(2025, 6, 6)  # Sunday → Friday
    assert cal.add_workdays(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert cal.add_workdays(D(2025, 10, 9), -2) == D(2025, 9, 29)
    assert cal.add_workdays(D(2025, 10, 9), -3) == D(2025, 9, 28)  # 调休 Sunday


def test_roundtrip_invariant(cal):
    d = D(2025, 1, 26)
    for n in range(-400, 401, 7):
        assert cal.workdays_between(d, cal.add_workdays(d, n)) == n


def test_huge_offsets(cal):
    d = D(2025, 3, 3)
    far = cal.add_workdays(d, 1_000_000)
    assert cal.is_workday(far)
    assert cal.workdays_between(d, far) == 1_000_000
    assert cal.add_workdays(far, -1_000_000) == d
    back = cal.add_workdays(d, -500_000)
    assert back.year < 200
    assert cal.workdays_between(back, d) == 500_000


# --------------------------------------------------------------------------- workdays_between


def test_between_half_open_and_sign(cal):
    assert cal.workdays_between(D(2025, 6, 9), D(2025, 6, 9)) == 0
    assert cal.workdays_between(D(2025, 6, 9), D(2025, 6, 10)) == 1  # Monday counted
    assert cal.workdays_between(D(2025, 6, 9), D(2025, 6, 16)) == 5
    assert cal.workdays_between(D(2025, 6, 16), D(2025, 6, 9)) == -5
    assert cal.workdays_between(D(2025, 6, 2), D(2025, 6, 9)) == 4  # Monday 6/2 is 端午
    assert cal.workdays_in_range(D(2025, 6, 16), D(2025, 6, 9)) == []


def test_accepts_datetime(cal):
    assert cal.is_workday(datetime(2025, 1, 26, 23, 59))
    assert cal.add_workdays(datetime(2025, 1, 24, 8, 0), 1) == D(2025, 1, 26)
    assert cal.workdays_between(datetime(2025, 6, 9, 23), D(2025, 6, 16)) == 5
    with pytest.raises(TypeError):
        cal.is_workday("2025-01-01")  # type: ignore[arg-type]


def test_random_against_brute_force():
    cal = WorkCalendar(
        {D(2025, 5, 6): False, D(2024, 12, 28): True, D(2028, 3, 3): False, D(2028, 3, 4): True}
    )
    rng = random.Random(20250101)
    lo = D(2001, 1, 1)
    for _ in range(400):
        a = lo + rng.randint(0, 365 * 30) * ONE
        b = a + rng.randint(-400, 400) * ONE
        n = rng.randint(-120, 120)
        assert cal.workdays_between(a, b) == brute_between(cal, a, b), (a, b)
        assert cal.add_workdays(a, n) == brute_add(cal, a, n), (a, n)
        if a <= b:
            assert len(cal.workdays_in_range(a, b)) == cal.workdays_between(a, b)


def test_performance_10k_tasks(cal):
    start = time.perf_counter()
    base = D(2025, 1, 1)
    for i in range(10_000):
        d = base + (i % 730) * ONE
        end = cal.add_workdays(d, i % 45)
        cal.workdays_between(d, end)
    assert time.perf_counter() - start < 5  # typically ~0.2 s
    start = time.perf_counter()
    for _ in range(1000):
        cal.workdays_between(D(1, 1, 1), D(9999, 12, 31))
    assert time.perf_counter() - start < 1


# --------------------------------------------------------------------------- process default


def test_default_calendar_without_loader():
    cal = wc.get_calendar()
    assert cal.overrides == {}
    assert wc.get_calendar() is cal
    assert wc.is_workday(D(2025, 1, 26))
    assert not wc.is_confirmed(D(UNCOVERED, 3, 3))
    assert wc.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert wc.workdays_between(D(2025, 10, 1), D(2025, 10, 12)) == 3


def test_loader_cached_and_invalidated():
    calls = []
    table = {D(2025, 5, 6): False}

    def loader():
        calls.append(1)
        return dict(table)

    wc.set_override_loader(loader)
    assert calls == []  # lazy
    assert not wc.is_workday(D(2025, 5, 6))
    assert not wc.is_workday(D(2025, 5, 6))
    assert wc.is_confirmed(D(2025, 5, 6))
    assert len(calls) == 1
    table[D(2025, 5, 6)] = True
    assert not wc.is_workday(D(2025, 5, 6))  # still cached
    wc.invalidate_calendar()
    assert wc.is_workday(D(2025, 5, 6))
    assert len(calls) == 2
    wc.set_override_loader(None)
    assert wc.get_calendar().overrides == {}


def test_loader_ttl():
    calls = []

    def loader():
        calls.append(1)
        return {}

    wc.set_override_loader(loader, ttl=0)
    wc.get_calendar()
    wc.get_calendar()
    assert len(calls) == 2
    wc.set_override_loader(loader, ttl=3600)
    wc.get_calendar()
    wc.get_calendar()
    assert len(calls) == 3


def test_loader_error_propagates_and_is_not_cached():
    state = {"fail": True}

    def loader():
        if state["fail"]:
            raise RuntimeError("table missing")
        return {D(UNCOVERED, 1, 1): False}

    wc.set_override_loader(loader)
    with pytest.raises(RuntimeError):
        wc.get_calendar()
    state["fail"] = False
    assert not wc.is_workday(D(UNCOVERED, 1, 1))
    assert wc.is_confirmed(D(UNCOVERED, 1, 1))


def test_loader_may_return_none():
    wc.set_override_loader(lambda: None)
    assert wc.get_calendar().overrides == {}
