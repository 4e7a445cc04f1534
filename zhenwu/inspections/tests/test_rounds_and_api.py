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
from zhenwu.inspections.models import Checklist, Finding, Round, RoundStatus, Sheet
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


# --------------------------------------------------------------------------- 复查


@pytest.fixture
def rectified(world):
    """Three rectified problems of village 1, 10 days ago: one accepted at a spot, one only
    submitted, one accepted elsewhere; and one still open (not revisited)."""
    from zhenwu.inspections.tests.helpers import make_spot

    v = world.villages[0]
    spot = make_spot(v, name="村口集中居住区")
    first = make_round(world.town, days_ago=12, seed=3)
    ins, cadre = world.users["inspector"], world.users["village"]
    ten_days_ago = timezone.now() - timedelta(days=10)
    a, _ = record(world, first, v, "C1", spot=spot, count=2, found_at=first.starts_at)
    b, _ = record(world, first, v, "D1", found_at=first.starts_at)
    c, _ = record(world, first, world.villages[1], "E1", found_at=first.starts_at)
    still_open, _ = record(world, first, v, "H1", found_at=first.starts_at)
    for f in (a, b):
        services.submit_rectification(f, photo=photo(), acting_user=cadre, when=ten_days_ago)
    services.submit_rectification(
        c, photo=photo(), acting_user=world.users["staff"], when=ten_days_ago
    )
    services.accept(a, acting_user=ins, when=ten_days_ago)
    services.accept(c, acting_user=ins, when=ten_days_ago)
    return {"a": a, "b": b, "c": c, "open": still_open, "spot": spot}


def test_a_reinspection_revisits_what_was_rectified_in_its_window(world, rectified):
    rnd = make_round(
        world.town, days_ago=0, kind="reinspection", inspectors=[world.users["inspector"]]
    )
    assert rnd.revisit_to == timezone.localdate() - timedelta(days=1)
    assert rnd.revisit_from == timezone.localdate() - timedelta(days=30)
    sheets = {s.village_id: s for s in rnd.sheets.all()}
    assert set(sheets) == {world.villages[0].pk, world.villages[1].pk}
    ids = {r["finding"] for s in sheets.values() for r in s.revisits}
    assert ids == {rectified["a"].pk, rectified["b"].pk, rectified["c"].pk}  # not the open one
    assert all(r["outcome"] == "pending" for s in sheets.values() for r in s.revisits)
    assert sheets[world.villages[0].pk].spot_ids == [rectified["spot"].pk]


def test_reinspection_window_errors_and_an_empty_window(world, rectified):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        make_round(
            world.town,
            days_ago=0,
            kind="reinspection",
            revisit_from=today - timedelta(days=3),
            revisit_to=today - timedelta(days=1),
        )
    assert "没有已整改的问题可复查" in exc.value.message_dict["revisit_from"][0]
    with pytest.raises(ValidationError) as exc:
        make_round(
            world.town,
            days_ago=0,
            kind="reinspection",
            revisit_from=today - timedelta(days=3),
            revisit_to=today - timedelta(days=5),
        )
    assert "revisit_to" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_round(world.town, days_ago=0, revisit_from=today - timedelta(days=3))
    assert "只有复查轮次" in exc.value.message_dict["revisit_from"][0]
    assert not Round.objects.filter(kind="reinspection").exists()
    # the next 复查 starts where the last one's period ended
    make_round(world.town, days_ago=0, kind="reinspection")
    later = timezone.localtime() + timedelta(days=5)
    first, last = services.default_revisit_window(world.town, later.date())
    assert first == today and last == later.date() - timedelta(days=1)


