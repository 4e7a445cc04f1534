"""招商引资设置: the product page for town administrators (battery), one row per town, range
messages, and the thresholds driving the flags."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from zhenwu.core.testing import ResourceBattery, changes_of
from zhenwu.investment import services
from zhenwu.investment.models import InvestmentSettings
from zhenwu.investment.resources import settings_resource
from zhenwu.investment.tests.factories import make_investment


class TestInvestmentSettingsSurface(ResourceBattery):
    resource = settings_resource
    editor = "admin"

    def make(self, world, village):
        # One row per town: the same row every time for a town.
        return services.settings_ensure(village.town)

    def form_data(self, world):
        return {"overdue_start_months": "4", "stale_days": "20"}


def test_staff_of_the_module_read_but_do_not_edit(world):
    row = services.settings_ensure(world.town)
    client = world.client("staff")  # staff of a department with the investment module
    assert client.get(reverse("investment:investmentsettings_list")).status_code == 200
    assert client.get(row.get_absolute_url()).status_code == 200
    edit = reverse("investment:investmentsettings_edit", args=[row.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"overdue_start_months": "3", "stale_days": "30"}).status_code == 404
    assert client.get(reverse("investment:investmentsettings_add")).status_code == 404
    row.refresh_from_db()
    assert row.overdue_start_months == 6


def test_list_writes_nothing_and_the_defaults_apply(world):
    # Issue 8: nothing writes on a GET. Until an administrator saves the row, the defaults
    # apply; the first save (the add page) creates the town's one row.
    client = world.client("staff")
    assert client.get(reverse("investment:investmentsettings_list")).status_code == 200
    world.client("admin").get(reverse("investment:investmentsettings_list"))
    assert not InvestmentSettings.objects.exists()
    defaults = services.settings_for(world.town)
    assert (defaults.pk, defaults.overdue_start_months, defaults.stale_days) == (None, 6, 30)
    response = world.client("admin").post(
        reverse("investment:investmentsettings_add"),
        {"overdue_start_months": "6", "stale_days": "30"},
    )
    assert response.status_code == 302
    row = InvestmentSettings.objects.get(town=world.town)
    assert changes_of(row).get().source == "ui"
    assert not InvestmentSettings.objects.filter(town=world.other_town).exists()


def test_admin_edits_with_change_log(world):
    row = services.settings_ensure(world.town)
    client = world.client("admin")
    edit = reverse("investment:investmentsettings_edit", args=[row.pk])
    r = client.post(edit, {"overdue_start_months": "3", "stale_days": "15", "version": row.version})
    assert r.status_code == 302
    row.refresh_from_db()
    assert (row.overdue_start_months, row.stale_days) == (3, 15)
    entry = changes_of(row).last()
    assert entry.action == "update" and entry.user == world.users["admin"]
    assert set(entry.changed_fields) >= {"overdue_start_months", "stale_days"}
    changelog = reverse("investment:investmentsettings_changelog", args=[row.pk])
    assert client.get(changelog).status_code == 200


def test_out_of_range_values_get_a_chinese_message(world):
    row = services.settings_ensure(world.town)
    client = world.client("admin")
    edit = reverse("investment:investmentsettings_edit", args=[row.pk])
    for data, message in (
        ({"overdue_start_months": "0", "stale_days": "30"}, "签约后月数应在1—60之间"),
        ({"overdue_start_months": "61", "stale_days": "30"}, "签约后月数应在1—60之间"),
        ({"overdue_start_months": "-1", "stale_days": "30"}, "签约后月数应在1—60之间"),
        ({"overdue_start_months": "6", "stale_days": "0"}, "久未跟进天数应在1—365之间"),
    ):
        r = client.post(edit, {**data, "version": row.version})
        assert r.status_code == 400
        assert message in r.content.decode()
    row.refresh_from_db()
    assert (row.overdue_start_months, row.stale_days) == (6, 30)


def test_no_second_row_per_town(world):
    row = services.settings_ensure(world.town)
    client = world.client("admin")
    add = reverse("investment:investmentsettings_add")
    r = client.get(add)
    assert r.status_code == 200
    body = r.content.decode()
    assert "本镇已有招商引资设置" in body
    assert reverse("investment:investmentsettings_edit", args=[row.pk]) in body
    assert 'data-testid="object-form"' not in body
    # the list offers no 新建 once the town has its row
    listing = client.get(reverse("investment:investmentsettings_list")).content.decode()
    assert add not in listing
    r = client.post(add, {"overdue_start_months": "3", "stale_days": "30"})
    assert r.status_code == 400 and "本镇已有招商引资设置" in r.content.decode()
    assert InvestmentSettings.objects.filter(town=world.town).count() == 1
    # another town has its own row
    assert services.settings_ensure(world.other_town).pk != row.pk


def test_changing_overdue_months_changes_the_overdue_flag(world):
    today = timezone.localdate()
    make_investment(world, name="四个月前签约", signed_on=today - timedelta(days=125))
    make_investment(world, name="一个月前签约", signed_on=today - timedelta(days=35))
    make_investment(
        world,
        name="已开工项目",
        stage="started",
        signed_on=today - timedelta(days=300),
        started_on=today - timedelta(days=10),
    )
    url = reverse("investment:investment_list") + "?flag=overdue_start"
    staff = world.client("staff")

    def flagged():
        body = staff.get(url).content.decode()
        return {n for n in ("四个月前签约", "一个月前签约", "已开工项目") if n in body}

    assert flagged() == set()  # default: 6 months
    row = services.settings_ensure(world.town)
    admin = world.client("admin")
    edit = reverse("investment:investmentsettings_edit", args=[row.pk])
    r = admin.post(edit, {"overdue_start_months": "3", "stale_days": "30", "version": row.version})
    assert r.status_code == 302
    assert flagged() == {"四个月前签约"}
    row.refresh_from_db()
    r = admin.post(edit, {"overdue_start_months": "1", "stale_days": "30", "version": row.version})
    assert r.status_code == 302
    assert flagged() == {"四个月前签约", "一个月前签约"}
    # the other town's setting does not touch this town
    other = services.settings_ensure(world.other_town)
    other.overdue_start_months = 60
    other.save()
    assert flagged() == {"四个月前签约", "一个月前签约"}
