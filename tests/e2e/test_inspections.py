"""The 人居环境 journey on phones (issue 13 "Done when"): a village cadre cannot see next week's
drawn round; once it starts, the inspector records a finding with a photo while the network is
cut — it waits in the phone (IndexedDB) with a visible count and is sent once when the network
returns; the village cadre closes it with an after-photo, and the month's ranking changes."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

VILLAGE = "管家铺村"  # village1's


def _png() -> dict:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 60)).save(buf, "PNG")
    return {"name": "现场.png", "mimeType": "image/png", "buffer": buf.getvalue()}


def _row(page):
    return page.locator("[data-testid=ranking-table] tbody tr", has_text=VILLAGE)


def test_offline_capture_then_rectification_moves_the_ranking(phone):
    from zhenwu.inspections.models import Finding, FindingStatus, Round

    page = phone.page
    future = Round.objects.filter(starts_at__gt=timezone.now()).get()

    # The cadre cannot see the drawn round before it starts: not in the list, 404 on its page.
    phone.login("village1")
    phone.goto("/inspections/inspections/")
    expect(page.locator("body")).not_to_contain_text(future.title)
    assert phone.goto(f"/inspections/inspections/{future.pk}/").status == 404
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    # The round starts (time passes).
    Round.all_objects.filter(pk=future.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    month = f"{timezone.localdate():%Y-%m}"
    phone.goto(f"/inspections/rankings/?month={month}")
    on_time_before = int(_row(page).locator("[data-testid=on-time]").inner_text())

    # The inspector, on a phone with no signal.
    page.context.clear_cookies()
    phone.login("ducha")
    phone.goto(f"/inspections/inspections/{future.pk}/capture/")
    expect(page.locator("[data-testid=pending-count]")).to_have_text("0")
    page.context.set_offline(True)
    expect(page.locator("[data-testid=net-state]")).to_contain_text("离线")
    page.select_option("[data-testid=cap-village]", label=VILLAGE)
    page.select_option("[data-testid=cap-item]", index=3)  # C1 房前屋后三堆两垛（须拍照）
    page.fill("[data-testid=cap-count]", "2")
    page.fill("[data-testid=cap-note]", "三组路口柴草乱堆（离线登记）")
    page.set_input_files("[data-testid=cap-photos]", _png())
    page.click("[data-testid=cap-save]")
    expect(page.locator("[data-testid=pending-count]")).to_have_text("1")
    assert not Finding.objects.filter(note__contains="离线登记").exists()  # nothing sent yet
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    # The network returns: sent once, the waiting count drops to 0.
    page.context.set_offline(False)
    expect(page.locator("[data-testid=pending-count]")).to_have_text("0", timeout=20000)
    expect(page.locator("[data-testid=sent-item]").first).to_contain_text("已发送")
    found = Finding.objects.filter(note__contains="离线登记")
    assert found.count() == 1
    finding = found.get()
    assert finding.village.name == VILLAGE and finding.count == 2 and finding.client_key
    assert finding.round_id == future.pk
    from zhenwu.core.services import attachments_for

    assert attachments_for(finding).filter(is_photo=True).count() == 1
    # A reload re-sends nothing.
    page.reload()
    expect(page.locator("[data-testid=pending-count]")).to_have_text("0")
    assert found.count() == 1

    # The village cadre closes it with an after-photo.
    page.context.clear_cookies()
    phone.login("village1")
    phone.goto(finding.get_absolute_url())
    expect(page.locator("[data-testid=finding-status]")).to_have_text("待整改")
    page.set_input_files("[data-testid=rect-photo]", _png())
    page.click("[data-testid=rect-submit]")
    expect(page.locator("[data-testid=finding-status]")).to_have_text("已整改待验收")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.SUBMITTED

    # The month's ranking changed: one more rectified on time for the village.
    phone.goto(f"/inspections/rankings/?month={month}")
    on_time_after = int(_row(page).locator("[data-testid=on-time]").inner_text())
    assert on_time_after == on_time_before + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.shot("inspections-ranking-phone")
