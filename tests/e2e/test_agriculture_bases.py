"""The 强特色 journey on a phone: the agriculture clerk (农业服务中心) records a season's
harvest for the 火龙果 base — a harvest dated before planting is refused with the field named,
nothing stored — and the 强特色 dashboard's output value moves by the season's value."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def _output_value(phone, page) -> Decimal:
    phone.goto("/agriculture/bases-dashboard/?year=2025")
    page.wait_for_selector("[data-testid=output-value]")
    return _dec(page.inner_text("[data-testid=output-value]"))


def test_clerk_records_a_harvest_on_a_phone_and_the_dashboard_moves(phone):
    from zhenwu.agriculture.models import Season

    page = phone.page
    phone.login("nongye")
    phone.goto("/villages/")
    platform_width = page.evaluate("document.documentElement.scrollWidth")
    assert platform_width <= 390

    before = _output_value(phone, page)
    assert before > 0
    cards = page.locator("[data-testid=base-card]")
    expect(cards).to_have_count(5)
    expect(page.locator("[data-testid=crop-table]")).to_contain_text("火龙果")
    assert page.evaluate("document.documentElement.scrollWidth") <= platform_width
    phone.shot("agriculture-bases-dashboard-phone")

    phone.goto("/agriculture/seasons/add/")
    page.select_option("#id_base", label="火龙果基地")
    page.fill("#id_label", "2025年秋果补采")
    page.fill("#id_planted_area_mu", "120")
    page.fill("#id_planting_date", "2025-09-01")
    page.fill("#id_harvest_start", "2025-08-20")  # before planting: refused
    page.fill("#id_harvest_end", "2025-10-20")
    page.fill("#id_output_amount", "12.5")
    page.select_option("#id_output_unit", "t")
    page.fill("#id_output_value", "8.5")
    page.fill("#id_jobs_created", "6")
    page.check("input[name=sales_channels] >> nth=0")
    page.click("[data-testid=object-form] button[type=submit]")
    expect(page.locator("[data-testid=object-form]")).to_contain_text(
        "采收开始日期（2025-08-20）早于种植日期（2025-09-01）"
    )
    assert not Season.objects.filter(label="2025年秋果补采").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= platform_width

    page.fill("#id_harvest_start", "2025-10-01")
    page.click("[data-testid=object-form] button[type=submit]")
    expect(page.locator("[data-testid=object-title]")).to_contain_text("2025年秋果补采")
    season = Season.objects.get(label="2025年秋果补采")
    assert season.output_kg == Decimal(12500) and season.base.name == "火龙果基地"

    assert _output_value(phone, page) == before + Decimal("8.5")
    card = page.locator("[data-testid=base-card]", has_text="火龙果基地")
    expect(card).to_contain_text("278.5")  # 270 of the demo season + 8.5
