"""The pure rules: 三未, the 在建 gate, weekly-dispatch weeks, milestone lights (no database)."""

from datetime import date

import pytest

from zhenwu.projects import rules
from zhenwu.projects.rules import ProjectDates

D = date.fromisoformat
AS_OF = D("2025-06-30")


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # approved, planned start passed, not started → 立项未开工
        (dict(approved_on=D("2025-01-10"), planned_start=D("2025-06-01")), rules.APPROVED_NOT_STARTED),
        # planned start is today: not yet late
        (dict(approved_on=D("2025-01-10"), planned_start=AS_OF), None),
        # not approved yet (立项 after as_of): on no list
        (dict(approved_on=D("2025-07-01"), planned_start=D("2025-06-01")), None),
        # no planned start: nothing to be late against
        (dict(approved_on=D("2025-01-10")), None),
        # started after as_of counts as not started as of then
        (dict(approved_on=D("2025-01-10"), planned_start=D("2025-06-01"), actual_start=D("2025-07-02")), rules.APPROVED_NOT_STARTED),
        # started 30 days ago exactly, no main construction → 开工未建设
        (dict(actual_start=D("2025-05-31")), rules.STARTED_NOT_BUILDING),
        # started 29 days ago: still within grace
        (dict(actual_start=D("2025-06-01")), None),
        # main construction began by as_of
        (dict(actual_start=D("2025-03-01"), building_since=D("2025-06-30")), None),
        # main construction begins after as_of: not yet building
        (dict(actual_start=D("2025-03-01"), building_since=D("2025-07-01")), rules.STARTED_NOT_BUILDING),
        # started, deadline passed, not finished → 建设未竣工 (before 开工未建设)
        (dict(actual_start=D("2025-03-01"), deadline=D("2025-06-29")), rules.BUILDING_NOT_FINISHED),
        # deadline is today: not yet overdue
        (dict(actual_start=D("2025-03-01"), building_since=D("2025-03-10"), deadline=AS_OF), None),
        # no deadline: the planned finish is the due date
        (dict(actual_start=D("2025-03-01"), building_since=D("2025-03-10"), planned_finish=D("2025-06-01")), rules.BUILDING_NOT_FINISHED),
        # the deadline wins over the planned finish
        (dict(actual_start=D("2025-03-01"), building_since=D("2025-03-10"), planned_finish=D("2025-06-01"), deadline=D("2025-12-31")), None),
        # finished by as_of: on no list even if late
        (dict(actual_start=D("2025-03-01"), actual_finish=D("2025-06-30"), deadline=D("2025-05-01")), None),
        # finished after as_of: as of then it was overdue
        (dict(actual_start=D("2025-03-01"), actual_finish=D("2025-07-15"), deadline=D("2025-05-01")), rules.BUILDING_NOT_FINISHED),
    ],
)  # fmt: skip
def test_sanwei(dates, expected):
    assert rules.sanwei(ProjectDates(**dates), AS_OF) == expected


def test_sanwei_grace_days_parameter():
    p = ProjectDates(actual_start=D("2025-06-20"))
    assert rules.sanwei(p, AS_OF) is None
    assert rules.sanwei(p, AS_OF, grace_days=10) == rules.STARTED_NOT_BUILDING


def test_missing_for_construction_names_what_is_missing():
    assert rules.missing_for_construction(has_leader=True, has_team=True, has_plan=True) == []
    assert rules.missing_for_construction(has_leader=False, has_team=False, has_plan=False) == [
        "包保领导",
        "专班成员",
        "推进方案",
    ]
    assert rules.missing_for_construction(has_leader=True, has_team=False, has_plan=True) == [
        "专班成员"
    ]


def test_due_weeks_and_needs_report():
    # Wednesday 2025-10-08 (after the National Day week): last week began 09-29, this week 10-06.
    assert rules.due_weeks(D("2025-10-08")) == (D("2025-09-29"), D("2025-10-06"))
    assert rules.due_weeks(D("2025-10-06")) == (D("2025-09-29"), D("2025-10-06"))
    assert rules.week_monday(D("2025-10-12")) == D("2025-10-06")  # a Sunday
    week = D("2025-09-29")
    assert rules.needs_weekly_report(ProjectDates(actual_start=D("2025-10-05")), week)  # Sunday
    assert not rules.needs_weekly_report(ProjectDates(actual_start=D("2025-10-06")), week)
    assert not rules.needs_weekly_report(ProjectDates(), week)
    finished = ProjectDates(actual_start=D("2025-01-01"), actual_finish=D("2025-09-28"))
    assert not rules.needs_weekly_report(finished, week)
    finished_during = ProjectDates(actual_start=D("2025-01-01"), actual_finish=D("2025-09-29"))
    assert rules.needs_weekly_report(finished_during, week)


def _light(**kw):
    base = dict(
        status="not_started", late_start_passed=False, total_float=10,
        forecast_finish=D("2025-07-10"), late_finish=D("2025-07-20"), as_of=AS_OF,
    )  # fmt: skip
    base.update(kw)
    return rules.milestone_light(**base)


def test_milestone_light():
    assert _light() == rules.GREEN
    assert _light(status="finished", late_start_passed=True) == rules.DONE
    assert _light(late_start_passed=True) == rules.RED
    assert _light(total_float=-1) == rules.RED
    assert _light(forecast_finish=D("2025-07-21")) == rules.RED
    assert (
        _light(status="in_progress", late_finish=D("2025-06-29"), forecast_finish=D("2025-06-29"))
        == rules.RED
    )
    assert _light(total_float=3) == rules.YELLOW
    assert _light(total_float=0) == rules.YELLOW
    assert _light(total_float=4) == rules.GREEN


def test_project_light():
    assert (
        rules.project_light(days_short=0, any_red=False, any_yellow=False, finished=True) == "done"
    )
    assert (
        rules.project_light(days_short=2, any_red=False, any_yellow=False, finished=False) == "red"
    )
    assert rules.project_light(days_short=0, any_red=True, any_yellow=True, finished=False) == "red"
    assert (
        rules.project_light(days_short=0, any_red=False, any_yellow=True, finished=False)
        == "yellow"
    )
    assert (
        rules.project_light(days_short=0, any_red=False, any_yellow=False, finished=False)
        == "green"
    )
