"""Indicators the plan binds to: counted as of the cutoff, by category, one query each."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhenwu.plan.indicators import IndicatorContext, IndicatorError, get_indicator
from zhenwu.projects.tests.factories import D, make_project


def ctx(world, as_of, **params):
    return IndicatorContext(town=world.town, year=2025, as_of=as_of, params=params)


@pytest.fixture
def projects(world):
    return {
        "done_key": make_project(world, name="竣工重点", actual_start=D("2025-03-01"),
                                 actual_finish=D("2025-06-20"), deadline=D("2025-06-30")),
        "late_key": make_project(world, name="逾期重点", actual_start=D("2025-03-01"),
                                 deadline=D("2025-05-31")),
        "done_live": make_project(world, name="民生一", category="livelihood",
                                  actual_start=D("2025-02-01"), actual_finish=D("2025-09-10"),
                                  deadline=D("2025-09-30")),
        "late_done": make_project(world, name="民生二", category="livelihood",
                                  actual_start=D("2025-05-01"), actual_finish=D("2026-01-19"),
                                  deadline=D("2025-11-28")),
        "last_year": make_project(world, name="去年竣工", actual_start=D("2024-03-01"),
                                  actual_finish=D("2024-10-01"), deadline=D("2024-12-31")),
        "other_town": make_project(world, town=world.other_town, name="外镇",
                                   actual_start=D("2025-03-01"), actual_finish=D("2025-04-01")),
    }  # fmt: skip


def value(world, key, as_of, **params):
    return get_indicator(key).evaluate(ctx(world, as_of, **params))


def test_completed_count_as_of_and_category(world, projects):
    key = "projects.completed_count"
    assert value(world, key, D("2025-06-19")) == 0
    assert value(world, key, D("2025-06-20")) == 1
    assert value(world, key, D("2025-12-31")) == 2
    assert value(world, key, D("2026-11-01")) == 2  # cutoff is the plan year's end
    assert value(world, key, D("2025-12-31"), category="livelihood") == 1
    assert value(world, key, D("2025-12-31"), category="key") == 1
    records = get_indicator(key).record_queryset(ctx(world, D("2025-12-31"), category="livelihood"))
    assert [p.name for p in records] == ["民生一"]


def test_started_count(world, projects):
    key = "projects.started_count"
    assert value(world, key, D("2025-02-28")) == 1
    assert value(world, key, D("2025-12-31")) == 4
    assert value(world, key, D("2025-12-31"), category="key") == 2


def test_on_schedule_and_delayed(world, projects):
    assert value(world, "projects.delayed_count", D("2025-05-31")) == 0
    assert value(world, "projects.delayed_count", D("2025-06-01")) == 1  # 逾期重点
    assert value(world, "projects.delayed_count", D("2025-12-31")) == 2  # + 民生二
    assert value(world, "projects.on_schedule_count", D("2025-12-31")) == 2


def test_one_query_each_and_bad_param(world, projects):
    for key in ("projects.completed_count", "projects.started_count", "projects.delayed_count"):
        with CaptureQueriesContext(connection) as q:
            value(world, key, date(2025, 12, 31))
        assert len(q) == 1, key
    with pytest.raises(IndicatorError):
        value(world, "projects.completed_count", date(2025, 12, 31), category="x" * 40)
