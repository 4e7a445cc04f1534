"""社保名单 (被征地农民社会保障名单): age group at the requisition date from the ID, the household
of the same campaign, IDs validated and masked through every door, the ledger in and out."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhenwu.core import services as core
from zhenwu.core.idnumbers import resident_id_check_char
from zhenwu.land import rules
from zhenwu.land.ledgers import SocialSecurityLedger
from zhenwu.land.models import CampaignStep, SocialSecurityEntry
from zhenwu.land.tests.helpers import make_campaign, make_household
from zhenwu.land.tests.test_import import xlsx


def _id(birth: str, seq: int) -> str:
    first17 = f"421081{birth}{seq:03d}"
    return first17 + resident_id_check_char(first17)


class TestAgeGroup:
    def test_edges(self):
        on = date(2025, 6, 1)
        assert rules.age_group(_id("20090602", 1), on) == "child"  # 15, birthday tomorrow
        assert rules.age_group(_id("20090601", 1), on) == "working"  # 16 today
        assert rules.age_group(_id("19650602", 1), on) == "working"  # man of 59
        assert rules.age_group(_id("19650601", 1), on) == "elder"  # man of 60
        assert rules.age_group(_id("19700601", 2), on) == "elder"  # woman of 55
        assert rules.age_group(_id("19700602", 2), on) == "working"  # woman of 54

    def test_requisition_date(self):
        assert rules.requisition_date(None, date(2025, 3, 3)) == date(2025, 3, 3)
        assert rules.requisition_date(date(2025, 9, 1), date(2025, 3, 3)) == date(2025, 9, 1)


def _entry(world, household, **kw):
    data = {
        "campaign": household.campaign,
        "household": household,
        "name": kw.pop("name", "张失地"),
        "id_number": kw.pop("id_number", _id("19700601", 2)),
        "per_capita_mu": Decimal("0.8"),
        **kw,
    }
    return core.create_object(
        SocialSecurityEntry, town=world.town, data=data, acting_user=world.users["staff"]
    )


class TestEntries:
    def test_age_group_counted_on_the_notice_date(self, world):
        c = make_campaign(world.town, start_date=date(2025, 3, 3))
        h = make_household(world, campaign=c)
        e = _entry(world, h, id_number=_id("19700601", 2))  # woman, 54 on 2025-03-03
        assert e.age_group == "working"
        CampaignStep.objects.filter(campaign=c, key="notice").update(actual_start=date(2025, 6, 1))
        e2 = _entry(world, h, name="李失地", id_number=_id("19700601", 4))
        assert e2.age_group == "elder"

    def test_bad_id_other_campaign_duplicate_store_nothing(self, world):
        c = make_campaign(world.town)
        h = make_household(world, campaign=c)
        other = make_household(world)
        bad = _id("19700601", 2)[:-1] + ("0" if _id("19700601", 2)[-1] != "0" else "1")
        with pytest.raises(ValidationError) as exc:
            _entry(world, h, id_number=bad)
        assert "id_number" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            _entry(world, other, campaign=c)
        assert "household" in exc.value.message_dict
        _entry(world, h)
        with pytest.raises(ValidationError) as exc:
            _entry(world, h, name="重复")
        assert "id_number" in exc.value.message_dict
        assert SocialSecurityEntry.objects.count() == 1

    def test_id_masked_on_pages_api_and_export(self, world):
        c = make_campaign(world.town)
        e = _entry(world, make_household(world, campaign=c))
        body = world.client("leader").get("/land/social-security/").content.decode()
        assert "张失地" in body and e.id_number not in body
        body = world.client("leader").get(f"/land/social-security/{e.pk}/").content.decode()
        assert e.id_number not in body
        item = world.api("leader").get(f"land/social-security/{e.pk}").json()
        assert item["id_number"] != e.id_number and "*" in item["id_number"]
        export = world.client("leader").get("/land/social-security/export/")
        assert export.status_code == 200
        import io

        from openpyxl import load_workbook

        cells = [
            str(v) for row in load_workbook(io.BytesIO(export.content)).active.values for v in row
        ]
        assert e.id_number not in cells and "张失地" in cells

    def test_village_cadre_sees_only_their_villages(self, world):
        c = make_campaign(world.town)
        mine = _entry(world, make_household(world, world.villages[0], campaign=c), name="本村人")
        theirs = _entry(
            world,
            make_household(world, world.villages[1], campaign=c),
            name="外村人",
            id_number=_id("19800101", 5),
        )
        client = world.client("village")
        assert client.get(f"/land/social-security/{mine.pk}/").status_code == 200
        assert client.get(f"/land/social-security/{theirs.pk}/").status_code == 404


HEAD = ["序号", "征收任务", "户编号", "姓名", "身份证号码", "人均失地面积（亩）", "状态"]


class TestLedger:
    def test_import_and_reimport(self, world):
        c = make_campaign(world.town, name="社保导入任务")
        make_household(world, campaign=c, number="H01")
        rows = [
            [1, "社保导入任务", "H01", "王一", _id("19700601", 2), 0.75, "待审核"],
            [2, "社保导入任务", "H01", "王二", _id("20100101", 3), 0.75, "已公示"],
        ]
        report = SocialSecurityLedger().run(
            xlsx(HEAD, rows), "社保.xlsx", user=world.users["staff"]
        )
        assert report.ok, [e.as_dict() for e in report.errors]
        assert report.created == 2
        got = {e.name: e for e in SocialSecurityEntry.objects.all()}
        assert got["王二"].age_group == "child" and got["王二"].status == "published"
        again = SocialSecurityLedger().run(xlsx(HEAD, rows), "社保.xlsx", user=world.users["staff"])
        assert again.ok and again.created == 0 and again.updated == 0

    def test_bad_rows_store_nothing(self, world):
        c = make_campaign(world.town, name="社保坏行任务")
        make_household(world, campaign=c, number="H01")
        bad = _id("19700601", 2)[:-1] + ("0" if _id("19700601", 2)[-1] != "0" else "1")
        good = [1, "社保坏行任务", "H01", "王一", _id("19700601", 2), 0.75, "待审核"]
        for row, column in (
            ([2, "社保坏行任务", "H99", "王二", _id("19800601", 3), 0.75, "待审核"], "户编号"),
            ([2, "社保坏行任务", "H01", "王三", bad, 0.75, "待审核"], "身份证号码"),
            ([2, "社保坏行任务", "H01", "王四", _id("19800601", 3), -1, "待审核"], None),
        ):
            report = SocialSecurityLedger().run(
                xlsx(HEAD, [good, row]), "社保.xlsx", user=world.users["staff"]
            )
            assert not report.ok, row
            assert {e.row for e in report.errors} == {4}, [e.as_dict() for e in report.errors]
            if column:
                assert {e.column for e in report.errors} == {column}
            assert not SocialSecurityEntry.objects.exists()
