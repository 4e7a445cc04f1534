"""The weekly 工作调度简报 from the board as of the end of a week."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhenwu.plan import selectors as plan_selectors
from zhenwu.plan.tests.factories import assigned_task, make_plan, make_target, report
from zhenwu.projects.tests.factories import make_network, make_project
from zhenwu.reports import documents
from zhenwu.reports.tests.xml import body_text

D = date.fromisoformat
WEEK = D("2025-06-18")  # Wednesday: the week is 2025-06-16 … 2025-06-22


def june_board(world):
    plan = make_plan(world.town, 2025, name="2025年工作计划")
    red = make_target(world.town, plan, name="新增市场主体", value=100, unit="户")
    report(red, 5, D("2025-06-10"))
    green = make_target(world.town, plan, name="道路硬化", value=10, unit="公里")
    report(green, 10, D("2025-06-10"))
    signed = make_target(
        world.town, plan, name="招商引资签约项目", value=8, unit="个",
        indicator_key="investment.signed_count",
    )  # fmt: skip
    late = make_project(world, name="污水处理厂", deadline=D("2025-06-10"))
    make_network(late, [("主体施工", 5), ("竣工验收", 1)], [("主体施工", "竣工验收", 0)])
    soon = make_project(world, name="集镇提升", deadline=D("2025-06-25"))
    make_network(soon, [("管网铺设", 20), ("路面恢复", 2)], [("管网铺设", "路面恢复", 0)])
    other = make_project(world, name="民生项目", category="livelihood", deadline=D("2025-06-10"))
    make_network(other, [("不是重点", 3)])
    task = assigned_task(
        world,
        title="清理河道垃圾",
        deadline=D("2025-06-15"),
        plan=plan,
        assigned_on=D("2025-06-02"),
    )
    return plan, red, green, signed, task


def test_the_board_as_of_the_end_of_the_week(world):
    plan, red, green, signed, task = june_board(world)
    data = documents.dispatch_data(world.town, WEEK)
    assert (data.monday, data.sunday, data.as_of) == (
        D("2025-06-16"),
        D("2025-06-22"),
        D("2025-06-22"),
    )
    states = {s.target.pk: s for s in plan_selectors.evaluate_plan(plan, D("2025-06-22"))}
    # the board's own colours, not recomputed
    assert {s.target.pk: s.status for s in data.states} == {k: s.status for k, s in states.items()}
    assert data.counts["red"] == sum(1 for s in states.values() if s.status == "red")
    assert red.pk in {s.target.pk for s in data.red}
    assert green.pk not in {s.target.pk for s in data.red}
    assert [s.target.pk for s in data.headlines] == [signed.pk]
    overdue = {(m.project, m.milestone) for m in data.overdue_milestones}
    assert ("污水处理厂", "竣工验收") in overdue and ("污水处理厂", "主体施工") in overdue
    assert all(m.project != "民生项目" for m in data.overdue_milestones)  # key projects only
    due = {(m.project, m.milestone): m.due for m in data.due_milestones}
    # 路面恢复 (2 working days) ends on the deadline, so 管网铺设 must end the day before it starts
    assert due == {
        ("集镇提升", "管网铺设"): D("2025-06-23"),
        ("集镇提升", "路面恢复"): D("2025-06-25"),
    }
    assert [t.pk for t, _ in data.overdue_tasks] == [task.pk]


def test_the_brief_names_the_red_targets_with_their_figures(world):
    june_board(world)
    data = documents.dispatch_data(world.town, WEEK)
    content = documents.render_dispatch(data, issued_on=D("2025-06-23"), doc_number=None)
    text = body_text(content)
    flat = text.replace("\n", "")
    assert "南口镇工作调度简报（2025年6月16日至2025年6月22日）" in flat
    assert "截至2025年6月22日2025年度重点工作推进情况" in text
    assert f"红灯{data.counts['red']}项" in text
    assert "新增市场主体：完成5户，目标100户" in text
    assert "招商引资签约项目：" in text
    assert "污水处理厂“竣工验收”应于" in text
    assert "集镇提升“路面恢复”应于2025年6月25日前完成" in text
    assert "清理河道垃圾，办理时限2025年6月15日" in text
    assert "2025年6月23日" in text


def test_a_week_spanning_new_year_reads_the_new_years_plan_or_the_old_one(world):
    # 2025-12-29 … 2026-01-04: the end of the week is in 2026
    make_plan(world.town, 2025, name="2025年工作计划")
    data = documents.dispatch_data(world.town, D("2025-12-31"))
    assert (data.monday, data.sunday) == (D("2025-12-29"), D("2026-01-04"))
    assert data.plan.year == 2025  # no 2026 plan: the year that ended, as the board shows it
    plan26 = make_plan(world.town, 2026, name="2026年工作计划")
    data = documents.dispatch_data(world.town, D("2026-01-02"))
    assert data.plan == plan26 and data.as_of == D("2026-01-04")


def test_a_holiday_deadline_is_due_on_the_last_working_day_before_it(world):
    make_plan(world.town, 2025)
    p = make_project(world, name="国庆前完工", deadline=D("2025-10-01"))  # 国庆 holiday
    make_network(p, [("收尾", 1)])
    data = documents.dispatch_data(world.town, D("2025-09-24"))  # next week: 9-29 … 10-5
    (m,) = data.due_milestones
    assert m.due == D("2025-09-30") and data.next_monday == D("2025-09-29")


def test_no_plan_and_a_future_week_are_refused(world):
    with pytest.raises(documents.DocumentRefused) as exc:
        documents.dispatch_data(world.town, WEEK)
    assert "还没有2025年度计划" in str(exc.value)
    with pytest.raises(documents.DocumentRefused) as exc:
        documents.dispatch_data(world.town, D("2199-06-18"))
    assert "尚未开始" in str(exc.value)


def test_weeks_are_monday_to_sunday():
    assert documents.week_of(D("2025-06-16")) == (D("2025-06-16"), D("2025-06-22"))
    assert documents.week_of(D("2025-06-22")) == (D("2025-06-16"), D("2025-06-22"))
    assert documents.week_of(D("2026-01-01")) == (D("2025-12-29"), D("2026-01-04"))


def test_the_command(world, tmp_path):
    june_board(world)
    out = tmp_path / "简报.docx"
    call_command(
        "document", "dispatch", "--week", "2025-06-18", "-o", str(out),
        "--town", world.town.code, "--number", "南党政办〔2025〕12号",
    )  # fmt: skip
    assert "南党政办〔2025〕12号" in body_text(out.read_bytes())
    with pytest.raises(CommandError) as exc:
        call_command(
            "document", "dispatch", "--week", "2025-06-31", "-o", str(out), "--town",
            world.town.code,
        )  # fmt: skip
    assert exc.value.returncode == 1 and "调度周「2025-06-31」无效" in str(exc.value)


def url(**params):
    return "/reports/download/dispatch/?" + "&".join(f"{k}={quote(v)}" for k, v in params.items())


def test_the_download_and_its_gate(world):
    june_board(world)
    r = world.client("leader").get(url(week="2025-06-18"))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    name = "南口镇工作调度简报（20250616—20250622）.docx"
    assert f"filename*=UTF-8''{quote(name)}" in r["Content-Disposition"]
    assert 'filename="dispatch-2025-06-16.docx"' in r["Content-Disposition"]
    assert world.client("staff").get(url(week="2025-06-18")).status_code == 200
    assert world.client("village").get(url(week="2025-06-18")).status_code == 404
    assert world.client("other_admin").get(
        url(week="2025-06-18", town=str(world.town.pk))
    ).status_code in (404, 422)
    assert (
        world.client("viewer").get(url(week="2025-06-18", town=str(world.town.pk))).status_code
        == 200
    )
    bad = world.client("leader").get(url(week="2025-13-01"))
    assert bad.status_code == 422 and "调度周" in bad.content.decode()


def test_the_board_links_to_the_brief_of_its_week(world):
    june_board(world)
    html = world.client("leader").get("/plan/board/?as_of=2025-06-18").content.decode()
    assert "/reports/download/dispatch/?week=2025-06-18" in html and "下载调度简报（Word）" in html
    html = world.client("village").get("/plan/board/?as_of=2025-06-18").content.decode()
    assert "/reports/download/dispatch/" not in html
