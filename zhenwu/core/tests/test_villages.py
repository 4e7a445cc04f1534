"""Villages and departments through the shared battery, plus village specifics."""

from zhenwu.core.models import Department, Village
from zhenwu.core.resources import department_resource, village_resource
from zhenwu.core.testing import ResourceBattery


class TestVillageSurface(ResourceBattery):
    resource = village_resource
    editor = "admin"
    api_path = "villages"

    def make(self, world, village):
        n = Village.all_objects.count() + 1
        return Village.objects.create(town=village.town, name=f"新村{n}", order=50 + n)

    def form_data(self, world):
        return {"name": "新建村", "kind": "village", "code": "421081108299", "order": 20}


class TestDepartmentSurface(ResourceBattery):
    resource = department_resource
    editor = "admin"
    api_path = "departments"

    def make(self, world, village):
        n = Department.all_objects.count() + 1
        return Department.objects.create(town=village.town, name=f"专班{n}", modules=["projects"])

    def form_data(self, world):
        return {"name": "新专班", "kind": "taskforce", "modules": ["projects", "land"], "order": 3}


def test_village_order_in_api_is_display_order(world):
    api = world.api("leader")
    names = [v["name"] for v in api.get("villages").json()["items"]]
    assert names == ["村1", "村2", "村3"]


def test_village_cadre_reads_all_villages_but_edits_none(world):
    client = world.client("village")
    other = world.villages[1]
    assert client.get(f"/villages/{other.pk}/").status_code == 200
    assert client.get(f"/villages/{other.pk}/edit/").status_code == 404
    assert client.get(f"/villages/{world.villages[0].pk}/edit/").status_code == 404


def test_bad_village_code_names_the_field(world):
    client = world.client("admin")
    response = client.post(
        "/villages/add/", {"name": "坏代码村", "kind": "village", "code": "12AB", "order": 1}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["区划代码应为12位数字"]
    assert not Village.objects.filter(name="坏代码村").exists()
