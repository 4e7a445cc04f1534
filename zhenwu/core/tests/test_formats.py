"""One format per context (issue 10 item 9): dates long / short / in tables, amounts with
separators and 亿元 from 10,000 万元 on, filters offering 全部 once."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

import zhenwu.urls  # noqa: F401  (registers every resource)
from zhenwu.core import formats, lights
from zhenwu.core.forms import build_filterset
from zhenwu.core.registry import resource_by_key
from zhenwu.plan.tests.factories import make_target


def test_dates_by_context():
    d = datetime.date(2026, 11, 30)
    assert formats.date_long(d) == "2026年11月30日"
    assert formats.date_cell(d) == "2026-11-30"
    assert formats.date_short(d, today=datetime.date(2026, 1, 1)) == "11月30日"
    assert formats.date_short(d, today=datetime.date(2025, 12, 31)) == "2026年11月30日"
    assert formats.date_long(None) == "" and formats.date_cell(None) == ""


def test_datetimes_are_local_time():
    utc = datetime.datetime(2026, 11, 29, 12, 18, 34, 910585, tzinfo=datetime.UTC)
    # settings.TIME_ZONE is Asia/Shanghai: +8 hours
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    assert formats.date_long(utc) == "2026年11月29日 20:18"
    assert formats.date_cell(utc) == "2026-11-29 20:18"
    assert formats.date_long("2026-11-29T12:18:34.910585+00:00") == "2026年11月29日 20:18"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("95100"), "9.51亿元"),
        (Decimal("10000"), "1亿元"),  # exactly 10,000 万元 is 1 亿元
        (Decimal("9999.99"), "9,999.99万元"),
        (Decimal("1700"), "1,700万元"),
        (Decimal("1656.00"), "1,656万元"),
        (Decimal("0.5"), "0.5万元"),
        (Decimal("-12000"), "-1.2亿元"),
        (123456, "12.35亿元"),
        (0, "0万元"),
        (None, "—"),
    ],
)
def test_amounts(value, text):
    assert formats.amount(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("95100"), "CNY 951 million"),
        (Decimal("1700"), "CNY 17 million"),
        (Decimal("100"), "CNY 1 million"),  # exactly 100 万元 is one million yuan
        (Decimal("99.5"), "CNY 995 thousand"),
        (Decimal("100000"), "CNY 1 billion"),  # 10 亿元
        (Decimal("-12000"), "CNY -120 million"),
        (0, "CNY 0 thousand"),
        (None, "—"),
    ],
)
def test_amounts_on_an_english_page_are_in_yuan(value, text):
    """An English reader does not know 万元/亿元: the same amount in yuan, never Chinese units."""
    from django.utils import translation

    with translation.override("en"):
        assert formats.amount(value) == text
    assert formats.amount(Decimal("1700")) == "1,700万元"  # the Chinese page is unchanged


@pytest.mark.parametrize(
    ("value", "text"),
    [(95100, "95,100"), (Decimal("1656.00"), "1,656"), (Decimal("3.50"), "3.5"), (0, "0")],
)
def test_numbers(value, text):
    assert formats.number(value) == text


def test_template_filters_are_builtin():
    html = Template(
        "{{ d|date_long }}|{{ d|date_cell }}|{{ a|amount }}|{{ n|num }}|{{ s|light }}|{{ s|light_label }}"
    ).render(Context({"d": datetime.date(2026, 11, 30), "a": 95100, "n": 95100, "s": "red"}))
    assert html == "2026年11月30日|2026-11-30|9.51亿元|95,100|light light-red|红灯"


def test_one_light_vocabulary():
    from zhenwu.plan import rules as plan_rules
    from zhenwu.projects import rules as project_rules

    assert plan_rules.STATUS_LABELS[plan_rules.RED] == lights.label("red") == "红灯"
    assert project_rules.LIGHT_LABELS is lights.LABELS
    assert lights.css_class("bogus") == "light light-none"
    assert set(lights.COLOURS) == set(lights.LABELS)


def test_css_palette_matches_lights():
    from pathlib import Path

    import zhenwu

    css = (Path(zhenwu.__file__).parent / "static/zhenwu/css/zhenwu.css").read_text()
    for status, colour in lights.COLOURS.items():
        assert f"--zw-light-{status}: {colour};" in css


def test_filters_offer_all_once_and_no_unknown_default(world):
    from zhenwu.core.registry import all_resources

    for r in all_resources():
        key = r.key
        fs = build_filterset(r, {}, r.model.objects.none(), world.users["admin"])
        for name in fs.form.fields:
            html = str(fs.form[name])
            assert html.count("---------") == 0, (key, name)
            assert "未知" not in html and "Unknown" not in html, (key, name)
            if "<option" in html:
                assert html.count(">全部</option>") == 1, (key, name, html[:300])


def test_amount_columns_show_units_and_headers_drop_them(world):
    from zhenwu.core.tables import Table
    from zhenwu.projects.tests.factories import make_project

    p = make_project(world, total_investment=Decimal("95100"))
    r = resource_by_key("projects")
    table = Table(r, world.users["admin"], rows=[p])
    labels = [h["label"] for h in table.headers()]
    assert "计划总投资" in labels and "计划总投资（万元）" not in labels
    cells = next(table.body())[1]
    assert "9.51亿元" in [str(c) for c in cells]


def test_forms_offer_qing_xuan_ze_not_dashes(world):
    from zhenwu.core.forms import ResourceForm
    from zhenwu.core.registry import all_resources

    for r in all_resources():
        form_class = r.form_class or ResourceForm.for_resource(r)
        html = str(form_class(user=world.users["admin"], resource=r))
        assert "---------" not in html, r.key


def test_indicator_keys_and_params_read_as_words(world):
    from zhenwu.plan.indicators import indicator_choices

    assert all("." not in label for _, label in indicator_choices())
    t = make_target(
        world.town,
        indicator_key="investment.started_count",
        indicator_params={"industrial": True, "min_investment_wan": 10000},
    )
    assert t.get_indicator_key_display() == "开工招商项目数"
    assert t.get_indicator_params_display() == "只计工业项目：是；计划总投资下限：1亿元"
    html = world.client("leader").get(f"/plan/targets/{t.pk}/").content.decode()
    assert "investment.started_count" not in html and "'industrial'" not in html
    t2 = make_target(world.town, name="项目", indicator_key="projects.started_count",
                     indicator_params={"category": "livelihood"})  # fmt: skip
    assert t2.get_indicator_params_display() == "项目类别：民生实事"


def test_department_modules_read_as_names(world):
    from zhenwu.core.models import Department

    d = Department.objects.get(town=world.town, name="综合专班")
    html = world.client("admin").get(f"/departments/{d.pk}/").content.decode()
    assert "招商引资、" in html and "investment、" not in html


def test_big_screen_legend_shows_the_bar_colours(world):
    """The legend under the chart names the light colours the bars are painted with, and the
    chart takes them from the same CSS variables as every light (was ECharts' default blue)."""
    from pathlib import Path

    import zhenwu as pkg

    make_target(world.town, name="甲指标")
    html = world.client("leader").get("/plan/bigscreen/").content.decode()
    legend = html.split('data-testid="bigscreen-legend"', 1)[1].split("</div>", 1)[0]
    for status in ("green", "yellow", "red"):
        assert f"sw-light-{status}" in legend
    js = (Path(pkg.__file__).parent / "static/plan/js/plan.js").read_text()
    assert '"--zw-light-" + name' in js and "legend: { show: false }" in js
    assert "#3ddc84" not in js  # no private palette
