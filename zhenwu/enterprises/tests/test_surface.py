"""Enterprise and monthly figures through the shared battery, plus register specifics."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhenwu.core.models import ObjectChange
from zhenwu.core.testing import ResourceBattery, changes_of
from zhenwu.enterprises.models import ChecklistItem, Enterprise, MonthlyFigure
from zhenwu.enterprises.resources import enterprise_resource, monthly_figure_resource
from zhenwu.enterprises.tests.helpers import add_figures, make_enterprise, uscc


class TestEnterpriseSurface(ResourceBattery):
    resource = enterprise_resource
    api_path = "enterprises"

    def make(self, world, village):
        return make_enterprise(world, village)

    def form_data(self, world):
        return {
            "name": "新登记企业",
            "uscc": uscc(900001),
            "industry_code": "C3033",
            "village": world.villages[0].pk,
            "qualification": "none",
            "entry_route": "upgrade",
            "has_development_activity": "on",
        }


class TestMonthlyFigureSurface(ResourceBattery):
    resource = monthly_figure_resource
    api_path = "monthly-figures"

    def make(self, world, village):
        ent = make_enterprise(world, village)
        return add_figures(ent, 2025, {3: 120.5})[0]

    def form_data(self, world):
        ent = make_enterprise(world, world.villages[0])
        return {"enterprise": ent.pk, "month": "2025-04", "revenue": "88.5", "employees": "12"}


def test_create_builds_checklist_for_route(world):
    ent = make_enterprise(world, entry_route="upgrade")
    keys = list(ChecklistItem.objects.filter(enterprise=ent).values_list("key", flat=True))
    assert len(keys) == 7 and "ledger_12m" in keys and "output_note" not in keys
    new = make_enterprise(world, entry_route="new")
    assert ChecklistItem.objects.filter(enterprise=new, key="output_note").exists()


def test_duplicate_uscc_in_same_town_is_refused_with_message(world):
    code = uscc(777)
    make_enterprise(world, uscc=code, name="甲公司")
    client = world.client("staff")
    before = Enterprise.objects.count()
    r = client.post(
        reverse("enterprises:enterprise_add"),
        {
            "name": "乙公司",
            "uscc": code,
            "industry_code": "C29",
            "qualification": "none",
            "entry_route": "upgrade",
        },
    )
    assert r.status_code == 400
    assert "已登记为「甲公司」" in r.content.decode()
    assert Enterprise.objects.count() == before
    # another town may register the same code
    make_enterprise(world, world.other_village, uscc=code)
    # API answers 422 naming the field
    r = world.api("staff").post(
        "enterprises", {"name": "丙公司", "uscc": code, "industry_code": "C29"}
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "uscc"


def test_bad_uscc_and_nonexistent_industry_code(world):
    client = world.client("staff")
    r = client.post(
        reverse("enterprises:enterprise_add"),
        {
            "name": "丁公司",
            "uscc": "91421081MA4000001X",
            "industry_code": "C99",
            "qualification": "none",
            "entry_route": "upgrade",
        },
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "不存在" in body and "大类" in body  # C99
    assert "校验" in body or "统一社会信用代码" in body
    assert not Enterprise.objects.filter(name="丁公司").exists()


def test_industry_code_is_normalised(world):
    ent = make_enterprise(world, industry_code="c 2922".replace(" ", ""))
    assert ent.industry_code == "C2922"


def test_platform_date_needs_waterproofing_tag(world):
    r = world.api("staff").post(
        "enterprises",
        {
            "name": "戊公司",
            "uscc": uscc(778),
            "industry_code": "C3033",
            "platform_joined_on": "2025-03-01",
        },
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "platform_joined_on"


def test_negative_revenue_is_refused(world):
    ent = make_enterprise(world)
    client = world.client("staff")
    r = client.post(
        reverse("enterprises:monthlyfigure_add"),
        {"enterprise": ent.pk, "month": "2025-05", "revenue": "-3"},
    )
    assert r.status_code == 400 and "不能为负数" in r.content.decode()
    assert not MonthlyFigure.objects.exists()


def test_monthly_figure_unique_per_month(world):
    ent = make_enterprise(world)
    add_figures(ent, 2025, {5: 10})
    client = world.client("staff")
    r = client.post(
        reverse("enterprises:monthlyfigure_add"),
        {"enterprise": ent.pk, "month": "2025-05", "revenue": "3"},
    )
    assert r.status_code == 400 and "已存在" in r.content.decode()
    assert MonthlyFigure.objects.count() == 1


def test_contact_phone_is_masked_for_staff(world):
    ent = make_enterprise(world, contact_phone="13907161234")
    body = world.client("staff").get(ent.get_absolute_url()).content.decode()
    assert "13907161234" not in body
    body = world.client("admin").get(ent.get_absolute_url()).content.decode()
    assert "13907161234" in body


def test_detail_page_shows_classification_checklist_and_timeline(world):
    ent = make_enterprise(world)
    add_figures(ent, 2024, [150] * 12)
    add_figures(ent, 2025, [160] * 6)
    body = world.client("staff").get(ent.get_absolute_url()).content.decode()
    assert "四上判定" in body and "规模以上工业" in body
    assert "入库材料清单" in body and "营业执照" in body
    assert "入库进程" in body


def test_checklist_toggle_and_scope(world):
    ent = make_enterprise(world, world.villages[0])
    item = ChecklistItem.objects.filter(enterprise=ent).first()
    url = reverse("enterprises:checklist_toggle", args=[item.pk])
    assert world.client("leader").post(url, {"done": "1"}).status_code == 404
    other = make_enterprise(world, world.villages[1])
    other_item = ChecklistItem.objects.filter(enterprise=other).first()
    village = world.client("village")
    assert (
        village.post(
            reverse("enterprises:checklist_toggle", args=[other_item.pk]), {"done": "1"}
        ).status_code
        == 404
    )
    r = village.post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "bi-check-square" in r.content.decode()
    item.refresh_from_db()
    assert item.done and item.done_on is not None
    assert changes_of(item).last().action == "update"


def test_entry_status_page_refuses_backwards_move(world):
    ent = make_enterprise(world)
    url = reverse("enterprises:enterprise_entry_status", args=[ent.pk])
    client = world.client("staff")
    r = client.post(url, {"to_status": "submitted", "date": "2025-03-01"}, follow=True)
    assert "逐级推进" in r.content.decode()
    ent.refresh_from_db()
    assert ent.entry_status == "candidate"


def test_pool_page_query_count_does_not_grow(world):
    def grow(n):
        for i in range(n):
            e = make_enterprise(world, world.villages[i % 3])
            add_figures(e, 2024, [150] * 12)
            add_figures(e, 2025, [165] * 6)

    grow(1)
    client = world.client("staff")
    url = reverse("enterprises:pool") + "?as_of=2025-06-30"
    client.get(url)  # rules seeded on first use
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as many:
        r = client.get(url)
    assert r.status_code == 200
    assert r.content.decode().count('data-testid="pool-row"') == 7
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_enterprise_export_reimports_and_dry_run_changes_nothing(world):
    make_enterprise(world)
    from zhenwu.enterprises.ledgers import EnterpriseLedger

    content = world.client("admin").get(reverse("enterprises:enterprise_export")).content
    before = ObjectChange.objects.count()
    report = EnterpriseLedger().run(
        io.BytesIO(content), "e.xlsx", user=world.users["admin"], dry_run=True
    )
    assert report.ok and (report.created, report.updated) == (0, 0)
    assert ObjectChange.objects.count() == before


@pytest.mark.parametrize("who", ["leader", "viewer"])
def test_readers_cannot_move_status_via_api(world, who):
    ent = make_enterprise(world)
    r = world.api(who).post(f"enterprises/{ent.pk}/entry-status", {"to_status": "papers_ready"})
    assert r.status_code == 404


def test_api_entry_status_and_pool(world):
    ent = make_enterprise(world)
    api = world.api("staff")
    r = api.post(
        f"enterprises/{ent.pk}/entry-status", {"to_status": "papers_ready", "date": "2025-05-01"}
    )
    assert r.status_code == 422 and "材料尚未齐备" in str(r.json())
    add_figures(ent, 2024, [150] * 12)
    add_figures(ent, 2025, [170] * 6)
    r = api.get("enterprises/pool", as_of="2025-06-30")
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["id"] == ent.pk and item["gap_wan"] == 2000 - 1020
    assert item["forecast_month"] == "2025-12"  # 980 to go at 170/month → 6 months
    assert datetime.date.fromisoformat(data["as_of"]) == datetime.date(2025, 6, 30)


def test_city_viewer_opens_a_towns_pool(world):
    ent = make_enterprise(world)
    add_figures(ent, 2024, [150] * 12)
    client = world.client("viewer")
    r = client.get(reverse("enterprises:pool") + f"?town={world.town.pk}&as_of=2025-06-30")
    assert r.status_code == 200 and ent.name in r.content.decode()
    r = client.get(reverse("enterprises:pool") + "?as_of=bad")
    assert r.status_code == 200 and "无法识别" in r.content.decode()
