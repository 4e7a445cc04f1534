"""Reads of the 强特色 half: the board's figures and the dashboard. Every function takes
querysets already passed through `scoping.restrict()` (or of one town, for the plan board's
indicators) and runs a fixed number of aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

ZERO = Decimal(0)


def seasons_harvested(seasons, start: date, end: date):
    """Seasons whose harvest ended (or, still under way, began) within [start, end]."""
    return seasons.filter(base__is_deleted=False).filter(
        Q(harvest_end__gte=start, harvest_end__lte=end)
        | Q(harvest_end__isnull=True, harvest_start__gte=start, harvest_start__lte=end)
    )


def seasons_in_production(seasons, start: date, end: date):
    """Seasons in the ground some time within [start, end]: planted by `end`, their harvest
    not ended before `start` (an overwintering crop planted last autumn counts); a season
    without a harvest end counts for a year after its planting."""
    return seasons.filter(base__is_deleted=False, planting_date__lte=end).filter(
        Q(harvest_end__gte=start)
        | Q(harvest_end__isnull=True, planting_date__gt=start - timedelta(days=365))
    )


def bases_in_production(bases, seasons, start: date, end: date, crops=None):
    """Bases with a season in production within [start, end], optionally of the named crops."""
    qs = bases.filter(pk__in=seasons_in_production(seasons, start, end).values("base_id"))
    if crops:
        qs = qs.filter(crop__name__in=crops)
    return qs


@dataclass
class BaseRow:
    pk: int
    name: str
    crop: str
    village: str
    operator: str
    area_mu: Decimal
    planted_mu: Decimal
    output_kg: Decimal
    output_value: Decimal
    jobs: int
    warning: str
    url: str = ""

    @property
    def output_ton(self) -> Decimal:
        return (self.output_kg / 1000).quantize(Decimal("0.1"))


@dataclass
class CropRow:
    crop: str
    bases: int
    area_mu: Decimal
    output_value: Decimal


@dataclass
class Dashboard:
    year: int
    as_of: date
    bases: int = 0
    area_mu: Decimal = ZERO
    planted_mu: Decimal = ZERO
    output_kg: Decimal = ZERO
    output_value: Decimal = ZERO
    jobs: int = 0
    by_crop: list[CropRow] = field(default_factory=list)
    rows: list[BaseRow] = field(default_factory=list)

    @property
    def output_ton(self) -> Decimal:
        return (self.output_kg / 1000).quantize(Decimal("0.1"))

    def chart_data(self) -> dict:
        return {
            "labels": [c.crop for c in self.by_crop],
            "area": [float(c.area_mu) for c in self.by_crop],
            "value": [float(c.output_value) for c in self.by_crop],
        }


def dashboard(*, bases, seasons, year: int, as_of: date) -> Dashboard:
    """The 强特色 board of `year` up to `as_of`: every base with its area; planted area and
    jobs of the seasons in production in the year; output and output value of the seasons
    harvested in it — three queries."""
    start, end = date(year, 1, 1), min(as_of, date(year, 12, 31))
    d = Dashboard(year=year, as_of=end)
    growing = {
        r["base_id"]: r
        for r in seasons_in_production(seasons, start, end)
        .values("base_id")
        .annotate(planted=Sum("planted_area_mu"), jobs=Sum("jobs_created"))
    }
    harvested = {
        r["base_id"]: r
        for r in seasons_harvested(seasons, start, end)
        .values("base_id")
        .annotate(kg=Sum("output_kg"), value=Sum("output_value"))
    }
    crops: dict[str, CropRow] = {}
    for b in bases.select_related("crop", "village", "enterprise").order_by(
        "crop__order", "crop__name", "name", "pk"
    ):
        g, h = growing.get(b.pk, {}), harvested.get(b.pk, {})
        row = BaseRow(
            pk=b.pk,
            name=b.name,
            crop=b.crop.name,
            village=str(b.village or ""),
            operator=b.operator,
            area_mu=b.area_mu,
            planted_mu=g.get("planted") or ZERO,
            output_kg=h.get("kg") or ZERO,
            output_value=h.get("value") or ZERO,
            jobs=g.get("jobs") or 0,
            warning=b.warning,
            url=b.get_absolute_url() or "",
        )
        d.rows.append(row)
        c = crops.setdefault(b.crop.name, CropRow(b.crop.name, 0, ZERO, ZERO))
        c.bases += 1
        c.area_mu += b.area_mu
        c.output_value += row.output_value
        d.bases += 1
        d.area_mu += b.area_mu
        d.planted_mu += row.planted_mu
        d.output_kg += row.output_kg
        d.output_value += row.output_value
        d.jobs += row.jobs
    d.by_crop = list(crops.values())
    return d
