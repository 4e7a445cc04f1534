"""Test data builders for the enterprise module."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import count

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.idnumbers import uscc_check_char
from zhenwu.enterprises import services
from zhenwu.enterprises.models import Enterprise, MonthlyFigure

_seq = count(1)


def uscc(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    first17 = f"91421081MA4{n:06d}"
    return first17 + uscc_check_char(first17)


def make_enterprise(world, village=None, *, town=None, user="admin", **data) -> Enterprise:
    village = village if village is not None else world.villages[0]
    town = town or village.town
    n = next(_seq)
    fields = {
        "name": f"测试企业{n}",
        "uscc": uscc(1000 + n),
        "industry_code": "C2922",
        "village": village,
    }
    fields.update(data)
    actor = world.users["other_admin" if town == world.other_town else user]
    with acting_as(actor, Source.UI):
        return services.create_enterprise(town=town, data=fields, acting_user=actor)


def add_figures(ent, year: int, monthly: dict[int, float] | list[float], **extra):
    items = monthly.items() if isinstance(monthly, dict) else enumerate(monthly, start=1)
    rows = [
        MonthlyFigure(
            town_id=ent.town_id,
            enterprise=ent,
            month=datetime.date(year, m, 1),
            revenue=Decimal(str(v)),
            main_revenue=Decimal(str(v)),
            **extra,
        )
        for m, v in items
    ]
    with acting_as(None, Source.SYSTEM):
        for r in rows:
            r.save()
    return rows
