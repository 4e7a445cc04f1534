"""Pure rules of 守粮安 and of the shared rectification flow: problem types as data, deadlines,
patrol intervals and coverage, GPS validation, recurrence within the window."""

from datetime import date

import pytest

from zhenwu.agriculture import rules_farmland as rules
from zhenwu.core import rectification


def test_problem_types_cover_the_four_lists():
    groups = {}
    for c in rules.CATEGORIES:
        groups.setdefault(c.group, []).append(c.code)
    assert len(groups["fnh"]) == 6  # 六严禁
    assert len(groups["bbz"]) == 8  # 八不准
    assert groups["flh"] and groups["lh"] == ["LH1"]
    assert len({c.code for c in rules.CATEGORIES}) == len(rules.CATEGORIES)
    assert dict(rules.CATEGORY_CHOICES)["BBZ1"].startswith("乱占耕地建房“八不准”：")


def test_deadline_days_default_and_override():
    assert rules.deadline_days("QT1") == 5
    assert rules.deadline_days("QT1", {"QT1": 0}) == 0  # 0 = immediately is a valid override
    assert rules.deadline_days("QT1", {"FLH1": 9}) == 5
    with pytest.raises(KeyError):
        rules.deadline_days("XX9")


def test_intervals_by_level():
    assert rules.interval_days(rules.GRID) == 7
    assert rules.interval_days(rules.VILLAGE) == 30
    assert rules.interval_days(rules.TOWN) == 90
    assert rules.interval_days(rules.GRID, {rules.GRID: 10}) == 10


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (None, True),  # never patrolled
        (date(2025, 3, 1), False),  # today
        (date(2025, 2, 22), False),  # exactly the interval (7 days): on time
        (date(2025, 2, 21), True),  # one day past
    ],
)
def test_due_plots_edges(last, due):
    today = date(2025, 3, 1)
    lasts = {1: last} if last else {}
    got = rules.due_plots([1], lasts, interval=7, today=today)
    assert bool(got) is due
    if due and last:
        assert got[0].overdue_days == 1 and got[0].days_since == 8


def test_due_plots_order_and_coverage():
    today = date(2025, 3, 31)
    lasts = {1: date(2025, 3, 30), 2: date(2025, 1, 1), 3: date(2025, 2, 1)}
    due = rules.due_plots([1, 2, 3, 4], lasts, interval=30, today=today)
    assert [d.plot_id for d in due] == [4, 2, 3]  # never first, then the longest waiting
    assert rules.coverage([1, 2, 3, 4], lasts, interval=30, today=today) == 25.0
    assert rules.coverage([], lasts, interval=30, today=today) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("不是JSON", "GPS轨迹格式不正确"),
        ({"lat": 1}, "GPS轨迹格式不正确"),
        ([[29.7]], "第1个点格式不正确"),
        ([[29.7, 112.3], ["北纬", 112.3]], "第2个点不是数字"),
        ([[True, 112.3]], "第1个点不是数字"),
        ([[95, 112.3]], "纬度 95 超出范围"),
        ([[29.7, -181]], "经度 -181 超出范围"),
        ([["nan", 1]], "不是数字"),
    ],
)
def test_gps_points_malformed(value, message):
    with pytest.raises(ValueError, match=message):
        rules.parse_gps_points(value)


def test_gps_points_valid_forms():
    assert rules.parse_gps_points(None) == []
    assert rules.parse_gps_points("") == []
    assert rules.parse_gps_points("[[29.7, 112.35]]") == [[29.7, 112.35]]
    assert rules.parse_gps_points([{"lat": -90, "lng": 180}]) == [[-90.0, 180.0]]
    assert rules.parse_gps_points([[29.1234567, 112.1]]) == [[29.123457, 112.1]]


@pytest.mark.parametrize(
    ("accepted", "found", "window", "expected"),
    [
        (None, date(2025, 5, 1), 60, False),
        (date(2025, 5, 1), date(2025, 5, 1), 60, True),  # the acceptance day counts
        (date(2025, 5, 1), date(2025, 6, 30), 60, True),  # the window's last day
        (date(2025, 5, 1), date(2025, 7, 1), 60, False),
        (date(2025, 5, 1), date(2025, 4, 30), 60, False),  # before acceptance
    ],
)
def test_shared_recurrence_rule(accepted, found, window, expected):
    assert rectification.is_recurrence(accepted, found, window) is expected


def test_shared_deadline_rule_and_inspections_alias():
    from zhenwu.core.workcalendar import WorkCalendar
    from zhenwu.inspections import rules as inspection_rules

    cal = WorkCalendar()
    assert rectification.rectification_deadline(date(2025, 3, 7), 1, cal) == date(2025, 3, 10)
    assert rectification.rectification_deadline(date(2025, 3, 8), 0, cal) == date(2025, 3, 10)
    assert inspection_rules.rectification_deadline is rectification.rectification_deadline
    assert inspection_rules.is_recurrence is rectification.is_recurrence
    with pytest.raises(ValueError):
        rectification.rectification_deadline(date(2025, 3, 7), -1, cal)
