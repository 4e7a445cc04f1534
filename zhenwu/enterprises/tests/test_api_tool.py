"""POST /api/v1/tools/classify-enterprise — the exact shape external tests rely on."""

import pytest

from zhenwu.core.models import ObjectChange

PATH = "tools/classify-enterprise"


def call(world, **payload):
    payload.setdefault("year", 2025)
    return world.api("staff").post(PATH, payload)


@pytest.mark.parametrize(
    "code,revenue,category,threshold",
    [
        ("C2922", 2000, "industry", 2000),
        ("C29", 2000, "industry", 2000),
        ("B06", 2000, "industry", 2000),
        ("D4411", 2000, "industry", 2000),
        ("F51", 2000, "wholesale", 2000),
        ("F5165", 2000, "wholesale", 2000),
        ("F52", 500, "retail", 500),
        ("H61", 200, "accommodation", 200),
        ("H62", 200, "catering", 200),
        ("G54", 2000, "services", 2000),
        ("I65", 2000, "services", 2000),
        ("Q84", 2000, "services", 2000),
        ("L72", 1000, "services", 1000),
        ("K7020", 1000, "services", 1000),
        ("M74", 1000, "services", 1000),
        ("O80", 500, "services", 500),
        ("R86", 500, "services", 500),
        ("Q85", 500, "services", 500),
    ],
)
def test_every_revenue_category_at_exactly_the_threshold(world, code, revenue, category, threshold):
    r = call(world, industry_code=code, revenue_wan=revenue)
    assert r.status_code == 200, r.content
    assert r.json() == {"above_scale": True, "category": category, "threshold_wan": threshold}
    below = call(world, industry_code=code, revenue_wan=revenue - 0.01).json()
    assert below == {"above_scale": False, "category": category, "threshold_wan": threshold}


def test_construction_qualifies_by_qualification_alone(world):
    for q, above in (("general", True), ("specialty", True), ("labor", False), (None, False)):
        r = call(world, industry_code="E4790", revenue_wan=0, qualification=q)
        assert r.json() == {"above_scale": above, "category": "construction", "threshold_wan": None}
    r = call(world, industry_code="E50", revenue_wan=999999, qualification="labor")
    assert r.json()["above_scale"] is False


def test_real_estate_development(world):
    r = call(world, industry_code="K7010", revenue_wan=1)
    assert r.json() == {"above_scale": True, "category": "real_estate", "threshold_wan": None}
    r = call(world, industry_code="K7010", revenue_wan=1, has_development_activity=False)
    assert r.json() == {"above_scale": False, "category": "real_estate", "threshold_wan": None}


def test_out_of_scope_and_ambiguous(world):
    for code in ("A01", "J66", "S92", "T97", "A0412"):
        r = call(world, industry_code=code, revenue_wan=99999)
        assert r.json() == {"above_scale": False, "category": None, "threshold_wan": None}, code
    # K70 spans 房地产开发 and tier-B services: no single rule
    r = call(world, industry_code="K70", revenue_wan=99999)
    assert r.json() == {"above_scale": False, "category": None, "threshold_wan": None}


def test_industry_rule_of_2010(world):
    r = call(world, industry_code="C29", revenue_wan=500, year=2010)
    assert r.json() == {"above_scale": True, "category": "industry", "threshold_wan": 500}


@pytest.mark.parametrize("code", ["F", "C", "C2", "C12345", "29", "X12", "", "C-29", "C99", "A29"])
def test_malformed_or_nonexistent_code_is_422(world, code):
    r = call(world, industry_code=code, revenue_wan=100)
    assert r.status_code == 422, (code, r.content)
    detail = r.json()["detail"]
    assert detail[0]["field"] == "industry_code"
    assert "行业代码" in detail[0]["message"]


def test_other_bad_input_is_422(world):
    r = call(world, industry_code="C29", revenue_wan=-1)
    assert r.status_code == 422 and "负数" in str(r.json())
    r = call(world, industry_code="C29", revenue_wan=1, qualification="bogus")
    assert r.status_code == 422
    r = world.api("staff").post(PATH, {"revenue_wan": 1, "year": 2025})
    assert r.status_code == 422 and "industry_code" in str(r.json())


def test_lowercase_and_full_width_codes_are_accepted(world):
    assert call(world, industry_code="c2922", revenue_wan=2000).json()["above_scale"] is True
    assert call(world, industry_code="Ｆ５２", revenue_wan=500).json()["category"] == "retail"


def test_requires_auth_and_stores_nothing(world):
    assert (
        world.api(None)
        .post(PATH, {"industry_code": "C29", "revenue_wan": 1, "year": 2025})
        .status_code
        == 401
    )
    from zhenwu.enterprises.models import ThresholdRule

    before = ObjectChange.objects.count()
    rules_before = ThresholdRule.objects.count()  # seeded when each town was created
    for who in ("viewer", "village", "staff_nomodule"):
        assert (
            world.api(who)
            .post(PATH, {"industry_code": "C29", "revenue_wan": 1, "year": 2025})
            .status_code
            == 200
        )
    # the viewer (no town) uses the default rules; nothing is written by the tool (issue 8:
    # the rule table is set up when a town is created, not on first use)
    assert rules_before == 22
    assert ThresholdRule.objects.count() == rules_before
    assert ObjectChange.objects.count() == before


def test_uses_the_towns_edited_rule(world):
    from zhenwu.enterprises import selectors
    from zhenwu.enterprises.models import ThresholdRule

    selectors.seed_rules(world.town)
    rule = ThresholdRule.objects.get(town=world.town, category="retail")
    rule.min_value_wan = 600
    rule.save()
    r = call(world, industry_code="F52", revenue_wan=550)
    assert r.json() == {"above_scale": False, "category": "retail", "threshold_wan": 600}
    # the other town keeps the default
    r = world.api("other_staff").post(
        PATH, {"industry_code": "F52", "revenue_wan": 550, "year": 2025}
    )
    assert r.json()["above_scale"] is True
