"""Every labour model through the shared battery (scoping, change log, stale edits, soft
delete, query counts, export re-import, API), plus the personal-number masking."""

from datetime import date

from zhenwu.core.testing import ResourceBattery
from zhenwu.labor.resources import (
    base_resource,
    certificate_resource,
    course_resource,
    enrollment_resource,
    exam_resource,
    placement_resource,
    session_resource,
    worker_resource,
)
from zhenwu.labor.tests.helpers import (
    make_base,
    make_certificate,
    make_course,
    make_enrollment,
    make_exam,
    make_placement,
    make_session,
    make_worker,
    rid,
    trade,
)


class TestWorkerSurface(ResourceBattery):
    resource = worker_resource
    api_path = "workers"

    def make(self, world, village):
        return make_worker(world, village)

    def form_data(self, world):
        return {
            "name": "新登记工人",
            "resident_id": rid("19880808"),
            "village": world.villages[0].pk,
            "phone": "13907161234",
            "trade": trade().pk,
            "skill_level": "4",
            "employment_status": "seeking",
        }


class TestTrainingSurface(ResourceBattery):
    resource = session_resource
    api_path = "trainings"

    def make(self, world, village):
        return make_session(village.town)

    def form_data(self, world):
        course = make_course(world.town)
        return {
            "name": "2025年第九期防水工培训班",
            "course": course.pk,
            "start_date": "2025-05-06",
            "end_date": "2025-05-10",
            "hours": "40",
            "trainer": "张师傅",
            "place": "培训基地",
        }


class TestEnrollmentSurface(ResourceBattery):
    resource = enrollment_resource

    def make(self, world, village):
        return make_enrollment(make_worker(world, village))

    def form_data(self, world):
        worker = make_worker(world, world.villages[0])
        session = make_session(world.town)
        return {"session": session.pk, "worker": worker.pk, "attendance": "attended"}


class TestExamSurface(ResourceBattery):
    resource = exam_resource

    def make(self, world, village):
        return make_exam(make_session(village.town))

    def form_data(self, world):
        session = make_session(world.town)
        return {
            "name": "防水工五级认定",
            "session": session.pk,
            "exam_date": "2025-03-15",
            "trade": trade().pk,
            "level": "5",
            "certificate_kind": "skill",
            "issuer": "石首市职业技能等级认定中心",
        }


class TestCertificateSurface(ResourceBattery):
    resource = certificate_resource
    api_path = "certificates"

    def make(self, world, village):
        return make_certificate(make_worker(world, village))

    def form_data(self, world):
        worker = make_worker(world, world.villages[0])
        return {
            "worker": worker.pk,
            "kind": "skill",
            "trade": trade().pk,
            "level": "5",
            "number": "S2025421080001",
            "issuer": "石首市职业技能等级认定中心",
            "issued_on": "2025-04-01",
            "expires_on": "2030-03-31",
        }


class TestPlacementSurface(ResourceBattery):
    resource = placement_resource
    api_path = "placements"

    def make(self, world, village):
        return make_placement(make_worker(world, village))

    def form_data(self, world):
        worker = make_worker(world, world.villages[0])
        return {
            "worker": worker.pk,
            "employer": "中建三局某项目部",
            "project": "地铁车站防水",
            "place": "武汉市",
            "destination": "province",
            "start_date": "2025-06-01",
            "wage_band": "5000_8000",
        }


class TestCourseSurface(ResourceBattery):
    resource = course_resource

    def make(self, world, village):
        return make_course(village.town)

    def form_data(self, world):
        return {"name": "防水工中级培训", "trade": trade().pk, "level": "4", "hours": "56"}


class TestBaseSurface(ResourceBattery):
    resource = base_resource

    def make(self, world, village):
        return make_base(village.town)

    def form_data(self, world):
        return {"name": "防水培训就业基地", "completed_on": "2025-09-20", "capacity": "1200"}


# --- personal numbers -----------------------------------------------------------------------


def test_resident_id_and_phone_masked_for_users_without_permission(world):
    w = make_worker(world, resident_id=rid("19850612"), phone="13907161234")
    leader = world.client("leader")  # no can_see_personal_numbers
    for url in ("/labor/workers/", w.get_absolute_url()):
        page = leader.get(url).content.decode()
        assert w.resident_id not in page and "13907161234" not in page
        assert w.resident_id[:6] + "********" + w.resident_id[-4:] in page
        assert "139****1234" in page
    admin = world.client("admin")  # may see them
    assert w.resident_id in admin.get(w.get_absolute_url()).content.decode()
    item = world.api("leader").get(f"workers/{w.pk}").json()
    assert item["resident_id"] == w.resident_id[:6] + "********" + w.resident_id[-4:]
    assert item["phone"] == "139****1234"
    assert world.api("admin").get(f"workers/{w.pk}").json()["resident_id"] == w.resident_id


def test_edit_form_keeps_masked_numbers(world):
    w = make_worker(world, resident_id=rid("19850612"), phone="13907161234")
    staff = world.client("staff")  # edits the module, may not see personal numbers
    form = staff.get(f"/labor/workers/{w.pk}/edit/").content.decode()
    assert w.resident_id not in form and "13907161234" not in form
    from zhenwu.core.testing import _form_post_data

    data = _form_post_data(staff.get(f"/labor/workers/{w.pk}/edit/").context["form"])
    data["note"] = "改备注"
    r = staff.post(f"/labor/workers/{w.pk}/edit/", data)
    assert r.status_code == 302
    w.refresh_from_db()
    assert w.note == "改备注" and w.phone == "13907161234" and len(w.resident_id) == 18


def test_worker_form_derives_sex_and_birth_and_converts_15_digits(world):
    staff = world.client("staff")
    r = staff.post(
        "/labor/workers/add/",
        {"name": "老证工人", "resident_id": "421081750301124", "employment_status": "seeking"},
    )
    assert r.status_code == 302
    from zhenwu.labor.models import Worker

    w = Worker.objects.get(name="老证工人")
    assert w.resident_id.startswith("42108119750301124") and len(w.resident_id) == 18
    assert w.sex == "F" and w.birth_date == date(1975, 3, 1)


def test_worker_form_errors_name_the_field(world):
    make_worker(world, name="张三", resident_id=rid("19850612", seq=7))
    staff = world.client("staff")
    cases = [
        (rid("19850612", seq=7), "已登记为「张三」"),
        (rid("19850612")[:17] + "Y", "校验位"),
        ("421081198502301234", "不是有效日期"),
        (rid("20150101"), "未满16周岁"),
    ]
    for value, message in cases:
        r = staff.post(
            "/labor/workers/add/",
            {"name": "李四", "resident_id": value, "employment_status": "seeking"},
        )
        assert r.status_code == 400, value
        assert message in r.context["form"].errors["resident_id"][0], value
