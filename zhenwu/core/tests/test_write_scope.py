"""A write whose result would be out of the writer's scope is refused before anything is
stored — through every door (services, generic pages, the API, the ledger import) — and the
API passes no foreign-key id around the gate (issue 8)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhenwu.core import scoping, services
from zhenwu.core.api_base import resolve_relations
from zhenwu.core.importing.writer import write_xlsx
from zhenwu.core.models import Department, Role, Village
from zhenwu.core.testing import make_user
from zhenwu.enterprises.models import Enterprise
from zhenwu.enterprises.tests.helpers import make_enterprise
from zhenwu.investment.models import Investment
from zhenwu.investment.tests.factories import make_investment
from zhenwu.projects import services as project_services
from zhenwu.projects.models import Milestone, Project
from zhenwu.projects.resources import ProjectLedger
from zhenwu.projects.tests.factories import D, make_project


def _detail(response):
    return response.json()["detail"]


# --- the rule, evaluated in memory, agrees with restrict() ---------------------------------


def test_write_scope_agrees_with_restrict(world):
    """`write_scope_error` (checked before a save) says exactly what `restrict()` says of the
    stored record, for every role and every kind of record."""
    records = [
        make_project(world, world.villages[0]),
        make_project(world, world.villages[1]),
        make_project(world, None),
        make_project(world, world.other_village),
        make_investment(world, world.villages[0]),
        make_investment(world, None),
        make_enterprise(world, world.villages[1]),
        world.villages[0],
        Department.objects.get(town=world.town),
    ]
    project = records[0]
    records.append(
        Milestone.objects.create(town=world.town, project=project, name="节点", duration=3)
    )
    for who, user in world.users.items():
        for obj in records:
            model = obj.__class__
            action = scoping.CHANGE if scoping.can_write_model(user, model) else scoping.VIEW
            allowed = scoping.can(user, action, obj)
            error = scoping.write_scope_error(user, obj)
            assert (error is None) == allowed, (who, model.__name__, str(obj), error)


def test_write_scope_of_unsaved_child_follows_its_parent(world):
    cadre = world.users["village"]
    own = make_project(world, world.villages[0])
    other = make_project(world, world.villages[1])
    assert scoping.write_scope_error(cadre, Milestone(town=world.town, project=own)) is None
    message = scoping.write_scope_error(cadre, Milestone(town=world.town, project=other))
    assert message and "村（社区）" in message
    assert scoping.write_scope_error(None, Milestone(town=world.town, project=other)) is None


# --- services ---------------------------------------------------------------------------


def test_service_refuses_before_storing(world):
    cadre = world.users["village"]
    before = Project.objects.count()
    cats = project_services.ensure_categories(world.town)
    with pytest.raises(ValidationError) as exc:
        project_services.project_create(
            town=world.town,
            data={"name": "别村项目", "category": cats["key"], "village": world.villages[1]},
            acting_user=cadre,
        )
    assert "village" in exc.value.message_dict
    assert "村（社区）：您只能" in exc.value.message_dict["village"][0]
    assert Project.all_objects.count() == before
    own = make_project(world, world.villages[0])
    with pytest.raises(ValidationError):
        services.update_object(own, data={"village": None}, acting_user=cadre)
    own.refresh_from_db()
    assert own.village == world.villages[0] and own.version == 1


def test_other_town_admin_cannot_write_into_this_town(world):
    with pytest.raises(ValidationError):
        services.create_object(
            Village,
            town=world.town,
            data={"name": "插入村"},
            acting_user=world.users["other_admin"],
        )
    assert not Village.objects.filter(name="插入村").exists()


# --- API ------------------------------------------------------------------------------------


def test_api_patch_project_village_null_is_refused(world):
    own = make_project(world, world.villages[0])
    body = {"village_id": None, "version": own.version}  # (422 without the version anyway)
    response = world.api("village").patch(f"projects/{own.pk}", body)
    assert response.status_code == 422, response.content
    assert any("村（社区）：您只能" in d["message"] for d in _detail(response))
    own.refresh_from_db()
    assert own.village_id == world.villages[0].pk


def test_api_patch_enterprise_village_null_is_refused(world):
    ent = make_enterprise(world, world.villages[0])
    body = {"village": None, "version": ent.version}  # (422 without the version anyway)
    response = world.api("village").patch(f"enterprises/{ent.pk}", body)
    assert response.status_code == 422, response.content
    assert any(d["field"] != "version" for d in _detail(response)), response.content
    ent.refresh_from_db()
    assert ent.village_id == world.villages[0].pk


def test_api_post_project_out_of_scope_stores_nothing(world):
    api = world.api("village")
    before = Project.all_objects.count()
    response = api.post("projects", {"name": "无村项目", "category": "key"})
    assert response.status_code == 422, response.content
    assert any(d["field"] == "village" for d in _detail(response))
    assert Project.all_objects.count() == before
    response = api.post(
        "projects", {"name": "本村项目", "category": "key", "village_id": world.villages[0].pk}
    )
    assert response.status_code == 201
    assert Project.objects.filter(name="本村项目", village=world.villages[0]).exists()


def test_api_ids_pass_the_gate(world):
    foreign_dept = Department.objects.get(town=world.other_town)
    api = world.api("admin")
    response = api.post(
        "projects", {"name": "甲", "category": "key", "department_id": foreign_dept.pk}
    )
    assert response.status_code == 422
    assert [d["field"] for d in _detail(response)] == ["department_id"]
    response = api.post("investments", {"name": "乙", "department_id": foreign_dept.pk})
    assert response.status_code == 422
    assert not Project.objects.filter(name="甲").exists()
    assert not Investment.objects.filter(name="乙").exists()


def test_default_resolver_gates_every_foreign_key(world):
    admin = world.users["admin"]
    own = make_project(world, world.villages[0])
    foreign = make_project(world, world.other_village)
    assert resolve_relations(admin, Milestone, {"project": own.pk})["project"] == own
    for key in ("project", "project_id"):
        with pytest.raises(ValidationError) as exc:
            resolve_relations(admin, Milestone, {key: foreign.pk})
        assert list(exc.value.message_dict) == ["project"]
    with pytest.raises(ValidationError) as exc:
        resolve_relations(admin, Milestone, {"town": world.other_town.pk})
    assert "town" in exc.value.message_dict
    cadre = world.users["village"]
    with pytest.raises(ValidationError):
        resolve_relations(cadre, Enterprise, {"village": world.villages[1].pk})


def test_api_inactive_leader_refused_by_projects_as_by_investment(world):
    gone = make_user("gone_leader", Role.LEADER, world.town, is_active=False)
    api = world.api("admin")
    response = api.post("projects", {"name": "丙", "category": "key", "leader_id": gone.pk})
    assert response.status_code == 422
    assert [d["field"] for d in _detail(response)] == ["leader_id"]
    response = api.post("investments", {"name": "丁", "leader_id": gone.pk})
    assert response.status_code == 422


# --- pages ----------------------------------------------------------------------------------


def test_web_edit_with_empty_village_is_a_form_error_and_nothing_saved(world):
    own = make_project(world, world.villages[0], deadline=D("2025-12-31"))
    client = world.client("village")
    url = reverse("projects:project_edit", args=[own.pk])
    form = client.get(url).context["form"]
    from zhenwu.core.testing import _form_post_data

    data = _form_post_data(form)
    data["village"] = ""
    data["version"] = own.version
    response = client.post(url, data)
    assert response.status_code == 400
    assert "村（社区）：您只能" in response.content.decode()
    own.refresh_from_db()
    assert own.village_id == world.villages[0].pk and own.version == 1


def test_web_add_in_other_village_is_refused(world):
    client = world.client("village")
    cats = project_services.ensure_categories(world.town)
    response = client.post(
        reverse("projects:project_add"),
        {"name": "表单越权", "category": cats["key"].pk, "status": "planning", "village": ""},
    )
    assert response.status_code == 400
    assert not Project.all_objects.filter(name="表单越权").exists()


def test_promotion_page_does_not_name_a_project_out_of_scope(world):
    inv = make_investment(world, world.villages[0], stage="started", started_on=D("2025-03-01"))
    hidden = make_project(world, world.villages[1], name="别村的秘密项目", investment=inv)
    client = world.client("village")
    url = reverse("projects:project_promote", args=[inv.pk])
    body = client.get(url).content.decode()
    assert hidden.name not in body
    assert "已转为重点项目" in body
    response = client.post(url)
    assert hidden.name not in response.content.decode()
    assert Project.objects.filter(investment=inv).count() == 1


# --- import ---------------------------------------------------------------------------------


def _xlsx(headers, rows) -> io.BytesIO:
    return io.BytesIO(write_xlsx(headers, rows))


def test_import_without_village_column_is_a_row_error_for_a_cadre(world):
    cadre = world.users["village"]
    file = _xlsx(["项目名称", "类别"], [["无村导入", "重点项目"]])
    project_services.ensure_categories(world.town)
    report = ProjectLedger().run(file, "p.xlsx", user=cadre)
    assert not report.ok
    error = report.errors[0]
    assert error.row == 2 and "村（社区）：您只能" in error.message
    assert error.column == "所在村（社区）"
    assert not Project.all_objects.filter(name="无村导入").exists()
    file = _xlsx(["项目名称", "类别", "所在村（社区）"], [["本村导入", "重点项目", "村1"]])
    report = ProjectLedger().run(file, "p.xlsx", user=cadre)
    assert report.ok, [e.as_dict() for e in report.errors]
    assert Project.objects.filter(name="本村导入", village=world.villages[0]).exists()