def test_reinspection_verdicts_accept_return_or_record_a_recurrence(world, rectified):
    ins = world.users["inspector"]
    rnd = make_round(world.town, days_ago=0, kind="reinspection", inspectors=[ins])
    s1 = rnd.sheets.get(village=world.villages[0])
    s2 = rnd.sheets.get(village=world.villages[1])
    a, b, c = rectified["a"], rectified["b"], rectified["c"]
    # fixed, accepted already: the order stays accepted
    entry, new = services.confirm_revisit(s2, finding_id=c.pk, outcome="fixed", acting_user=ins)
    assert entry["outcome"] == "fixed" and new is None
    c.refresh_from_db()
    assert c.status == "accepted"
    # still there, accepted before → recorded anew through record_finding: a 反弹
    with pytest.raises(ValidationError) as exc:  # C1 requires a photo
        services.confirm_revisit(s1, finding_id=a.pk, outcome="still", acting_user=ins)
    assert "必须上传现场照片" in str(exc.value)
    entry, new = services.confirm_revisit(
        s1, finding_id=a.pk, outcome="still", acting_user=ins, photos=[photo()]
    )
    assert new.round == rnd and new.spot == rectified["spot"] and new.count == 2
    assert new.is_recurrence and new.recurrence_of == a and new.deduction == D(4)
    # still there, only submitted → the same order goes back to the village
    services.confirm_revisit(s1, finding_id=b.pk, outcome="still", acting_user=ins, note="仍有淤泥")
    b.refresh_from_db()
    assert b.status == "returned" and b.return_note == "仍有淤泥"
    s1.refresh_from_db()
    assert [r["outcome"] for r in s1.revisits] == ["still", "still"]
    assert s1.score == D(96)
    # each problem is decided once; strangers and bad outcomes are refused
    with pytest.raises(ValidationError) as exc:
        services.confirm_revisit(s2, finding_id=c.pk, outcome="still", acting_user=ins)
    assert "已复查" in str(exc.value)
    with pytest.raises(ValidationError):
        services.confirm_revisit(s2, finding_id=a.pk, outcome="fixed", acting_user=ins)
    with pytest.raises(ValidationError):
        services.confirm_revisit(s1, finding_id=a.pk, outcome="maybe", acting_user=ins)
    with pytest.raises(ValidationError):
        services.confirm_revisit(
            s1, finding_id=a.pk, outcome="fixed", acting_user=world.users["village"]
        )
    # a 复查 does not enter the month's average score
    month = timezone.localdate().replace(day=1)
    rows = {r.village_id: r for r in selectors.monthly_ranking(world.town, month)}
    other_sheets = Sheet.objects.filter(village=world.villages[0], month=month).exclude(round=rnd)
    if not other_sheets.exists():
        assert rows[world.villages[0].pk].score is None


def test_fixed_on_revisit_accepts_an_order_waiting_for_acceptance(world, rectified):
    ins = world.users["inspector"]
    rnd = make_round(world.town, days_ago=0, kind="reinspection", inspectors=[ins])
    s1 = rnd.sheets.get(village=world.villages[0])
    services.confirm_revisit(s1, finding_id=rectified["b"].pk, outcome="fixed", acting_user=ins)
    rectified["b"].refresh_from_db()
    assert rectified["b"].status == "accepted" and rectified["b"].accepted_by == ins


def test_the_reinspection_page_shows_the_revisits_and_takes_verdicts(world, rectified):
    ins = world.users["inspector"]
    rnd = make_round(world.town, days_ago=0, kind="reinspection", inspectors=[ins])
    s1 = rnd.sheets.get(village=world.villages[0])
    html = world.client("inspector").get(rnd.get_absolute_url()).content.decode()
    assert 'data-testid="revisits"' in html and "待复查" in html and "问题仍在" in html
    res = world.client("inspector").post(
        f"/inspections/sheets/{s1.pk}/revisit/",
        {"finding": rectified["a"].pk, "outcome": "still", "count": "1", "photos": photo()},
    )
    assert res.status_code == 302
    assert Finding.objects.filter(round=rnd, is_recurrence=True).count() == 1
    bad = world.client("inspector").post(
        f"/inspections/sheets/{s1.pk}/revisit/", {"finding": "x", "outcome": "fixed"}
    )
    assert bad.status_code == 302
    village = world.client("village").post(
        f"/inspections/sheets/{s1.pk}/revisit/",
        {"finding": rectified["b"].pk, "outcome": "fixed"},
    )
    assert village.status_code == 404
    rectified["b"].refresh_from_db()
    assert rectified["b"].status == "submitted"


# --------------------------------------------------------------------------- checklist editing


