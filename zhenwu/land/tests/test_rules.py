"""The pure rules (no database): areas, land types, stages, steps, compensation, GeoJSON."""

from datetime import date
from decimal import Decimal

import pytest

from zhenwu.land import rules
from zhenwu.land.rules import RuleError


class TestArea:
    def test_mu_from_m2_uses_666_67(self):
        m2, mu = rules.resolve_area("666.67", None)
        assert (m2, mu) == (Decimal("666.67"), Decimal("1.0000"))

    def test_m2_from_mu(self):
        assert rules.resolve_area(None, "3") == (Decimal("2000.01"), Decimal("3.0000"))

    def test_both_consistent_is_accepted(self):
        assert rules.resolve_area("1000", "1.5")[1] == Decimal("1.5000")

    def test_both_consistent_within_rounding(self):
        # 1000 m² = 1.49999 亩, written 1.50 in the ledger: the same area
        rules.resolve_area("1000", "1.50")

    def test_both_inconsistent_is_an_error_naming_the_field(self):
        with pytest.raises(RuleError) as e:
            rules.resolve_area("1000", "2")
        assert e.value.field == "area_mu"
        assert "不一致" in e.value.message and "666.67" in e.value.message

    def test_just_beyond_tolerance_is_an_error(self):
        with pytest.raises(RuleError):
            rules.resolve_area("666.67", "1.02")

    def test_neither_given(self):
        with pytest.raises(RuleError) as e:
            rules.resolve_area(None, "")
        assert "面积" in e.value.message

    @pytest.mark.parametrize("m2,mu", [("0", None), (None, "-1"), ("abc", None)])
    def test_zero_negative_or_text(self, m2, mu):
        with pytest.raises(RuleError):
            rules.resolve_area(m2, mu)


class TestLandType:
    @pytest.mark.parametrize(
        "text,code",
        [("0101", "0101"), ("101", "0101"), ("0101 水田", "0101"), ("0702农村宅基地", "0702"),
         ("水田", "0101"), ("坑塘水面", "1104"), ("1006", "1006")],
    )  # fmt: skip
    def test_accepted_spellings(self, text, code):
        assert rules.land_type_code(text) == code

    @pytest.mark.parametrize("text", ["", "9999", "0101 旱地", "稻田"])
    def test_refused(self, text):
        with pytest.raises(RuleError):
            rules.land_type_code(text)

    def test_codes_are_gbt_21010_second_level(self):
        assert all(len(c) == 4 and c.isdigit() for c, _ in rules.LAND_TYPES)
        assert rules.LAND_TYPE_NAMES["0702"] == "农村宅基地"


def _dates(**kw):
    return {f: kw.get(f) for f in rules.STAGE_FIELDS.values()}


class TestStages:
    def test_stage_is_the_last_dated(self):
        assert rules.stage_of(_dates()) == "none"
        assert rules.stage_of(_dates(surveyed_on=date(2025, 1, 1))) == "survey"
        d = _dates(surveyed_on=date(2025, 1, 1), appraised_on=date(2025, 1, 2))
        assert rules.stage_of(d) == "appraise"

    def test_in_order_same_day_is_fine(self):
        d = _dates(
            surveyed_on=date(2025, 1, 1), appraised_on=date(2025, 1, 1), publicized_on=date(2025, 1, 1),
            signed_on=date(2025, 1, 1),
        )  # fmt: skip
        assert rules.check_stage_dates(d, appraised=True) == {}

    def test_skipped_stage(self):
        d = _dates(surveyed_on=date(2025, 1, 1), publicized_on=date(2025, 1, 5))
        errors = rules.check_stage_dates(d, appraised=False)
        assert "publicized_on" in errors and "测绘评估" in errors["publicized_on"]

    def test_date_before_previous(self):
        d = _dates(surveyed_on=date(2025, 2, 1), appraised_on=date(2025, 1, 31))
        errors = rules.check_stage_dates(d, appraised=True)
        assert "倒退" in errors["appraised_on"]

    def test_signed_before_appraised(self):
        d = _dates(
            surveyed_on=date(2025, 1, 1), appraised_on=date(2025, 1, 2), publicized_on=date(2025, 1, 3),
            signed_on=date(2025, 1, 4),
        )  # fmt: skip
        errors = rules.check_stage_dates(d, appraised=False)
        assert "不能签约" in errors["signed_on"]

    def test_next_stage(self):
        assert rules.next_stage("none") == "survey"
        assert rules.next_stage("sign") == "vacate"
        assert rules.next_stage("settle") is None


