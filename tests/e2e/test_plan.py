"""The plan journey: the party secretary opens the 挂图作战 board and sees the Nankou plan;
the responsible office files a manual progress report and the board's number and colour change
(the one target no module computes: the 防水文化长廊, reported by works progress); the
big screen draws its charts; the board works on a phone."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# The only target of the seed's plan that no module computes (the bases, which it used to be,
# are now computed by the agriculture module): reported by works progress, 0.6 of 1 at year end.
MANUAL = "防水文化长廊建成"


def target_row(page, name):
    return page.locator(
        "[data-testid=target]", has=page.locator(f"a.target-name:text-is('{name}')")
    )


def open_2025(session):
    """The board opens on the year under way; the seed's 2025 plan is one click away."""
    session.goto("/plan/board/")
    session.page.click("[data-testid=plan-link]:has-text('2025')")
    session.page.wait_for_selector("[data-testid=board-title]:has-text('2025年')")


def test_leader_board_then_staff_report_changes_number_and_colour(session):
    page = session.page
    session.login("leader")
    session.goto("/")
    page.wait_for_selector("[data-testid=board-title]")
    assert re.search(r"/plan/board/", page.url)
    this_year = date.today().year
    assert f"{this_year}年 南口镇工作计划" in page.inner_text("[data-testid=board-title]")
    open_2025(session)
    assert "2025年 南口镇工作计划" in page.inner_text("[data-testid=board-title]")
    assert page.locator("[data-testid=theme]").count() == 4
    signed = target_row(page, "全年签约招商项目")
    assert signed.locator("[data-testid=target-value]").inner_text() == "35"
    row = target_row(page, MANUAL)
    before_status = row.get_attribute("data-status")
    before_actual = row.locator("[data-testid=actual]").inner_text()
    assert before_status == "red" and before_actual == "0.6"
    session.shot("board")

    # Replay mid-year from the date picker (htmx swaps the board body).
    page.fill("[data-testid=as-of]", "2025-06-30")
    page.locator("[data-testid=as-of]").dispatch_event("change")
    expect(page.locator("[data-testid=as-of-label]")).to_contain_text("6月30日")
    assert "as_of=2025-06-30" in page.url

    # The number drills down to what it counts (manual target: its reports).
    open_2025(session)
    target_row(page, MANUAL).locator("[data-testid=target-number]").click()
    page.wait_for_selector("[data-testid=records-table]")
    assert "2025-12-31" in page.inner_text("[data-testid=records-table]")

    # The responsible department (党政综合办公室) files the year-end report.
    page.context.clear_cookies()
    session.login("dangzheng")
    open_2025(session)
    target_row(page, MANUAL).locator("a.target-name").click()
    page.wait_for_selector("[data-testid=target-state]")
    page.click("[data-testid=add-report]")
    page.fill("#id_date", "2025-12-31")
    page.fill("#id_value", "1")
    page.fill("#id_note", "文化长廊布展完成并开放")
    page.click("[data-testid=report-submit]")
    page.wait_for_selector("[data-testid=report-list]")
    assert "文化长廊布展完成并开放" in page.inner_text("[data-testid=report-list]")

    open_2025(session)
    row = target_row(page, MANUAL)
    assert row.locator("[data-testid=actual]").inner_text() == "1"
    assert row.get_attribute("data-status") in ("green", "done")


def test_bigscreen_draws_charts_and_polls(session):
    page = session.page
    session.login("leader")
    session.goto("/plan/bigscreen/")
    page.wait_for_selector("#chart-themes canvas")
    body = page.locator("[data-testid=bigscreen]")
    assert body.get_attribute("hx-trigger") == "every 60s"
    assert "红灯" in body.inner_text()
    session.shot("bigscreen", full_page=False)


def test_target_detail_chart_and_task_timeline(session):
    page = session.page
    session.login("leader")
    session.goto("/plan/board/")
    target_row(page, "一周一暗访").locator("a.target-name").click()
    page.wait_for_selector("#target-chart canvas")
    assert page.locator("[data-testid=month-strip] .month").count() == 12
    session.shot("target-detail")
    session.goto("/plan/tasks/")
    page.click("text=主干沟渠清淤整治")
    page.wait_for_selector("[data-testid=task-timeline]")
    assert "办结" in page.inner_text("[data-testid=task-timeline]")
    page.click("[data-testid=task-close]")
    page.wait_for_selector("[data-testid=task-status]")
    assert page.inner_text("[data-testid=task-status]") == "已销号"


def test_board_on_a_phone(phone):
    phone.login("village1")
    phone.goto("/plan/board/")
    page = phone.page
    page.wait_for_selector("[data-testid=target]")
    assert page.locator("[data-testid=theme]").count() == 4
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width  # nothing pushes the page sideways
