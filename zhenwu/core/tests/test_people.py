"""One scoped people-picker (`core.people`): forms, API and ledgers offer the same people —
those who can hold the role, active, of the record's town (issue 8; issue 10 item 10)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhenwu.core import people
from zhenwu.core.importing.writer import write_xlsx
from zhenwu.core.models import Role
from zhenwu.core.testing import make_user
from zhenwu.investment.models import Investment
from zhenwu.investment.tests.factories import make_investment
from zhenwu.projects.models import Problem, Project
from zhenwu.projects.resources import ProjectLedger
from zhenwu.projects.services import ensure_categories


@pytest.fixture
def extra(world):
    return {
        "gone": make_user("gone_l", Role.LEADER, world.town, is_active=False),
        "mayor": make_user("mayor_t", Role.LEADER, world.town),
        "far": make_user("leader_o", Role.LEADER, world.other_town),
    }


def test_kinds_follow_the_field(world):
    assert people.kind_for(Investment, "leader") == people.LEADER
    assert people.kind_for(Project, "leader") == people.LEADER
    assert people.kind_for(Problem, "owner") == people.STAFF
    assert people.kind_for(Project, "team") == people.MEMBER


def test_eligible_leaders_are_active_leaders_of_the_town(world, extra):
    names = set(
        people.eligible(world.users["admin"], people.LEADER).values_list("username", flat=True)
    )
    assert names == {"leader_t", "mayor_t"}
    members = set(people.eligible(world.users["admin"]).values_list("username", flat=True))
    assert "viewer_t" not in members and "gone_l" not in members and "leader_o" not in members
    assert {"village_t", "staff_t", "admin_t"} <= members
    staff = set(
        people.eligible(world.users["admin"], people.STAFF).values_list("username", flat=True)
    )
    assert staff == {"staff_t", "staff_n"}
    # Nobody outside the chooser's gate: the other town's admin sees none of this town's people.
    assert not people.eligible(world.users["other_admin"], people.LEADER, world.town).exists()
    # Whom a record names already stays choosable on it.
    kept = people.eligible(world.users["admin"], people.LEADER, keep=world.users["staff"])
    assert world.users["staff"] in kept


def test_form_offers_leaders_for_baobao_lingdao(world, extra):
    client = world.client("admin")
    form = client.get(reverse("investment:investment_add")).context["form"]
    offered = set(form.fields["leader"].queryset.values_list("username", flat=True))
    assert offered == {"leader_t", "mayor_t"}
    form = client.get(reverse("projects:project_add")).context["form"]
    assert set(form.fields["leader"].queryset.values_list("username", flat=True)) == offered
    team = set(form.fields["team"].queryset.values_list("username", flat=True))
    assert "gone_l" not in team and "viewer_t" not in team and "village_t" in team


def test_editing_a_record_keeps_its_current_person(world):
    inv = make_investment(world, world.villages[0], leader=world.users["staff"])
    form = world.client("admin").get(reverse("investment:investment_edit", args=[inv.pk]))
    offered = form.context["form"].fields["leader"].queryset
    assert world.users["staff"] in offered and world.users["leader"] in offered


def test_api_and_ledger_agree_with_the_form(world, extra):
    api = world.api("admin")
    for who in ("village", "admin", "staff"):
        r = api.post("investments", {"name": f"选人{who}", "leader_id": world.users[who].pk})
        assert r.status_code == 422, who
        r = api.post(
            "projects", {"name": f"选人{who}", "category": "key", "leader_id": world.users[who].pk}
        )
        assert r.status_code == 422, who
    inv = make_investment(world, world.villages[0])
    r = api.patch(f"investments/{inv.pk}", {"leader_id": extra["mayor"].pk, "version": inv.version})
    assert r.status_code == 200, r.content
    version = r.json()["version"]
    r = api.patch(
        f"investments/{inv.pk}", {"leader_id": world.users["village"].pk, "version": version}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "leader_id", r.content
    ensure_categories(world.town)
    file = io.BytesIO(
        write_xlsx(["项目名称", "类别", "包保领导"], [["台账选人", "重点项目", "village_t"]])
    )
    report = ProjectLedger().run(file, "p.xlsx", user=world.users["admin"])
    assert not report.ok and report.errors[0].column == "包保领导"
    file = io.BytesIO(
        write_xlsx(["项目名称", "类别", "包保领导"], [["台账选人", "重点项目", "mayor_t"]])
    )
    report = ProjectLedger().run(file, "p.xlsx", user=world.users["admin"])
    assert report.ok, [e.as_dict() for e in report.errors]


def test_pick_names_the_field(world, extra):
    with pytest.raises(ValidationError) as exc:
        people.pick(world.users["admin"], Investment, "leader", extra["gone"].pk)
    assert "leader" in exc.value.message_dict
    assert people.pick(world.users["admin"], Investment, "leader", None) is None
