"""`?as_of=` has one parser and one behaviour (issue 8 "one home per policy", issue 10 item 6):
API 422 with a Chinese message naming the field; pages warn and fall back visibly; the date
travels with every link from the board."""

from datetime import date

import pytest
from django.test import RequestFactory

from zhenwu.core import asof
from zhenwu.plan.tests.factories import make_target
from zhenwu.projects.tests.factories import make_project


def test_parse_edges():
    assert asof.parse("2025-06-30") == date(2025, 6, 30)
    assert asof.parse(" 2025-06-30 ") == date(2025, 6, 30)
    assert asof.parse("", default=date(2024, 1, 1)) == date(2024, 1, 1)
    assert asof.parse(None) == asof.today()
    assert asof.parse(date(2025, 1, 2)) == date(2025, 1, 2)
    for bad in ("2025-13-01", "2025-02-30", "30/06/2025", "昨天", "2025-6-3x"):
        with pytest.raises(asof.AsOfError) as exc:
            asof.parse(bad)
        assert f"「{bad}」" in str(exc.value) and "YYYY-MM-DD" in str(exc.value)


def test_as_of_query_carries_date_and_filters_but_not_today():
    assert asof.as_of_query(asof.today()) == ""
    assert asof.as_of_query(asof.today(), plan=3) == "?plan=3"
    assert asof.as_of_query(date(2025, 6, 30), plan=3, theme=None, colour="red") == (
        "?as_of=2025-06-30&plan=3&colour=red"
    )


def test_for_page_falls_back_with_a_visible_warning(rf: RequestFactory):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.get("/x/?as_of=nope")
    request.session = {}
    request._messages = FallbackStorage(request)
    day, warning = asof.for_page(request, default=date(2025, 5, 31))
    assert day == date(2025, 5, 31)
    assert "「nope」" in warning and "2025年5月31日" in warning
    asof.for_page(request, default=date(2025, 5, 31))
    assert [str(m) for m in request._messages] == [warning]  # once per request


@pytest.mark.parametrize(
    "path",
    [
        "/plan/board/?as_of=nope",
        "/projects/gantt/?as_of=nope",
        "/projects/sanwei/?as_of=nope",
        "/enterprises/pool/?as_of=nope",
    ],
)
def test_pages_warn_and_fall_back(world, path):
    make_target(world.town, name="甲指标")
    html = world.client("admin").get(path).content.decode()
    assert "截至日期「nope」无法识别" in html and "已按" in html


def test_project_gantt_warns_too(world):
    p = make_project(world)
    html = world.client("admin").get(f"/projects/{p.pk}/gantt/?as_of=nope").content.decode()
    assert "截至日期「nope」无法识别" in html


def test_api_answers_422_with_the_same_words_everywhere(world):
    t = make_target(world.town)
    p = make_project(world)
    api = world.api("admin")
    for path in ("targets", f"targets/{t.pk}", f"projects/{p.pk}/schedule", "enterprises/pool"):
        r = api.get(path, as_of="2025-13-01")
        assert r.status_code == 422, path
        detail = r.json()["detail"]
        assert detail == [{"field": "as_of", "message": asof.error_message("2025-13-01")}], path


def test_the_date_travels_from_the_board(world):
    t = make_target(world.town, name="甲指标")
    client = world.client("leader")
    html = client.get("/plan/board/?as_of=2025-06-30").content.decode()
    plan_pk = t.measure.theme.plan_id
    assert f'href="/plan/bigscreen/?as_of=2025-06-30&amp;plan={plan_pk}"' in html
    assert f'href="/plan/targets/{t.pk}/?as_of=2025-06-30"' in html
    assert f'href="/plan/targets/{t.pk}/records/?as_of=2025-06-30"' in html
    # Filters chosen on the board go to the big screen too, and the big screen comes back.
    html = client.get("/plan/board/?as_of=2025-06-30&colour=red").content.decode()
    assert "/plan/bigscreen/?as_of=2025-06-30&amp;plan=" in html and "colour=red" in html
    html = client.get("/plan/bigscreen/?as_of=2025-06-30&colour=red").content.decode()
    assert "2025年6月30日" in html
    assert 'href="/plan/board/?as_of=2025-06-30' in html
    # An htmx swap of the board body (the filter form) brings the updated big-screen link.
    r = client.get("/plan/board/?as_of=2025-05-31", HTTP_HX_REQUEST="true")
    assert "/plan/bigscreen/?as_of=2025-05-31" in r.content.decode()


@pytest.mark.parametrize("start", ["/", "/plan/"])
def test_redirects_keep_the_query(world, start):
    r = world.client("leader").get(start + "?as_of=2025-06-30&colour=red")
    assert r.status_code == 302
    assert r["Location"].endswith("/plan/board/?as_of=2025-06-30&colour=red")


def test_swapped_board_body_shows_the_warning_itself(world):
    make_target(world.town, name="甲指标")
    r = world.client("leader").get("/plan/board/?as_of=nope", HTTP_HX_REQUEST="true")
    assert r.content.decode().count("截至日期「nope」无法识别") == 1
    html = world.client("leader").get("/plan/board/?as_of=nope").content.decode()
    assert html.count("截至日期「nope」无法识别") == 1  # once, among the page's messages
