"""Factories for the 强特色 tests (records of the test world's towns)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from zhenwu.agriculture.models import Base, Crop, OperatorKind, SalesChannel, Season
from zhenwu.core.actor import Source, acting_as

_seq = itertools.count(1)


def crop(town, name="蔬菜") -> Crop:
    with acting_as(None, Source.SYSTEM):
        obj, _ = Crop.objects.get_or_create(town=town, name=name)
    return obj


def channel(town, name="城市“菜篮子”") -> SalesChannel:
    with acting_as(None, Source.SYSTEM):
        obj, _ = SalesChannel.objects.get_or_create(town=town, name=name)
    return obj


def make_base(world, village=None, **kw) -> Base:
    village = village if village is not None else world.villages[0]
    town = village.town
    data = {
        "town": town,
        "name": kw.pop("name", f"测试基地{next(_seq)}"),
        "crop": kw.pop("crop", None) or crop(town),
        "area_mu": kw.pop("area_mu", Decimal(100)),
        "village": village,
        "operator_kind": OperatorKind.COOPERATIVE,
        "operator_name": "测试蔬菜专业合作社",
        **kw,
    }
    with acting_as(None, Source.SYSTEM):
        b = Base(**data)
        b.full_clean()
        b.save()
    return b


def make_season(base, **kw) -> Season:
    data = {
        "town": base.town,
        "base": base,
        "label": kw.pop("label", f"2025年第{next(_seq)}茬"),
        "planted_area_mu": kw.pop("planted_area_mu", base.area_mu),
        "planting_date": kw.pop("planting_date", date(2025, 3, 1)),
        **kw,
    }
    with acting_as(None, Source.SYSTEM):
        s = Season(**data)
        s.full_clean()
        s.save()
    return s
