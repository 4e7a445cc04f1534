"""Gantt geometry (pure): months, merged non-working spans, 调休 make-up days, bars, lanes."""

from datetime import date

from zhenwu.core.workcalendar import WorkCalendar
from zhenwu.projects.gantt import build_chart, lanes
from zhenwu.projects.scheduling import CalendarDays

D = date.fromisoformat


def test_national_day_block_and_make_up_days():
    chart = build_chart(D("2025-09-10"), D("2025-10-20"), WorkCalendar(), today=D("2025-10-09"))
    assert chart.start == D("2025-09-01") and chart.end == D("2025-10-31")
    assert [m["label"] for m in chart.months] == ["9月", "10月"]
    blocks = {(o["first"], o["last"]) for o in chart.offdays}
    assert (D("2025-10-01"), D("2025-10-08")) in blocks  # one block for the holiday week
    assert (D("2025-09-27"), D("2025-09-27")) in blocks  # Saturday off, Sunday 09-28 worked
    assert [k["date"] for k in chart.makeup] == [D("2025-09-28"), D("2025-10-11")]
    assert chart.today is not None and not chart.unconfirmed


def test_bars_points_and_clipping():
    chart = build_chart(D("2025-06-01"), D("2025-06-30"), CalendarDays())
    assert chart.days == 30
    bar = chart.bar(D("2025-06-01"), D("2025-06-03"))
    assert (bar.left, bar.width) == (0.0, 10.0)
    assert chart.bar(D("2025-05-01"), D("2025-05-31")) is None
    clipped = chart.bar(D("2025-05-20"), D("2025-06-15"))
    assert (clipped.left, clipped.width) == (0.0, 50.0)
    assert chart.point(D("2025-06-15")) == 50.0  # the end of the 15th
    assert chart.point(D("2025-07-01")) is None
    assert chart.offdays == [] and chart.makeup == []
    assert (
        build_chart(D("2025-01-05"), D("2025-01-06"), CalendarDays()).months[0]["label"]
        == "25年1月"
    )


def test_uncovered_year_is_flagged():
    assert build_chart(D("2027-03-01"), D("2027-03-05"), WorkCalendar()).unconfirmed


def test_lanes_pack_overlaps():
    items = [(1, 5), (2, 3), (6, 8), (4, 9)]
    packed = lanes(items, lambda i: i[0], lambda i: i[1])
    assert packed == [[(1, 5), (6, 8)], [(2, 3), (4, 9)]]
