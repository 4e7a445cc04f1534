"""The investments API: CRUD through the scoping gate, filters, stage moves, funds."""

from datetime import date

import pytest

from zhenwu.core.testing import changes_of
from zhenwu.investment.models import FundsReceipt, Investment, Stage
from zhenwu.investment.tests.factories import make_investment, valid_uscc

pytestmark = pytest.mark.django_db


def payload(world, **kw):
    data = {
        "code": "API-1",
        "name": "接口项目",
        "investor_uscc": valid_uscc(5),
        "industry_code": "C3034",
        "planned_total_wan": 15000,
        "village_id": world.villages[0].pk,
        "stage": "signed",
        "signed_on": "2025-04-01",
    }
    data.update(kw)
    return data


def fields_of(response):
    return {d["field"]: d["message"] for d in response.json()["detail"]}


def test_create_read_patch_delete(world):
    api = world.api("staff")
    response = api.post("investments", payload(world))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == "signed" and body["above_100m"] is True and body["size_band"] == "1–3亿"
    inv = Investment.objects.get(pk=body["id"])
    assert changes_of(inv).last().source == "api"
    response = api.patch(f"investments/{inv.pk}", {"name": "改名", "version": body["version"]})
    assert response.status_code == 200 and response.json()["name"] == "改名"
    # a stale version is a conflict
    assert api.patch(f"investments/{inv.pk}", {"name": "再改", "version": 1}).status_code == 409
    assert api.delete(f"investments/{inv.pk}").status_code == 204
    assert api.get(f"investments/{inv.pk}").status_code == 404


@pytest.mark.parametrize(
    "overrides, field, needle",
    [
        ({"investor_uscc": "91110108717743469A"}, "investor_uscc", "校验位错误"),
        ({"planned_total_wan": -1}, "planned_total_wan", "不能为负数"),
        ({"industry_code": "C9999"}, "industry_code", "无效"),
        ({"stage": "started"}, "started_on", "须填写开工时间"),
        ({"village_id": 999999}, "village_id", "找不到该村"),
    ],
)
def test_bad_input_is_422_naming_the_field(world, overrides, field, needle):
    response = world.api("staff").post("investments", payload(world, **overrides))
    assert response.status_code == 422
    assert needle in fields_of(response)[field]
    assert not Investment.objects.exists()


def test_duplicate_code_422(world):
    make_investment(world, code="API-1")
    response = world.api("staff").post("investments", payload(world))
    assert response.status_code == 422 and "已存在" in fields_of(response)["code"]


def test_foreign_village_refused(world):
    response = world.api("staff").post(
        "investments", payload(world, village_id=world.other_village.pk)
    )
    assert response.status_code == 422 and "village_id" in fields_of(response)


def test_readers_cannot_write(world):
    for who in ("leader", "viewer", "staff_nomodule"):
        assert world.api(who).post("investments", payload(world)).status_code == 404, who
    assert not Investment.objects.exists()


def test_filters_stage_and_year(world):
    make_investment(world, code="A", signed_on=date(2024, 5, 1))
    make_investment(world, code="B", signed_on=date(2025, 5, 1))
    make_investment(
        world, code="C", stage="started", signed_on=date(2025, 5, 1), started_on=date(2025, 6, 1)
    )
    api = world.api("leader")
    codes = lambda r: sorted(i["code"] for i in r.json()["items"])  # noqa: E731
    assert codes(api.get("investments", year=2025)) == ["B", "C"]
    assert codes(api.get("investments", stage="signed")) == ["A", "B"]
    assert codes(api.get("investments", stage="started", year=2025)) == ["C"]
    assert api.get("investments").json()["count"] == 3


def test_contact_phone_masked(world):
    inv = make_investment(world, contact_phone="13907161234")
    assert world.api("staff").get(f"investments/{inv.pk}").json()["contact_phone"] != "13907161234"
    assert world.api("admin").get(f"investments/{inv.pk}").json()["contact_phone"] == "13907161234"


