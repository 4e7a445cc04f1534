"""Model rules through the services (nothing stored on bad input), the schedule on the working
calendar, progress with a query count that does not grow, the board, disputes, the map."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhenwu.core import services as core
from zhenwu.core import workcalendar
from zhenwu.core.testing import changes_of
from zhenwu.land import selectors, services
from zhenwu.land.models import Campaign, CampaignStep, Household, MapLayer, Parcel
from zhenwu.land.tests.helpers import (
    appraised,
    make_campaign,
    make_dispute,
    make_house_price,
    make_household,
    make_land_price,
    make_parcel,
    rid,
)


def _create(model, world, data, who="staff"):
    return core.create_object(model, town=world.town, data=data, acting_user=world.users[who])


class TestParcelRules:
    def test_area_in_m2_stores_mu(self, world):
        p = make_parcel(world, area_mu=None, area_m2=Decimal("2000.01"))
        assert p.area_mu == Decimal("3.0000")

    def test_inconsistent_areas_store_nothing(self, world):
        c = make_campaign(world.town)
        with pytest.raises(ValidationError) as e:
            _create(Parcel, world, {"campaign": c, "village": world.villages[0], "number": "1",
                                    "area_m2": Decimal(1000), "area_mu": Decimal(2), "land_type": "0101"})  # fmt: skip
        assert "area_mu" in e.value.message_dict
        assert not Parcel.objects.exists()

    def test_duplicate_number_in_campaign(self, world):
        p = make_parcel(world, number="DK-1")
        with pytest.raises(ValidationError) as e:
            make_parcel(world, campaign=p.campaign, number="DK-1")
        assert "number" in e.value.message_dict
        make_parcel(world, number="DK-1")  # another campaign: fine

    def test_bad_resident_id(self, world):
        good = rid()
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")
        with pytest.raises(ValidationError) as e:
            make_parcel(world, contractor_id=bad)
        assert "contractor_id" in e.value.message_dict

    def test_compensation_from_the_zone_in_force(self, world):
        make_land_price(world.town, price=40000, effective_from=date(2020, 1, 1))
        make_land_price(world.town, price=50000, effective_from=date(2025, 1, 1))
        old = make_parcel(world, price_zone="I", area_mu=Decimal(1), agreed_on=date(2024, 6, 1))
        new = make_parcel(world, price_zone="I", area_mu=Decimal(1), agreed_on=date(2025, 6, 1))
        assert (old.land_comp, old.resettlement_comp) == (Decimal(16000), Decimal(24000))
        assert (new.land_comp, new.resettlement_comp) == (Decimal(20000), Decimal(30000))

    def test_override_needs_a_reason_kept_in_the_change_log(self, world):
        make_land_price(world.town, price=50000)
        p = make_parcel(world, price_zone="I", area_mu=Decimal(1), registered_on=date(2025, 3, 1))
        with pytest.raises(ValidationError) as e:
            core.update_object(
                p, data={"land_comp": Decimal(25000)}, acting_user=world.users["staff"]
            )
        assert "override_reason" in e.value.message_dict
        p = Parcel.objects.get(pk=p.pk)
        core.update_object(
            p,
            data={"land_comp": Decimal(25000), "override_reason": "镇政府专题会议纪要〔2025〕5号"},
            acting_user=world.users["staff"],
        )
        text = str([c.after for c in changes_of(p)])
        assert "镇政府专题会议纪要" in text

    def test_unknown_zone_is_an_error(self, world):
        with pytest.raises(ValidationError) as e:
            make_parcel(world, price_zone="IX")
        assert "price_zone" in e.value.message_dict

    def test_payment_above_compensation_needs_a_reason(self, world):
        with pytest.raises(ValidationError) as e:
            make_parcel(world, crop_comp=Decimal(1000), paid_amount=Decimal(1500))
        assert "paid_amount" in e.value.message_dict
        make_parcel(
            world, crop_comp=Decimal(1000), paid_amount=Decimal(1500), override_reason="补发"
        )


class TestHouseholdRules:
    def test_signed_before_appraised_is_refused(self, world):
        h = make_household(world, surveyed_on=date(2025, 4, 1))
        with pytest.raises(ValidationError) as e:
            core.update_object(
                h,
                data={"appraised_on": date(2025, 4, 2), "publicized_on": date(2025, 4, 3),
                      "signed_on": date(2025, 4, 4)},
                acting_user=world.users["staff"],
            )  # fmt: skip
        assert "signed_on" in e.value.message_dict
        assert Household.objects.get(pk=h.pk).stage == "survey"

    def test_stage_follows_the_dates(self, world):
        h = make_household(world, **appraised(signed_on=date(2025, 5, 1)))
        assert h.stage == "sign"

    def test_advance_one_stage_at_a_time(self, world):
        h = make_household(world, **appraised(signed_on=date(2025, 5, 1)))
        with pytest.raises(ValidationError) as e:
            services.household_advance(
                h, stage="demolish", on=date(2025, 6, 1), acting_user=world.users["staff"]
            )
        assert "腾空" in str(e.value)
        with pytest.raises(ValidationError) as e:
            services.household_advance(
                h, stage="vacate", on=date(2025, 4, 30), acting_user=world.users["staff"]
            )
        assert "vacated_on" in e.value.message_dict
        services.household_advance(
            h, stage="vacate", on=date(2025, 5, 2), acting_user=world.users["staff"]
        )
        assert Household.objects.get(pk=h.pk).stage == "vacate"

    def test_house_compensation_computed_and_override(self, world):
        make_house_price(world.town, price=1000, pct=50)
        h = make_household(
            world,
            structure="brick_concrete",
            area_certified=Decimal(100),
            area_uncertified=Decimal(20),
        )
        assert h.house_comp == Decimal(110000)
        with pytest.raises(ValidationError) as e:
            core.update_object(
                h, data={"house_comp": Decimal(120000)}, acting_user=world.users["staff"]
            )
        assert "override_reason" in e.value.message_dict

    def test_no_standard_in_force(self, world):
        with pytest.raises(ValidationError) as e:
            make_household(world, structure="frame", area_certified=Decimal(100))
        assert "structure" in e.value.message_dict

    def test_duplicate_household_number(self, world):
        h = make_household(world, number="001")
        with pytest.raises(ValidationError):
            make_household(world, campaign=h.campaign, number="001")


class TestDisputes:
    def test_open_dispute_flags_the_household(self, world):
        h = make_household(world)
        assert not Household.objects.get(pk=h.pk).open_dispute
        d = make_dispute(h)
        assert Household.objects.get(pk=h.pk).open_dispute
        assert Household.objects.get(pk=h.pk).dispute_flag == "有未化解矛盾"
        services.contact_add(
            dispute=d,
            data={
                "contacted_on": date(2025, 5, 2),
                "who": "张双征",
                "said": "解释评估依据",
                "next_step": "复测",
            },
            acting_user=world.users["staff"],
        )
        services.dispute_resolve(
            d, on=date(2025, 5, 9), resolution="复测后同意", acting_user=world.users["staff"]
        )
        assert not Household.objects.get(pk=h.pk).open_dispute
        with pytest.raises(ValidationError):
            services.contact_add(dispute=d, data={"contacted_on": date(2025, 5, 10), "who": "x", "said": "y"},
                                 acting_user=world.users["staff"])  # fmt: skip

    def test_resolved_needs_date_and_resolution(self, world):
        with pytest.raises(ValidationError) as e:
            make_dispute(make_household(world), status="resolved")
        assert {"resolved_on", "resolution"} <= set(e.value.message_dict)


class TestSchedule:
    def test_steps_created_with_floors(self, world):
        c = make_campaign(world.town)
        steps = list(CampaignStep.objects.filter(campaign=c).order_by("order"))
        assert [s.key for s in steps][:2] == ["pre_notice", "survey"]
        assert len(steps) == 11

    def test_backward_from_the_deadline_on_the_working_calendar(self, world):
        c = make_campaign(
            world.town, start_date=date(2025, 1, 2), handover_deadline=date(2025, 12, 31)
        )
        s = selectors.campaign_schedule(c, as_of=date(2025, 1, 2))
        assert s.ok and s.days_short == 0
        assert s.rows[-1].late_finish == date(2025, 12, 31)
        pre = s.rows[0]
        # 10 working days: never ends before it began + 13 calendar days around a weekend
        assert (pre.late_finish - pre.late_start).days >= 11
        publish = next(r for r in s.rows if r.step.key == "publish")
        assert (publish.late_finish - publish.late_start).days == 29  # 30 calendar days

    def test_days_short_when_it_cannot_fit(self, world):
        c = make_campaign(
            world.town, start_date=date(2025, 9, 1), handover_deadline=date(2025, 10, 31)
        )
        s = selectors.campaign_schedule(c, as_of=date(2025, 9, 1))
        assert s.days_short > 0

    def test_a_floor_cannot_be_undercut(self, world):
        c = make_campaign(world.town)
        step = CampaignStep.objects.get(campaign=c, key="pre_notice")
        with pytest.raises(ValidationError) as e:
            services.step_update(step, data={"duration": 9}, acting_user=world.users["staff"])
        assert "不少于10个工作日" in str(e.value)
        step = CampaignStep.objects.get(campaign=c, key="publish")
        with pytest.raises(ValidationError):
            services.step_update(step, data={"duration": 29}, acting_user=world.users["staff"])

    def test_campaign_on_the_wall_chart(self, world):
        c = make_campaign(world.town, name="测试征收", start_date=date(2025, 1, 2))
        r = world.client("leader").get("/projects/gantt/?as_of=2025-03-01")
        body = r.content.decode()
        assert r.status_code == 200 and "征收：测试征收" in body
        assert f"/land/campaigns/{c.pk}/progress/" in body


class TestProgress:
    def _fill(self, world, c, n):
        for i in range(n):
            make_household(
                world,
                campaign=c,
                **appraised(
                    signed_on=date(2025, 5, 1), vacated_on=date(2025, 5, 2) if i % 2 else None
                ),
            )
            make_parcel(
                world,
                campaign=c,
                area_mu=Decimal(2),
                agreed_on=date(2025, 5, 1),
                handed_over_on=date(2025, 6, 1) if i % 2 else None,
            )

    def test_figures(self, world):
        c = make_campaign(
            world.town, target_mu=Decimal(8), target_households=4, start_date=date(2025, 3, 3)
        )
        self._fill(world, c, 4)
        p = selectors.campaign_progress(c, as_of=date(2025, 6, 30))
        assert p.sign_rate == Decimal("100.0") and p.vacate_rate == Decimal("50.0")
        assert p.parcels["handed"] == Decimal(4)
        assert p.working_days_left > 0 and p.rate_needed is not None

    def test_query_count_does_not_grow(self, world):
        c = make_campaign(world.town, start_date=date(2025, 3, 3))
        self._fill(world, c, 2)
        selectors.campaign_progress(c, as_of=date(2025, 6, 30))  # warm the calendar
        with CaptureQueriesContext(connection) as small:
            selectors.campaign_progress(c, as_of=date(2025, 6, 30))
        self._fill(world, c, 10)
        with CaptureQueriesContext(connection) as big:
            selectors.campaign_progress(c, as_of=date(2025, 6, 30))
        assert len(big) == len(small) <= 4

    def test_progress_page_query_count_does_not_grow(self, world):
        c = make_campaign(world.town, start_date=date(2025, 3, 3))
        client = world.client("leader")
        self._fill(world, c, 2)
        # The calendar is rebuilt here, not between the two counts: another process's holiday
        # edits reach this one when the cache is 60 s old, and a calendar cached by an earlier
        # test could reach that age in the middle of this one (two more queries: flaky).
        workcalendar.invalidate_calendar()
        client.get(f"/land/campaigns/{c.pk}/progress/")
        with CaptureQueriesContext(connection) as small:
            assert client.get(f"/land/campaigns/{c.pk}/progress/").status_code == 200
        self._fill(world, c, 10)
        with CaptureQueriesContext(connection) as big:
            client.get(f"/land/campaigns/{c.pk}/progress/")
        assert len(big) == len(small)


class TestScopingOfPages:
    def test_village_cadre_sees_only_their_households_on_the_board(self, world):
        c = make_campaign(world.town)
        mine = make_household(world, world.villages[0], campaign=c, head_name="本村户")
        theirs = make_household(world, world.villages[1], campaign=c, head_name="外村户")
        client = world.client("village")
        body = client.get(f"/land/campaigns/{c.pk}/board/").content.decode()
        assert "本村户" in body and "外村户" not in body
        assert client.get(f"/land/households/{mine.pk}/file/").status_code == 200
        assert client.get(f"/land/households/{theirs.pk}/file/").status_code == 404
        r = client.post(
            f"/land/households/{theirs.pk}/advance/", {"stage": "survey", "on": "2025-04-01"}
        )
        assert r.status_code == 404

    def test_household_file_masks_the_id(self, world):
        h = make_household(world)
        body = world.client("leader").get(f"/land/households/{h.pk}/file/").content.decode()
        assert h.head_id not in body
        body = world.client("admin").get(f"/land/households/{h.pk}/file/").content.decode()
        assert h.head_id in body


class TestMap:
    def test_upload_is_validated_nothing_stored(self, world):
        with pytest.raises(ValidationError) as e:
            services.map_layer_upload(
                town=world.town, name="x", content=b'{"type":"Point","coordinates":[500000,3290000]}',
                acting_user=world.users["admin"],
            )  # fmt: skip
        assert "经纬度" in str(e.value)
        assert not MapLayer.objects.exists()

    def test_map_data_is_scoped(self, world):
        c = make_campaign(world.town)
        make_household(
            world, world.villages[0], campaign=c, lon=Decimal("112.4"), lat=Decimal("29.7")
        )
        make_household(
            world, world.villages[1], campaign=c, lon=Decimal("112.5"), lat=Decimal("29.7")
        )
        data = world.client("village").get(f"/land/campaigns/{c.pk}/map/data/").json()
        assert len(data["records"]["features"]) == 1
        assert world.client("village").get(f"/land/campaigns/{c.pk}/map/").status_code == 200


def test_campaign_links_to_project_both_ways(world):
    from zhenwu.projects.models import Project, ProjectCategory

    cat = ProjectCategory.objects.filter(town=world.town).first()
    p = Project.objects.create(town=world.town, name="光大管道项目", category=cat)
    c = make_campaign(world.town, project=p)
    assert list(p.land_campaigns.all()) == [c]
    assert Campaign.objects.get(pk=c.pk).project == p
    body = world.client("leader").get(p.get_absolute_url()).content.decode()
    assert f"/land/campaigns/{c.pk}/progress/" in body


def test_editing_one_unit_updates_the_other(world):
    p = make_parcel(world, area_mu=Decimal(3))
    p = Parcel.objects.get(pk=p.pk)
    core.update_object(p, data={"area_mu": Decimal(6)}, acting_user=world.users["staff"])
    assert Parcel.objects.get(pk=p.pk).area_m2 == Decimal("4000.02")
    p = Parcel.objects.get(pk=p.pk)
    core.update_object(p, data={"area_m2": Decimal("666.67")}, acting_user=world.users["staff"])
    assert Parcel.objects.get(pk=p.pk).area_mu == Decimal(1)
    p = Parcel.objects.get(pk=p.pk)
    with pytest.raises(ValidationError):
        core.update_object(
            p,
            data={"area_m2": Decimal(1000), "area_mu": Decimal(9)},
            acting_user=world.users["staff"],
        )


def test_map_upload_page_refuses_projected_coordinates(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = make_campaign(world.town)
    bad = SimpleUploadedFile("村界.geojson", b'{"type":"Point","coordinates":[38500000,3290000]}')
    r = world.client("admin").post(
        f"/land/campaigns/{c.pk}/map/upload/", {"name": "村界", "file": bad}, follow=True
    )
    assert "经纬度" in r.content.decode() and not MapLayer.objects.exists()
    good = SimpleUploadedFile("村界.geojson", b'{"type":"Point","coordinates":[112.4,29.7]}')
    world.client("admin").post(
        f"/land/campaigns/{c.pk}/map/upload/", {"name": "村界", "file": good}
    )
    assert MapLayer.objects.count() == 1
    r = world.client("village").post(
        f"/land/campaigns/{c.pk}/map/upload/", {"name": "x", "file": good}
    )
    assert r.status_code == 404


def test_dispute_contact_page(world):
    h = make_household(world)
    d = make_dispute(h)
    r = world.client("village").post(
        f"/land/disputes/{d.pk}/contact/",
        {"contacted_on": "2025-05-03", "who": "村干部", "said": "上门沟通", "next_step": "复测"},
    )
    assert r.status_code == 302 and d.contacts.count() == 1
    other = make_dispute(make_household(world, world.villages[1]))
    r = world.client("village").post(
        f"/land/disputes/{other.pk}/contact/",
        {"contacted_on": "2025-05-03", "who": "x", "said": "y"},
    )
    assert r.status_code == 404 and other.contacts.count() == 0