def test_checklist_versioning_a_used_checklist_is_never_changed_in_place(world):
    admin = world.users["admin"]
    base = services.default_checklist(world.town)
    make_round(world.town)  # base is now in use
    assert services.checklist_in_use(base) == 1
    with pytest.raises(ValidationError) as exc:
        services.update_checklist(base, data={"units_per_round": 5}, acting_user=admin)
    assert "建立新版次" in str(exc.value)
    section = base.sections.first()
    with pytest.raises(ValidationError):
        services.save_section(base, section=section, data={"points": 20}, acting_user=admin)
    draft = services.new_checklist_edition(base, acting_user=admin, activate=False)
    assert draft.edition == 2 and not draft.is_active
    assert services.checklist_rules(draft)[0] == services.checklist_rules(base)[0]
    # the draft is edited in place: rules, a section's points, an item
    services.update_checklist(draft, data={"units_per_round": 5}, acting_user=admin)
    toilets = draft.sections.get(name="户厕")
    burning = draft.sections.get(name="垃圾与焚烧")
    a1 = toilets.items.get(code="A1")
    services.save_item(toilets, item=a1, data={"cap": D(10), "deadline_days": 5}, acting_user=admin)
    with pytest.raises(ValidationError) as exc:  # points below an item's cap
        services.save_section(draft, section=toilets, data={"points": D(5)}, acting_user=admin)
    assert "小于评分项A1" in str(exc.value)
    services.save_section(draft, section=toilets, data={"points": D(10)}, acting_user=admin)
    assert services.checklist_problems(draft) == ["各板块分值合计 95 分，应为 100 分。"]
    with pytest.raises(ValidationError):
        services.activate_checklist(draft, acting_user=admin)
    a1.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.save_item(toilets, item=a1, data={"cap": D(15)}, acting_user=admin)
    assert "最多扣分不能超过板块分值" in str(exc.value)
    services.save_section(draft, section=burning, data={"points": D(20)}, acting_user=admin)
    services.save_item(
        burning,
        data={
            "code": "b3",
            "name": "焚烧塑料",
            "deduction": D(20),
            "cap": D(20),
            "zeroes_section": True,
            "photo_required": True,
            "deadline_days": 0,
        },
        acting_user=admin,
    )
    with pytest.raises(ValidationError) as exc:  # codes are unique in a checklist
        services.save_item(
            burning,
            data={"code": "B3", "name": "重复", "deduction": D(1), "cap": D(1)},
            acting_user=admin,
        )
    assert "已被使用" in str(exc.value)
    services.activate_checklist(draft, acting_user=admin)
    base.refresh_from_db()
    draft.refresh_from_db()
    assert draft.is_active and not base.is_active
    assert services.default_checklist(world.town) == draft
    # the old edition and its round are untouched
    assert base.sections.get(name="户厕").points == D(15)
    assert base.sections.get(name="户厕").items.get(code="A1").cap == D(15)
    rnd = make_round(world.town, seed=4)
    assert rnd.checklist == draft and rnd.sheets.count() == 3  # 5 wanted, 3 villages
    assert item(rnd, "B3").zeroes_section


def test_who_may_edit_checklists(world):
    assert services.may_edit_checklists(world.users["admin"])
    assert services.may_edit_checklists(world.users["staff"])
    for who in ("inspector", "village", "leader", "staff_nomodule"):
        assert not services.may_edit_checklists(world.users[who]), who
    base = services.default_checklist(world.town)
    with pytest.raises(ValidationError):
        services.new_checklist_edition(base, acting_user=world.users["inspector"])


