"""Writes and reads of the 强特色 half: services (change log, m2m, warnings), the form's
errors naming the field, the ledger import (Chinese headers, cell-named errors), the API
(`area_mu`), the board's indicators as of a date, and the dashboard."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from zhenwu.agriculture import services_bases as services
from zhenwu.agriculture.ledgers_bases import BaseLedger
from zhenwu.agriculture.models import Base, Season
from zhenwu.agriculture.tests.helpers_bases import channel, crop, make_base, make_season
from zhenwu.core.models import ObjectChange
from zhenwu.plan.indicators import IndicatorContext, get_indicator


def test_season_create_logs_and_sets_channels_and_workers(world):
    from zhenwu.labor.tests.helpers import make_worker

    base = make_base(world)
    worker = make_worker(world)
    s = services.season_create(
        base=base,
        data={
            "label": "2025年春茬",
            "planted_area_mu": Decimal(50),
            "planting_date": date(2025, 3, 1),
            "harvest_start": date(2025, 5, 1),
            "harvest_end": date(2025, 6, 1),
            "output_amount": Decimal("2.5"),
            "output_unit": "t",
            "output_value": Decimal(10),
            "jobs_created": 8,
            "sales_channels": [channel(world.town)],
            "workers": [worker],
        },
        acting_user=world.users["staff"],
    )
    assert s.output_kg == Decimal(2500) and s.year == 2025
    assert list(s.workers.all()) == [worker] and s.sales_channels.count() == 1
    assert ObjectChange.objects.filter(object_id=str(s.pk), action="create").exists()


def test_season_service_refuses_more_than_the_base_and_stores_nothing(world):
    base = make_base(world, area_mu=Decimal(50))
    with pytest.raises(ValidationError) as exc:
        services.season_create(
            base=base,
            data={
                "label": "过大",
                "planted_area_mu": Decimal(51),
                "planting_date": date(2025, 3, 1),
            },
            acting_user=world.users["staff"],
        )
    assert "种植面积 51 亩大于基地" in exc.value.message_dict["planted_area_mu"][0]
    assert not Season.objects.exists()


def test_form_error_names_the_field_and_stores_nothing(world):
    base = make_base(world)
    r = world.client("staff").post(
        "/agriculture/seasons/add/",
        {
            "base": base.pk,
            "label": "2025年春茬",
            "planted_area_mu": "50",
            "planting_date": "2025-04-01",
            "harvest_start": "2025-03-01",
            "output_unit": "kg",
            "jobs_created": "0",
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "采收开始日期（2025-03-01）早于种植日期（2025-04-01）" in html
    assert not Season.objects.exists()


def test_api_exposes_area_mu_and_refuses_a_bad_harvest(world):
    api = world.api("staff")
    base = make_base(world, area_mu=Decimal("123.45"))
    r = api.get(f"bases/{base.pk}")
    assert r.status_code == 200 and Decimal(str(r.json()["area_mu"])) == Decimal("123.45")
    r = api.post(
        "seasons",
        {
            "base_id": base.pk,
            "label": "2025年",
            "planted_area_mu": "100",
            "planting_date": "2025-05-01",
            "harvest_start": "2025-04-01",
        },
    )
    assert r.status_code == 422
    assert "采收开始日期" in str(r.json()["detail"])
    r = api.post(
        "seasons",
        {
            "base_id": base.pk,
            "label": "2025年",
            "planted_area_mu": "100",
            "planting_date": "2025-05-01",
            "output_amount": "2",
            "output_unit": "t",
        },
    )
    assert r.status_code == 201, r.json()
    assert Decimal(str(r.json()["output_kg"])) == Decimal(2000)


def test_api_creates_a_base_through_the_services(world):
    r = world.api("staff").post(
        "bases",
        {
            "name": "接口基地",
            "crop_id": crop(world.town).pk,
            "area_mu": "10",
            "village_id": world.villages[0].pk,
            "operator_kind": "household",
            "operator_name": "某农户",
        },
    )
    assert r.status_code == 201, r.json()
    assert Base.objects.get(name="接口基地").area_mu == Decimal(10)


def _xlsx(rows) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


HEADER = ["序号", "基地名称", "作物", "面积（亩）", "所在村", "经营主体类型", "经营主体名称"]


def test_ledger_imports_bases_and_is_idempotent(world):
    crop(world.town, "火龙果")
    rows = [
        ["南口镇农业基地台账"],
        HEADER,
        [1, "火龙果基地", "火龙果", "300亩", "村1", "合作社", "某合作社"],
    ]
    report = BaseLedger().run(_xlsx(rows), "bases.xlsx", user=world.users["staff"])
    assert not report.errors and report.created == 1, report.as_json()
    base = Base.objects.get(name="火龙果基地")
    assert base.area_mu == Decimal(300) and base.village == world.villages[0]
    report = BaseLedger().run(_xlsx(rows), "bases.xlsx", user=world.users["staff"])
    assert report.created == 0 and report.updated == 0


def test_ledger_names_the_cell_of_an_unknown_crop(world):
    crop(world.town, "火龙果")
    rows = [HEADER, [1, "某基地", "火龙裹", "300", "村1", "合作社", "某合作社"]]
    report = BaseLedger().run(_xlsx(rows), "bases.xlsx", user=world.users["staff"])
    assert report.created == 0 and not Base.objects.exists()
    text = str(report.as_json())
    assert "找不到作物/产品「火龙裹」" in text and "火龙果" in text


# --- indicators and dashboard ----------------------------------------------------------------


def _ctx(world, as_of, **params):
    return IndicatorContext(town=world.town, year=2025, as_of=as_of, params=params)


def test_indicators_count_by_the_cutoff_within_the_plan_year(world):
    morel = crop(world.town, "羊肚菌")
    veg = crop(world.town, "蔬菜")
    b1 = make_base(world, crop=morel, area_mu=Decimal(600))
    b2 = make_base(world, crop=veg, area_mu=Decimal(2000))
    make_base(world, crop=veg, area_mu=Decimal(7))  # no season: not in production
    # an overwintering crop planted last autumn, harvested in spring
    make_season(
        b1, planting_date=date(2024, 11, 18), harvest_start=date(2025, 2, 25),
        harvest_end=date(2025, 4, 15), output_value=Decimal(720), jobs_created=60,
    )  # fmt: skip
    make_season(
        b2, planting_date=date(2025, 3, 1), harvest_start=date(2025, 5, 1),
        harvest_end=date(2025, 11, 20), output_value=Decimal(1200), jobs_created=150,
    )  # fmt: skip
    make_season(b2, planting_date=date(2025, 8, 1), planted_area_mu=Decimal(500))
    area = get_indicator("agriculture.base_area")
    value = get_indicator("agriculture.output_value")
    jobs = get_indicator("agriculture.base_jobs")
    assert area.evaluate(_ctx(world, date(2025, 1, 31))) == Decimal(600)
    assert area.evaluate(_ctx(world, date(2025, 3, 1))) == Decimal(2600)  # b2 once, not twice
    assert area.evaluate(_ctx(world, date(2025, 12, 31), crops=["羊肚菌", "金蝉"])) == 600
    assert area.evaluate(_ctx(world, date(2025, 12, 31), crops="蔬菜")) == 2000
    assert value.evaluate(_ctx(world, date(2025, 4, 14))) == 0
    assert value.evaluate(_ctx(world, date(2025, 4, 15))) == 720
    assert value.evaluate(_ctx(world, date(2026, 3, 1))) == 1920  # cutoff: the plan year's end
    assert jobs.evaluate(_ctx(world, date(2025, 12, 31))) == 210  # incl. last autumn's crop
    assert jobs.evaluate(IndicatorContext(world.town, 2026, date(2026, 6, 1))) == 0
    assert area.describe_params({"crops": ["羊肚菌", "金蝉"]}) == "作物：羊肚菌、金蝉"
    # the other town's bases never count
    other = make_base(world, world.other_village, crop=crop(world.other_town, "蔬菜"))
    make_season(other, planting_date=date(2025, 3, 1))
    assert area.evaluate(_ctx(world, date(2025, 3, 1))) == Decimal(2600)


def test_dashboard_shows_area_by_crop_output_value_and_jobs(world):
    base = make_base(world, crop=crop(world.town, "火龙果"), area_mu=Decimal(300), name="火龙果园")
    make_season(
        base, planting_date=date(2025, 3, 1), harvest_start=date(2025, 6, 15),
        harvest_end=date(2025, 11, 10), output_amount=Decimal(450), output_unit="t",
        output_value=Decimal("270.5"), jobs_created=40,
    )  # fmt: skip
    make_base(world, world.villages[1], name="别村基地", area_mu=Decimal(5))
    html = world.client("leader").get("/agriculture/bases-dashboard/?year=2025").content.decode()
    assert "火龙果园" in html and "270.5" in html and "450.0" in html and ">40<" in html
    assert "别村基地" in html
    # a village cadre sees their own village's bases only
    cadre = world.client("village")
    html = cadre.get("/agriculture/bases-dashboard/?year=2025").content.decode()
    assert "火龙果园" in html and "别村基地" not in html
    r = world.client("leader").get("/agriculture/bases-dashboard/?year=abc")
    assert r.status_code == 200 and "年度「abc」无效" in r.content.decode()
