"""Issue-13 gaps: the rankings API's recurrence rate, the draw honouring the form's end date,
checklist and note, closing a round from its page, photos through `POST /api/v1/findings`,
the 复查 flow and the query count of the ranking."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.inspections import selectors, services
from zhenwu.inspections.models import Finding, Round, RoundStatus, Sheet
from zhenwu.inspections.tests.helpers import item, make_round, photo


def record(world, rnd, village, code="C1", **kw):
    kw.setdefault("photos", [photo()])
    kw.setdefault("acting_user", world.users["inspector"])
    return services.record_finding(rnd=rnd, village=village, item=item(rnd, code), **kw)


# --------------------------------------------------------------------------- rankings API


def test_rankings_api_carries_the_years_recurrence_rate(world):
    v1, v2, v3 = world.villages
    rnd = make_round(world.town, days_ago=0, seed=7)
    Sheet.objects.filter(round=rnd).delete()
    with acting_as(None, Source.SYSTEM):
        for v in (v1, v2):
            Sheet.objects.create(town=world.town, round=rnd, village=v, score=D(100))
    record(world, rnd, v1, "C1")
    record(world, rnd, v1, "D1")
    record(world, rnd, v1, "E1")
    first = Finding.objects.filter(village=v1).order_by("pk").first()
    Finding.objects.filter(pk=first.pk).update(is_recurrence=True)
    month = timezone.localdate().replace(day=1)
    body = world.api("leader").get("rankings", month=f"{month:%Y-%m}").json()
    assert set(body) == {"month", "items", "count"} and body["count"] == 3
    by_id = {i["village_id"]: i for i in body["items"]}
    for key in (
        "village_id",
        "village",
        "score",
        "rank",
        "flag",
        "findings",
        "rectified_on_time",
        "recurrences",
        "recurrence_rate",
    ):
        assert key in by_id[v1.pk]
    assert float(by_id[v1.pk]["recurrence_rate"]) == 33.3  # 1 of 3, as the page's 33.3%（1/3）
    assert by_id[v2.pk]["recurrence_rate"] is None  # no finding this year: no rate, not 0
    assert by_id[v3.pk]["recurrence_rate"] is None and by_id[v3.pk]["score"] is None
    assert selectors.recurrence_rate_percent(1, 8) == D("12.5")
    assert selectors.recurrence_rate_percent(0, 4) == D(0)


# --------------------------------------------------------------------------- the draw's options


def _second_checklist(world, **kw):
    """An active second checklist of the town (a copy of the default with other draw rules)."""
    base = services.default_checklist(world.town)
    return services.new_checklist_edition(base, acting_user=world.users["admin"], data=kw)


def test_draw_round_honours_end_date_checklist_and_note(world):
    start = timezone.now() + timedelta(days=2)
    other = _second_checklist(world, units_per_round=1, spots_per_unit=0)
    with acting_as(None, Source.SYSTEM):
        rnd = services.draw_round(
            town=world.town,
            starts_at=start,
            acting_user=world.users["staff"],
            ends_on=timezone.localtime(start).date() + timedelta(days=3),
            checklist=other,
            note="重点看主干沟渠",
        )
    rnd.refresh_from_db()
    assert rnd.ends_on == timezone.localtime(start).date() + timedelta(days=3)
    assert rnd.checklist == other and rnd.note == "重点看主干沟渠"
    assert rnd.sheets.count() == 1  # the chosen checklist's units per round, not the default 3


def test_draw_round_refuses_a_bad_end_date_or_checklist_and_stores_nothing(world):
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        services.draw_round(
            town=world.town,
            starts_at=start,
            acting_user=None,
            ends_on=timezone.localtime(start).date() - timedelta(days=1),
        )
    assert "结束日期不能早于开始日期" in exc.value.message_dict["ends_on"][0]
    foreign = services.default_checklist(world.other_town)
    with pytest.raises(ValidationError) as exc:
        services.draw_round(town=world.town, starts_at=start, acting_user=None, checklist=foreign)
    assert "checklist" in exc.value.message_dict
    assert not Round.objects.filter(town=world.town).exists()


def test_the_new_round_form_passes_end_date_checklist_and_note_to_the_draw(world):
    other = _second_checklist(world, units_per_round=2)
    start = timezone.localtime() + timedelta(days=3)
    page = world.client("staff").post(
        "/inspections/inspections/add/",
        {
            "title": "",
            "kind": "unannounced",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_on": (start.date() + timedelta(days=2)).isoformat(),
            "checklist": other.pk,
            "note": "月底前集中检查",
            "inspectors": [world.users["inspector"].pk],
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    rnd = Round.objects.get(town=world.town)
    assert rnd.ends_on == start.date() + timedelta(days=2)
    assert rnd.checklist == other and rnd.note == "月底前集中检查"
    assert rnd.sheets.count() == 2
    bad = world.client("staff").post(
        "/inspections/inspections/add/",
        {
            "kind": "unannounced",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_on": (start.date() - timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    assert Round.objects.filter(town=world.town).count() == 1


def test_rounds_api_post_takes_end_date_checklist_and_note(world):
    start = timezone.now() + timedelta(days=2)
    res = world.api("staff").post(
        "inspections",
        {
            "starts_at": start.isoformat(),
            "ends_on": (timezone.localtime(start).date() + timedelta(days=1)).isoformat(),
            "note": "接口抽签",
        },
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["note"] == "接口抽签"
    assert body["ends_on"] == (timezone.localtime(start).date() + timedelta(days=1)).isoformat()
    bad = world.api("staff").post(
        "inspections", {"starts_at": start.isoformat(), "checklist": 99999}
    )
    assert bad.status_code in (400, 422) and "checklist" in str(bad.json())


# --------------------------------------------------------------------------- closing a round


def test_the_rounds_inspector_closes_it_from_the_page_with_a_version_check(world):
    from zhenwu.core.testing import changes_of

    rnd = make_round(world.town, inspectors=[world.users["inspector"]])
    url = rnd.get_absolute_url()
    html = world.client("inspector").get(url).content.decode()
    assert 'data-testid="close-round"' in html
    assert 'data-testid="close-round"' not in world.client("village").get(url).content.decode()
    stale = world.client("inspector").post(
        f"/inspections/inspections/{rnd.pk}/close/", {"version": rnd.version - 1}
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.DRAWN
    ok = world.client("inspector").post(
        f"/inspections/inspections/{rnd.pk}/close/", {"version": rnd.version}
    )
    assert ok.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    entry = changes_of(rnd).last()
    assert entry.user == world.users["inspector"]
    assert 'data-testid="close-round"' not in world.client("inspector").get(url).content.decode()
    # closing twice: a message, not an error page
    again = world.client("inspector").post(f"/inspections/inspections/{rnd.pk}/close/", {})
    assert again.status_code == 302


def test_who_may_close_a_round(world):
    from zhenwu.core.models import Role
    from zhenwu.core.testing import make_user

    rnd = make_round(world.town, inspectors=[world.users["inspector"]])
    other = make_user("inspector_2", Role.INSPECTOR, world.town)
    assert services.may_close(world.users["inspector"], rnd)
    assert services.may_close(world.users["staff"], rnd)
    assert not services.may_close(other, rnd)
    assert not services.may_close(world.users["village"], rnd)
    res = world.client("village").post(f"/inspections/inspections/{rnd.pk}/close/", {})
    assert res.status_code == 404
    from django.test import Client

    c = Client()
    c.force_login(other)
    c.post(f"/inspections/inspections/{rnd.pk}/close/", {})
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.DRAWN


def test_an_offline_finding_sent_after_closing_from_the_page_is_kept_and_flagged(world):
    rnd = make_round(world.town, inspectors=[world.users["inspector"]])
    world.client("inspector").post(
        f"/inspections/inspections/{rnd.pk}/close/", {"version": rnd.version}
    )
    res = world.client("inspector").post(
        "/inspections/capture/",
        {
            "round": rnd.pk,
            "village": world.villages[0].pk,
            "item": item(rnd, "C1").pk,
            "client_key": "queued-before-close",
            "photos": photo(),
        },
    )
    assert res.status_code == 201
    assert any("本轮结束后" in f for f in res.json()["flags"])
    assert Finding.objects.filter(client_key="queued-before-close").count() == 1


# --------------------------------------------------------------------------- photos through the API


def _b64_photo():
    import base64

    return base64.b64encode(photo().read()).decode()


def test_api_findings_carry_photos_for_items_that_require_one(world):
    from zhenwu.core.services import attachments_for

    rnd = make_round(world.town, inspectors=[world.users["inspector"]])
    api = world.api("inspector")
    base = {"round": rnd.pk, "village": world.villages[0].pk, "item": item(rnd, "C1").pk}
    missing = api.post("findings", {**base, "client_key": "api-1"})
    assert missing.status_code == 422 and "必须上传现场照片" in str(missing.json())
    res = api.post(
        "findings",
        {
            **base,
            "count": 2,
            "client_key": "api-1",
            "photos": [{"name": "前.jpg", "data": "data:image/jpeg;base64," + _b64_photo()}],
            "photo_taken_at": (rnd.starts_at - timedelta(days=1)).isoformat(),
        },
    )
    assert res.status_code == 201, res.content
    f = Finding.objects.get(pk=res.json()["id"])
    atts = list(attachments_for(f))
    assert len(atts) == 1 and atts[0].is_photo and atts[0].caption == "整改前"
    assert any("早于本轮" in x for x in f.flags)  # the photo's time is checked as on the page
    # the same key again: the stored one, no second photo
    again = api.post(
        "findings", {**base, "client_key": "api-1", "photos": [{"data": _b64_photo()}]}
    )
    assert again.status_code == 201 and again.json()["id"] == f.pk
    assert Finding.objects.count() == 1 and len(list(attachments_for(f))) == 1


def test_api_finding_photos_bad_input_names_the_photo_and_stores_nothing(world):
    rnd = make_round(world.town, inspectors=[world.users["inspector"]])
    api = world.api("inspector")
    base = {"round": rnd.pk, "village": world.villages[0].pk, "item": item(rnd, "C1").pk}
    bad64 = api.post("findings", {**base, "photos": [{"name": "a.jpg", "data": "@@@"}]})
    assert bad64.status_code == 422 and "第1张照片" in str(bad64.json())
    import base64

    not_image = base64.b64encode(b"not a jpeg at all").decode()
    res = api.post(
        "findings",
        {**base, "photos": [{"data": _b64_photo()}, {"name": "b.jpg", "data": not_image}]},
    )
    assert res.status_code == 422 and "第2张照片" in str(res.json())
    exe = api.post("findings", {**base, "photos": [{"name": "x.exe", "data": _b64_photo()}]})
    assert exe.status_code == 422 and "不支持的文件类型" in str(exe.json())
    too_many = api.post("findings", {**base, "photos": [{"data": _b64_photo()}] * 6})
    assert too_many.status_code == 422 and "最多附5张" in str(too_many.json())
    assert Finding.objects.count() == 0


def test_village_cadres_cannot_record_findings_through_the_api(world):
    rnd = make_round(world.town)
    res = world.api("village").post(
        "findings",
        {"round": rnd.pk, "village": world.villages[0].pk, "item": item(rnd, "I1").pk},
    )
    assert res.status_code == 404 and Finding.objects.count() == 0
