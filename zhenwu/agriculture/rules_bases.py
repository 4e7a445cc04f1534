"""Rules of the 强特色 half (pure functions; the models and services call them).

Decisions (docs/agriculture.md "强特色"):
- A harvest date before the planting date, or a harvest end before its start, is refused.
- A season's planted area larger than its base's area is refused (a season plants the base, or
  part of it; a larger figure is a typing error or a base whose area needs updating first).
- A base larger than the farmland on record of its village(s) is accepted, with a warning
  stored on the record (`Base.warning`): bases may include forest land (林下种养) or ponds, so
  the figure is for the clerk to check, not a reason to refuse.
- Output is typed in 千克 or 吨 and stored normalised to kg as well.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db.models import Sum

from zhenwu.land.rules import RuleError, check_geojson

__all__ = [
    "MIN_AREA",
    "RuleError",
    "base_warning",
    "check_outline",
    "check_point",
    "check_season",
    "kg_to_ton",
    "to_kg",
    "village_farmland_mu",
]

MIN_AREA = Decimal("0.01")
KG_PER_TON = Decimal(1000)


def to_kg(amount, unit: str) -> Decimal | None:
    """Output as typed (千克 `kg` or 吨 `t`) in kg."""
    if amount is None or amount == "":
        return None
    amount = Decimal(amount)
    return amount * KG_PER_TON if unit == "t" else amount


def kg_to_ton(kg) -> Decimal | None:
    return None if kg is None else (Decimal(kg) / KG_PER_TON).quantize(Decimal("0.001"))


def check_season(
    *,
    planting_date: date | None,
    harvest_start: date | None,
    harvest_end: date | None,
    planted_area_mu: Decimal | None,
    base_area_mu: Decimal | None,
    base_name: str = "",
) -> dict[str, list[str]]:
    """The season's dates and area; {field: [messages]} (empty when all is well)."""
    errors: dict[str, list[str]] = {}
    if planting_date and harvest_start and harvest_start < planting_date:
        errors["harvest_start"] = [
            f"采收开始日期（{harvest_start}）早于种植日期（{planting_date}），请核对"
        ]
    if harvest_end:
        if harvest_start and harvest_end < harvest_start:
            errors["harvest_end"] = [
                f"采收结束日期（{harvest_end}）早于采收开始日期（{harvest_start}），请核对"
            ]
        elif planting_date and harvest_end < planting_date:
            errors["harvest_end"] = [
                f"采收结束日期（{harvest_end}）早于种植日期（{planting_date}），请核对"
            ]
        elif not harvest_start:
            errors["harvest_start"] = ["填写了采收结束日期时，请同时填写采收开始日期"]
    if (
        planted_area_mu is not None
        and base_area_mu is not None
        and Decimal(planted_area_mu) > Decimal(base_area_mu)
    ):
        errors["planted_area_mu"] = [
            f"种植面积 {_mu(planted_area_mu)} 亩大于基地「{base_name}」的面积 "
            f"{_mu(base_area_mu)} 亩；请核对，或先修改基地面积"
        ]
    return errors


def check_point(lat, lng) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (lat is None) != (lng is None):
        errors["lat" if lat is None else "lng"] = ["经度和纬度请同时填写"]
    if lat is not None and not (-90 <= lat <= 90):
        errors["lat"] = ["纬度应在−90～90之间"]
    if lng is not None and not (-180 <= lng <= 180):
        errors["lng"] = ["经度应在−180～180之间"]
    return errors


def check_outline(text: str) -> str:
    """A base's outline: GeoJSON in longitude–latitude (a polygon, feature or collection).
    Returns it as compact JSON; raises RuleError (field `outline`)."""
    try:
        data = check_geojson(text)
    except RuleError as exc:
        raise RuleError("outline", f"基地范围（GeoJSON）：{exc.message}") from None
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def village_farmland_mu(village) -> Decimal | None:
    """The village's farmland on record, in 亩: the sum of `area_mu` of the farmland plots
    (图斑, model `agriculture.Plot` of the 守粮安 half) in the village; None when that model is
    not installed or the village has no plots on record (then no comparison is made)."""
    if village is None:
        return None
    try:
        plot = apps.get_model("agriculture", "Plot")
    except LookupError:
        return None
    field_names = {f.name for f in plot._meta.get_fields()}
    if "area_mu" not in field_names or "village" not in field_names:
        return None
    total = plot.objects.filter(village=village).aggregate(s=Sum("area_mu"))["s"]
    return total if total else None


def base_warning(base) -> str:
    """The warning stored on a base: larger than its villages' farmland on record."""
    if base.area_mu is None:
        return ""
    # village id → its sum, kept by a caller checking many bases (the bases ledger)
    cache = getattr(base, "_farmland_by_village", None)

    def farmland(village):
        if cache is None:
            return village_farmland_mu(village)
        if village.pk not in cache:
            cache[village.pk] = village_farmland_mu(village)
        return cache[village.pk]

    known = [(v, farmland(v)) for v in base.villages()]
    known = [(v, mu) for v, mu in known if mu is not None]
    if not known:
        return ""
    farmland = sum((mu for _, mu in known), Decimal(0))
    if Decimal(base.area_mu) <= farmland:
        return ""
    names = "、".join(str(v) for v, _ in known)
    return (
        f"基地面积 {_mu(base.area_mu)} 亩大于{names}在册耕地 {_mu(farmland)} 亩，"
        "请核实基地面积或村耕地台账"
    )


def _mu(value) -> str:
    d = Decimal(value).quantize(Decimal("0.01"))
    return f"{d.normalize():f}"
