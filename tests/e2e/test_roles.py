"""Each role's day on a phone (390×844, issue 10 "Also"): the village cadre from 我的村 to an
updated record; the party secretary assigning a 督办 task that the assignee signs, reports on
and completes, and the secretary accepts (销号); the investment clerk moving a lead to 签约
without scrolling past the record."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.e2e


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width


def logout(s):
    s.page.context.clear_cookies()


def test_village_cadre_from_home_to_an_updated_record(phone):
    page = phone.page
    phone.login("village1")
    phone.goto("/")
    page.wait_for_selector("[data-testid=home-title]")
    assert "我的村" in page.inner_text("[data-testid=home-title]")
    assert "管家铺村" in page.inner_text("[data-testid=home-title]")
    no_sideways_scroll(page)
    phone.shot("phone-village-home", full_page=False)
    # Their to-do (assigned by the inspector) is first, with one tap to sign.
    todos = page.locator("[data-testid=home-section][data-key=todos]")
    assert "人居环境暗访问题整改" in todos.inner_text()
    # The village's investments, one tap to update.
    section = page.locator("[data-testid=home-section][data-key=investment]")
    item = section.locator("[data-testid=home-item]").first
    name = item.locator("a.fw-semibold").inner_text()
    item.locator("[data-testid=home-action]").click()
    page.wait_for_selector("[data-testid=object-form]")
    no_sideways_scroll(page)
    page.fill("#id_problems", "用地手续待村里协调（村干部更新）")
    page.click("[data-testid=object-form] button[type=submit]")
    page.wait_for_selector("text=已保存")
    assert name in page.inner_text("body")
    assert "用地手续待村里协调（村干部更新）" in page.inner_text("body")
    no_sideways_scroll(page)


def test_leader_assigns_assignee_signs_reports_and_leader_accepts(phone):
    page = phone.page
    title = "手机端督办：园区道路破损修复"
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()

    phone.login("leader")
    phone.goto("/plan/tasks/")
    page.click("a[href='/plan/tasks/add/']")
    page.wait_for_selector("[data-testid=object-form]")
    no_sideways_scroll(page)
    page.fill("#id_title", title)
    page.fill("#id_description", "本周内完成修复并反馈照片")
    page.select_option("#id_assignee", label="李招商")
    page.fill("#id_deadline", deadline)
    page.click("[data-testid=object-form] button[type=submit]")
    page.wait_for_selector("[data-testid=task-panel]")
    assert page.inner_text("[data-testid=task-status]") == "已交办"
    assert "王兵" in page.inner_text("body")  # 交办人 is the secretary, not the administrator
    logout(phone)

    # The assignee sees the count on the 我的待办 button, signs, reports, completes.
    phone.login("zhaoshang")
    phone.goto("/plan/my-tasks/")
    assert page.locator("[data-testid=todo-count]").is_visible()
    page.click(f"text={title}")
    page.wait_for_selector("[data-testid=task-panel]")
    page.click("[data-testid=task-sign]")
    page.wait_for_selector("[data-testid=task-status]:has-text('已签收')")
    page.locator("form:has([data-testid=task-report]) textarea[name=note]").fill("已联系施工队")
    page.click("[data-testid=task-report]")
    page.wait_for_selector("[data-testid=task-status]:has-text('办理中')")
    page.locator("form:has([data-testid=task-complete]) textarea[name=note]").fill("已修复完毕")
    page.click("[data-testid=task-complete]")
    page.wait_for_selector("[data-testid=task-status]:has-text('已办结')")
    no_sideways_scroll(page)
    logout(phone)

    # The secretary finds it waiting on the board and accepts it.
    phone.login("leader")
    phone.goto("/")
    page.wait_for_selector("[data-testid=waiting-approval]")
    page.locator("[data-testid=waiting-approval]").get_by_text(title).click()
    page.wait_for_selector("[data-testid=task-panel]")
    page.click("[data-testid=task-close]")
    page.wait_for_selector("[data-testid=task-status]:has-text('已销号')")
    timeline = page.inner_text("[data-testid=task-timeline]")
    for step in ("交办", "签收", "反馈", "办结", "销号"):
        assert step in timeline, step
    no_sideways_scroll(page)


def test_investment_clerk_signs_a_lead_without_scrolling(phone):
    """招商办 on a phone: a lead's page shows its stage and the move form in the first screen
    (state and next action first, issue 10 item 7); moving it to 签约 needs no scrolling."""
    from zhenwu.investment.models import Investment

    lead = Investment.objects.filter(stage__in=["lead", "negotiating"]).order_by("pk").first()
    assert lead is not None, "演示数据中没有线索或在谈项目"
    page = phone.page
    phone.login("zhaoshang")
    phone.goto(f"/investment/investments/{lead.pk}/")
    form = page.locator(f"[data-testid=move-form-{lead.pk}]")
    submit = page.locator(f"[data-testid=move-submit-{lead.pk}]")
    # Both the state and the button that changes it lie within the first 844 px.
    assert page.locator("[data-testid=investment-stage]").bounding_box()["y"] < 844
    box = submit.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    form.locator("select[name=stage]").select_option("signed")
    submit.click()
    page.wait_for_selector("[data-testid=investment-stage]:has-text('签约')")
    lead.refresh_from_db()
    assert lead.stage == "signed"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_village_cadre_finds_a_household_by_name_and_moves_it_on(phone):
    """The 包户 cadre's day: their households are a to-do on 我的村; one they remember by name
    is found from the search button in the top bar and opens on its 征收进度."""
    page = phone.page
    phone.login("village1")
    phone.goto("/")
    mine = page.locator("[data-testid=home-section][data-key=land-mine]")
    assert "我包的户" in mine.inner_text()
    first = mine.locator("[data-testid=home-item] a.fw-semibold").first.inner_text()
    head = first.split("（")[0]
    # The top bar's search button (a phone has no room for the box).
    page.click("[data-testid=topbar-search-link]")
    page.wait_for_selector("[data-testid=search-input]")
    page.fill("[data-testid=search-input]", head)
    page.press("[data-testid=search-input]", "Enter")
    page.wait_for_selector("[data-testid=search-hit]")
    no_sideways_scroll(page)
    phone.shot("phone-village1-search", full_page=False)
    groups = page.locator("[data-testid=search-group]")
    assert "被征收户" in groups.first.inner_text() or "被征收户" in page.inner_text("main")
    page.locator("[data-testid=search-hit]", has_text=head).first.click()
    page.wait_for_selector("text=征收进度")
    assert head in page.inner_text("main")
    no_sideways_scroll(page)


def test_leader_reads_who_answers_for_what(phone):
    """干部责任清单 on a phone: each cadre a card with their duties counted from the ledgers;
    one cadre's page lists the households they 包, as the households list shows them."""
    page = phone.page
    phone.login("leader")
    phone.goto("/cadres/")
    page.wait_for_selector("[data-testid=cadre-table]")
    no_sideways_scroll(page)
    phone.shot("phone-leader-cadres", full_page=False)
    row = page.locator("[data-testid=cadre-row]", has_text="管家铺村干部")
    assert int(row.locator("[data-testid=cadre-total]").inner_text()) > 0
    row.locator("a").first.click()
    page.wait_for_selector("[data-testid=cadre-name]")
    group = page.locator("[data-testid=duty-group][data-duty='households.cadre']")
    assert "被征收户 · 包户干部" in group.inner_text()
    group.locator("[data-testid=duty-card]").first.click()
    page.wait_for_selector("text=征收进度")
    no_sideways_scroll(page)
