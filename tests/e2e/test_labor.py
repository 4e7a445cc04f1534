"""The labour-brand journey: 人社 staff register a worker, enrol them in a 2025 session, record
attendance, issue the certificate from the session's exam, record a placement in another
province — and the brand dashboard and the board's 防水工技能培训 target move. A village cadre
reads the dashboard on a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TRAINING = "防水工技能培训"


def _int(text: str) -> int:
    return int(text.replace(",", "").strip())


def _board_actual(session, page) -> int:
    session.goto("/plan/board/?as_of=2025-12-31")
    row = page.locator(
        "[data-testid=target]", has=page.locator(f"a.target-name:text-is('{TRAINING}')")
    )
    return _int(row.locator("[data-testid=actual]").inner_text())


def _dashboard(session, page) -> dict:
    session.goto("/labor/dashboard/?year=2025")
    page.wait_for_selector("[data-testid=person-times]")
    return {
        k: _int(page.inner_text(f"[data-testid={k}]"))
        for k in ("person-times", "certificates", "placed")
    }


def test_register_enrol_certify_place_moves_dashboard_and_board(session):
    from zhenwu.core.idnumbers import resident_id_check_char
    from zhenwu.labor.models import TrainingSession

    page = session.page
    session.login("renshe")
    board_before = _board_actual(session, page)
    assert 400 < board_before < 700
    before = _dashboard(session, page)
    assert before["person-times"] == board_before
    expect(page.locator("#chart-villages canvas")).to_have_count(1)  # ECharts drew
    session.shot("labor-dashboard")

    # Register a worker.
    first17 = "42108119900515003"
    resident_id = first17 + resident_id_check_char(first17)
    session.goto("/labor/workers/add/")
    page.fill("#id_name", "测试学员甲")
    page.fill("#id_resident_id", resident_id)
    page.select_option("#id_village", label="管家铺村")
    page.select_option("#id_trade", label="防水工")
    page.fill("#id_phone", "13907160815")
    page.click("form button[type=submit]")
    expect(page.locator("[data-testid=object-title]")).to_have_text("测试学员甲")
    # Detail pages show dates long (core.formats): 1990年5月15日.
    detail = page.inner_text(".detail-table")
    assert "男" in detail and "1990年5月15日" in detail

    # Enrol them in a December 2025 session with an exam, record attendance, certify.
    s = (
        TrainingSession.objects.filter(end_date__year=2025, exams__isnull=False)
        .order_by("-end_date")
        .first()
    )
    session.goto(s.get_absolute_url())
    page.fill("#id_who", resident_id)
    page.click("[data-testid=enroll-form] button")
    row = page.locator("[data-testid=trainee-row]", has_text="测试学员甲")
    expect(row.locator("[data-testid=attendance]")).to_have_text("已报名")
    row.locator("select[name=attendance]").select_option("attended")
    row.locator("[data-testid=attendance-save]").click()
    row = page.locator("[data-testid=trainee-row]", has_text="测试学员甲")
    expect(row.locator("[data-testid=attendance]")).to_have_text("已参训")
    row.locator("input[name=number]").fill("S2025-E2E-0001")
    row.locator("[data-testid=certify-form] button").click()
    expect(
        page.locator("[data-testid=trainee-row]", has_text="测试学员甲").locator(
            "[data-testid=certified]"
        )
    ).to_be_visible()

    # Place them in another province.
    session.goto("/labor/placements/add/")
    page.select_option("#id_worker", label="测试学员甲")
    page.fill("#id_employer", "某防水工程公司上海分公司")
    page.fill("#id_place", "上海市")
    page.select_option("#id_destination", "other_province")
    page.fill("#id_start_date", "2025-12-20")
    page.select_option("#id_wage_band", "8000_12000")
    page.click("form button[type=submit]")
    expect(page.locator("[data-testid=object-title]")).to_contain_text("测试学员甲")

    # The worker's page shows the history.
    page.click(".detail-table a:text-is('测试学员甲')")
    expect(page.locator("[data-testid=worker-trainings]")).to_contain_text(s.name)
    expect(page.locator("[data-testid=worker-certificates]")).to_contain_text("S2025-E2E-0001")
    expect(page.locator("[data-testid=worker-placements]")).to_contain_text("上海市")

    after = _dashboard(session, page)
    assert after == {
        "person-times": before["person-times"] + 1,
        "certificates": before["certificates"] + 1,
        "placed": before["placed"] + 1,
    }
    assert _board_actual(session, page) == board_before + 1


def test_village_cadre_reads_the_dashboard_on_a_phone(phone):
    page = phone.page
    phone.login("village1")
    phone.goto("/villages/")
    platform_width = page.evaluate("document.documentElement.scrollWidth")
    phone.goto("/labor/dashboard/?year=2025")
    page.wait_for_selector("[data-testid=person-times]")
    villages = page.locator("[data-testid=village-table] tbody tr td:first-child").all_inner_texts()
    assert villages == ["管家铺村"]
    assert _int(page.inner_text("[data-testid=person-times]")) > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= platform_width
    phone.goto("/labor/workers/")
    assert page.evaluate("document.documentElement.scrollWidth") <= platform_width