def test_stage_endpoint(world):
    inv = make_investment(world, signed_on=date(2025, 3, 1))
    api = world.api("staff")
    response = api.post(f"investments/{inv.pk}/stage", {"stage": "started", "date": "2025-04-02"})
    assert response.status_code == 200 and response.json()["stage"] == "started"
    response = api.post(f"investments/{inv.pk}/stage", {"stage": "signed", "date": "2025-05-01"})
    assert response.status_code == 422 and "阶段不能倒退" in fields_of(response)["stage"]
    response = api.post(
        f"investments/{inv.pk}/stage", {"stage": "terminated", "date": "2025-05-01"}
    )
    assert response.status_code == 422 and "终止原因" in fields_of(response)["reason"]
    response = api.post(
        f"investments/{inv.pk}/stage",
        {"stage": "terminated", "date": "2025-05-01", "reason": "撤资"},
    )
    assert response.status_code == 200 and response.json()["stage"] == "terminated"
    # patching the stage directly is refused
    other = make_investment(world)
    response = api.patch(f"investments/{other.pk}", {"stage": "started", "version": other.version})
    assert response.status_code == 422 and "推进阶段" in fields_of(response)["stage"]
    events = api.get(f"investments/{inv.pk}/events").json()
    assert [e["kind"] for e in events["items"]][:2] == ["terminated", "stage_moved"]


def test_stage_endpoint_scoping(world):
    inv = make_investment(world, world.villages[1])
    foreign = make_investment(world, world.other_village)
    body = {"stage": "started", "date": "2025-04-02"}
    assert world.api("leader").post(f"investments/{inv.pk}/stage", body).status_code == 404
    assert world.api("village").post(f"investments/{inv.pk}/stage", body).status_code == 404
    assert world.api("staff").post(f"investments/{foreign.pk}/stage", body).status_code == 404
    inv.refresh_from_db()
    assert inv.stage == Stage.SIGNED


def test_funds_endpoints(world):
    inv = make_investment(world, signed_on=date(2025, 1, 5))
    api = world.api("staff")
    response = api.post(
        f"investments/{inv.pk}/funds",
        {"month": "2025-03", "amount_wan": 120.5, "out_of_province_wan": 20},
    )
    assert response.status_code == 201
    assert response.json()["month"] == "2025-03-01" and response.json()["amount_wan"] == 120.5
    response = api.post(f"investments/{inv.pk}/funds", {"month": "2025-04", "amount_wan": -3})
    assert response.status_code == 422 and "不能为负数" in fields_of(response)["amount_wan"]
    response = api.post(f"investments/{inv.pk}/funds", {"month": "三月", "amount_wan": 3})
    assert response.status_code == 422 and "month" in fields_of(response)
    listing = world.api("leader").get(f"investments/{inv.pk}/funds").json()
    assert listing["count"] == 1 and listing["items"][0]["amount_wan"] == 120.5
    assert (
        world.api("leader")
        .post(f"investments/{inv.pk}/funds", {"month": "2025-05", "amount_wan": 1})
        .status_code
        == 404
    )
    assert FundsReceipt.objects.count() == 1


def test_follow_ups_endpoint(world):
    inv = make_investment(world)
    api = world.api("staff")
    response = api.post(
        f"investments/{inv.pk}/follow-ups",
        {"on_date": "2025-04-01", "note": "走访", "next_on": "2025-05-01"},
    )
    assert response.status_code == 201
    assert api.get(f"investments/{inv.pk}/follow-ups").json()["count"] == 1
    response = api.post(f"investments/{inv.pk}/follow-ups", {"on_date": "2025-04-01", "note": " "})
    assert response.status_code == 422


def test_api_list_query_count_does_not_grow(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_investment(world, world.villages[0])
    api = world.api("leader")
    api.get("investments")
    with CaptureQueriesContext(connection) as few:
        api.get("investments")
    for i in range(8):
        make_investment(world, world.villages[i % 3])
    with CaptureQueriesContext(connection) as many:
        assert api.get("investments").json()["count"] == 9
    assert len(many) == len(few)
