"""Pure tests (no database) for GB/T 4754-2017 parsing and 四上 classification.

Run: .venv/bin/pytest zhenwu/enterprises/tests/test_classification.py -p no:django
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from zhenwu.enterprises.classification import (
    CATEGORIES,
    DEFAULT_RULES,
    Classification,
    ThresholdRule,
    annualise,
    classify,
    cultivation_status,
    forecast_crossing_month,
    gap_wan,
    is_pool_candidate,
    is_quasi_above_scale,
    rule_for,
)
from zhenwu.enterprises.gb4754 import (
    DIVISIONS,
    SECTIONS,
    IndustryCodeError,
    children,
    parse_industry_code,
    section_divisions,
)

Y = 2024
D = Decimal

# --------------------------------------------------------------------------------------
# GB/T 4754-2017 structure
# --------------------------------------------------------------------------------------


def test_sections_and_divisions_are_complete():
    assert list(SECTIONS) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert list(DIVISIONS) == [f"{n:02d}" for n in range(1, 98)]
    ranges = {
        "A": (1, 5),
        "B": (6, 12),
        "C": (13, 43),
        "D": (44, 46),
        "E": (47, 50),
        "F": (51, 52),
        "G": (53, 60),
        "H": (61, 62),
        "I": (63, 65),
        "J": (66, 69),
        "K": (70, 70),
        "L": (71, 72),
        "M": (73, 75),
        "N": (76, 79),
        "O": (80, 82),
        "P": (83, 83),
        "Q": (84, 85),
        "R": (86, 90),
        "S": (91, 96),
        "T": (97, 97),
    }
    for letter, (lo, hi) in ranges.items():
        assert section_divisions(letter) == tuple(f"{n:02d}" for n in range(lo, hi + 1))
    names = {code: d.name for code, d in DIVISIONS.items()}
    assert names["04"] == "渔业"
    assert names["05"] == "农、林、牧、渔专业及辅助性活动"
    assert names["11"] == "开采专业及辅助性活动"
    assert names["13"] == "农副食品加工业"
    assert names["43"] == "金属制品、机械和设备修理业"
    assert names["47"] == "房屋建筑业"
    assert names["50"] == "建筑装饰、装修和其他建筑业"
    assert names["51"] == "批发业"
    assert names["52"] == "零售业"
    assert names["61"] == "住宿业"
    assert names["62"] == "餐饮业"
    assert names["70"] == "房地产业"
    assert names["72"] == "商务服务业"
    assert names["97"] == "国际组织"


@pytest.mark.parametrize(
    ("raw", "section", "division", "group", "class_code", "level"),
    [
        ("C2922", "C", "29", "292", "2922", "class"),
        ("C29", "C", "29", None, None, "division"),
        ("C292", "C", "29", "292", None, "group"),
        ("C", "C", None, None, None, "section"),
        ("F52", "F", "52", None, None, "division"),
        ("K7010", "K", "70", "701", "7010", "class"),
        ("c2922", "C", "29", "292", "2922", "class"),
        (" f5211 ", "F", "52", "521", "5211", "class"),
        ("2922", "C", "29", "292", "2922", "class"),
        ("05", "A", "05", None, None, "division"),
        ("Ｃ２９２２", "C", "29", "292", "2922", "class"),
    ],
)
def test_parse_valid_codes(raw, section, division, group, class_code, level):
    ic = parse_industry_code(raw)
    assert (ic.section, ic.division, ic.group, ic.class_code) == (
        section,
        division,
        group,
        class_code,
    )
    assert ic.level == level
    assert ic.code == section + (class_code or group or division or "")


def test_parse_names():
    assert parse_industry_code("C2922").division_name == "橡胶和塑料制品业"
    assert parse_industry_code("K7020").name == "物业管理"
    assert parse_industry_code("K").section_name == "房地产业"


@pytest.mark.parametrize(
    "raw",
    ["X12", "C1", "C12345", "29x", "", "   ", "CC29", "C-29", "U97", "2", "12345"],
)
def test_parse_malformed(raw):
    with pytest.raises(IndustryCodeError, match="行业代码"):
        parse_industry_code(raw)


@pytest.mark.parametrize("raw", ["C99", "00", "98", "Z"])
def test_parse_unknown_or_bad(raw):
    with pytest.raises(IndustryCodeError):
        parse_industry_code(raw)


@pytest.mark.parametrize(("raw", "expected_section"), [("B05", "A"), ("A29", "C"), ("F61", "H")])
def test_parse_division_outside_section(raw, expected_section):
    with pytest.raises(IndustryCodeError, match=f"属于门类 {expected_section}"):
        parse_industry_code(raw)


@pytest.mark.parametrize("raw", ["K7011", "K705", "K7050", "7099"])
def test_k70_classes_are_strict(raw):
    with pytest.raises(IndustryCodeError, match="7010、7020、7030、7040、7090"):
        parse_industry_code(raw)


def test_parse_non_string():
    with pytest.raises(IndustryCodeError):
        parse_industry_code(2922)  # type: ignore[arg-type]


def test_children():
    assert children("H") == ("H61", "H62")
    assert children("K70") == ("K701", "K702", "K703", "K704", "K709")
    assert children("K702") == ("K7020",)
    assert children("C29") is None


# --------------------------------------------------------------------------------------
# Default rules
# --------------------------------------------------------------------------------------


def test_default_rules_cover_every_category_with_labels():
    assert {r.category for r in DEFAULT_RULES} == set(CATEGORIES)
    labels = {(r.category, r.tier): r.label for r in DEFAULT_RULES}
    assert labels[("industry", None)] == "规模以上工业"
    assert labels[("construction", None)] == "有资质的建筑业"
    assert labels[("real_estate", None)] == "房地产开发经营业"
    assert labels[("wholesale", None)] == "限额以上批发业"
    assert labels[("retail", None)] == "限额以上零售业"
    assert labels[("accommodation", None)] == "限额以上住宿业"
    assert labels[("catering", None)] == "限额以上餐饮业"
    assert labels[("services", "A")] == labels[("services", "B")] == "规模以上服务业"
    assert all(r.source_url.startswith("http") for r in DEFAULT_RULES)


def test_threshold_rule_validation():
    with pytest.raises(ValueError):
        ThresholdRule(
            category="nope",
            label="x",
            scope=("C",),
            metric="revenue",
            min_value_wan=D(1),
            effective_from=None,
        )
    with pytest.raises(ValueError):  # revenue metric without threshold
        ThresholdRule(
            category="industry",
            label="x",
            scope=("C",),
            metric="main_revenue",
            min_value_wan=None,
            effective_from=None,
        )
    with pytest.raises(IndustryCodeError):
        ThresholdRule(
            category="industry",
            label="x",
            scope=("C99",),
            metric="main_revenue",
            min_value_wan=D(1),
            effective_from=None,
        )
    rule = ThresholdRule(
        category="industry",
        label="x",
        scope=["c"],  # type: ignore[arg-type]
        metric="main_revenue",
        min_value_wan=1000,  # type: ignore[arg-type]
        effective_from=2000,
        effective_to=2001,
    )
    assert rule.scope == ("C",)
    assert rule.min_value_wan == D(1000)
    assert rule.applies_in(2001) and not rule.applies_in(2002)


# --------------------------------------------------------------------------------------
# classify: revenue thresholds
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "category", "tier", "threshold"),
    [
        ("C2922", "industry", None, 2000),
        ("B06", "industry", None, 2000),
        ("D4411", "industry", None, 2000),
        ("F51", "wholesale", None, 2000),
        ("F5111", "wholesale", None, 2000),
        ("F52", "retail", None, 500),
        ("F5211", "retail", None, 500),
        ("H61", "accommodation", None, 200),
        ("H62", "catering", None, 200),
        ("G", "services", "A", 2000),
        ("G54", "services", "A", 2000),
        ("I65", "services", "A", 2000),
        ("N78", "services", "A", 2000),
        ("Q84", "services", "A", 2000),
        ("L72", "services", "B", 1000),
        ("M74", "services", "B", 1000),
        ("P83", "services", "B", 1000),
        ("K7020", "services", "B", 1000),
        ("K7030", "services", "B", 1000),
        ("K7040", "services", "B", 1000),
        ("K7090", "services", "B", 1000),
        ("K702", "services", "B", 1000),
        ("O80", "services", "C", 500),
        ("R88", "services", "C", 500),
        ("Q85", "services", "C", 500),
    ],
)
def test_revenue_thresholds_exact(code, category, tier, threshold):
    t = D(threshold)
    below = classify(code, t - D("0.01"), year=Y)
    at = classify(code, t, year=Y)
    above = classify(code, t + 1, year=Y)
    assert (below.above_scale, at.above_scale, above.above_scale) == (False, True, True)
    for result in (below, at, above):
        assert result.category == category
        assert result.tier == tier
        assert result.threshold_wan == t
        assert result.rule is not None and result.rule.min_value_wan == t
        assert result.label and not result.ambiguous


def test_industry_1999_99_vs_2000():
    assert classify("C", D("1999.99"), year=Y).above_scale is False
    assert classify("C", D("2000"), year=Y).above_scale is True
    assert classify("C", "2000.00", year=Y).above_scale is True
    assert classify("C", 2000, year=Y).above_scale is True
    assert classify("C", 1999.99, year=Y).above_scale is False


@pytest.mark.parametrize("code", ["C", "C29", "C292", "C2922", "2922", "c2922"])
def test_industry_at_every_level(code):
    result = classify(code, 2500, year=Y)
    assert result.above_scale and result.category == "industry"
    assert result.label == "规模以上工业"
    assert result.industry_code.startswith("C")


def test_industry_historical_threshold():
    assert classify("C29", 500, year=2010).threshold_wan == D(500)
    assert classify("C29", 500, year=2010).above_scale is True
    assert classify("C29", D("499.99"), year=2007).above_scale is False
    assert classify("C29", 500, year=2011).threshold_wan == D(2000)
    assert classify("C29", 500, year=2011).above_scale is False
    # Before every version: the earliest version applies.
    assert classify("C29", 500, year=2005).threshold_wan == D(500)


def test_services_before_2019_fall_back_to_current_tiers():
    assert classify("L72", 1000, year=2015).threshold_wan == D(1000)


def test_category_and_threshold_reported_when_not_met():
    result = classify("F52", 10, year=Y)
    assert result == Classification(
        above_scale=False,
        category="retail",
        threshold_wan=D(500),
        rule=result.rule,
        label="限额以上零售业",
        industry_code="F52",
        reason=result.reason,
    )
    assert "低于" in result.reason


def test_missing_revenue_is_not_above_scale():
    result = classify("C2922", None, year=Y)
    assert result.above_scale is False
    assert result.category == "industry"
    assert result.threshold_wan == D(2000)


@pytest.mark.parametrize("bad", [-1, D("-0.01"), "-5"])
def test_negative_revenue_raises(bad):
    with pytest.raises(ValueError, match="负数"):
        classify("C2922", bad, year=Y)


def test_non_numeric_revenue_and_year():
    with pytest.raises(ValueError):
        classify("C2922", "abc", year=Y)
    with pytest.raises(ValueError):
        classify("C2922", D("NaN"), year=Y)
    with pytest.raises(ValueError):
        classify("C2922", 1, year="2024")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# classify: construction and real estate
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qualification", "expected"),
    [
        ("general", True),
        ("specialty", True),
        ("labor", False),
        (None, False),
        ("施工总承包", True),
        ("专业承包", True),
        ("劳务分包", False),
        (["labor", "specialty"], True),
        (["labor"], False),
        ((), False),
    ],
)
def test_construction_by_qualification(qualification, expected):
    for code in ("E", "E47", "E4710", "E50"):
        result = classify(code, 0, qualification=qualification, year=Y)
        assert result.above_scale is expected
        assert result.category == "construction"
        assert result.threshold_wan is None
        assert result.label == "有资质的建筑业"
    # Revenue does not matter.
    assert classify("E48", 10**6, qualification="labor", year=Y).above_scale is False
    assert classify("E48", None, qualification="general", year=Y).above_scale is True


def test_unknown_qualification_raises():
    with pytest.raises(ValueError, match="资质"):
        classify("E47", 0, qualification="三级", year=Y)


def test_real_estate_development():
    yes = classify("K7010", None, year=Y)
    assert yes.above_scale is True
    assert yes.category == "real_estate"
    assert yes.threshold_wan is None
    assert yes.label == "房地产开发经营业"
    no = classify("K7010", 99999, has_development_activity=False, year=Y)
    assert no.above_scale is False and no.category == "real_estate"
    assert classify("K701", 0, year=Y).category == "real_estate"


def test_k7020_is_services_tier_b():
    result = classify("K7020", 1000, year=Y)
    assert result.above_scale and result.category == "services" and result.tier == "B"
    assert classify("K7020", 999, year=Y).above_scale is False


# --------------------------------------------------------------------------------------
# classify: out of scope and ambiguous codes
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["J", "J66", "J6620", "S", "S92", "T", "T97", "A", "A0111"])
def test_out_of_scope(code):
    result = classify(code, 10**6, year=Y)
    assert result.above_scale is False
    assert result.category is None
    assert result.threshold_wan is None
    assert result.rule is None and result.label is None
    assert result.ambiguous is False


@pytest.mark.parametrize(
    ("code", "categories"),
    [
        ("F", {"wholesale", "retail"}),
        ("H", {"accommodation", "catering"}),
        ("Q", {"services"}),
        ("K", {"real_estate", "services"}),
        ("K70", {"real_estate", "services"}),
    ],
)
def test_ambiguous_codes(code, categories):
    result = classify(code, 10**6, qualification="general", year=Y)
    assert result.ambiguous is True
    assert result.above_scale is False
    assert result.category is None and result.rule is None and result.threshold_wan is None
    assert {r.category for r in result.candidates} == categories
    assert len(result.candidates) == 2
    assert "细化" in result.reason


@pytest.mark.parametrize(
    ("code", "category"), [("E", "construction"), ("G", "services"), ("L", "services")]
)
def test_section_codes_covered_by_one_rule(code, category):
    assert classify(code, 10**6, qualification="general", year=Y).category == category


@pytest.mark.parametrize("code", ["X12", "C1", "C12345", "29x", "", "C99", "B05", "A29"])
def test_classify_bad_code_raises(code):
    with pytest.raises(IndustryCodeError):
        classify(code, 100, year=Y)


def test_rule_for():
    assert rule_for("F5211", year=Y).category == "retail"
    assert rule_for("F", year=Y) is None
    assert rule_for("J66", year=Y) is None


def test_custom_rules_and_conflicts():
    local = (
        ThresholdRule(
            category="industry",
            label="规模以上工业",
            scope=("C",),
            metric="main_revenue",
            min_value_wan=D(1000),
            effective_from=None,
        ),
    )
    assert classify("C29", 1000, year=Y, rules=local).above_scale is True
    assert classify("F52", 1000, year=Y, rules=local).category is None
    clash = (*local, local[0].__class__(**{**_fields(local[0]), "min_value_wan": D(5)}))
    with pytest.raises(ValueError, match="冲突"):
        classify("C29", 1, year=Y, rules=clash)


def _fields(rule):
    return {name: getattr(rule, name) for name in rule.__dataclass_fields__}


def test_expired_rule_without_successor_is_out_of_scope():
    rules = [
        ThresholdRule(
            category="retail",
            label="限额以上零售业",
            scope=("F52",),
            metric="main_revenue",
            min_value_wan=D(500),
            effective_from=2010,
            effective_to=2012,
        )
    ]
    assert classify("F52", 600, year=2011, rules=rules).above_scale is True
    assert classify("F52", 600, year=2009, rules=rules).category == "retail"
    assert classify("F52", 600, year=2013, rules=rules).category is None


# --------------------------------------------------------------------------------------
# 培育库 helpers
# --------------------------------------------------------------------------------------


def test_gap_wan():
    assert gap_wan(2000, D("1500.5")) == D("499.5")
    assert gap_wan(2000, 2000) == 0
    assert gap_wan(2000, 2500) == 0
    assert gap_wan(2000, None) == D(2000)
    with pytest.raises(ValueError):
        gap_wan(2000, -1)
    with pytest.raises(ValueError):
        gap_wan(0, 1)


def test_annualise():
    assert annualise(1000, 6) == D(2000)
    assert annualise(D("1500"), 12) == D(1500)
    assert annualise(0, 1) == 0
    for months in (0, 13, -1):
        with pytest.raises(ValueError):
            annualise(100, months)
    with pytest.raises(ValueError):
        annualise(-1, 3)


def _months(year, values, start=1):
    return [(year, start + i, D(v)) for i, v in enumerate(values)]


def test_forecast_empty_and_other_years():
    assert forecast_crossing_month([], 2000, Y) is None
    assert forecast_crossing_month(_months(Y - 1, [5000]), 2000, Y) is None


def test_forecast_already_crossed_returns_crossing_month():
    data = _months(Y, [800, 800, 800, 800])
    assert forecast_crossing_month(data, 2000, Y) == 3
    assert forecast_crossing_month(_months(Y, [2000]), 2000, Y) == 1  # exactly at threshold


def test_forecast_projects_at_trailing_pace():
    # Jan–Mar 100 each, Apr–Jun 300 each → cum 1200, pace 300 → need 800 → 3 months → Sep.
    data = _months(Y, [100, 100, 100, 300, 300, 300])
    assert forecast_crossing_month(data, 2000, Y) == 9
    # Fewer than 3 months: the average of what exists.
    assert forecast_crossing_month(_months(Y, [250, 250]), 2000, Y) == 8


def test_forecast_crossing_in_december_and_never():
    data = _months(Y, [170] * 9)  # cum 1530, pace 170 → 470 more → 2.76 → 3 months → Dec
    assert forecast_crossing_month(data, 2000, Y) == 12
    data = _months(Y, [150] * 9)  # cum 1350, pace 150 → 650 more → 5 months → beyond Dec
    assert forecast_crossing_month(data, 2000, Y) is None
    assert forecast_crossing_month(_months(Y, [100] * 12), 2000, Y) is None
    assert forecast_crossing_month(_months(Y, [500, 0, 0, 0]), 2000, Y) is None  # pace 0


def test_forecast_ignores_other_years_and_rejects_duplicates():
    data = [(Y - 1, 12, D(9999)), *_months(Y, [500, 500])]
    assert forecast_crossing_month(data, 2000, Y) == 4
    with pytest.raises(ValueError, match="重复"):
        forecast_crossing_month([(Y, 1, 1), (Y, 1, 2)], 2000, Y)
    with pytest.raises(ValueError):
        forecast_crossing_month([(Y, 13, 1)], 2000, Y)


def test_is_pool_candidate():
    assert is_pool_candidate(D(1400), None, 2000) is True  # exactly 70 %
    assert is_pool_candidate(D("1399.99"), None, 2000) is False
    assert is_pool_candidate(D("1999.99"), None, 2000) is True
    assert is_pool_candidate(D(2000), None, 2000) is False  # not below threshold
    assert is_pool_candidate(D(100), D(2000), 2000) is True  # annualised YTD reaches it
    assert is_pool_candidate(None, D("1999.99"), 2000) is False
    assert is_pool_candidate(None, None, 2000) is False
    assert is_pool_candidate(D(1200), None, 2000, share=D("0.6")) is True
    assert is_pool_candidate(D(350), None, 500, share="0.7") is True
    for share in (D(0), D("1.1"), D(-1)):
        with pytest.raises(ValueError):
            is_pool_candidate(D(1), None, 2000, share=share)


def test_is_quasi_above_scale():
    assert is_quasi_above_scale(2000, 2000) is True
    assert is_quasi_above_scale(D("1999.99"), 2000) is False
    assert is_quasi_above_scale(None, 2000) is False


def test_cultivation_status():
    data = _months(Y, [150, 150, 150, 200, 200, 200])
    status = cultivation_status(data, 2000, Y, last_year_revenue_wan=D(1500))
    assert status.ytd_wan == D(1050)
    assert status.last_month == 6
    assert status.annualised_wan == D(2100)
    assert status.gap_wan == D(950)
    assert status.is_candidate is True
    assert status.is_quasi_above_scale is False
    assert status.forecast_month == 11  # 950 / 200 → 5 months after June
    # Up to the month before filing (Xiamen's 准规上).
    early = cultivation_status(data, 2000, Y, as_of_month=3)
    assert early.ytd_wan == D(450) and early.last_month == 3
    empty = cultivation_status([], 2000, Y)
    assert empty.annualised_wan is None and empty.forecast_month is None
    assert empty.gap_wan == D(2000) and empty.is_candidate is False
    gappy = cultivation_status([(Y, 1, D(100)), (Y, 3, D(100))], 2000, Y)
    assert gappy.notes and gappy.months_reported == 2


# --------------------------------------------------------------------------------------
# Speed sanity check (not a timing assertion)
# --------------------------------------------------------------------------------------


def test_classify_100k_runs():
    codes = [
        "C2922",
        "F5211",
        "F51",
        "H61",
        "H62",
        "G54",
        "K7010",
        "K7020",
        "E4710",
        "J66",
        "S91",
        "L72",
        "O80",
        "Q84",
        "Q85",
        "1311",
        "f52",
        "F",
    ]
    rng = random.Random(4754)
    firms = [(rng.choice(codes), D(rng.randint(0, 400_000)) / 100) for _ in range(100_000)]
    above = sum(
        classify(code, revenue, qualification="general", year=Y).above_scale
        for code, revenue in firms
    )
    assert 0 < above < len(firms)
