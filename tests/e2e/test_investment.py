"""The investment journey: 招商办 staff register a signed project in the form, move it to 开工
on the kanban (htmx), and the plan board's 签约 number goes up by one; the kanban stacks its
columns on a phone."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SIGNED_TARGET = "全年签约招商项目"


def board_signed(session) -> int | None:
    """The actual of the 2025 board's signing target (None if the board has no such target);
    the board opens on the current year, the test signs in 2025."""
    session.goto("/plan/board/?as_of=2025-12-31")
    page = session.page
    page.wait_for_selector("[data-testid=board-title]")
    row = page.locator(
        "[data-testid=target]", has=page.locator(f"a.target-name:text-is('{SIGNED_TARGET}')")
    )
    if row.count() == 0:
        return None
    return int(row.locator("[data-testid=actual]").inner_text().replace(",", ""))


def test_staff_create_signed_then_start_on_kanban(session):
    page = session.page
    session.login("zhaoshang")
    before = board_signed(session)

    session.goto("/investment/investments/add/")
    page.fill("#id_code", "ZS-2025-E2E")
    page.fill("#id_name", "端到端测试新材料项目")
    page.fill("#id_investor_name", "示例端到端科技有限公司")
    page.select_option("#id_project_type", "industrial")
    page.fill("#id_planned_total_wan", "12000")
    page.select_option("#id_stage", "signed")
    page.fill("#id_signed_on", "2025-12-20")
    page.select_option("#id_village", label="管家铺村")
    page.click("form button[type=submit]")
    page.wait_for_selector("[data-testid=investment-stage]")
    assert page.inner_text("[data-testid=investment-stage]") == "签约"
    assert "亿元以上" in page.inner_text("[data-testid=investment-flags]")
    assert "登记项目" in page.inner_text("[data-testid=investment-timeline]")
    pk = re.search(r"/investments/(\d+)/", page.url).group(1)

    # A bad USCC is refused with a message naming the field.
    session.goto("/investment/investments/add/")
    page.fill("#id_code", "ZS-2025-BAD")
    page.fill("#id_name", "错误代码项目")
    page.fill("#id_investor_uscc", "91110108717743469A")
    page.click("form button[type=submit]")
    expect(page.locator("body")).to_contain_text("校验位错误")

    # Move it to 开工 on the kanban: the card changes column without a page load.
    session.goto("/investment/kanban/")
    card = page.locator(f"[data-testid=kanban-card-{pk}]")
    expect(page.locator("[data-testid=kanban-col-signed]")).to_contain_text("端到端测试新材料项目")
    card.locator("summary").click()
    card.locator("select[name=stage]").select_option("started")
    card.locator("input[name=date]").fill("2025-12-28")
    card.locator(f"[data-testid=move-submit-{pk}]").click()
    started = page.locator("[data-testid=kanban-col-started]")
    expect(started).to_contain_text("端到端测试新材料项目")
    expect(page.locator("[data-testid=kanban-col-signed]")).not_to_contain_text(
        "端到端测试新材料项目"
    )
    session.shot("investments-kanban")

    # A backwards move is impossible from the board: only later stages are offered.
    moved = page.locator(f"[data-testid=kanban-card-{pk}]")
    moved.locator("summary").click()
    options = moved.locator("select[name=stage] option").all_inner_texts()
    assert "签约" not in options and "竣工投产" in options and "终止" in options

    session.goto(f"/investment/investments/{pk}/")
    assert page.inner_text("[data-testid=investment-stage]") == "开工"
    assert "由「签约」推进到「开工」" in page.inner_text("[data-testid=investment-timeline]")

    # The plan board's 签约 target (bound to investment.signed_count) counts it.
    assert before is not None, "挂图作战看板上找不到「全年签约招商项目」"
    assert board_signed(session) == before + 1


def test_kanban_stacks_on_phone(phone):
    page = phone.page
    phone.login("zhaoshang")
    phone.goto("/investment/kanban/")
    page.wait_for_selector("[data-testid=kanban]", state="attached")
    lefts = page.eval_on_selector_all(
        ".kanban-col", "cols => cols.map(c => Math.round(c.getBoundingClientRect().left))"
    )
    assert len(lefts) == 7 and len(set(lefts)) == 1, lefts  # one column under the other
    direction = page.eval_on_selector(".kanban", "k => getComputedStyle(k).flexDirection")
    assert direction == "column"
    assert page.locator("[data-testid=kanban-col-signed] .kanban-card").count() > 0
