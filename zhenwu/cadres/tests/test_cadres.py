"""干部责任清单: each cadre's duties read from the records that name them, through the reader's
gate; pages and API; who may read it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from zhenwu.cadres import selectors
from zhenwu.core.actor import Source, acting_as
from zhenwu.investment.models import Investment
from zhenwu.land.tests.helpers import make_campaign, make_household
from zhenwu.plan import services as plan_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def duties(world):
    village = world.users["village"]
    leader = world.users["leader"]
    with acting_as(None, Source.SYSTEM):
        mine = Investment.objects.create(
            town=world.town, code="C-1", name="本村招商项目", village=world.villages[0],
            planned_total_wan=Decimal(100), leader=leader,
        )  # fmt: skip
        theirs = Investment.objects.create(
            town=world.town, code="C-2", name="外村招商项目", village=world.villages[1],
            planned_total_wan=Decimal(100), leader=leader,
        )  # fmt: skip
    campaign = make_campaign(world.town)
    households = [
        make_household(world, campaign=campaign, head_name=f"包户{i}", cadre=village)
        for i in range(3)
    ]
    task = plan_services.task_assign(
        town=world.town, title="清理河道", acting_user=leader, assignee=village,
        deadline=timezone.localdate(),
    )  # fmt: skip
    return {"mine": mine, "theirs": theirs, "households": households, "task": task}


def test_duties_are_the_person_fields_that_say_responsibility():
    found = {(d.resource.key, d.field): d.label for d in selectors.duties()}
    assert found[("investments", "leader")] == "包保领导"
    assert found[("households", "cadre")] == "包户干部"
    assert found[("tasks", "assignee")] == "承办人"
    assert found[("projects", "team")] == "专班成员"
    # Who did something is not a duty.
    assert ("tasks", "assigned_by") not in found and ("findings", "inspector") not in found
    assert ("reports", "reported_by") not in found
    labels = [d.label for d in selectors.duties()]
    assert labels == sorted(labels, key=selectors.DUTY_LABELS.index)


def test_counts_per_cadre_through_the_readers_gate(world, duties):
    people = list(selectors.cadres(world.users["admin"]))
    counts = selectors.duty_counts(world.users["admin"], people)
    leader, village = world.users["leader"], world.users["village"]
    assert counts[leader.pk]["包保领导"] == 2
    assert counts[village.pk] == {"包户干部": 3, "承办人": 1}
    # Another town's administrator sees neither these people nor these records.
    assert leader.pk not in {p.pk for p in selectors.cadres(world.users["other_admin"])}
    # A reader sees only the duties on records they may open (one query per duty).
    assert selectors.duty_counts(world.users["other_admin"], [leader])[leader.pk] == {}


def test_one_query_per_duty_whatever_the_number_of_people(
    world, duties, django_assert_max_num_queries
):
    people = list(selectors.cadres(world.users["admin"]))
    with django_assert_max_num_queries(len(selectors.duties())):
        selectors.duty_counts(world.users["admin"], people)


def test_list_and_detail_pages(world, duties):
    client = world.client("leader")
    html = client.get("/cadres/").content.decode()
    assert "干部责任清单" in html and world.users["village"].display_name in html
    village = world.users["village"]
    page = client.get(f"/cadres/{village.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "被征收户 · 包户干部" in html and "包户0" in html and "清理河道" in html
    assert f"/land/households/?cadre={village.pk}" in html  # households filter by 包户干部
    assert client.get(f"/cadres/{world.users['other_admin'].pk}/").status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [("village", 404), ("staff_nomodule", 404), ("staff", 200), ("leader", 200), ("viewer", 200)],
)
def test_who_reads_the_list_is_whose_menu_has_the_module(world, who, status):
    """The 综合专班 of the test world keeps the cadres module; a clerk of no module and a
    village cadre do not, and get 404 from the page and the API alike."""
    assert world.client(who).get("/cadres/").status_code == status
    assert world.api(who).get("cadres").status_code == status
    shown = "/cadres/" in world.client(who).get("/plan/my-tasks/").content.decode()
    assert shown == (status == 200)


def test_api_list_and_detail(world, duties):
    api = world.api("leader")
    body = api.get("cadres", limit=100).json()
    village = world.users["village"]
    item = next(i for i in body["items"] if i["id"] == village.pk)
    assert item["duties"] == {"包户干部": 3, "承办人": 1} and item["total"] == 4
    assert body["count"] == len(body["items"])
    assert body["items"][0]["role"] == "leader"  # leaders first
    detail = api.get(f"cadres/{village.pk}").json()
    households = next(r for r in detail["records"] if r["resource"] == "households")
    assert households["count"] == 3 and len(households["items"]) == 3
    assert api.get(f"cadres/{world.users['other_admin'].pk}").status_code == 404
    assert api.get("cadres", offset=-1).status_code == 422


def test_phone_masked_for_readers_without_the_permission(world, duties):
    village = world.users["village"]
    village.phone = "13912345678"
    village.save()
    leader = world.api("leader").get(f"cadres/{village.pk}").json()
    assert leader["phone"] != "13912345678" and "*" in leader["phone"]
    assert world.api("admin").get(f"cadres/{village.pk}").json()["phone"] == "13912345678"
