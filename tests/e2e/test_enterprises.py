"""The enterprise journey: 经发办 staff open the 四上 cultivation pool, see candidates with
their gaps and forecast months, open one and tick a document of its entry checklist; a
village cadre opens the pool on a phone."""

import re

import pytest

pytestmark = pytest.mark.e2e


def test_staff_works_the_cultivation_pool(session):
    page = session.page
    session.login("jingfa")
    page.click("text=四上培育库")
    page.wait_for_selector("[data-testid=pool-table]")
    assert "四上培育库" in page.inner_text("h1")
    rows = page.locator("[data-testid=pool-row]")
    assert rows.count() >= 7
    gaps = page.locator("[data-testid=pool-gap]").all_inner_texts()
    assert any(re.fullmatch(r"\d+(\.\d)?", g.strip()) for g in gaps), gaps
    forecasts = page.locator("[data-testid=pool-forecast]").all_inner_texts()
    assert any(re.fullmatch(r"20\d\d年\d{1,2}月", f.strip()) for f in forecasts), forecasts
    assert page.inner_text("[data-testid=new-above-scale]").strip() == "8"
    session.shot("cultivation-pool")

    # Replay mid-year: more candidates have forecasts within 2025.
    session.goto("/enterprises/pool/?as_of=2025-06-30")
    page.wait_for_selector("[data-testid=pool-table]")
    forecasts = page.locator("[data-testid=pool-forecast]").all_inner_texts()
    assert any(f.strip().startswith("2025年") for f in forecasts), forecasts

    # Open a candidate with unfinished papers and tick one item (htmx swaps the row).
    page.click("[data-testid=pool-row] >> text=示例五金制品有限公司")
    page.wait_for_selector("#checklist")
    undone = page.locator("[data-testid=checklist-item]:has([aria-pressed=false])")
    before = undone.count()
    assert before > 0
    undone.first.locator("[data-testid=checklist-toggle]").click()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=checklist-item] [aria-pressed=false]').length === n",
        arg=before - 1,
    )
    page.reload()
    assert (
        page.locator("[data-testid=checklist-item]:has([aria-pressed=false])").count() == before - 1
    )


def test_village_cadre_sees_own_village_pool_on_phone(phone):
    page = phone.page
    phone.login("village1")
    phone.goto("/villages/")
    platform_width = page.evaluate("document.documentElement.scrollWidth")
    phone.goto("/enterprises/pool/")
    page.wait_for_selector("[data-testid=pool-table]")
    assert "四上培育库" in page.inner_text("h1")
    villages = {
        t.split("\n")[0].split(" · ")[0]
        for t in page.locator("[data-testid=pool-row] td:first-child .small").all_inner_texts()
    }
    assert villages == {"管家铺村"}, villages  # only (and some of) the cadre's own village
    # The wide table scrolls inside its container: the page is no wider than the platform's
    # own list pages on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= platform_width
