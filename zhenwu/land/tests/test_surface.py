"""Every land model through the shared battery (scoping, change log, stale edits, soft
delete, query counts, export re-import, API), plus the personal-number masking."""

from datetime import date

from zhenwu.core.testing import ResourceBattery
from zhenwu.land.resources import (
    campaign_resource,
    dispute_resource,
    hearing_resource,
    household_resource,
    houseprice_resource,
    landprice_resource,
    parcel_resource,
    social_security_resource,
)
from zhenwu.land.tests.helpers import (
    _seq,
    make_campaign,
    make_dispute,
    make_house_price,
    make_household,
    make_land_price,
    make_parcel,
    rid,
)


class TestCampaignSurface(ResourceBattery):
    resource = campaign_resource
    api_path = "land/campaigns"

    def make(self, world, village):
        return make_campaign(village.town)

    def form_data(self, world):
        return {
            "name": "新征收任务",
            "target_mu": "120.5",
            "target_households": "12",
            "start_date": "2025-03-03",
            "handover_deadline": "2025-12-31",
        }


class TestParcelSurface(ResourceBattery):
    resource = parcel_resource
    api_path = "land/parcels"

    def make(self, world, village):
        return make_parcel(world, village, contractor_name="李承包", contractor_id=rid())

    def form_data(self, world):
        c = make_campaign(world.town)
        return {
            "campaign": c.pk,
            "number": "DK-NEW",
            "village": world.villages[0].pk,
            "area_m2": "1000",
            "land_type": "0101",
            "payment_status": "unpaid",
        }


class TestHouseholdSurface(ResourceBattery):
    resource = household_resource
    api_path = "land/households"

    def make(self, world, village):
        return make_household(world, village)

    def form_data(self, world):
        c = make_campaign(world.town)
        return {
            "campaign": c.pk,
            "number": "H-NEW",
            "village": world.villages[0].pk,
            "head_name": "王新户",
            "head_id": rid(),
            "members": "4",
            "surveyed_on": "2025-04-01",
        }


class TestDisputeSurface(ResourceBattery):
    resource = dispute_resource
    api_path = "land/disputes"

    def make(self, world, village):
        return make_dispute(make_household(world, village))

    def form_data(self, world):
        h = make_household(world, world.villages[0])
        return {
            "household": h.pk,
            "kind": "petition",
            "raised_on": "2025-05-06",
            "summary": "要求提高过渡费",
            "status": "open",
        }


class TestLandPriceSurface(ResourceBattery):
    editor = "admin"  # price tables: administrators only (land staff read them)
    resource = landprice_resource
    api_path = "land/land-prices"

    def make(self, world, village):
        return make_land_price(village.town, zone_code=f"Z{next(_seq)}")

    def form_data(self, world):
        return {
            "zone_code": "II",
            "grade": "二级",
            "county": "421081",
            "price_yuan_per_mu": "48000",
            "land_comp_ratio": "40",
            "resettlement_ratio": "60",
            "effective_from": "2024-01-01",
            "doc_no": "鄂政发〔2023〕10号",
        }


class TestHousePriceSurface(ResourceBattery):
    editor = "admin"  # price tables: administrators only (land staff read them)
    resource = houseprice_resource
    api_path = "land/house-prices"

    def make(self, world, village):
        n = next(_seq)
        return make_house_price(village.town, effective_from=date(2000 + n % 20, 1 + n % 12, 1))

    def form_data(self, world):
        return {
            "structure": "frame",
            "price_yuan_per_m2": "1350",
            "uncertified_pct": "50",
            "effective_from": "2024-01-01",
            "doc_no": "石政发〔2024〕2号",
        }


def test_ids_masked_in_list_and_api(world):
    h = make_household(world)
    body = world.client("leader").get("/land/households/").content.decode()
    assert h.head_name in body and h.head_id not in body
    items = world.api("leader").get("land/households").json()["items"]
    assert items[0]["head_id"] != h.head_id and "*" in items[0]["head_id"]
    items = world.api("admin").get("land/households").json()["items"]
    assert items[0]["head_id"] == h.head_id


def test_open_dispute_flagged_on_the_list_and_api(world):
    h = make_household(world, head_name="有矛盾户")
    make_dispute(h)
    body = world.client("leader").get("/land/households/").content.decode()
    assert "有未化解矛盾" in body
    items = world.api("leader").get("land/households").json()["items"]
    assert items[0]["open_dispute"] is True


def test_api_advance_and_schedule(world):
    from zhenwu.land.tests.helpers import appraised

    h = make_household(world, **appraised(signed_on=date(2025, 5, 1)))
    api = world.api("village")
    r = api.post(
        f"land/households/{h.pk}/advance",
        {"stage": "demolish", "on": "2025-05-03", "version": h.version},
    )
    assert r.status_code == 422
    r = api.post(
        f"land/households/{h.pk}/advance",
        {"stage": "vacate", "on": "2025-05-03", "version": h.version},
    )
    assert r.status_code == 200 and r.json()["stage"] == "vacate"
    other = make_household(world, world.villages[1])
    r = api.post(
        f"land/households/{other.pk}/advance",
        {"stage": "survey", "on": "2025-05-03", "version": other.version},
    )
    assert r.status_code == 404
    r = api.get(f"land/campaigns/{h.campaign_id}/schedule")
    assert r.status_code == 200 and len(r.json()["steps"]) == 11
    r = api.get(f"land/campaigns/{h.campaign_id}/progress")
    assert r.status_code == 200 and r.json()["households"]["vacated"] == 1


