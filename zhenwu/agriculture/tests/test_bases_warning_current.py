"""A base's farmland warning stays current whichever door changes what it depends on: the
plots of its villages (form, API, delete, restore, a move to another village) and the base
itself (form, API, ledger import) — written through `save()`, so the change log has it, and
without a new version of the base (a clerk holding its form is not made stale)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from zhenwu.agriculture import services_bases
from zhenwu.agriculture.models import Base
from zhenwu.agriculture.models.farmland import Plot
from zhenwu.agriculture.tests.farmland_helpers import make_plot
from zhenwu.agriculture.tests.helpers_bases import make_base
from zhenwu.core.ledgers import get_ledger
from zhenwu.core.testing import _form_post_data, changes_of

WARNS = "大于村1在册耕地"


@pytest.fixture
def farm(world):
    """村1 has 300 亩 of plots on record; a base of 250 亩 there is within it."""
    plots = [make_plot(world.villages[0], area_mu=Decimal(150)) for _ in range(2)]
    base = make_base(world, area_mu=Decimal(250))
    assert base.warning == ""
    return {"plots": plots, "base": base}


def _edit_plot_on_the_page(world, plot, **changes):
    client = world.client("staff")
    url = f"/agriculture/plots/{plot.pk}/edit/"
    form = client.get(url).context["form"]
    data = {**_form_post_data(form), **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _base_page(world, base, who="staff") -> str:
    """The 提醒 the base's page shows in its fields (the page's change log holds old ones)."""
    response = world.client(who).get(f"/agriculture/bases/{base.pk}/")
    assert response.status_code == 200
    shown = dict((str(label), str(value)) for label, value in response.context["rows"])
    assert shown["提醒"] in response.content.decode()
    return shown["提醒"]


def _api_base(world, base) -> dict:
    response = world.api("staff").get(f"bases/{base.pk}")
    assert response.status_code == 200
    return response.json()


def _warning_entries(base):
    return [e for e in changes_of(base) if "warning" in (e.changed_fields or [])]


def test_a_plot_shrunk_on_its_form_raises_the_warning_on_the_base_page(world, farm):
    base = farm["base"]
    assert WARNS not in _base_page(world, base)
    _edit_plot_on_the_page(world, farm["plots"][0], area_mu="50")
    page = _base_page(world, base)
    assert "基地面积 250 亩大于村1在册耕地 200 亩" in page
    assert _api_base(world, base)["warning"].startswith("基地面积 250 亩大于村1在册耕地 200 亩")
    entry = _warning_entries(base)[-1]
    assert entry.user == world.users["staff"] and entry.source == "ui"
    assert entry.before["warning"] == "" and "200 亩" in entry.after["warning"]
    fresh = Base.objects.get(pk=base.pk)
    assert fresh.version == base.version  # a derived field: the base's editors stay current


def test_a_plot_grown_through_the_api_clears_the_warning(world, farm):
    base = farm["base"]
    plot = farm["plots"][0]
    api = world.api("staff")
    response = api.patch(f"plots/{plot.pk}", {"area_mu": "20", "version": plot.version})
    assert response.status_code == 200, response.content
    assert WARNS in _api_base(world, base)["warning"]
    assert WARNS in _base_page(world, base)
    plot.refresh_from_db()
    response = api.patch(f"plots/{plot.pk}", {"area_mu": "400", "version": plot.version})
    assert response.status_code == 200, response.content
    assert _api_base(world, base)["warning"] == ""
    assert WARNS not in _base_page(world, base)
    sides = [(e.source, e.user) for e in _warning_entries(base)]
    assert sides == [("api", world.users["staff"])] * 2


def test_a_plot_created_through_the_api_counts_at_once(world):
    make_plot(world.villages[0], area_mu=Decimal(100))
    base = make_base(world, area_mu=Decimal(150))
    assert WARNS in base.warning
    response = world.api("staff").post(
        "plots",
        {
            "code": "新图斑9",
            "village_id": world.villages[0].pk,
            "area_mu": "60",
            "land_type": "paddy",
        },
    )
    assert response.status_code == 201, response.content
    assert _api_base(world, base)["warning"] == ""


def test_deleting_and_restoring_a_plot_through_the_pages(world, farm):
    base = farm["base"]
    plot = farm["plots"][1]
    response = world.client("staff").post(
        f"/agriculture/plots/{plot.pk}/delete/", {"version": plot.version}
    )
    assert response.status_code == 302
    assert "大于村1在册耕地 150 亩" in _base_page(world, base)
    ct = ContentType.objects.get_for_model(Plot)
    response = world.client("admin").post(f"/recycle-bin/{ct.pk}/{plot.pk}/restore/")
    assert response.status_code == 302
    assert Plot.objects.filter(pk=plot.pk).exists()
    assert WARNS not in _base_page(world, base)


def test_deleting_a_plot_through_the_api(world, farm):
    response = world.api("staff").delete(f"plots/{farm['plots'][0].pk}")
    assert response.status_code == 204
    assert WARNS in _api_base(world, farm["base"])["warning"]


def test_a_plot_moved_to_another_village_updates_both_villages_bases(world, farm):
    other = make_base(world, world.villages[1], area_mu=Decimal(100))
    make_plot(world.villages[1], area_mu=Decimal(80))
    other.refresh_from_db()
    assert "大于村2在册耕地 80 亩" in other.warning
    _edit_plot_on_the_page(world, farm["plots"][0], village=world.villages[1].pk)
    farm["base"].refresh_from_db()
    other.refresh_from_db()
    assert "大于村1在册耕地 150 亩" in farm["base"].warning
    assert other.warning == ""


def test_a_base_spanning_the_village_is_refreshed_too(world, farm):
    make_plot(world.villages[1], area_mu=Decimal(100))
    spanning = make_base(world, world.villages[1], area_mu=Decimal(350))
    services_bases.base_update(
        spanning, data={"other_villages": [world.villages[0]]}, acting_user=world.users["admin"]
    )
    spanning.refresh_from_db()
    assert spanning.warning == ""  # 350 ≤ 300 + 100
    _edit_plot_on_the_page(world, farm["plots"][0], area_mu="90")
    spanning.refresh_from_db()
    assert "基地面积 350 亩大于村2、村1在册耕地 340 亩" in spanning.warning


def test_a_note_on_a_plot_touches_no_base(world, farm):
    _edit_plot_on_the_page(world, farm["plots"][0], note="只改备注")
    assert _warning_entries(farm["base"]) == []
    assert len(changes_of(farm["base"])) == 1  # its creation only


def test_the_base_form_and_the_api_store_the_current_warning(world, farm):
    base = farm["base"]
    client = world.client("staff")
    url = f"/agriculture/bases/{base.pk}/edit/"
    data = {**_form_post_data(client.get(url).context["form"]), "area_mu": "301"}
    assert client.post(url, data).status_code == 302
    assert "基地面积 301 亩大于村1在册耕地 300 亩" in _base_page(world, base)
    base.refresh_from_db()
    response = world.api("staff").patch(
        f"bases/{base.pk}", {"area_mu": "299", "version": base.version}
    )
    assert response.status_code == 200, response.content
    assert response.json()["warning"] == ""
    assert _api_base(world, base)["warning"] == ""


def test_the_bases_ledger_import_stores_the_current_warning(world, farm):
    base = farm["base"]
    ledger = get_ledger("bases")()
    rows = [
        "基地名称,作物/产品,基地面积（亩）,所在村（社区）,经营主体类型,经营主体名称",
        f"{base.name},蔬菜,320,村1,合作社,测试蔬菜专业合作社",
        "新基地,蔬菜,20,村1,合作社,新合作社",
    ]
    data = ("\n".join(rows) + "\n").encode()
    report = ledger.run(io.BytesIO(data), "bases.csv", user=world.users["admin"])
    assert report.ok, report.errors
    base.refresh_from_db()
    assert "基地面积 320 亩大于村1在册耕地 300 亩" in base.warning
    assert Base.objects.get(name="新基地").warning == ""
    entry = _warning_entries(base)[-1]
    assert entry.source == "import" and "320 亩" in entry.after["warning"]
