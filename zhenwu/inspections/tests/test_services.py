"""Services and the surfaces around them: findings with their bad inputs, idempotent re-sends,
rectification and recurrence, the secrecy of a future round (lists, counts, change log, API,
board), the ranking page and `GET /api/v1/rankings`."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.models import ObjectChange
from zhenwu.core.services import StaleEdit
from zhenwu.core.testing import changes_of
from zhenwu.inspections import selectors, services
from zhenwu.inspections.models import Finding, FindingStatus, Round, RoundStatus, Sheet
from zhenwu.inspections.tests.helpers import item, make_finding, make_round, make_spot, photo


def record(world, rnd, village, code="C1", **kw):
    kw.setdefault("photos", [photo()])
    kw.setdefault("acting_user", world.users["inspector"])
    return services.record_finding(rnd=rnd, village=village, item=item(rnd, code), **kw)


def test_default_checklist_is_the_hundred_point_sheet(world):
    checklist = services.default_checklist(world.town)
    sections, items = services.checklist_rules(checklist)
    assert sum(sections.values()) == D(100)
    assert items["B2"].zeroes_section
    assert services.default_checklist(world.town) == checklist  # created once


def test_finding_scores_the_sheet_and_opens_an_order(world):
    rnd = make_round(world.town)
    village = world.villages[0]
    with pytest.raises(ValidationError) as exc:  # refused whole, never cut at 300
        record(world, rnd, village, "C1", count=3, note="柴" * 301)
    assert "note" in exc.value.message_dict and not Finding.objects.exists()
    f, created = record(world, rnd, village, "C1", count=3, note="柴草乱堆")
    assert created and f.deduction == D(3) and f.status == FindingStatus.OPEN
    assert f.deadline >= f.found_on
    sheet = Sheet.objects.get(round=rnd, village=village)
    assert sheet.score == D(97)
    assert changes_of(f).last().user == world.users["inspector"]


def test_a_resent_key_is_never_stored_twice(world):
    rnd = make_round(world.town)
    a, created_a = record(world, rnd, world.villages[0], client_key="k-1")
    b, created_b = record(world, rnd, world.villages[0], client_key="k-1")
    assert created_a and not created_b and a.pk == b.pk
    assert Finding.objects.filter(client_key="k-1").count() == 1
    assert Sheet.objects.get(round=rnd, village=world.villages[0]).score == D(99)


def test_bad_inputs_are_refused_with_chinese_messages_and_nothing_stored(world):
    rnd = make_round(world.town)
    v = world.villages[0]
    with pytest.raises(ValidationError) as exc:
        record(world, rnd, v, "C1", photos=[])
    assert "必须上传现场照片" in str(exc.value.message_dict["photos"])
    with pytest.raises(ValidationError) as exc:
        record(world, rnd, v, "F1", count=31)  # 0.5 per spot, cap 15 → at most 30
    assert "最多30处" in exc.value.message_dict["count"][0]
    with pytest.raises(ValidationError) as exc:
        record(world, rnd, v, "C1", count=0)
    assert "count" in exc.value.message_dict
    # no photo needed for the mechanisms item
    record(world, rnd, v, "I1", photos=[])
    assert Finding.objects.count() == 1


def test_a_round_not_started_takes_no_finding(world):
    rnd = make_round(world.town, days_ago=-3)
    with pytest.raises(ValidationError) as exc:
        record(world, rnd, world.villages[0])
    assert "尚未开始" in exc.value.message_dict["round"][0]


def test_an_offline_finding_after_the_round_closed_is_kept_and_flagged(world):
    rnd = make_round(world.town)
    services.close_round(rnd, acting_user=world.users["inspector"])
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    f, created = record(world, rnd, world.villages[0], client_key="late")
    assert created and any("本轮结束后" in x for x in f.flags)


def test_photo_before_the_round_or_far_away_is_flagged_not_refused(world):
    rnd = make_round(world.town)
    spot = make_spot(world.villages[0], lat=D("29.700000"), lng=D("112.350000"))
    f, _ = record(
        world, rnd, world.villages[0], spot=spot, lat=D("29.750000"), lng=D("112.350000"),
        photo_taken_at=rnd.starts_at - timedelta(days=2),
    )  # fmt: skip
    assert len(f.flags) == 2


def test_two_inspectors_editing_one_finding_conflict(world):
    f = make_finding(world, world.villages[0])
    v = f.version
    services.update_finding(
        f, data={"count": 2}, acting_user=world.users["inspector"], expected_version=v
    )
    stale = Finding.objects.get(pk=f.pk)
    with pytest.raises(StaleEdit):
        services.update_finding(
            stale, data={"count": 3}, acting_user=world.users["staff"], expected_version=v
        )


def test_rectify_accept_and_recurrence(world):
    v = world.villages[0]
    spot = make_spot(v)
    first_round = make_round(world.town, days_ago=20, seed=1)
    f, _ = record(world, first_round, v, "C1", spot=spot, found_at=first_round.starts_at)
    with pytest.raises(ValidationError):  # the village does not accept its own work
        services.submit_rectification(f, photo=photo(), acting_user=world.users["village"])
        services.accept(f, acting_user=world.users["village"])
    f.refresh_from_db()
    assert f.status == FindingStatus.SUBMITTED
    services.accept(f, acting_user=world.users["inspector"])
    with pytest.raises(ValidationError) as exc:  # an after-photo for a closed order
        services.submit_rectification(f, photo=photo(), acting_user=world.users["village"])
    assert "已验收销号" in str(exc.value)
    # found again at the same spot within the window → 反弹, weighs double
    again_round = make_round(world.town, days_ago=1, seed=2)
    g, _ = record(world, again_round, v, "C1", spot=spot, count=2)
    assert g.is_recurrence and g.recurrence_of_id == f.pk and g.deduction == D(4)
    # elsewhere in the village: not a recurrence
    h, _ = record(world, again_round, v, "C1", spot=make_spot(v))
    assert not h.is_recurrence


def test_send_back_needs_a_reason(world):
    f = make_finding(world, world.villages[0])
    services.submit_rectification(f, photo=photo(), acting_user=world.users["village"])
    with pytest.raises(ValidationError):
        services.send_back(f, note=" ", acting_user=world.users["inspector"])
    services.send_back(f, note="仍有杂物", acting_user=world.users["inspector"])
    assert f.status == FindingStatus.RETURNED


def test_overdue_orders_escalate(world):
    f = make_finding(world, world.villages[0])
    assert services.escalate_overdue(f.deadline) == 0
    assert services.escalate_overdue(f.deadline + timedelta(days=1)) == 1
    f.refresh_from_db()
    assert f.escalated
    assert services.escalate_overdue(f.deadline + timedelta(days=2)) == 0  # idempotent


# --------------------------------------------------------------------------- secrecy


@pytest.fixture
def future(world):
    rnd = make_round(world.town, days_ago=-2, inspectors=[world.users["inspector"]])
    return rnd


def test_village_cadres_see_nothing_of_a_future_round(world, future):
    cadre = world.client("village")
    assert cadre.get(f"/inspections/inspections/{future.pk}/").status_code == 404
    listing = cadre.get("/inspections/inspections/").content.decode()
    assert future.title not in listing
    api = world.api("village")
    assert api.get(f"inspections/{future.pk}").status_code == 404
    assert api.get("inspections").json()["count"] == 0
    log = world.api("village").get("change-log", limit=500).json()
    assert all(e.get("object_id") != future.pk or e.get("model") != "round" for e in log["items"])
    text = (
        cadre.get("/changelog/").content.decode()
        if cadre.get("/changelog/").status_code == 200
        else ""
    )
    assert future.title not in text


def test_the_rounds_inspector_and_the_office_see_it(world, future):
    assert (
        world.client("inspector").get(f"/inspections/inspections/{future.pk}/").status_code == 200
    )
    assert world.client("staff").get(f"/inspections/inspections/{future.pk}/").status_code == 200
    assert world.client("leader").get(f"/inspections/inspections/{future.pk}/").status_code == 404


def test_the_round_appears_when_it_starts(world, future):
    Round.all_objects.filter(pk=future.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    assert world.client("village").get(f"/inspections/inspections/{future.pk}/").status_code == 200


def test_change_log_entries_follow_the_secrecy(world, future):
    from zhenwu.core.changelog_read import visible_entries

    entries = ObjectChange.objects.filter(object_id=future.pk, content_type__model="round")
    assert entries.exists()
    assert not visible_entries(entries, world.users["village"]).exists()
    assert visible_entries(entries, world.users["inspector"]).exists()
    sheets = ObjectChange.objects.filter(content_type__model="sheet")
    assert not visible_entries(sheets, world.users["village"]).exists()


# --------------------------------------------------------------------------- ranking


def test_ranking_page_api_and_not_inspected(world):
    v1, v2, v3 = world.villages
    rnd = make_round(world.town, days_ago=0, seed=7)
    # make sure v1 and v2 have sheets this round, v3 none
    Sheet.objects.filter(round=rnd).delete()
    with acting_as(None, Source.SYSTEM):
        for v in (v1, v2):
            Sheet.objects.create(town=world.town, round=rnd, village=v, score=D(100))
    record(world, rnd, v2, "C1", count=5)
    month = timezone.localdate().replace(day=1)
    rows = {r.village: r for r in selectors.monthly_ranking(world.town, month)}
    assert rows[v1.name].rank == 1 and rows[v2.name].rank == 2 and rows[v2.name].score == D(95)
    assert rows[v3.name].score is None and rows[v3.name].flag == "未检查"
    body = world.api("village").get("rankings", month=f"{month:%Y-%m}").json()
    assert body["count"] == 3 and len(body["items"]) == 3
    item3 = next(i for i in body["items"] if i["village_id"] == v3.pk)
    assert item3["score"] is None and item3["rank"] is None and item3["flag"] == "未检查"
    keys = {
        "village_id",
        "village",
        "score",
        "rank",
        "flag",
        "findings",
        "rectified_on_time",
        "recurrences",
    }
    assert keys <= set(item3)
    assert world.api("village").get("rankings", month="2025-13").status_code == 422
    page = world.client("village").get(f"/inspections/rankings/?month={month:%Y-%m}")
    assert page.status_code == 200 and "未检查" in page.content.decode()
    title = f"{world.town.name}{month.year}年{month.month}月人居环境整治评比"
    assert title in page.content.decode()  # no thousands separator in the year
    english = world.client("village")
    english.cookies["django_language"] = "en"
    page = english.get(f"/inspections/rankings/?month={month:%Y-%m}").content.decode()
    assert f"living environment ranking, {month.month}/{month.year}" in page
    xlsx = world.client("leader").get(f"/inspections/rankings/?month={month:%Y-%m}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert world.client("leader").get("/inspections/rankings/?month=junk").status_code == 200


def test_a_future_round_does_not_count_in_the_ranking_or_the_board(world, future):
    from zhenwu.inspections import indicators
    from zhenwu.plan.indicators import IndicatorContext

    ctx = IndicatorContext(
        town=world.town,
        year=timezone.localdate().year,
        as_of=timezone.localdate() + timedelta(days=30),
    )
    assert indicators.rounds_held(ctx) == 0
    make_round(world.town, days_ago=1)
    assert indicators.rounds_held(ctx) == 1


def test_capture_endpoint_is_idempotent_and_reports_bad_input(world):
    rnd = make_round(world.town, inspectors=[world.users["inspector"]])
    client = world.client("inspector")
    data = {
        "round": rnd.pk,
        "village": world.villages[0].pk,
        "item": item(rnd, "C1").pk,
        "count": "2",
        "client_key": "abc-123",
        "found_at": timezone.now().isoformat(),
    }
    missing = client.post("/inspections/capture/", data)
    assert missing.status_code == 400 and "photos" in missing.json()["errors"]
    first = client.post("/inspections/capture/", {**data, "photos": photo()})
    again = client.post("/inspections/capture/", {**data, "photos": photo()})
    assert first.status_code == 201 and again.status_code == 200 and not again.json()["created"]
    assert Finding.objects.count() == 1
    cadre = world.client("village").post(
        "/inspections/capture/", {**data, "client_key": "x", "photos": photo()}
    )
    assert cadre.status_code == 404


def test_the_village_home_lists_open_orders_and_the_office_the_ones_to_accept(world):
    f = make_finding(world, world.villages[0])
    home = world.client("village").get("/").content.decode()
    assert f.item.name in home and "人居环境整改" in home
    services.submit_rectification(f, photo=photo(), acting_user=world.users["village"])
    assert "待验收整改" in world.client("staff").get("/").content.decode()


def test_each_units_recurrence_rate_for_the_year_beside_the_ranking(world):
    v1, v2, _ = world.villages
    rnd = make_round(world.town, days_ago=0, seed=7)
    record(world, rnd, v1, "C1", count=1)
    record(world, rnd, v1, "D1", count=1)
    first = Finding.objects.filter(village=v1).order_by("pk").first()
    Finding.objects.filter(pk=first.pk).update(is_recurrence=True)
    month = timezone.localdate().replace(day=1)
    rates = selectors.recurrence_rates(world.town, month)
    assert rates[v1.pk] == (1, 2) and v2.pk not in rates
    assert selectors.recurrence_rate_text(1, 2) == "50.0%（1/2）"
    assert selectors.recurrence_rate_text(0, 0) == "—"
    page = world.client("leader").get(f"/inspections/rankings/?month={month:%Y-%m}")
    html = page.content.decode()
    assert "年度反弹率" in html and "50.0%（1/2）" in html
    # A month before the findings: none of them counts yet.
    before = (month - timedelta(days=1)).replace(day=1)
    if before.year == month.year:
        assert selectors.recurrence_rates(world.town, before) == {}


def test_escalated_orders_wait_in_the_leaders_todos(world):
    f = make_finding(world, world.villages[0])
    services.escalate_overdue(f.deadline + timedelta(days=1))
    page = world.client("leader").get("/plan/my-tasks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "逾期整改（已上报）" in html and f"/inspections/findings/{f.pk}/" in html
    # Village cadres rectify; they do not get the leaders' escalation list.
    assert "逾期整改（已上报）" not in world.client("village").get("/").content.decode()
    # Once rectified and accepted it leaves the list.
    Finding.objects.filter(pk=f.pk).update(status=FindingStatus.ACCEPTED)
    assert (
        "逾期整改（已上报）" not in world.client("leader").get("/plan/my-tasks/").content.decode()
    )


def test_the_inspector_marks_items_not_applicable_on_the_round_page(world):
    v1 = world.villages[0]
    rnd = make_round(world.town, days_ago=0, seed=7, inspectors=[world.users["inspector"]])
    sheet = Sheet.objects.filter(round=rnd, village=v1).first()
    if sheet is None:
        with acting_as(None, Source.SYSTEM):
            sheet = Sheet.objects.create(town=world.town, round=rnd, village=v1, score=D(100))
    record(world, rnd, v1, "D1", count=2)  # −2 of 道路巷道 (10)
    sheet.refresh_from_db()
    assert sheet.score == D(98)
    page = world.client("inspector").get(rnd.get_absolute_url())
    assert 'data-testid="not-applicable"' in page.content.decode()
    url = f"/inspections/sheets/{sheet.pk}/not-applicable/"
    # A village cadre cannot change the sheet; an unknown code changes nothing.
    assert world.client("village").post(url, {"codes": ["G1"]}).status_code == 404
    world.client("inspector").post(url, {"codes": ["ZZ9"]})
    sheet.refresh_from_db()
    assert sheet.not_applicable == [] and sheet.score == D(98)
    # No public toilet here: G1 (公厕, 5 points) is left out and the score rescaled to 100.
    response = world.client("inspector").post(url, {"codes": ["G1"]})
    assert response.status_code == 302 and response["Location"].endswith("#sheets")
    sheet.refresh_from_db()
    assert sheet.not_applicable == ["G1"]
    assert sheet.score == (D(93) / D(95) * 100).quantize(sheet.score)
    assert (
        "已按适用项折算" in world.client("inspector").get(rnd.get_absolute_url()).content.decode()
    )
