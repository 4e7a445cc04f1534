"""The 双征 journey (issue 12, "Done when"): a village cadre on a phone-sized screen moves a
household of their village from 签约 to 腾空 and sees the campaign's 腾空率 and wall board
change; a household of another village answers 404. The map draws offline."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _rate(page, testid) -> Decimal:
    return Decimal(page.inner_text(f"[data-testid={testid}]").strip().rstrip("%"))


def test_village_cadre_moves_a_household_to_vacated_on_a_phone(phone):
    from zhenwu.core.models import User
    from zhenwu.land import demo
    from zhenwu.land.models import Campaign, Household

    page = phone.page
    campaign = Campaign.objects.get(name=demo.CURRENT)
    cadre = User.objects.get(username="village1")
    mine = cadre.villages.get()
    household = (
        Household.objects.filter(campaign=campaign, village=mine, stage="sign")
        .order_by("number")
        .first()
    )
    other = Household.objects.filter(campaign=campaign).exclude(village=mine).first()
    assert household is not None and other is not None

    phone.login("village1")
    phone.goto("/villages/")
    width = page.evaluate("document.documentElement.scrollWidth")

    phone.goto(f"/land/campaigns/{campaign.pk}/progress/")
    before = _rate(page, "vacate-rate")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    phone.goto(f"/land/campaigns/{campaign.pk}/board/")
    tiles = page.locator("[data-testid=tile]")
    vacated_tiles = page.locator("[data-testid=tile][data-stage=vacate]").count()
    assert tiles.count() == Household.objects.filter(campaign=campaign, village=mine).count()
    assert _rate(page, "board-vacate-rate") == before
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    phone.shot("land-board-phone")

    # open the household's file from its tile and move it to 腾空
    page.locator(f"[data-testid=tile][href='/land/households/{household.pk}/file/']").click()
    expect(page.locator("[data-testid=stage]")).to_have_text("签约")
    page.click("[data-testid=advance]")
    expect(page.locator("[data-testid=stage]")).to_have_text("腾空")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    phone.goto(f"/land/campaigns/{campaign.pk}/progress/")
    after = _rate(page, "vacate-rate")
    assert after > before
    phone.goto(f"/land/campaigns/{campaign.pk}/board/")
    assert page.locator("[data-testid=tile][data-stage=vacate]").count() == vacated_tiles + 1
    assert _rate(page, "board-vacate-rate") == after

    # another village's household: not found
    response = phone.goto(f"/land/households/{other.pk}/file/")
    assert response.status == 404
    response = phone.goto(f"/land/households/{other.pk}/")
    assert response.status == 404


def test_the_map_draws_offline(session):
    from zhenwu.land import demo
    from zhenwu.land.models import Campaign

    campaign = Campaign.objects.get(name=demo.CURRENT)
    page = session.page
    session.login("shuangzheng")
    session.goto(f"/land/campaigns/{campaign.pk}/map/")
    expect(page.locator("[data-testid=map-layer]")).to_contain_text("示例")
    page.wait_for_selector("#land-map path.leaflet-interactive")
    assert page.locator("#land-map path.leaflet-interactive").count() > 10
    session.shot("land-map")
