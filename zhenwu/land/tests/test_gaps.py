"""The gaps closed after the first build: one service path for campaign edits through every
door, the tile URL setting, price tables for administrators only."""

from datetime import date

from django.conf import settings

from zhenwu.land.models import CampaignStep, HousePrice, LandPriceZone
from zhenwu.land.tests.helpers import make_campaign, make_house_price, make_land_price


def test_api_patch_refills_missing_steps_like_the_form(world):
    c = make_campaign(world.town)
    CampaignStep.all_objects.filter(campaign=c, key="publish").delete()
    assert CampaignStep.objects.filter(campaign=c).count() == 10
    r = world.api("staff").patch(
        f"land/campaigns/{c.pk}", {"note": "补齐程序", "version": c.version}
    )
    assert r.status_code == 200, r.content
    assert CampaignStep.objects.filter(campaign=c).count() == 11
    assert CampaignStep.objects.filter(campaign=c, key="publish").exists()


def test_api_patch_bad_deadline_is_422_nothing_stored(world):
    c = make_campaign(world.town)
    r = world.api("staff").patch(
        f"land/campaigns/{c.pk}", {"handover_deadline": "2020-01-01", "version": c.version}
    )
    assert r.status_code == 422 and "handover_deadline" in r.content.decode()
    c.refresh_from_db()
    assert c.handover_deadline == date(2025, 12, 31)


def test_tile_url_is_a_declared_setting():
    assert hasattr(settings, "LAND_TILE_URL")
    assert settings.LAND_TILE_URL == ""  # offline by default


def test_map_page_uses_the_tile_url_setting(world, settings):
    c = make_campaign(world.town)
    settings.LAND_TILE_URL = "http://tiles.local/{z}/{x}/{y}.png"
    body = world.client("staff").get(f"/land/campaigns/{c.pk}/map/").content.decode()
    assert "tiles.local" in body


class TestPriceTablesAdminOnly:
    def test_staff_read_but_cannot_edit_land_prices(self, world):
        zone = make_land_price(world.town)
        staff = world.client("staff")
        assert staff.get(f"/land/land-prices/{zone.pk}/").status_code == 200
        assert staff.get(f"/land/land-prices/{zone.pk}/edit/").status_code in (403, 404)
        api = world.api("staff")
        r = api.patch(f"land/land-prices/{zone.pk}", {"doc_no": "改", "version": zone.version})
        assert r.status_code == 404
        r = api.post(
            "land/land-prices",
            {"zone_code": "II", "price_yuan_per_mu": "40000",
             "effective_from": "2024-01-01", "doc_no": "鄂政发〔2024〕1号"},
        )  # fmt: skip
        assert r.status_code == 404
        assert LandPriceZone.objects.count() == 1

    def test_staff_cannot_edit_house_prices_admin_can(self, world):
        row = make_house_price(world.town)
        r = world.api("staff").patch(
            f"land/house-prices/{row.pk}", {"doc_no": "改", "version": row.version}
        )
        assert r.status_code == 404
        r = world.api("admin").patch(
            f"land/house-prices/{row.pk}", {"doc_no": "石政发〔2024〕9号", "version": row.version}
        )
        assert r.status_code == 200, r.content
        assert HousePrice.objects.get(pk=row.pk).doc_no == "石政发〔2024〕9号"

    def test_staff_still_edit_parcels(self, world):
        from zhenwu.core import scoping
        from zhenwu.land.models import Parcel

        assert scoping.can_write_model(world.users["staff"], Parcel)
        assert not scoping.can_write_model(world.users["staff"], LandPriceZone)
        assert not scoping.can_write_model(world.users["staff"], HousePrice)
        assert scoping.can_write_model(world.users["admin"], LandPriceZone)


# --- progress as of a date ------------------------------------------------------------------
def _fill_dated(world, c):
    """Two households signed 2025-05-01, one of them vacated 2025-06-10; two parcels agreed
    2025-05-01, one handed over 2025-06-10."""
    from decimal import Decimal

    from zhenwu.land.tests.helpers import appraised, make_household, make_parcel

    for i in range(2):
        make_household(
            world,
            campaign=c,
            **appraised(signed_on=date(2025, 5, 1), vacated_on=date(2025, 6, 10) if i else None),
        )
        make_parcel(
            world,
            campaign=c,
            area_mu=Decimal(2),
            registered_on=date(2025, 4, 1),
            agreed_on=date(2025, 5, 1),
            handed_over_on=date(2025, 6, 10) if i else None,
        )


class TestProgressAsOf:
    def test_campaign_totals_as_they_stood(self, world):
        from zhenwu.land import selectors

        c = make_campaign(world.town, target_households=2, target_mu=4)
        _fill_dated(world, c)
        before = selectors.campaign_progress(c, as_of=date(2025, 4, 30))
        assert before.households["signed"] == 0 and before.households["vacated"] == 0
        assert before.parcels["agreed"] == 0 and before.parcels["surveyed"] == 4
        assert before.committed == 0
        mid = selectors.campaign_progress(c, as_of=date(2025, 6, 9))
        assert mid.households["signed"] == 2 and mid.households["vacated"] == 0
        assert mid.parcels["handed"] == 0 and mid.vacate_rate == 0
        after = selectors.campaign_progress(c, as_of=date(2025, 6, 10))
        assert after.households["vacated"] == 1 and after.parcels["handed"] == 2

    def test_town_view_honours_as_of(self, world):
        from zhenwu.land import selectors

        c = make_campaign(world.town, target_households=2)
        _fill_dated(world, c)
        user = world.users["leader"]
        assert selectors.town_progress(user, as_of=date(2025, 6, 9)).households["vacated"] == 0
        assert selectors.town_progress(user, as_of=date(2025, 6, 10)).households["vacated"] == 1
        client = world.client("leader")
        early = client.get("/land/?as_of=2025-04-30").content.decode()
        late = client.get("/land/?as_of=2025-06-30").content.decode()
        assert 'data-testid="sign-rate">0.0%' in early.replace("\n", "")
        assert 'data-testid="sign-rate">100.0%' in late.replace("\n", "")

    def test_api_progress_honours_as_of(self, world):
        c = make_campaign(world.town)
        _fill_dated(world, c)
        api = world.api("leader")
        r = api.get(f"land/campaigns/{c.pk}/progress", as_of="2025-06-09")
        assert r.status_code == 200 and r.json()["households"]["signed"] == 2
        assert r.json()["households"]["vacated"] == 0
        r = api.get(f"land/campaigns/{c.pk}/progress", as_of="2025-06-10")
        assert r.json()["households"]["vacated"] == 1 and r.json()["area_mu"]["handed"] == 2

    def test_progress_pages_query_count_constant_with_as_of(self, world):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        c = make_campaign(world.town)
        client = world.client("leader")
        _fill_dated(world, c)
        for url in (
            f"/land/campaigns/{c.pk}/progress/?as_of=2025-06-09",
            "/land/?as_of=2025-06-09",
        ):
            client.get(url)
            with CaptureQueriesContext(connection) as small:
                assert client.get(url).status_code == 200
            _fill_dated(world, c)
            with CaptureQueriesContext(connection) as big:
                client.get(url)
            assert len(big) == len(small), url
