"""Every registered inspections resource through the shared battery (scoping, change log,
stale edits, soft delete, query counts, API), which the permission matrix also uses."""

from django.utils import timezone

from zhenwu.core.models import ObjectChange
from zhenwu.core.testing import ResourceBattery, changes_of
from zhenwu.inspections.models import Finding
from zhenwu.inspections.resources import finding_resource, round_resource, spot_resource
from zhenwu.inspections.tests.helpers import item, make_finding, make_round, make_spot, photo


class TestRoundSurface(ResourceBattery):
    resource = round_resource
    api_path = "inspections"

    def make(self, world, village):
        return make_round(village.town)

    def form_data(self, world):
        return {
            "title": "",
            "kind": "unannounced",
            "starts_at": (timezone.localtime() + timezone.timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "inspectors": [world.users["inspector"].pk],
        }


class TestFindingSurface(ResourceBattery):
    resource = finding_resource
    api_path = "findings"

    def make(self, world, village):
        return make_finding(world, village)

    def form_data(self, world):  # pragma: no cover - created on the capture page
        return {}

    def test_create_writes_change_log(self, world):
        """Findings are created on the capture page (not the generic form): logged as the
        inspector, from the UI."""
        rnd = make_round(world.town)
        client = world.client("inspector")
        response = client.post(
            "/inspections/capture/",
            {
                "round": rnd.pk,
                "village": world.villages[0].pk,
                "item": item(rnd).pk,
                "count": "1",
                "photos": photo(),
            },
        )
        assert response.status_code == 201, response.content
        created = Finding.objects.get(pk=response.json()["id"])
        entry = changes_of(created).last()
        assert entry.action == "create" and entry.user == world.users["inspector"]
        assert entry.source == "ui" and ObjectChange.objects.exists()


class TestSpotSurface(ResourceBattery):
    resource = spot_resource
    api_path = "spots"

    def make(self, world, village):
        return make_spot(village)

    def form_data(self, world):
        return {"village": world.villages[0].pk, "name": "二组集中居住区", "kind": "settlement"}