def test_checklist_pages_edit_a_draft_and_refuse_a_used_one(world):
    base = services.default_checklist(world.town)
    make_round(world.town)
    staff = world.client("staff")
    listing = staff.get("/inspections/checklists/")
    assert listing.status_code == 200 and str(base) in listing.content.decode()
    assert world.client("village").get("/inspections/checklists/").status_code == 404
    assert world.client("inspector").get(f"/inspections/checklists/{base.pk}/").status_code == 200
    page = staff.get(f"/inspections/checklists/{base.pk}/").content.decode()
    assert 'data-testid="checklist-in-use"' in page and 'data-testid="rules-form"' not in page
    refused = staff.post(
        f"/inspections/checklists/{base.pk}/", {"op": "rules", "units_per_round": "4"}
    )
    assert refused.status_code == 400 and "建立新版次" in refused.content.decode()
    res = staff.post(f"/inspections/checklists/{base.pk}/", {"op": "new_edition"})
    draft = Checklist.objects.get(edition=2)
    assert res.status_code == 302 and res["Location"].endswith(f"/checklists/{draft.pk}/")
    page = staff.get(f"/inspections/checklists/{draft.pk}/").content.decode()
    assert 'data-testid="rules-form"' in page and 'data-testid="add-item"' in page
    sec = draft.sections.get(name="公厕")
    g1 = sec.items.get(code="G1")
    ok = staff.post(
        f"/inspections/checklists/{draft.pk}/",
        {
            "op": "item",
            "id": g1.pk,
            "version": g1.version,
            "code": "G1",
            "name": "公厕脏乱",
            "deduction": "2",
            "cap": "5",
            "deadline_days": "1",
            "order": "1",
            "photo_required": "on",
        },
    )
    assert ok.status_code == 302
    g1.refresh_from_db()
    assert g1.deduction == D(2) and g1.deadline_days == 1 and not g1.zeroes_section
    stale = staff.post(
        f"/inspections/checklists/{draft.pk}/",
        {"op": "item", "id": g1.pk, "version": g1.version - 1, "code": "G1", "name": "x",
         "deduction": "1", "cap": "5", "deadline_days": "1", "order": "1"},
    )  # fmt: skip
    assert stale.status_code == 409
    bad = staff.post(
        f"/inspections/checklists/{draft.pk}/",
        {"op": "item", "section": sec.pk, "code": "G2", "name": "坏", "deduction": "0",
         "cap": "9", "deadline_days": "-1"},
    )  # fmt: skip
    html = bad.content.decode()
    assert bad.status_code == 400 and "整改时限" in html
    assert not sec.items.filter(code="G2").exists()
    over = staff.post(
        f"/inspections/checklists/{draft.pk}/",
        {"op": "item", "section": sec.pk, "code": "G2", "name": "坏", "deduction": "1",
         "cap": "9", "deadline_days": "1"},
    )  # fmt: skip
    import re

    assert over.status_code == 400, re.findall(r"alert[^>]*>([^<]*)", over.content.decode())
    assert "最多扣分不能超过板块分值" in over.content.decode(), re.findall(
        r"alert[^>]*>([^<]*)", over.content.decode()
    )
    act = staff.post(
        f"/inspections/checklists/{draft.pk}/", {"op": "activate", "version": draft.version}
    )
    assert act.status_code == 302
    draft.refresh_from_db()
    assert draft.is_active
    assert (
        world.client("inspector")
        .post(f"/inspections/checklists/{draft.pk}/", {"op": "new_edition"})
        .status_code
        == 404
    )


# --------------------------------------------------------------------------- ranking queries


def test_the_rankings_query_count_does_not_grow_with_towns_units_or_findings(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhenwu.core.models import Village

    month = timezone.localdate().replace(day=1)
    rnd = make_round(world.town, days_ago=0, seed=7)
    record(world, rnd, world.villages[0], "C1")

    def queries(towns):
        with CaptureQueriesContext(connection) as ctx:
            selectors.county_ranking(towns, month)
        return len(ctx.captured_queries)

    small = queries([world.town])
    with acting_as(None, Source.SYSTEM):
        for n in range(4):
            Village.objects.create(town=world.other_town, name=f"外镇{n}村", order=n + 2)
    other = make_round(world.other_town, days_ago=0, seed=8)
    for sheet in other.sheets.all():
        for code in ("C1", "D1", "E1"):
            services.record_finding(
                rnd=other, village=sheet.village, item=item(other, code), photos=[photo()],
                acting_user=None,
            )  # fmt: skip
    for v in world.villages:
        record(world, rnd, v, "H1")
    big = queries([world.town, world.other_town])
    assert big == small <= 5
    rows = selectors.county_ranking([world.town, world.other_town], month)
    assert sum(r.findings for r in rows[world.other_town.pk]) == 9
