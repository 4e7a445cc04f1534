"""The demo board is the Nankou 2025 plan (../shared/seed/PLAN.md): every theme and measure,
every target at its exact figure, live values, demo values marked, history frozen."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from zhenwu.core.models import User
from zhenwu.core.testdb import DEMO_PASSWORD
from zhenwu.plan.indicators import get_indicator
from zhenwu.plan.models import Measure, MonthStatus, Plan, ProgressReport, Target, Task, Theme

THEMES = ["工业强镇", "防水与劳务品牌", "乡村振兴", "干部素质提升年"]
MEASURES = [
    "招商为先", "项目为王", "企业为魂", "发展为要", "抓创新", "擦品牌", "扬文化",
    "促宜居", "强特色", "守粮安", "四个升级", "勇担当", "善作为", "抬标杆",
]  # fmt: skip
SEED_TARGETS = {
    "全年签约招商项目": 35,
    "亿元以上工业项目开工": 4,
    "新签约项目开工": 20,
    "重点项目开工": 4,
    "新增四上企业": 10,
    "一周一暗访": 52,
    "一月一评比": 12,
    "羊肚菌、金蝉林下基地": 1000,
    "火龙果基地": 300,
    "蔬菜基地（以管家铺、永福为中心）": 2000,
    "古夹垸娃娃菜基地": 1000,
    "民生实事全部完成": 5,
}


@pytest.fixture
def demo(demo_db, db):
    return Plan.objects.get(year=2025)


def check_plan_tree_is_the_seed(demo):
    themes = list(Theme.objects.filter(plan=demo).values_list("name", flat=True))
    assert len(themes) == 4
    for key, name in zip(THEMES, themes, strict=True):
        assert key in name
    measures = list(Measure.objects.filter(theme__plan=demo).values_list("name", flat=True))
    assert measures == MEASURES
    for name, value in SEED_TARGETS.items():
        assert Target.objects.get(measure__theme__plan=demo, name=name).target_value == value
    past = Measure.objects.get(theme__plan=demo, name="发展为要")
    assert "2108亩" in past.context and "202户" in past.context
    assert not Target.objects.filter(target_value__in=[2108, 202]).exists()
    assert all(m.leader_id and m.department_id for m in Measure.objects.filter(theme__plan=demo))


def check_bound_only_when_indicator_exists(demo):
    for t in Target.objects.filter(measure__theme__plan=demo):
        if t.indicator_key:
            assert get_indicator(t.indicator_key) is not None
            assert not t.reports.exists()
        else:
            assert t.reports.filter(is_demo=True).count() == 12
            assert t.is_demo and "演示数据" in t.note
    started = Target.objects.get(measure__theme__plan=demo, name="亿元以上工业项目开工")
    if started.indicator_key:
        assert started.indicator_params == {"industrial": True, "min_investment_wan": 10000}


def check_board_shows_every_seed_figure(demo):
    client = _client()
    html = client.get("/plan/board/").content.decode()
    for name, value in SEED_TARGETS.items():
        assert name in html, name
        assert f'data-testid="target-value">{value}<' in html or (
            f'data-testid="target-value">{value:,}<' in html
        ), name
    assert html.count('data-testid="theme"') == 4
    assert "往年成效" in html
    # Replaying mid-year shows the picture as of then.
    mid = client.get("/plan/board/?as_of=2025-06-30").content.decode()
    assert "2025年6月30日" in mid and mid != html


def check_history_frozen_and_tasks(demo):
    n = Target.objects.filter(measure__theme__plan=demo).count()
    assert MonthStatus.objects.filter(target__measure__theme__plan=demo).count() == 12 * n
    assert MonthStatus.objects.filter(status="red").exists()
    assert MonthStatus.objects.filter(status="green").exists()
    statuses = set(Task.objects.values_list("status", flat=True))
    assert {"closed", "returned", "completed"} <= statuses
    assert Task.objects.exclude(pending_extension_date=None).exists()
    api = _client()
    items = api.get("/api/v1/targets?as_of=2025-06-30&year=2025&limit=100").json()["items"]
    assert len(items) == n and {i["status"] for i in items} <= {"green", "yellow", "red", "none"}


def test_demo_board(demo):
    # One demo build (slow: every module's demo runs), four families of checks.
    check_plan_tree_is_the_seed(demo)
    check_bound_only_when_indicator_exists(demo)
    check_board_shows_every_seed_figure(demo)
    check_history_frozen_and_tasks(demo)


def test_demo_is_idempotent(demo):
    counts = (Target.objects.count(), ProgressReport.objects.count(), Task.objects.count())
    call_command("demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    assert (Target.objects.count(), ProgressReport.objects.count(), Task.objects.count()) == counts
    assert Plan.objects.filter(year=2025).count() == 1
    n = Target.objects.filter(measure__theme__plan=demo).count()
    assert MonthStatus.objects.filter(target__measure__theme__plan=demo).count() == 12 * n
    assert date(2025, 1, 1) <= ProgressReport.objects.order_by("date").first().date


def _client():
    from django.test import Client

    c = Client()
    c.force_login(User.objects.get(username="leader"))
    return c
