"""Rules of the 强特色 half, as pure functions and through the models: harvest dates, planted
area against the base, output normalised to kg, point and outline checks, and the stored
warning when a base is larger than its villages' farmland on record."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhenwu.agriculture import rules_bases as rules
from zhenwu.agriculture.tests.helpers_bases import make_base, make_season


def _season(**kw):
    args = {
        "planting_date": date(2025, 3, 1),
        "harvest_start": None,
        "harvest_end": None,
        "planted_area_mu": Decimal(100),
        "base_area_mu": Decimal(100),
        "base_name": "某基地",
    }
    args.update(kw)
    return rules.check_season(**args)


def test_harvest_before_planting_is_refused_naming_the_field():
    errors = _season(harvest_start=date(2025, 2, 28))
    assert errors == {
        "harvest_start": ["采收开始日期（2025-02-28）早于种植日期（2025-03-01），请核对"]
    }


def test_harvest_on_the_planting_day_is_allowed():
    assert _season(harvest_start=date(2025, 3, 1), harvest_end=date(2025, 3, 1)) == {}


def test_harvest_end_before_its_start_is_refused():
    errors = _season(harvest_start=date(2025, 5, 1), harvest_end=date(2025, 4, 30))
    assert list(errors) == ["harvest_end"]
    assert "早于采收开始日期（2025-05-01）" in errors["harvest_end"][0]


def test_harvest_end_without_start_is_refused():
    assert list(_season(harvest_end=date(2025, 6, 1))) == ["harvest_start"]
    assert "早于种植日期" in _season(harvest_end=date(2025, 2, 1))["harvest_end"][0]


def test_planted_area_larger_than_the_base_is_refused():
    assert _season(planted_area_mu=Decimal("100.00")) == {}
    errors = _season(planted_area_mu=Decimal("100.01"))
    assert errors["planted_area_mu"] == [
        "种植面积 100.01 亩大于基地「某基地」的面积 100 亩；请核对，或先修改基地面积"
    ]


def test_output_normalised_to_kg():
    assert rules.to_kg(Decimal("1.5"), "t") == Decimal(1500)
    assert rules.to_kg(Decimal("1.5"), "kg") == Decimal("1.5")
    assert rules.to_kg(None, "t") is None
    assert rules.kg_to_ton(Decimal(1500)) == Decimal("1.500")


def test_point_needs_both_coordinates_in_range():
    assert rules.check_point(None, None) == {}
    assert rules.check_point(Decimal("29.7"), None) == {"lng": ["经度和纬度请同时填写"]}
    assert "lat" in rules.check_point(Decimal(91), Decimal(112))
    assert "lng" in rules.check_point(Decimal(29), Decimal(181))


def test_outline_must_be_longitude_latitude_geojson():
    ring = [[112.1, 29.7], [112.2, 29.7], [112.2, 29.8], [112.1, 29.7]]
    text = rules.check_outline(json.dumps({"type": "Polygon", "coordinates": [ring]}))
    assert text.startswith('{"type":"Polygon"')
    with pytest.raises(rules.RuleError) as exc:
        rules.check_outline("不是JSON")
    assert exc.value.field == "outline" and "基地范围（GeoJSON）" in exc.value.message
    with pytest.raises(rules.RuleError) as exc:
        rules.check_outline('{"type": "Point", "coordinates": [38500000, 3300000]}')
    assert "不是经纬度" in exc.value.message


def test_season_model_refuses_harvest_before_planting(world):
    base = make_base(world)
    with pytest.raises(ValidationError) as exc:
        make_season(base, planting_date=date(2025, 4, 1), harvest_start=date(2025, 3, 31))
    assert (
        "采收开始日期（2025-03-31）早于种植日期（2025-04-01）"
        in (exc.value.message_dict["harvest_start"][0])
    )


def test_season_year_and_kg_follow_what_was_typed(world):
    s = make_season(
        make_base(world), planting_date=date(2024, 11, 18), output_amount=Decimal(3),
        output_unit="t",
    )  # fmt: skip
    s.refresh_from_db()
    assert s.year == 2024 and s.output_kg == Decimal(3000) and s.output_ton == Decimal(3)


def test_enterprise_operator_and_named_operator(world):
    with pytest.raises(ValidationError) as exc:
        make_base(world, operator_name="")
    assert "请填写经营主体名称" in exc.value.message_dict["operator_name"][0]
    with pytest.raises(ValidationError) as exc:
        make_base(world, operator_kind="enterprise", operator_name="")
    assert "请从企业名录中选择经营企业" in exc.value.message_dict["enterprise"][0]


# --- the farmland comparison ----------------------------------------------------------------


def test_no_farmland_on_record_means_no_warning(world, monkeypatch):
    # Without the farmland half's plots (or with none in the village) nothing is compared.
    monkeypatch.setattr(rules, "village_farmland_mu", lambda v: None)
    base = make_base(world, area_mu=Decimal(99999))
    assert base.warning == ""


def test_base_larger_than_the_villages_farmland_is_stored_with_a_warning(world, monkeypatch):
    farmland = {world.villages[0].pk: Decimal(500), world.villages[1].pk: Decimal(300)}
    monkeypatch.setattr(
        rules, "village_farmland_mu", lambda v: farmland.get(v.pk) if v is not None else None
    )
    small = make_base(world, area_mu=Decimal(500))
    assert small.warning == ""
    big = make_base(world, area_mu=Decimal("500.5"))
    big.refresh_from_db()
    assert big.warning == "基地面积 500.5 亩大于村1在册耕地 500 亩，请核实基地面积或村耕地台账"
    # spanning a second village: the farmland of both counts
    from zhenwu.agriculture import services_bases as services

    services.base_update(
        big, data={"other_villages": [world.villages[1]]}, acting_user=world.users["admin"]
    )
    big.refresh_from_db()
    assert big.warning == ""
    services.base_update(big, data={"area_mu": Decimal(900)}, acting_user=world.users["admin"])
    big.refresh_from_db()
    assert "大于村1、村2在册耕地 800 亩" in big.warning


def test_village_farmland_reads_the_plots_when_that_model_exists(world, monkeypatch):
    """The farmland half's `agriculture.Plot`: the sum of its plots' `area_mu` in the village."""
    calls = []

    class FakeQuery:
        def filter(self, **kw):
            calls.append(kw)
            return self

        def aggregate(self, **kw):
            return {"s": Decimal("1234.5")}

    class FakeField:
        def __init__(self, name):
            self.name = name

    class FakeMeta:
        def get_fields(self):
            return [FakeField("area_mu"), FakeField("village")]

    class FakePlot:
        _meta = FakeMeta()
        objects = FakeQuery()

    def get_model(app, name):
        assert (app, name) == ("agriculture", "Plot")
        return FakePlot

    monkeypatch.setattr(rules.apps, "get_model", get_model)
    assert rules.village_farmland_mu(world.villages[0]) == Decimal("1234.5")
    assert calls == [{"village": world.villages[0]}]

    def missing(app, name):
        raise LookupError(name)

    monkeypatch.setattr(rules.apps, "get_model", missing)
    assert rules.village_farmland_mu(world.villages[0]) is None
    assert rules.village_farmland_mu(None) is None
