"""A home per role (issue 10.2): a village cadre's 我的村 with their to-dos and their village's
records in every module that registers a village section; a clerk's work queue; leaders on
the board; the menu showing what the role uses; the village page showing its records."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from zhenwu.core import homes
from zhenwu.core.models import Department
from zhenwu.investment.models import FollowUp, Investment
from zhenwu.plan import services as plan_services


@pytest.fixture
def records(world):
    today = timezone.localdate()
    mine = Investment.objects.create(
        town=world.town, code="T-1", name="本村招商项目", village=world.villages[0],
        planned_total_wan=Decimal(100), stage="negotiating", negotiating_on=today - timedelta(60),
    )  # fmt: skip
    other = Investment.objects.create(
        town=world.town, code="T-2", name="外村招商项目", village=world.villages[1],
        planned_total_wan=Decimal(100), stage="negotiating", negotiating_on=today - timedelta(60),
    )  # fmt: skip
    FollowUp.objects.create(
        town=world.town, investment=mine, on_date=today - timedelta(20), note="上门",
        next_on=today - timedelta(3),
    )  # fmt: skip
    dept = Department.objects.get(town=world.town, name="综合专班")
    task = plan_services.task_assign(
        town=world.town, title="本村环境整治", acting_user=world.users["leader"],
        assignee=world.users["village"], deadline=today + timedelta(days=2),
    )  # fmt: skip
    return {"mine": mine, "other": other, "task": task, "dept": dept}


def test_village_cadre_lands_on_my_village_with_todos_records_and_overdue(world, records):
    response = world.client("village").get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的村" in html and world.villages[0].name in html
    keys = [s.key for s in response.context["todos"]] + [
        s.key for s in response.context["sections"]
    ]
    assert keys[0] == "todos" and "investment" in keys
    assert "本村环境整治" in html  # their to-do, one tap to sign
    assert f"/plan/tasks/{records['task'].pk}/" in html
    assert "本村招商项目" in html and "外村招商项目" not in html
    assert f"/investment/investments/{records['mine'].pk}/edit/" in html  # one tap to update
    # The follow-up due three days ago is overdue, and said so at the top.
    assert 'data-testid="home-overdue"' in html
    overdue = [item.title for _, item in response.context["overdue"]]
    assert overdue == ["本村招商项目"]


def test_every_registered_module_adds_its_village_section(world, records):
    """A later module adds its section by registration alone."""
    calls = []

    @homes.register_village_section("zz_test", "测试模块", order=999)
    def section(user, villages, today):
        calls.append([v.pk for v in villages])
        return homes.HomeSection(key="zz", label="测试模块", items=[homes.HomeItem("甲")])

    try:
        html = world.client("village").get("/").content.decode()
        assert "测试模块" in html and calls == [[world.villages[0].pk]]
        assert "zz_test" in homes.village_modules()
    finally:
        homes._village[:] = [r for r in homes._village if r[1] != "zz_test"]


def test_clerk_lands_on_their_work_queue(world, records):
    response = world.client("staff").get("/")
    assert response.status_code == 200
    keys = [s.key for s in response.context["queues"]]
    assert "investment-queue" in keys  # the department keeps investment
    html = response.content.decode()
    assert "工作台" in html and "本村招商项目" in html  # follow-up overdue
    # A clerk of no module has no queue but their to-dos.
    response = world.client("staff_nomodule").get("/")
    assert response.status_code == 200 and response.context["queues"] == []


@pytest.mark.parametrize("who", ["leader", "admin", "inspector", "viewer"])
def test_others_land_on_the_board(world, who):
    response = world.client(who).get("/")
    assert response.status_code == 302 and response["Location"] == "/plan/board/"


def test_leader_board_shows_what_waits_for_their_decision(world, records):
    task = records["task"]
    village = world.users["village"]
    plan_services.task_sign(task, acting_user=village)
    plan_services.task_complete(task, note="已整治", acting_user=village)
    html = world.client("leader").get("/plan/board/").content.decode()
    assert 'data-testid="waiting-approval"' in html and "本村环境整治" in html


def test_menu_shows_what_the_role_uses(world):
    def links(who):
        html = world.client(who).get("/plan/my-tasks/").content.decode()
        return html

    village = links("village")
    assert "/investment/" in village and "/plan/board/" in village
    nomodule = links("staff_nomodule")
    assert "/investment/" not in nomodule and "/plan/board/" in nomodule
    assert "/investment/" in links("leader") and "/investment/" in links("staff")


def _menu_links(html: str) -> list[str]:
    import re

    menu = html.split('class="nav flex-column w-100 py-2 sidebar-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"', menu)


@pytest.mark.parametrize(
    "who", ["admin", "leader", "staff", "staff_nomodule", "village", "inspector", "viewer"]
)
def test_no_menu_entry_answers_404(world, who):
    """Every entry of a role's menu opens for that role — an action page some roles may not
    open (记录巡田 is for those who may write patrols) is not in their menu."""
    client = world.client(who)
    links = _menu_links(client.get("/plan/my-tasks/").content.decode())
    assert len(links) >= 5, links
    refused = [link for link in links if client.get(link).status_code == 404]
    assert not refused, refused
    shown = "/agriculture/patrols/record/" in links
    from zhenwu.agriculture.services_farmland import may_record_patrols

    assert shown == may_record_patrols(world.users[who])


def test_village_page_shows_the_villages_records(world, records):
    html = world.client("leader").get(f"/villages/{world.villages[0].pk}/").content.decode()
    assert 'data-testid="village-records"' in html
    assert "本村招商项目" in html and "外村招商项目" not in html
    # A cadre of another village sees that village's page but none of its records.
    other = world.client("village").get(f"/villages/{world.villages[1].pk}/").content.decode()
    assert "外村招商项目" not in other
