"""Factories for the land module's tests (records of the test world's towns)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.idnumbers import resident_id_check_char
from zhenwu.land import services
from zhenwu.land.models import Campaign, Dispute, Household, HousePrice, LandPriceZone, Parcel

_seq = itertools.count(1)


def rid(birth: str = "19650612", seq: int | None = None) -> str:
    n = next(_seq) if seq is None else seq
    first17 = f"421081{birth}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def make_campaign(town, **kw) -> Campaign:
    data = {
        "name": kw.pop("name", f"测试征收任务{next(_seq)}"),
        "target_mu": Decimal(kw.pop("target_mu", 100)),
        "target_households": kw.pop("target_households", 10),
        "start_date": kw.pop("start_date", date(2025, 3, 3)),
        "handover_deadline": kw.pop("handover_deadline", date(2025, 12, 31)),
        **kw,
    }
    with acting_as(None, Source.SYSTEM):
        return services.campaign_create(town=town, data=data, acting_user=None)


def _save(obj):
    with acting_as(None, Source.SYSTEM):
        obj.full_clean()
        obj.save()
    return obj


def make_land_price(town, **kw) -> LandPriceZone:
    return _save(
        LandPriceZone(
            town=town,
            zone_code=kw.pop("zone_code", "I"),
            price_yuan_per_mu=Decimal(kw.pop("price", 50000)),
            land_comp_ratio=Decimal(kw.pop("land_ratio", 40)),
            resettlement_ratio=Decimal(kw.pop("resettle_ratio", 60)),
            effective_from=kw.pop("effective_from", date(2023, 1, 1)),
            doc_no=kw.pop("doc_no", f"鄂政发〔2023〕{next(_seq)}号"),
            **kw,
        )
    )


def make_house_price(town, **kw) -> HousePrice:
    return _save(
        HousePrice(
            town=town,
            structure=kw.pop("structure", "brick_concrete"),
            price_yuan_per_m2=Decimal(kw.pop("price", 1000)),
            uncertified_pct=Decimal(kw.pop("pct", 50)),
            effective_from=kw.pop("effective_from", date(2023, 1, 1)),
            doc_no=kw.pop("doc_no", f"石政发〔2023〕{next(_seq)}号"),
            **kw,
        )
    )


def make_parcel(world, village=None, campaign=None, **kw) -> Parcel:
    village = village if village is not None else world.villages[0]
    campaign = campaign or make_campaign(village.town)
    return _save(
        Parcel(
            town=village.town,
            campaign=campaign,
            village=village,
            number=kw.pop("number", f"DK{next(_seq):04d}"),
            area_mu=kw.pop("area_mu", Decimal("1.5")),
            land_type=kw.pop("land_type", "0101"),
            **kw,
        )
    )


def make_household(world, village=None, campaign=None, **kw) -> Household:
    village = village if village is not None else world.villages[0]
    campaign = campaign or make_campaign(village.town)
    return _save(
        Household(
            town=village.town,
            campaign=campaign,
            village=village,
            number=kw.pop("number", f"H{next(_seq):04d}"),
            head_name=kw.pop("head_name", f"户主{next(_seq)}"),
            head_id=kw.pop("head_id", rid()),
            **kw,
        )
    )


def appraised(**extra) -> dict:
    """Stage dates and appraisal up to 公示 (ready to sign)."""
    return {
        "surveyed_on": date(2025, 4, 1),
        "appraised_on": date(2025, 4, 10),
        "appraiser": "荆州某评估公司",
        "appraised_value": Decimal(200000),
        "publicized_on": date(2025, 4, 20),
        **extra,
    }


def make_dispute(household, **kw) -> Dispute:
    return _save(
        Dispute(
            town=household.town,
            household=household,
            kind=kw.pop("kind", "objection"),
            raised_on=kw.pop("raised_on", date(2025, 5, 1)),
            summary=kw.pop("summary", "对评估面积有异议"),
            **kw,
        )
    )
