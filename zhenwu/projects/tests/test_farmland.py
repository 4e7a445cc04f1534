"""高标准农田 (domain-rules §6): stage order, funding by source, 上图入库, the milestone sync,
the project's form, page and API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zhenwu.core.testing import changes_of
from zhenwu.projects import rules, services
from zhenwu.projects.models import FarmlandDetail, Milestone
from zhenwu.projects.tests.factories import D, make_network, make_project

STAGES = ["design_approved_on", "actual_start", "completed_on", "county_checked_on", "accepted_on"]
LABELS = ["初步设计批复", "开工", "完工", "县级初验", "竣工验收"]


def _stages(*days):
    return [
        (f, label, D(d) if d else None) for f, label, d in zip(STAGES, LABELS, days, strict=True)
    ]


# --- rules ------------------------------------------------------------------------------------


def test_stages_in_order_and_same_day_allowed():
    days = ("2025-03-01", "2025-03-10", "2025-09-30", "2025-09-30", "2025-09-30")
    assert rules.farmland_stage_errors(_stages(*days)) == {}


def test_stage_one_day_early_is_refused_naming_the_later_field():
    errors = rules.farmland_stage_errors(
        _stages("2025-03-01", "2025-03-10", "2025-09-30", "2025-10-10", "2025-10-09")
    )
    assert list(errors) == ["accepted_on"]
    assert errors["accepted_on"] == "竣工验收日期（2025-10-09）不能早于县级初验日期（2025-10-10）"


def test_missing_stage_is_skipped_and_the_last_recorded_one_compared():
    errors = rules.farmland_stage_errors(_stages("2025-03-01", None, None, None, "2025-02-28"))
    assert errors == {
        "accepted_on": "竣工验收日期（2025-02-28）不能早于初步设计批复日期（2025-03-01）"
    }
    assert rules.farmland_stage_errors(_stages(None, None, None, None, None)) == {}


def test_every_stage_before_its_predecessor_is_named():
    errors = rules.farmland_stage_errors(
        _stages("2025-03-10", "2025-03-01", "2025-09-30", "2025-09-01", "2025-10-01")
    )
    assert set(errors) == {"actual_start", "county_checked_on"}


def test_recorded_stage_cannot_be_in_the_future():
    today = D("2025-06-30")
    errors = rules.farmland_stage_errors(
        _stages(None, "2025-03-01", "2025-07-01", None, None), today=today
    )
    assert errors == {"completed_on": "完工日期（2025-07-01）不能晚于今天"}
    assert rules.farmland_stage_errors(_stages(None, None, "2025-06-30", None, None), today) == {}


def test_funding_exactly_equal_to_total_allowed_and_one_cent_over_refused():
    ok = rules.farmland_funding_errors(
        total=Decimal(2600), fiscal=Decimal(2300), central=Decimal(1500),
        provincial=Decimal(500), local=Decimal(300), social=Decimal(300),
    )  # fmt: skip
    assert ok == {}
    over = rules.farmland_funding_errors(
        total=Decimal(2600), fiscal=Decimal(2300), social=Decimal("300.01")
    )
    assert over == {
        "social_funds": "资金来源合计（财政资金 + 社会资本及自筹）2600.01 万元，超过项目计划总投资 2600 万元"
    }


def test_fiscal_parts_cannot_exceed_fiscal_funds():
    assert (
        rules.farmland_funding_errors(
            fiscal=Decimal(2300), central=Decimal(1500), provincial=Decimal(500), local=Decimal(300)
        )
        == {}
    )
    errors = rules.farmland_funding_errors(
        fiscal=Decimal(2300), central=Decimal(1500), provincial=Decimal(500),
        local=Decimal("300.01"),
    )  # fmt: skip
    assert errors == {
        "fiscal_funds": "中央、省级、市县财政资金合计 2300.01 万元，超过财政资金 2300 万元"
    }


def test_fiscal_parts_alone_count_against_the_total():
    errors = rules.farmland_funding_errors(
        total=Decimal(100), central=Decimal(60), provincial=Decimal("40.01")
    )
    assert "fiscal_funds" in errors and "100.01" in errors["fiscal_funds"]
    assert rules.farmland_funding_errors(total=None, fiscal=Decimal(9999)) == {}


def test_mapping_status_and_date():
    assert rules.farmland_mapping_errors("unmapped", None) == {}
    assert rules.farmland_mapping_errors("stored", D("2025-11-01")) == {}
    assert rules.farmland_mapping_errors("mapped", None) == {
        "mapped_on": "已上图或已入库，请填写上图入库日期"
    }
    assert "未上图" in rules.farmland_mapping_errors("unmapped", D("2025-11-01"))["mapped_on"]


# --- services ---------------------------------------------------------------------------------


def _farmland_project(world, **fields):
    return make_project(
        world, world.villages[0], category="farmland", total_investment=Decimal(2600),
        actual_start=D("2025-03-10"), **fields,
    )  # fmt: skip


def test_service_refuses_out_of_order_stage_and_stores_nothing(world):
    staff = world.users["staff"]
    project = _farmland_project(world)
    with pytest.raises(ValidationError) as exc:
        services.project_update(
            project, data={}, acting_user=staff,
            farmland={"area_mu": Decimal(1000), "completed_on": D("2025-03-09")},
        )  # fmt: skip
    assert exc.value.message_dict["completed_on"] == [
        "完工日期（2025-03-09）不能早于开工（实际开工）日期（2025-03-10）"
    ]
    assert not FarmlandDetail.all_objects.filter(project=project).exists()


def test_moving_the_project_start_after_completion_is_refused(world):
    staff = world.users["staff"]
    project = _farmland_project(world)
    services.project_update(
        project, data={}, acting_user=staff,
        farmland={"area_mu": Decimal(1000), "completed_on": D("2025-09-30")},
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.project_update(project, data={"actual_start": D("2025-10-01")}, acting_user=staff)
    assert "completed_on" in exc.value.message_dict
    project.refresh_from_db()
    assert project.actual_start == D("2025-03-10")


def test_funding_over_total_refused_through_the_service(world):
    staff = world.users["staff"]
    project = _farmland_project(world)
    with pytest.raises(ValidationError) as exc:
        services.project_update(
            project, data={}, acting_user=staff,
            farmland={"fiscal_funds": Decimal(2300), "social_funds": Decimal("300.01")},
        )  # fmt: skip
    assert "超过项目计划总投资" in exc.value.message_dict["social_funds"][0]
    services.project_update(
        project, data={}, acting_user=staff,
        farmland={"fiscal_funds": Decimal(2300), "social_funds": Decimal(300)},
    )  # fmt: skip
    assert FarmlandDetail.objects.get(project=project).social_funds == Decimal(300)


def test_recorded_stages_finish_the_matching_milestones(world):
    staff = world.users["staff"]
    project = _farmland_project(world)
    ms = make_network(
        project, [("完工", 0), ("县级初验", 10), ("竣工验收", 10), ("上图入库", 15), ("施工", 40)]
    )
    services.project_update(
        project, data={}, acting_user=staff,
        farmland={"area_mu": Decimal(1000), "completed_on": D("2025-09-30"),
                  "county_checked_on": D("2025-10-20"), "accepted_on": D("2025-11-05"),
                  "mapping_status": "mapped", "mapped_on": D("2025-11-10")},
    )  # fmt: skip
    for m in ms.values():
        m.refresh_from_db()
    assert ms["完工"].actual_finish == D("2025-09-30") == ms["完工"].actual_start
    assert ms["县级初验"].actual_finish == D("2025-10-20")
    assert ms["竣工验收"].actual_finish == D("2025-11-05")
    assert ms["竣工验收"].percent_complete == 100
    assert changes_of(ms["竣工验收"]).last().action == "update"  # through the services
    assert ms["上图入库"].actual_finish is None  # only 已入库 finishes it
    assert ms["施工"].actual_finish is None


def test_stage_sync_keeps_an_earlier_actual_start(world):
    staff = world.users["staff"]
    project = _farmland_project(world)
    ms = make_network(project, [("县级初验", 10, {"actual_start": D("2025-10-10")})])
    services.project_update(
        project, data={}, acting_user=staff, farmland={"county_checked_on": D("2025-10-20")}
    )
    m = Milestone.objects.get(pk=ms["县级初验"].pk)
    assert (m.actual_start, m.actual_finish) == (D("2025-10-10"), D("2025-10-20"))


def test_partial_update_leaves_other_fields(world):
    staff = world.users["staff"]
    project = _farmland_project(world)
    services.project_update(
        project, data={}, acting_user=staff,
        farmland={"contractor": "示例建设公司", "has_sign_board": True, "build_type": "upgrade"},
    )  # fmt: skip
    services.project_update(project, data={}, acting_user=staff, farmland={"keeper": "村委会"})
    detail = FarmlandDetail.objects.get(project=project)
    assert (detail.contractor, detail.has_sign_board, detail.keeper) == (
        "示例建设公司",
        True,
        "村委会",
    )
    assert detail.build_type == "upgrade"


def test_future_acceptance_refused(world):
    staff = world.users["staff"]
    project = _farmland_project(world)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.project_update(
            project, data={}, acting_user=staff, farmland={"accepted_on": tomorrow}
        )
    assert "不能晚于今天" in exc.value.message_dict["accepted_on"][0]


# --- form, page, API --------------------------------------------------------------------------


def test_form_names_the_field_and_page_shows_the_section(world):
    project = _farmland_project(world, leader=world.users["leader"])
    client = world.client("staff")
    url = reverse("projects:project_edit", args=[project.pk])
    base = {
        "name": project.name, "category": project.category.pk, "status": "preparing",
        "total_investment": "2600", "actual_start": "2025-03-10", "version": project.version,
        "area_mu": "10000", "fiscal_funds": "2300", "social_funds": "300",
        "completed_on": "2025-09-30", "county_checked_on": "2025-09-29",
        "mapping_status": "unmapped", "work_shui": "新建泵站4座",
    }  # fmt: skip
    response = client.post(url, base)
    assert response.status_code == 400
    assert "不能早于完工日期" in response.context["form"].errors["county_checked_on"][0]
    assert not FarmlandDetail.objects.filter(project=project).exists()
    response = client.post(url, {**base, "county_checked_on": "2025-09-30", "has_sign_board": "on",
                                 "contractor": "示例建设公司", "keeper": "村委会"})  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    detail = FarmlandDetail.objects.get(project=project)
    assert detail.work_shui == "新建泵站4座" and detail.has_sign_board
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    for text in (
        "新建泵站4座",
        "示例建设公司",
        "县级初验",
        "上图入库",
        "未上图",
        "已设立",
        "村委会",
    ):
        assert text in page
    edit = client.get(url).content.decode()
    assert 'value="示例建设公司"' in edit and 'name="work_guan"' in edit


def test_api_carries_the_farmland_fields(world):
    api = world.api("staff")
    project = _farmland_project(world)
    data = api.get(f"projects/{project.pk}").json()
    assert data["farmland"] is None
    response = api.patch(
        f"projects/{project.pk}",
        {"version": data["version"], "farmland": {
            "area_mu": 10000, "central_funds": 1500, "fiscal_funds": 2300, "social_funds": 300,
            "work_tian": "土地平整3200亩", "accepted_on": "2025-11-05", "completed_on": "2025-09-30",
            "mapping_status": "stored", "mapped_on": "2025-11-20", "has_sign_board": True}},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    farmland = response.json()["farmland"]
    assert farmland["central_funds"] == 1500 and farmland["work_tian"] == "土地平整3200亩"
    assert farmland["mapping_status_label"] == "已入库" and farmland["started_on"] == "2025-03-10"
    assert farmland["per_mu_investment"] == 2600
    bad = api.patch(
        f"projects/{project.pk}",
        {"version": response.json()["version"], "farmland": {"social_funds": 300.01}},
    )
    assert bad.status_code == 422 and "social_funds" in str(bad.json()["detail"])
    assert FarmlandDetail.objects.get(project=project).social_funds == Decimal(300)
