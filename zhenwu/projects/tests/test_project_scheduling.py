"""Stored projects scheduled by the engine on the real work calendar (State Council holidays,
调休 make-up days, administrator overrides for years the holiday package does not cover)."""

from datetime import date

import pytest

from zhenwu.core import workcalendar
from zhenwu.core.models import HolidayOverride
from zhenwu.projects import selectors
from zhenwu.projects.tests.factories import D, make_network, make_project


@pytest.fixture(autouse=True)
def fresh_calendar():
    workcalendar.invalidate_calendar()
    yield
    workcalendar.invalidate_calendar()


def dates(ps, name):
    row = next(r for r in ps.rows if r.milestone.name == name)
    return row.forecast.early_start.isoformat(), row.forecast.early_finish.isoformat()


def plan(ps, name):
    row = next(r for r in ps.rows if r.milestone.name == name)
    return row.plan.late_start.isoformat(), row.plan.late_finish.isoformat()


def test_make_up_saturday_is_a_working_day(world):
    # 2025-10-11 (Saturday) is a 国庆 调休 working day.
    p = make_project(world, planned_start=D("2025-10-09"))
    make_network(p, [("A", 3), ("B", 1)], [("A", "B", 0)])
    ps = selectors.project_schedule(p, as_of=D("2025-10-01"))
    assert ps.mode == "forward"
    assert dates(ps, "A") == ("2025-10-09", "2025-10-11")
    assert dates(ps, "B") == ("2025-10-13", "2025-10-13")


def test_backward_from_a_holiday_deadline(world):
    # Deadline inside the National Day holiday: the last working day is 09-30, and the
    # make-up Sunday 09-28 counts.
    p = make_project(world, deadline=D("2025-10-05"))
    make_network(p, [("A", 3)])
    ps = selectors.project_schedule(p, as_of=D("2025-09-01"))
    assert ps.mode == "backward"
    assert plan(ps, "A") == ("2025-09-28", "2025-09-30")
    assert ps.plan.project_start == D("2025-09-28")
    assert ps.plan.project_finish == D("2025-09-30")


def test_spring_festival_is_skipped_backward(world):
    # 2025 春节: 01-28 … 02-04 off, 01-26 (Sunday) and 02-08 (Saturday) worked.
    p = make_project(world, deadline=D("2025-02-05"))
    make_network(p, [("A", 2), ("B", 2)], [("A", "B", 0)])
    ps = selectors.project_schedule(p, as_of=D("2025-01-01"))
    assert plan(ps, "B") == ("2025-01-27", "2025-02-05")
    assert plan(ps, "A") == ("2025-01-24", "2025-01-26")


def test_year_boundary_with_new_year_holiday_and_make_up_sunday(world):
    # 2025-12-31 → 2026-01-01..03 off → 2026-01-04 (Sunday) is worked.
    p = make_project(world, planned_start=D("2025-12-30"))
    make_network(p, [("A", 3), ("B", 1)], [("A", "B", 0)])
    ps = selectors.project_schedule(p, as_of=D("2025-12-01"))
    assert dates(ps, "A") == ("2025-12-30", "2026-01-04")
    assert dates(ps, "B") == ("2026-01-05", "2026-01-05")


def test_lags_positive_and_negative(world):
    p = make_project(world, planned_start=D("2025-06-09"))
    make_network(p, [("A", 2), ("B", 1), ("C", 1)], [("A", "B", 2), ("A", "C", -1)])
    ps = selectors.project_schedule(p, as_of=D("2025-06-01"))
    assert dates(ps, "A") == ("2025-06-09", "2025-06-10")
    assert dates(ps, "B") == ("2025-06-13", "2025-06-13")  # two working days' gap
    assert dates(ps, "C") == ("2025-06-10", "2025-06-10")  # overlaps A's last day


def test_zero_duration_milestone(world):
    p = make_project(world, planned_start=D("2025-06-09"))
    make_network(p, [("A", 2), ("开工", 0), ("B", 1)], [("A", "开工", 0), ("开工", "B", 0)])
    ps = selectors.project_schedule(p, as_of=D("2025-06-01"))
    assert dates(ps, "开工") == ("2025-06-10", "2025-06-10")  # at the end of A's last day
    assert dates(ps, "B") == ("2025-06-11", "2025-06-11")


def test_fixed_start_date(world):
    p = make_project(world, planned_start=D("2025-06-09"))
    make_network(p, [("A", 1), ("B", 2, {"fixed_start": D("2025-06-16")})], [("A", "B", 0)])
    ps = selectors.project_schedule(p, as_of=D("2025-06-01"))
    assert dates(ps, "B") == ("2025-06-16", "2025-06-17")


def test_calendar_day_milestone(world):
    # A 7-calendar-day 公示期 from Friday 06-13 covers 06-13…06-19; the next task starts 06-20.
    p = make_project(world, planned_start=D("2025-06-13"))
    make_network(p, [("公示", 7, {"calendar_days": True}), ("B", 1)], [("公示", "B", 0)])
    ps = selectors.project_schedule(p, as_of=D("2025-06-01"))
    assert dates(ps, "公示") == ("2025-06-13", "2025-06-19")
    assert dates(ps, "B") == ("2025-06-20", "2025-06-20")


