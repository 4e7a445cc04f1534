"""双征 on the homes: the 包户 cadre's own households, the village's households on 我的村, the
双征办's open disputes — each through the gate, open disputes first."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone, translation

from zhenwu.core import homes
from zhenwu.core.actor import Source, acting_as
from zhenwu.land.homes import my_households, open_disputes, village_households
from zhenwu.land.models import DisputeContact
from zhenwu.land.tests.helpers import appraised, make_campaign, make_dispute, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def land(world):
    campaign = make_campaign(world.town)
    cadre = world.users["village"]
    calm = make_household(world, campaign=campaign, head_name="平静户", cadre=cadre)
    disputed = make_household(
        world, campaign=campaign, head_name="争议户", cadre=cadre, **appraised()
    )
    dispute = make_dispute(disputed)
    settled = make_household(
        world, campaign=campaign, head_name="结算户", cadre=cadre,
        **appraised(signed_on=date(2025, 5, 1), vacated_on=date(2025, 5, 5),
                    demolished_on=date(2025, 5, 9), settled_on=date(2025, 5, 20)),
    )  # fmt: skip
    elsewhere = make_household(
        world, village=world.villages[1], campaign=campaign, head_name="外村户"
    )
    return {"calm": calm, "disputed": disputed, "dispute": dispute, "settled": settled,
            "elsewhere": elsewhere}  # fmt: skip


def test_a_cadre_sees_their_households_to_settle_open_disputes_first(world, land):
    section = my_households(world.users["village"], timezone.localdate())
    titles = [i.title for i in section.items]
    assert titles[0].startswith("争议户") and "未化解的矛盾纠纷" in section.items[0].note
    assert any(t.startswith("平静户") for t in titles)
    assert not any(t.startswith(("结算户", "外村户")) for t in titles)  # settled; not theirs
    assert section.total == 2 and section.list_url.endswith(f"?cadre={world.users['village'].pk}")
    assert section.items[0].action == "推进到签约"
    assert "当前：公示" in section.items[0].note
    with translation.override("en"):
        english = my_households(world.users["village"], timezone.localdate()).items[0].note
    assert "Now: " in english and "Open dispute" in english and "当前" not in english
    # Someone responsible for no household has no such to-do.
    assert my_households(world.users["leader"], timezone.localdate()) is None


def test_the_village_section_shows_the_villages_households_only(world, land):
    section = village_households(world.users["village"], [world.villages[0]], timezone.localdate())
    titles = [i.title for i in section.items]
    assert section.total == 2 and not any("外村户" in t for t in titles)
    assert "land" in homes.village_modules()  # so a village cadre's menu has 双征
    html = world.client("village").get("/").content.decode()
    assert "双征（被征收户）" in html and "争议户" in html and "外村户" not in html
    menu = world.client("village").get("/plan/my-tasks/").content.decode()
    assert "/land/households/" in menu


def test_the_office_queue_lists_open_disputes_with_the_next_step(world, land):
    today = timezone.localdate()
    section = open_disputes(world.users["staff"], today)
    assert section.total == 1 and "尚未接谈" in section.items[0].note
    with acting_as(None, Source.SYSTEM):
        DisputeContact.objects.create(
            town=world.town, dispute=land["dispute"], contacted_on=date(2025, 5, 3),
            who="王干部", said="解释评估口径", next_step="申请第三方复测",
        )  # fmt: skip
    section = open_disputes(world.users["staff"], today)
    assert "下一步：申请第三方复测" in section.items[0].note
    assert open_disputes(world.users["other_admin"], today) is None  # another town's
    html = world.client("staff").get("/").content.decode()
    assert "矛盾纠纷待化解" in html and "争议户" in html
