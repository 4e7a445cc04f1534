"""The 守粮安 journey on a phone (issue 15 "Done when"): a village field chief records a patrol
with a 非粮化 finding and a photo; the town (the agriculture office) sees it on the chief's page
and in the rectification list."""

import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

VILLAGE = "管家铺村"  # village1's


def _png() -> dict:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 60)).save(buf, "PNG")
    return {"name": "田间现场.png", "mimeType": "image/png", "buffer": buf.getvalue()}


def test_field_chief_records_a_patrol_with_a_finding_and_the_town_sees_it(phone):
    from zhenwu.agriculture.models.farmland import FieldChief, Patrol, PatrolFinding
    from zhenwu.core.services import attachments_for

    page = phone.page
    phone.login("village1")
    phone.goto("/agriculture/my-plots/")
    expect(page.locator("[data-testid=chief-section]").first).to_contain_text("村级田长")
    page.click("[data-testid=record-patrol]")
    expect(page.locator("[data-testid=patrol-form]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    first = page.locator("[data-testid=patrol-plots] input[type=checkbox]").first
    first.check()
    plot_label = page.locator("[data-testid=patrol-plots] label").first.inner_text()
    page.fill("[data-testid=patrol-note]", "巡查东垸，发现改种草皮")
    page.select_option("[data-testid=patrol-finding-category]", value="FLH3")
    page.select_option("[data-testid=patrol-finding-plot]", index=1)
    page.fill("[data-testid=patrol-finding-note]", "田块东侧新栽草皮约两亩")
    page.set_input_files("[data-testid=finding-photos]", _png())
    page.click("[data-testid=patrol-save]")
    expect(page.locator("body")).to_contain_text("巡田记录已保存，登记问题1个")
    expect(page.locator("[data-testid=farmland-finding-row]")).to_contain_text(
        "永久基本农田种植苗木、草皮"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    patrol = Patrol.objects.order_by("-pk").first()
    assert patrol.village.name == VILLAGE and patrol.level == "village"
    finding = PatrolFinding.objects.get(note="田块东侧新栽草皮约两亩")
    assert finding.category == "FLH3" and finding.status == "open" and finding.deadline
    assert attachments_for(finding).filter(is_photo=True).count() == 1
    assert finding.plot.code in plot_label

    # The town: the agriculture office opens the chief's page and the rectification list.
    page.context.clear_cookies()
    phone.login("nongye")
    chief = FieldChief.objects.get(user__username="village1", level="village")
    phone.goto(f"/agriculture/field-chiefs/{chief.pk}/plots/")
    expect(page.locator("[data-testid=chief-findings]")).to_contain_text(finding.plot.code)
    expect(page.locator("[data-testid=chief-findings]")).to_contain_text("草皮")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.goto("/agriculture/farmland-findings/?status=open")
    expect(page.locator("body")).to_contain_text("永久基本农田种植苗木、草皮")
    phone.goto(f"/agriculture/farmland-findings/{finding.pk}/")
    expect(page.locator("[data-testid=finding-status]")).to_have_text("待整改")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
