"""Test helpers: investments built through the service (events and change log included)."""

from datetime import date
from decimal import Decimal
from itertools import count

from zhenwu.core.idnumbers import uscc_check_char
from zhenwu.investment import services

_codes = count(1)


def valid_uscc(n: int = 1) -> str:
    first17 = f"91421081MA4{n:06d}"
    return first17 + uscc_check_char(first17)


def make_investment(world, village=None, *, town=None, user=None, **fields):
    town = town or (village.town if village is not None else world.town)
    user = user or (world.users["admin"] if town == world.town else world.users["other_admin"])
    data = {
        "code": f"T-{next(_codes):05d}",
        "name": f"测试项目{next(_codes)}",
        "project_type": "industrial",
        "nature": "new",
        "planned_total_wan": Decimal(5000),
        "stage": "signed",
        "signed_on": date(2025, 3, 1),
        "village": village,
    }
    data.update(fields)
    return services.create_investment(town=town, data=data, acting_user=user)
