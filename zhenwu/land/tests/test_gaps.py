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


# --- 听证 -------------------------------------------------------------------------------------
class TestHearingRules:
    def test_window_is_the_publication_period(self):
        from zhenwu.land import rules

        assert rules.hearing_window(None, 30, None) is None
        assert rules.hearing_window(date(2025, 5, 1), 30, None) == (
            date(2025, 5, 1),
            date(2025, 5, 30),
        )
        # a shorter duration cannot shrink the legal 30 days; a later finish widens it
        assert rules.hearing_window(date(2025, 5, 1), 10, None)[1] == date(2025, 5, 30)
        assert rules.hearing_window(date(2025, 5, 1), 30, date(2025, 6, 5))[1] == date(2025, 6, 5)

    def test_check_edges(self):
        from zhenwu.land import rules

        w = (date(2025, 5, 1), date(2025, 5, 30))
        assert rules.check_hearing(date(2025, 5, 1), None, "", w) == {}
        assert rules.check_hearing(date(2025, 5, 30), None, "", w) == {}
        assert "公告期内" in rules.check_hearing(date(2025, 5, 31), None, "", w)["requested_on"]
        assert "公告期内" in rules.check_hearing(date(2025, 4, 30), None, "", w)["requested_on"]
        assert "尚未公告" in rules.check_hearing(date(2025, 5, 2), None, "", None)["requested_on"]
        assert (
            "早于申请"
            in rules.check_hearing(date(2025, 5, 2), date(2025, 5, 1), "维持", w)["held_on"]
        )
        assert (
            "听证结果" in rules.check_hearing(date(2025, 5, 2), date(2025, 5, 9), " ", w)["outcome"]
        )
        assert "held_on" in rules.check_hearing(date(2025, 5, 2), None, "维持", w)


def _published(c, start=date(2025, 5, 1)):
    from zhenwu.core.actor import Source, acting_as
    from zhenwu.land import services

    step = CampaignStep.objects.get(campaign=c, key="publish")
    with acting_as(None, Source.SYSTEM):
        services.step_update(step, data={"actual_start": start}, acting_user=None)


def _hearing(world, c, household=None, **kw):
    from zhenwu.core import services as core
    from zhenwu.land.models import Hearing

    data = {
        "campaign": c,
        "village": household.village if household else world.villages[0],
        "household": household,
        "applicant": household.head_name if household else "一组村民代表",
        "requested_on": date(2025, 5, 10),
        **kw,
    }
    return core.create_object(Hearing, town=world.town, data=data, acting_user=world.users["staff"])


class TestHearings:
    def test_refused_before_publication_and_outside_the_window(self, world):
        import pytest
        from django.core.exceptions import ValidationError

        from zhenwu.land.models import Hearing

        c = make_campaign(world.town)
        with pytest.raises(ValidationError) as exc:
            _hearing(world, c)
        assert "尚未公告" in str(exc.value.message_dict["requested_on"])
        _published(c)
        with pytest.raises(ValidationError) as exc:
            _hearing(world, c, requested_on=date(2025, 6, 15))
        assert "2025-05-01至2025-05-30" in str(exc.value.message_dict["requested_on"])
        assert not Hearing.objects.exists()

    def test_pending_hearing_blocks_signing_until_held(self, world):
        import pytest
        from django.core.exceptions import ValidationError

        from zhenwu.core import services as core
        from zhenwu.land import services
        from zhenwu.land.tests.helpers import appraised, make_household

        c = make_campaign(world.town)
        _published(c)
        h = make_household(world, campaign=c, **appraised())
        other = make_household(world, campaign=c, **appraised())
        hearing = _hearing(world, c, household=h)
        with pytest.raises(ValidationError) as exc:
            services.household_advance(
                h, stage="sign", on=date(2025, 6, 2), acting_user=world.users["staff"]
            )
        assert "听证尚未举行" in str(exc.value.message_dict["signed_on"])
        h.refresh_from_db()
        assert h.signed_on is None
        # another household's request does not hold this one
        services.household_advance(
            other, stage="sign", on=date(2025, 6, 2), acting_user=world.users["staff"]
        )
        core.update_object(
            hearing,
            data={"held_on": date(2025, 5, 25), "outcome": "方案符合规定，维持"},
            acting_user=world.users["staff"],
        )
        h.refresh_from_db()
        services.household_advance(
            h, stage="sign", on=date(2025, 6, 2), acting_user=world.users["staff"]
        )
        assert Household_stage(h) == "sign"

    def test_collective_request_blocks_steps_after_publication(self, world):
        import pytest
        from django.core.exceptions import ValidationError

        from zhenwu.land import services
        from zhenwu.land.tests.helpers import appraised, make_household

        c = make_campaign(world.town)
        _published(c)
        h = make_household(world, campaign=c, **appraised())
        _hearing(world, c)  # the collective
        step = CampaignStep.objects.get(campaign=c, key="register")
        with pytest.raises(ValidationError) as exc:
            services.step_update(
                step, data={"actual_start": date(2025, 6, 3)}, acting_user=world.users["staff"]
            )
        assert "须先举行听证" in str(exc.value.message_dict["actual_start"])
        with pytest.raises(ValidationError):
            services.household_advance(
                h, stage="sign", on=date(2025, 6, 2), acting_user=world.users["staff"]
            )
        step.refresh_from_db()
        assert step.actual_start is None

    def test_import_refuses_signing_a_household_with_a_pending_hearing(self, world):
        from zhenwu.land.ledgers import HouseholdLedger
        from zhenwu.land.tests.helpers import appraised, make_household

        c = make_campaign(world.town, name="听证导入任务")
        _published(c)
        h = make_household(world, campaign=c, number="H-TZ", **appraised())
        _hearing(world, c, household=h)
        ledger = HouseholdLedger()
        obj = h
        obj._hearing_cache = ledger.hearing_cache(world.users["staff"])
        obj.signed_on = date(2025, 6, 2)
        import pytest
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as exc:
            obj.full_clean()
        assert "signed_on" in exc.value.message_dict

    def test_api_create_outside_window_is_422(self, world):
        c = make_campaign(world.town)
        _published(c)
        r = world.api("staff").post(
            "land/hearings",
            {"campaign_id": c.pk, "village_id": world.villages[0].pk, "applicant": "二组",
             "requested_on": "2025-07-01"},
        )  # fmt: skip
        assert r.status_code == 422 and "requested_on" in r.content.decode()
        r = world.api("staff").post(
            "land/hearings",
            {"campaign_id": c.pk, "village_id": world.villages[0].pk, "applicant": "二组",
             "requested_on": "2025-05-20"},
        )  # fmt: skip
        assert r.status_code == 201, r.content


def Household_stage(h):
    from zhenwu.land.models import Household

    return Household.objects.get(pk=h.pk).stage
