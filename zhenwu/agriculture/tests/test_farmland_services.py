"""守粮安 services and pages: bad input refused with a message naming the field and nothing
stored; deadlines per type; recurrence on the same plot and type; the shared rectification flow
(after-photo, acceptance by the office only, send back, escalation); coverage per chief; the API."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenwu.agriculture import services_farmland as services
from zhenwu.agriculture.models.farmland import ChiefLevel, Patrol, PatrolFinding
from zhenwu.agriculture.tests.farmland_helpers import (
    make_chief,
    make_finding,
    make_patrol,
    make_plot,
    photo,
)
from zhenwu.core.rectification import RectificationStatus
from zhenwu.core.workcalendar import get_calendar


def test_bad_patrols_are_refused_and_nothing_stored(world):
    v1, v2 = world.villages[0], world.villages[1]
    cadre = world.users["village"]  # cadre of 村1
    make_chief(cadre, villages=[v1])
    p1, p2 = make_plot(v1), make_plot(v2)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.record_patrol(
            town=world.town, village=v1, plots=[p1], patrolled_on=tomorrow, acting_user=cadre
        )
    assert "晚于今天" in exc.value.message_dict["patrolled_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_patrol(
            town=world.town,
            village=v1,
            plots=[p1],
            findings=[{"plot": p2, "category": "FLH1"}],
            acting_user=cadre,
        )
    assert f"图斑 {p2.code} 不在巡田人负责的村（社区）内" in exc.value.message_dict["plot"][0]
    with pytest.raises(ValidationError) as exc:  # refused whole, never cut at 300
        services.record_patrol(
            town=world.town, village=v1, plots=[p1], note="巡" * 301, acting_user=cadre
        )
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.record_patrol(town=world.town, village=v2, plots=[p2], acting_user=cadre)
    assert "不在巡田人负责的村" in exc.value.message_dict["village"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_patrol(
            town=world.town, village=v1, plots=[p1], gps_points=[[29.7]], acting_user=cadre
        )
    assert "第1个点格式不正确" in exc.value.message_dict["gps_points"][0]
    assert not Patrol.all_objects.exists() and not PatrolFinding.all_objects.exists()
    # Today, in their village, with a track: stored.
    patrol = services.record_patrol(
        town=world.town, village=v1, plots=[p1], gps_points="[[29.7, 112.3]]", acting_user=cadre
    )
    assert patrol.level == ChiefLevel.VILLAGE and patrol.gps_points == [[29.7, 112.3]]


def test_patrol_form_errors_name_the_field_and_store_nothing(world):
    v1, v2 = world.villages[0], world.villages[1]
    p1 = make_plot(v1)
    client = world.client("village")
    base = {"village": v1.pk, "plots": [p1.pk], "finding_action": "report"}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    r = client.post("/agriculture/patrols/record/", {**base, "patrolled_on": tomorrow})
    assert r.status_code == 400 and "巡田日期" in r.content.decode()
    assert "晚于今天" in r.content.decode()
    today = timezone.localdate().isoformat()
    r = client.post(
        "/agriculture/patrols/record/",
        {**base, "patrolled_on": today, "gps_points": "[[1, 2], [3]]"},
    )
    assert r.status_code == 400 and "GPS轨迹第2个点格式不正确" in r.content.decode()
    # A plot of another village is not even offered to 村1's cadre.
    p2 = make_plot(v2)
    r = client.post(
        "/agriculture/patrols/record/",
        {**base, "patrolled_on": today, "finding_plot": p2.pk, "finding_category": "FLH1"},
    )
    assert r.status_code == 400 and "发现问题的图斑" in r.content.decode()
    assert not Patrol.all_objects.exists()


def test_deadline_by_type_in_working_days_and_town_override(world):
    v = world.villages[0]
    f = make_finding(world, v, category="QT1", days_ago=0)
    cal = get_calendar(world.town)
    assert f.deadline == cal.add_workdays(f.found_on, 5)
    setting = services.setting_of(world.town)
    setting.deadline_overrides = {"QT1": 0}
    setting.save()
    g = make_finding(world, v, category="QT1", days_ago=0)
    assert g.deadline == cal.add_workdays(g.found_on, 0)
    assert f.responsible is None or f.responsible.role == "village"


def _rectify_and_accept(world, finding, when):
    services.submit_rectification(
        finding, photo=photo("整改后.jpg"), acting_user=world.users["village"], when=when
    )
    return services.accept(finding, acting_user=world.users["staff"], when=when)


def test_recurrence_same_plot_same_type_within_window(world):
    v = world.villages[0]
    plot = make_plot(v)
    now = timezone.now()
    first = make_finding(world, v, plot=plot, category="FLH1", days_ago=30)
    _rectify_and_accept(world, first, now - timedelta(days=20))
    other_type = make_finding(world, v, plot=plot, category="FLH2", days_ago=5)
    assert not other_type.is_recurrence
    other_plot = make_finding(world, v, category="FLH1", days_ago=5)
    assert not other_plot.is_recurrence
    again = make_finding(world, v, plot=plot, category="FLH1", days_ago=5)
    assert again.is_recurrence and again.recurrence_of == first
    # Outside the town's window: not a recurrence.
    setting = services.setting_of(world.town)
    setting.recurrence_window_days = 10
    setting.save()
    late = make_finding(world, v, plot=plot, category="FLH1", days_ago=2)
    assert not late.is_recurrence


def test_shared_rectification_flow(world):
    v = world.villages[0]
    f = make_finding(world, v)
    village, staff = world.users["village"], world.users["staff"]
    with pytest.raises(ValidationError) as exc:
        services.submit_rectification(f, photo=None, acting_user=village)
    assert "整改后的现场照片" in exc.value.message_dict["photo"][0]
    with pytest.raises(ValidationError):
        services.accept(f, acting_user=staff)  # nothing submitted yet
    with pytest.raises(ValidationError) as exc:  # refused whole, never cut at 300
        services.submit_rectification(f, photo=photo(), acting_user=village, note="复" * 301)
    assert "rectification_note" in exc.value.message_dict
    f.refresh_from_db()
    assert f.status == RectificationStatus.OPEN and not f.rectification_note
    services.submit_rectification(f, photo=photo(), acting_user=village, note="已复耕")
    f.refresh_from_db()
    assert f.status == RectificationStatus.SUBMITTED and f.rectified_at
    from zhenwu.core.models import Attachment

    assert Attachment.objects.filter(object_id=f.pk, caption="整改后").count() == 1
    with pytest.raises(ValidationError) as exc:
        services.accept(f, acting_user=village)  # never the village that did the work
    assert "农业服务中心" in exc.value.message_dict["status"][0]
    with pytest.raises(ValidationError) as exc:
        services.send_back(f, note=" ", acting_user=staff)
    assert "退回原因" in exc.value.message_dict["return_note"][0]
    with pytest.raises(ValidationError) as exc:
        services.send_back(f, note="苗" * 301, acting_user=staff)
    assert "return_note" in exc.value.message_dict
    f.refresh_from_db()
    assert f.status == RectificationStatus.SUBMITTED and not f.return_note
    services.send_back(f, note="仍有苗木", acting_user=staff)
    f.refresh_from_db()
    assert f.status == RectificationStatus.RETURNED and f.return_note == "仍有苗木"
    services.submit_rectification(f, photo=photo(), acting_user=village)
    services.accept(f, acting_user=staff)
    f.refresh_from_db()
    assert f.status == RectificationStatus.ACCEPTED and f.accepted_by == staff
    assert f.on_time() is True
    with pytest.raises(ValidationError):
        services.submit_rectification(f, photo=photo(), acting_user=village)


def test_escalation_of_overdue_orders(world):
    v = world.villages[0]
    f = make_finding(world, v, category="QT1", days_ago=40)
    fresh = make_finding(world, v, category="QT1", days_ago=0)
    assert services.escalate_overdue(timezone.localdate()) == 1
    f.refresh_from_db()
    fresh.refresh_from_db()
    assert f.escalated and f.is_overdue() and not fresh.escalated
    assert services.escalate_overdue(timezone.localdate()) == 0  # once
    html = world.client("leader").get("/plan/my-tasks/").content.decode()
    assert "逾期耕地问题（已上报）" in html and f"/agriculture/farmland-findings/{f.pk}/" in html
    assert "逾期耕地问题（已上报）" not in world.client("village").get("/").content.decode()


def test_chief_page_lists_due_plots_and_open_findings(world):
    v1 = world.villages[0]
    cadre = world.users["village"]
    chief = make_chief(cadre, villages=[v1])
    due, fresh = make_plot(v1, code="应巡图斑甲"), make_plot(v1, code="已巡图斑乙")
    make_patrol(world, v1, user=cadre, plots=[due], days_ago=45)
    make_patrol(world, v1, user=cadre, plots=[fresh], days_ago=3)
    make_finding(world, v1, plot=fresh, user=cadre, category="FLH4")
    page = world.client("village").get("/agriculture/my-plots/").content.decode()
    due_part = page.split('data-testid="due-plots"')[1].split("</ul>")[0]
    assert "应巡图斑甲" in due_part and "已巡图斑乙" not in due_part
    assert "其他非粮化种植" in page
    # The town sees the same chief's page; another town does not.
    town_page = world.client("staff").get(f"/agriculture/field-chiefs/{chief.pk}/plots/")
    assert town_page.status_code == 200 and "应巡图斑甲" in town_page.content.decode()
    other = world.client("other_admin").get(f"/agriculture/field-chiefs/{chief.pk}/plots/")
    assert other.status_code == 404
    home = world.client("village").get("/").content.decode()
    assert "应巡图斑 1 块" in home


def test_api_patrols_and_bad_input(world):
    v1, v2 = world.villages[0], world.villages[1]
    p1, p2 = make_plot(v1), make_plot(v2)
    api = world.api("village")
    today = timezone.localdate()
    r = api.post(
        "patrols",
        {
            "village": v1.pk,
            "plots": [p1.pk],
            "patrolled_on": today.isoformat(),
            "gps_points": [[29.7, 112.3]],
            "findings": [{"plot": p1.pk, "category": "FLH1", "note": "种果树"}],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["findings"][0]["category"] == "FLH1" and body["plot_ids"] == [p1.pk]
    bad = [
        ({"patrolled_on": (today + timedelta(days=3)).isoformat()}, "patrolled_on"),
        ({"gps_points": "[[200, 1]]"}, "gps_points"),
        ({"gps_points": {"x": 1}}, "gps_points"),
        ({"findings": [{"plot": p2.pk, "category": "FLH1"}]}, "plot"),
        ({"findings": [{"plot": p1.pk, "category": "ZZZ"}]}, "category"),
    ]
    for change, field in bad:
        payload = {"village": v1.pk, "plots": [p1.pk], **change}
        r = api.post("patrols", payload)
        assert r.status_code == 422, (change, r.content)
        assert field in r.content.decode(), (change, r.content.decode())
    assert Patrol.objects.count() == 1
    listed = api.get("plots").json()
    assert [p["id"] for p in listed["items"]] == [p1.pk]
    assert "area_mu" in listed["items"][0]


def test_town_chief_patrols_any_village(world):
    leader = world.users["staff"]
    make_chief(leader, level=ChiefLevel.TOWN)
    plot = make_plot(world.villages[2])
    p = make_patrol(world, world.villages[2], user=leader, plots=[plot], days_ago=0)
    assert p.level == ChiefLevel.TOWN
    assert services.patroller_village_ids(leader, world.town) is None
    assert date.today() >= p.patrolled_on
