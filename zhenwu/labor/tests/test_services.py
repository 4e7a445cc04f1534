"""Rules of the training base and placements: date rules, enrolment, attendance, certificates
from exams (skill level rises), placements moving the worker's current employment; the board's
indicators as of a date; the dashboard; the API's writes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenwu.core.models import ObjectChange
from zhenwu.labor import services
from zhenwu.labor.models import Certificate, Placement, Worker
from zhenwu.labor.tests.helpers import (
    make_base,
    make_certificate,
    make_enrollment,
    make_exam,
    make_placement,
    make_session,
    make_worker,
    trade,
)
from zhenwu.plan.indicators import IndicatorContext, get_indicator


def test_certificate_expiring_before_issue_is_refused(world):
    w = make_worker(world)
    staff = world.users["staff"]
    with pytest.raises(ValidationError) as exc:
        services.certify(
            worker=w,
            data={
                "number": "A1",
                "issuer": "某中心",
                "issued_on": date(2025, 5, 1),
                "expires_on": date(2025, 4, 30),
            },
            acting_user=staff,
        )
    assert "有效期至 2025-04-30 早于发证日期 2025-05-01" in exc.value.message_dict["expires_on"][0]
    # the same day is allowed
    services.certify(
        worker=w,
        data={
            "number": "A2",
            "issuer": "某中心",
            "issued_on": date(2025, 5, 1),
            "expires_on": date(2025, 5, 1),
        },
        acting_user=staff,
    )
    assert Certificate.objects.count() == 1


def test_certificate_form_error_names_the_field(world):
    w = make_worker(world)
    r = world.client("staff").post(
        "/labor/certificates/add/",
        {
            "worker": w.pk,
            "kind": "skill",
            "number": "X1",
            "issuer": "某中心",
            "issued_on": "2025-05-01",
            "expires_on": "2024-05-01",
        },
    )
    assert r.status_code == 400
    assert "早于发证日期" in r.context["form"].errors["expires_on"][0]
    assert Certificate.objects.count() == 0


def test_placement_ending_before_start_is_refused_everywhere(world):
    w = make_worker(world)
    with pytest.raises(ValidationError) as exc:
        services.record_placement(
            worker=w,
            data={
                "employer": "某公司",
                "place": "上海",
                "destination": "other_province",
                "start_date": date(2025, 5, 2),
                "end_date": date(2025, 5, 1),
            },
            acting_user=world.users["staff"],
        )
    assert "离岗日期 2025-05-01 早于上岗日期 2025-05-02" in exc.value.message_dict["end_date"][0]
    r = world.api("staff").post(
        "placements",
        {
            "worker_id": w.pk,
            "employer": "某公司",
            "place": "上海",
            "destination": "abroad",
            "start_date": "2025-05-02",
            "end_date": "2025-05-01",
        },
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "end_date"
    assert Placement.objects.count() == 0


def test_placement_needs_an_employer_and_takes_a_local_enterprise_name(world):
    from zhenwu.enterprises.tests.helpers import make_enterprise

    w = make_worker(world)
    with pytest.raises(ValidationError) as exc:
        services.record_placement(
            worker=w,
            data={"place": "南口镇", "destination": "town", "start_date": date(2025, 5, 2)},
            acting_user=world.users["staff"],
        )
    assert "employer" in exc.value.message_dict
    ent = make_enterprise(world, world.villages[0], name="南口防水公司")
    p = services.record_placement(
        worker=w,
        data={
            "enterprise": ent,
            "place": "南口镇",
            "destination": "town",
            "start_date": date(2025, 5, 2),
        },
        acting_user=world.users["staff"],
    )
    assert p.employer == "南口防水公司"


def test_current_placement_moves_the_workers_employment(world):
    w = make_worker(world)
    today = timezone.localdate()
    p = services.record_placement(
        worker=w,
        data={
            "employer": "中建三局",
            "place": "深圳市",
            "destination": "other_province",
            "start_date": today - timedelta(days=10),
            "wage_band": "8000_12000",
        },
        acting_user=world.users["staff"],
    )
    w.refresh_from_db()
    assert (w.employment_status, w.employer, w.destination, w.income_band) == (
        "employed", "中建三局", "other_province", "8000_12000")  # fmt: skip
    services.update_placement(
        p, data={"end_date": today - timedelta(days=1)}, acting_user=world.users["staff"]
    )
    w.refresh_from_db()
    assert w.employment_status == "seeking"


def test_enrol_attend_and_certify_from_an_exam(world):
    w = make_worker(world, skill_level="")
    session = make_session(world.town)
    staff = world.users["staff"]
    with pytest.raises(ValidationError) as exc:  # refused whole, never cut at 200
        services.enroll(session=session, worker=w, acting_user=staff, note="备" * 201)
    assert "note" in exc.value.message_dict
    e = services.enroll(session=session, worker=w, acting_user=staff)
    with pytest.raises(ValidationError):
        services.enroll(session=session, worker=w, acting_user=staff)
    exam = make_exam(session, valid_years=5)
    with pytest.raises(ValidationError) as exc:  # not attended yet
        services.certify(worker=w, exam=exam, data={"number": "S1"}, acting_user=staff)
    assert "未参加" in exc.value.messages[0]
    services.set_attendance(e, attendance="attended", acting_user=staff)
    e.refresh_from_db()
    assert e.hours_attended == session.hours
    cert = services.certify(worker=w, exam=exam, data={"number": "S1"}, acting_user=staff)
    assert cert.issued_on == exam.exam_date and cert.level == "5" and cert.exam == exam
    assert cert.expires_on == exam.exam_date.replace(year=exam.exam_date.year + 5)
    w.refresh_from_db()
    assert w.skill_level == "5"
    # a lower certificate never lowers the level
    services.certify(
        worker=w, data={"number": "S0", "issuer": "x", "issued_on": date(2025, 1, 1), "level": "4"},
        acting_user=staff,
    )  # fmt: skip
    w.refresh_from_db()
    assert w.skill_level == "4"
    make_certificate(w, number="S9", level="5")
    services.certify(
        worker=w, data={"number": "S8", "issuer": "x", "issued_on": date(2025, 1, 1), "level": "5"},
        acting_user=staff,
    )  # fmt: skip
    w.refresh_from_db()
    assert w.skill_level == "4"
    assert ObjectChange.objects.filter(content_type__model="certificate", source="shell").exists()


def test_session_and_exam_date_rules(world):
    session = make_session(world.town)
    session.end_date = session.start_date - timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        session.full_clean()
    assert "早于开班日期" in exc.value.message_dict["end_date"][0]
    session.refresh_from_db()
    exam = make_exam(session)
    exam.exam_date = session.start_date - timedelta(days=1)
    with pytest.raises(ValidationError):
        exam.full_clean()


def _ctx(world, as_of, year=2025):
    return IndicatorContext(town=world.town, year=year, as_of=as_of)


def test_indicators_count_as_of_the_date(world):
    w1, w2 = make_worker(world), make_worker(world, world.villages[1])
    march = make_session(world.town, date(2025, 3, 3), date(2025, 3, 8))
    sept = make_session(world.town, date(2025, 9, 1), date(2025, 9, 5))
    last_year = make_session(world.town, date(2024, 12, 1), date(2024, 12, 5))
    for s in (march, sept, last_year):
        make_enrollment(w1, s)
    make_enrollment(w2, march)
    make_enrollment(w2, sept, attendance="absent")
    person_times = get_indicator("labor.training_person_times")
    assert person_times.evaluate(_ctx(world, date(2025, 12, 31))) == 3
    assert person_times.evaluate(_ctx(world, date(2025, 6, 30))) == 2
    assert person_times.evaluate(_ctx(world, date(2025, 3, 7))) == 0  # ends on the 8th
    # a deleted worker no longer counts
    w2.is_deleted = True
    w2.save()
    assert person_times.evaluate(_ctx(world, date(2025, 12, 31))) == 2

    make_certificate(w1, issued_on=date(2025, 3, 20))
    make_certificate(w1, issued_on=date(2024, 12, 20))
    certs = get_indicator("labor.certificates_issued")
    assert certs.evaluate(_ctx(world, date(2025, 12, 31))) == 1
    assert certs.evaluate(_ctx(world, date(2025, 3, 19))) == 0

    make_placement(w1, start_date=date(2025, 5, 1))
    make_placement(w1, start_date=date(2025, 8, 1))
    placed = get_indicator("labor.workers_placed")
    assert placed.evaluate(_ctx(world, date(2025, 12, 31))) == 1  # one person, twice
    assert placed.evaluate(_ctx(world, date(2025, 4, 30))) == 0


def test_base_built_follows_its_project(world):
    from zhenwu.projects.models import Project, ProjectCategory

    cat, _ = ProjectCategory.objects.get_or_create(
        town=world.town, key="other", defaults={"label": "其他"}
    )
    project = Project.objects.create(town=world.town, name="培训基地建设", category=cat)
    make_base(world.town, project=project, completed_on=date(2025, 1, 1))
    built = get_indicator("labor.bases_built")
    assert built.evaluate(_ctx(world, date(2025, 12, 31))) == 0  # project not finished
    project.actual_start, project.actual_finish = date(2025, 3, 1), date(2025, 9, 20)
    project.save()
    assert built.evaluate(_ctx(world, date(2025, 9, 19))) == 0
    assert built.evaluate(_ctx(world, date(2025, 9, 20))) == 1
    make_base(world.town, completed_on=date(2025, 10, 1))  # no project: its own date
    assert built.evaluate(_ctx(world, date(2025, 12, 31))) == 2


def test_dashboard_figures_and_village_scope(world):
    w1 = make_worker(world, world.villages[0], skill_level="4", income_band="5000_8000")
    w2 = make_worker(world, world.villages[1])
    s = make_session(world.town, date(2025, 3, 3), date(2025, 3, 8))
    make_enrollment(w1, s)
    make_enrollment(w2, s)
    make_certificate(w1, issued_on=date(2025, 3, 20))
    make_placement(w1, destination="other_province", start_date=date(2025, 4, 1))
    make_placement(w2, destination="town", start_date=date(2025, 4, 1))
    r = world.client("leader").get("/labor/dashboard/?year=2025")
    d = r.context["d"]
    assert (d.person_times, d.trained, d.certificates, d.placed) == (2, 2, 1, 2)
    assert d.outside_share == Decimal("50.0")
    assert {v["name"]: v["trained"] for v in d.by_village}["村2"] == 1
    assert next(x for x in d.by_skill if x["key"] == "4")["count"] == 1
    page = r.content.decode()
    assert 'id="labor-dashboard-data"' in page and "vendor/echarts/echarts.min.js" in page
    # a village cadre sees their village only
    d = world.client("village").get("/labor/dashboard/?year=2025").context["d"]
    assert (d.person_times, d.placed, d.workers) == (1, 1, 1)
    assert [v["name"] for v in d.by_village] == ["村1"]
    # junk year: a message, not a 500
    r = world.client("leader").get("/labor/dashboard/?year=abc")
    assert r.status_code == 200


def test_session_page_enrol_attend_certify(world):
    w = make_worker(world, name="学员甲")
    s = make_session(world.town, date(2025, 3, 3), date(2025, 3, 8))
    exam = make_exam(s)
    staff = world.client("staff")
    r = staff.post(f"/labor/trainings/{s.pk}/enroll/", {"who": w.resident_id})
    assert r.status_code == 302
    e = w.enrollments.get()
    staff.post(f"/labor/enrollments/{e.pk}/attendance/", {"attendance": "attended"})
    staff.post(f"/labor/enrollments/{e.pk}/certify/", {"exam": exam.pk, "number": "N-1"})
    assert Certificate.objects.get().worker == w
    page = staff.get(s.get_absolute_url()).content.decode()
    assert "已取证" in page and "学员甲" in page
    page = staff.get(w.get_absolute_url()).content.decode()
    assert s.name in page and "N-1" in page
    # unknown trainee: a message, nothing stored
    r = staff.post(f"/labor/trainings/{s.pk}/enroll/", {"who": "查无此人"}, follow=True)
    assert "找不到务工人员" in r.content.decode()
    # a village cadre cannot change another village's attendance
    other = make_enrollment(make_worker(world, world.villages[1]), s)
    r = world.client("village").post(
        f"/labor/enrollments/{other.pk}/attendance/", {"attendance": "absent"}
    )
    assert r.status_code == 404


def test_api_workers_create_and_validation(world):
    api = world.api("staff")
    r = api.post("workers", {"name": "接口工人", "resident_id": "421081750301124",
                             "village": world.villages[0].pk, "trade": trade().pk})  # fmt: skip
    assert r.status_code == 201, r.content
    w = Worker.objects.get(name="接口工人")
    assert len(w.resident_id) == 18 and w.sex == "F"
    r = api.post("workers", {"name": "坏号", "resident_id": "4.21081E+17"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "resident_id"
    assert "科学计数法" in r.json()["detail"][0]["message"]
    r = api.post("workers", {"name": "外村", "resident_id": "421081750301124",
                             "village": world.other_village.pk})  # fmt: skip
    assert r.status_code == 422


def test_api_trainings_show_trainees(world):
    w = make_worker(world)
    s = make_session(world.town)
    make_enrollment(w, s)
    item = world.api("leader").get(f"trainings/{s.pk}").json()
    assert item["trainees"] == [
        {"worker_id": w.pk, "attendance": "attended", "hours_attended": None}
    ]