class TestSteps:
    def test_pre_notice_floor_is_10_working_days(self):
        assert rules.check_step_duration("pre_notice", 10) is None
        assert "不少于10个工作日" in rules.check_step_duration("pre_notice", 9)

    def test_publication_floor_is_30_days(self):
        assert rules.check_step_duration("publish", 30) is None
        assert "不少于30日" in rules.check_step_duration("publish", 29)
        assert rules.STEP_BY_KEY["publish"].calendar_days

    def test_no_floor_steps_need_one_day(self):
        assert rules.check_step_duration("survey", 1) is None
        assert rules.check_step_duration("survey", 0)

    def test_chain(self):
        tasks = rules.step_tasks([{"key": s.key, "duration": s.duration} for s in rules.STEPS])
        assert tasks[0]["predecessors"] == []
        assert tasks[1]["predecessors"] == [{"key": "pre_notice", "lag": 0}]
        assert [t["key"] for t in tasks][-1] == "handover"


class TestCompensation:
    def test_land_parts(self):
        land, resettle = rules.land_compensation(
            Decimal("1.5"), Decimal(50000), Decimal(40), Decimal(60)
        )
        assert (land, resettle) == (Decimal("30000.00"), Decimal("45000.00"))

    def test_house(self):
        assert rules.house_compensation(
            Decimal(100), Decimal(20), Decimal(1000), Decimal(50)
        ) == Decimal("110000.00")

    def test_version_in_force(self):
        versions = [(date(2020, 1, 1), "old"), (date(2023, 1, 1), "new")]
        assert rules.pick_version(versions, date(2022, 12, 31)) == "old"
        assert rules.pick_version(versions, date(2023, 1, 1)) == "new"
        assert rules.pick_version(versions, date(2019, 12, 31)) is None

    def test_payment_above_compensation_needs_a_reason(self):
        assert rules.check_payment(Decimal(100), Decimal(100), "") is None
        assert "调整原因" in rules.check_payment(Decimal("100.01"), Decimal(100), "")
        assert rules.check_payment(Decimal(200), Decimal(100), "县政府会议纪要〔2025〕3号") is None


class TestGeoJSON:
    def test_valid_feature_collection(self):
        fc = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "管家铺村"},
             "geometry": {"type": "Polygon", "coordinates": [[[112.4, 29.7], [112.41, 29.7], [112.41, 29.71], [112.4, 29.7]]]}}]}  # fmt: skip
        assert rules.check_geojson(__import__("json").dumps(fc))["type"] == "FeatureCollection"

    def test_not_json(self):
        with pytest.raises(RuleError) as e:
            rules.check_geojson("{not json")
        assert "JSON" in e.value.message

    def test_projected_coordinates_refused(self):
        geom = {"type": "Point", "coordinates": [38500000.0, 3290000.0]}
        with pytest.raises(RuleError) as e:
            rules.check_geojson(geom)
        assert "经纬度" in e.value.message

    def test_latitude_out_of_range(self):
        with pytest.raises(RuleError):
            rules.check_geojson({"type": "Point", "coordinates": [112.4, 91]})

    def test_unknown_type_and_empty(self):
        with pytest.raises(RuleError):
            rules.check_geojson({"type": "Circle"})
        with pytest.raises(RuleError):
            rules.check_geojson({"type": "FeatureCollection", "features": []})