def test_api_bad_area_is_422_nothing_stored(world):
    from zhenwu.land.models import Parcel

    c = make_campaign(world.town)
    r = world.api("staff").post(
        "land/parcels",
        {"campaign_id": c.pk, "number": "X1", "village_id": world.villages[0].pk,
         "area_m2": "1000", "area_mu": "3", "land_type": "0101"},
    )  # fmt: skip
    assert r.status_code == 422, r.content
    assert "area_mu" in r.content.decode()
    assert not Parcel.objects.exists()


class TestHearingSurface(ResourceBattery):
    resource = hearing_resource
    api_path = "land/hearings"

    def make(self, world, village):
        from zhenwu.core.actor import Source, acting_as
        from zhenwu.land.models import CampaignStep, Hearing

        c = make_campaign(village.town)
        with acting_as(None, Source.SYSTEM):
            CampaignStep.objects.filter(campaign=c, key="publish").update(
                actual_start=date(2025, 5, 1)
            )
            h = Hearing(
                town=village.town,
                campaign=c,
                village=village,
                applicant=f"村民代表{next(_seq)}",
                requested_on=date(2025, 5, 10),
            )
            h.full_clean()
            h.save()
        return h

    def form_data(self, world):
        from zhenwu.land.models import CampaignStep

        c = make_campaign(world.town)
        CampaignStep.objects.filter(campaign=c, key="publish").update(actual_start=date(2025, 5, 1))
        return {
            "campaign": c.pk,
            "village": world.villages[0].pk,
            "applicant": "三组村民代表",
            "requested_on": "2025-05-12",
        }


class TestSocialSecuritySurface(ResourceBattery):
    resource = social_security_resource
    api_path = "land/social-security"

    def make(self, world, village):
        from decimal import Decimal

        from zhenwu.core.actor import Source, acting_as
        from zhenwu.land.models import SocialSecurityEntry

        h = make_household(world, village)
        with acting_as(None, Source.SYSTEM):
            e = SocialSecurityEntry(
                town=village.town,
                campaign=h.campaign,
                household=h,
                name=f"失地农民{next(_seq)}",
                id_number=rid(),
                per_capita_mu=Decimal("0.6"),
            )
            e.full_clean()
            e.save()
        return e

    def form_data(self, world):
        h = make_household(world, world.villages[0])
        return {
            "campaign": h.campaign_id,
            "household": h.pk,
            "name": "赵失地",
            "id_number": rid(),
            "per_capita_mu": "0.5",
            "status": "pending",
        }


def test_household_page_shows_its_stage_first_and_records_the_next_one(world):
    """State and next action first: the household's page shows its stages with their dates,
    its open dispute, and to whoever may change it the next stage to record — the form of 一户
    一档, coming back to the page it was sent from."""
    from zhenwu.land.tests.helpers import appraised

    h = make_household(world, **appraised(signed_on=date(2025, 5, 1)))
    make_dispute(h)
    url = f"/land/households/{h.pk}/"
    html = world.client("village").get(url).content.decode()
    panel = html.split('data-testid="household-progress"', 1)[1].split(
        'data-testid="detail-fields"'
    )[0]
    assert (
        '<li class="stage-step reached current">签约<span class="d-block text-muted">2025-05-01'
        in panel
    )
    assert "有未化解矛盾" in panel and "进入「腾空」" in panel
    assert html.index("household-progress") < html.index("detail-fields")
    response = world.client("village").post(
        f"/land/households/{h.pk}/advance/",
        {"stage": "vacate", "on": "2025-05-03", "version": h.version, "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url
    h.refresh_from_db()
    assert (h.stage, h.vacated_on) == ("vacate", date(2025, 5, 3))
    reader = world.client("leader").get(url).content.decode()
    assert (
        'data-testid="household-progress"' in reader and 'data-testid="advance-form"' not in reader
    )


def test_campaign_page_opens_with_its_state(world):
    """A campaign's page says where it stands first — the same line as its wall board."""
    from zhenwu.land.tests.helpers import appraised

    campaign = make_campaign(world.town, target_households=4)
    make_household(world, campaign=campaign, **appraised(signed_on=date(2025, 5, 1)))
    html = world.client("leader").get(f"/land/campaigns/{campaign.pk}/").content.decode()
    state = html.split('data-testid="campaign-state"', 1)[1].split("</p>", 1)[0]
    assert 'data-testid="board-sign-rate">25.0%' in state and "交地期限" in state
    assert html.index("campaign-state") < html.index("detail-fields")
    board = world.client("leader").get(f"/land/campaigns/{campaign.pk}/board/").content.decode()
    assert 'data-testid="board-sign-rate">25.0%' in board