def test_year_not_covered_by_the_holiday_package(world):
    # 2027: chinesecalendar 1.11 has no data → Monday–Friday, flagged unconfirmed.
    p = make_project(world, planned_start=D("2027-02-05"))
    make_network(p, [("A", 2)])
    ps = selectors.project_schedule(p, as_of=D("2027-01-01"))
    assert dates(ps, "A") == ("2027-02-05", "2027-02-08")
    assert ps.calendar_confirmed is False
    # An administrator enters the State Council notice: 02-08 becomes a holiday.
    HolidayOverride.objects.create(date=D("2027-02-08"), is_workday=False, name="春节（示例）")
    ps = selectors.project_schedule(p, as_of=D("2027-01-01"))
    assert dates(ps, "A") == ("2027-02-05", "2027-02-09")


def test_covered_year_is_confirmed(world):
    p = make_project(world, planned_start=D("2025-06-09"))
    make_network(p, [("A", 2)])
    assert selectors.project_schedule(p, as_of=D("2025-06-01")).calendar_confirmed is True


def test_deadline_short_in_working_days(world):
    # 10 working days of work cannot fit from 2025-06-09 to 2025-06-13 (5 working days).
    p = make_project(world, deadline=D("2025-06-13"))
    make_network(p, [("A", 10)])
    ps = selectors.project_schedule(p, as_of=D("2025-06-09"))
    assert ps.days_short == 5
    assert ps.forecast_finish == D("2025-06-20")
    assert ps.light == "red"
    row = ps.rows[0]
    assert row.late_start_passed is True
    assert row.light == "red"


def test_late_start_passed_turns_red(world):
    p = make_project(world, deadline=D("2025-06-20"))
    make_network(p, [("A", 3), ("B", 5)], [("A", "B", 0)])
    ps = selectors.project_schedule(p, as_of=D("2025-06-09"))  # A's late start is 06-11
    assert plan(ps, "A") == ("2025-06-11", "2025-06-13")
    # no room at all on this path: yellow until the latest start passes
    assert [r.light for r in ps.rows] == ["yellow", "yellow"]
    ps = selectors.project_schedule(p, as_of=D("2025-06-11"))
    assert [r.light for r in ps.rows] == ["yellow", "yellow"]
    assert ps.days_short == 0
    ps = selectors.project_schedule(p, as_of=D("2025-06-12"))
    assert ps.rows[0].late_start_passed and ps.rows[0].light == "red"
    assert ps.days_short == 1


def test_actual_dates_reforecast_and_as_of_replay(world):
    p = make_project(world, deadline=D("2025-07-31"))
    ms = make_network(
        p,
        [("A", 5, {"actual_start": D("2025-06-02"), "actual_finish": D("2025-06-10"),
                   "percent_complete": 100}), ("B", 5)],
        [("A", "B", 0)],
    )  # fmt: skip
    ps = selectors.project_schedule(p, as_of=D("2025-06-20"))
    assert ps.rows[0].light == "done" and ps.rows[0].actual_finish == D("2025-06-10")
    assert dates(ps, "B") == ("2025-06-20", "2025-06-26")  # not before today
    # As of 06-05, A had started but not finished: it was in progress then.
    ps = selectors.project_schedule(p, as_of=D("2025-06-05"))
    assert ps.rows[0].actual_finish is None and ps.rows[0].forecast.status == "in_progress"
    assert ms["A"].actual_finish == D("2025-06-10")  # nothing stored changed


def test_moving_an_actual_finish_later_moves_the_forecast_and_the_critical_path(world):
    p = make_project(world, deadline=D("2025-12-31"))
    ms = make_network(
        p,
        [
            ("主体施工", 40, {"actual_start": D("2025-06-02")}),
            ("设备采购", 10, {"actual_start": D("2025-06-02"), "actual_finish": D("2025-06-13")}),
            ("设备安装", 5),
        ],
        [("主体施工", "设备安装", 0), ("设备采购", "设备安装", 20)],
    )
    as_of = D("2025-07-10")
    before = selectors.project_schedule(p, as_of=as_of)
    assert before.critical_names == ["主体施工", "设备安装"]
    m = ms["设备采购"]
    m.actual_finish = D("2025-07-09")
    m.save()
    after = selectors.project_schedule(p, as_of=as_of)
    assert after.forecast_finish > before.forecast_finish
    assert after.critical_names == ["设备安装"]


def test_stored_cycle_is_reported_not_raised(world):
    p = make_project(world, deadline=D("2025-12-31"))
    make_network(p, [("甲", 1), ("乙", 1)], [("甲", "乙", 0), ("乙", "甲", 0)])
    ps = selectors.project_schedule(p)
    assert not ps.ok and "甲" in ps.error and "乙" in ps.error and "循环" in ps.error


def test_no_anchor_and_no_milestones(world):
    p = make_project(world)
    assert selectors.project_schedule(p).error == "尚未设置节点"
    make_network(p, [("A", 1)])
    assert "完成时限" in selectors.project_schedule(p).error


def test_schedules_for_matches_single(world):
    a = make_project(world, deadline=D("2025-10-31"))
    b = make_project(world, planned_start=D("2025-03-03"))
    make_network(a, [("A", 5), ("B", 5)], [("A", "B", 1)])
    make_network(b, [("A", 5)])
    many = selectors.schedules_for([a, b], as_of=date(2025, 3, 1))
    for ps in many:
        single = selectors.project_schedule(ps.project, as_of=date(2025, 3, 1))
        assert ps.plan.to_dict() == single.plan.to_dict()
        assert ps.forecast_finish == single.forecast_finish
