"""Every 守粮安 model through the shared battery (scoping, change log, stale edits, soft
delete, query counts, API)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from zhenwu.agriculture.models.farmland import FarmlandSetting, Patrol
from zhenwu.agriculture.resources_farmland import (
    chief_resource,
    finding_resource,
    patrol_resource,
    plot_resource,
    setting_resource,
)
from zhenwu.agriculture.tests.farmland_helpers import (
    make_chief,
    make_finding,
    make_patrol,
    make_plot,
    photo,
)
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.models import ObjectChange
from zhenwu.core.testing import ResourceBattery, changes_of, make_user

_seq = itertools.count(1)


class TestPlotSurface(ResourceBattery):
    resource = plot_resource
    api_path = "plots"

    def make(self, world, village):
        return make_plot(village)

    def form_data(self, world):
        return {
            "code": "新图斑001",
            "village": world.villages[0].pk,
            "area_mu": "12.5",
            "is_permanent_basic": "on",
            "land_type": "paddy",
        }


class TestFieldChiefSurface(ResourceBattery):
    resource = chief_resource

    def make(self, world, village):
        user = make_user(f"chief{next(_seq)}", "village", village.town, villages=[village])
        return make_chief(user, villages=[village])

    def form_data(self, world):
        return {
            "user": world.users["village"].pk,
            "level": "village",
            "villages": [world.villages[0].pk],
            "is_active": "on",
        }


class TestPatrolSurface(ResourceBattery):
    resource = patrol_resource
    api_path = "patrols"

    def make(self, world, village):
        return make_patrol(world, village)

    def form_data(self, world):  # pragma: no cover - recorded on the patrol page
        return {}

    def test_create_writes_change_log(self, world):
        """Patrols are recorded on the patrol page: logged as the chief, from the UI."""
        plot = make_plot(world.villages[0])
        client = world.client("village")
        response = client.post(
            "/agriculture/patrols/record/",
            {
                "patrolled_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
                "village": world.villages[0].pk,
                "plots": [plot.pk],
                "finding_action": "report",
                "photos": photo("巡田.jpg"),
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        created = Patrol.objects.get()
        entry = changes_of(created).last()
        assert entry.action == "create" and entry.user == world.users["village"]
        assert entry.source == "ui" and ObjectChange.objects.exists()


class TestPatrolFindingSurface(ResourceBattery):
    resource = finding_resource
    api_path = "farmland-findings"

    def make(self, world, village):
        return make_finding(world, village)

    def form_data(self, world):  # pragma: no cover - recorded with a patrol
        return {}

    def test_create_writes_change_log(self, world):
        plot = make_plot(world.villages[0])
        client = world.client("village")
        response = client.post(
            "/agriculture/patrols/record/",
            {
                "patrolled_on": timezone.localdate().isoformat(),
                "village": world.villages[0].pk,
                "plots": [plot.pk],
                "finding_plot": plot.pk,
                "finding_category": "FLH4",
                "finding_action": "report",
                "finding_photos": photo("问题.jpg"),
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        patrol = Patrol.objects.get()
        created = patrol.findings.get()
        entry = changes_of(created).last()
        assert entry.action == "create" and entry.user == world.users["village"]
        assert entry.source == "ui"


class TestFarmlandSettingSurface(ResourceBattery):
    resource = setting_resource

    def make(self, world, village):
        with acting_as(None, Source.SYSTEM):
            return FarmlandSetting.objects.create(town=village.town)

    def form_data(self, world):  # pragma: no cover - one per town, created on first use
        return {}

    def test_create_writes_change_log(self, world):
        """One setting per town, created with the defaults on first use; edits are logged."""
        setting = self.make(world, world.villages[0])
        client = world.client("staff")
        response = client.post(
            self.url("edit", setting),
            {
                "grid_interval_days": "10",
                "village_interval_days": "30",
                "town_interval_days": "90",
                "deadline_overrides": '{"FLH1": 15}',
                "recurrence_window_days": "365",
                "version": setting.version,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        setting.refresh_from_db()
        assert setting.grid_interval_days == 10 and setting.deadline_overrides == {"FLH1": 15}
        assert changes_of(setting).last().action == "update"
