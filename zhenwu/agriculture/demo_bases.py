"""Demo part 65 (强特色): the seed's agricultural bases with their areas — 羊肚菌 and 金蝉
under forest (林下立体种养, 600 + 400 = 1000 亩), 火龙果 300 亩, vegetables 2000 亩 centred on
管家铺 and 永福, 娃娃菜 1000 亩 at 古夹垸 — the town's crops and sales channels, and a season
of records for each base in the seed's year; when the demo is loaded in a later year, a season
of the year under way too, dated relative to the day the demo is loaded (only what has
happened by then: no harvest in the future).

Areas are the seed's; operators, dates, output, output value and jobs are demo values, marked
「示例」 in the operator names and notes. Idempotent: a base that exists is left alone; its
seasons are added when missing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhenwu.agriculture import services_bases as services
from zhenwu.agriculture.models import Base, Crop, OperatorKind, OutputUnit, SalesChannel, Season
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.demo import register_demo

MARK = "示例数据"
CROPS = ["羊肚菌", "金蝉", "火龙果", "蔬菜", "娃娃菜"]
CHANNELS = ["城市“菜篮子”", "商超直供", "电商", "批发市场"]
ENTERPRISE = "示例农产品加工有限公司"  # of the enterprise register's demo

# (name, crop, mode, 亩, village, other villages, operator kind, operator, start year, 万元)
BASES = [
    ("羊肚菌林下种植基地", "羊肚菌", "林下立体种养", 600, "示例四村", [],
     OperatorKind.COOPERATIVE, "示例羊肚菌种植专业合作社", 2022, 380),
    ("金蝉林下养殖基地", "金蝉", "林下立体种养", 400, "示例四村", [],
     OperatorKind.HOUSEHOLD, "示例金蝉养殖大户", 2023, 120),
    ("火龙果基地", "火龙果", "大棚种植", 300, "示例五村", [],
     OperatorKind.COOPERATIVE, "示例火龙果种植专业合作社", 2021, 900),
    ("蔬菜基地（以管家铺、永福为中心）", "蔬菜", "露地与大棚轮作", 2000, "管家铺村", ["永福村"],
     OperatorKind.ENTERPRISE, ENTERPRISE, 2020, 1600),
    ("古夹垸娃娃菜基地", "娃娃菜", "露地种植（秋冬茬）", 1000, "古夹垸村", [],
     OperatorKind.COOPERATIVE, "示例娃娃菜种植专业合作社", 2023, 450),
]  # fmt: skip

# base name → (label suffix, planting (year offset, month, day), harvest start, harvest end,
#               output 吨, output value 万元, jobs, channels); offsets are from the season's year.
SEASONS = {
    "羊肚菌林下种植基地": ("年度（上年冬播）", (-1, 11, 18), (0, 2, 25), (0, 4, 15),
                         90, 720, 60, ["城市“菜篮子”", "电商"]),
    "金蝉林下养殖基地": ("年度", (0, 3, 10), (0, 6, 20), (0, 8, 10),
                       4, 80, 25, ["批发市场", "电商"]),
    "火龙果基地": ("年度", (0, 3, 1), (0, 6, 15), (0, 11, 10),
                  450, 270, 40, ["城市“菜篮子”", "商超直供"]),
    "蔬菜基地（以管家铺、永福为中心）": ("年度", (0, 2, 20), (0, 4, 20), (0, 11, 20),
                                     6000, 1200, 150, ["城市“菜篮子”", "商超直供", "批发市场"]),
    "古夹垸娃娃菜基地": ("年秋冬茬", (0, 9, 5), (0, 11, 5), (0, 11, 28),
                       4000, 800, 80, ["城市“菜篮子”", "批发市场"]),
}  # fmt: skip


@register_demo(65, "强特色")
def build(ctx):
    town = ctx.town
    actor = ctx.users.get("nongye") or ctx.admin
    with acting_as(actor, Source.SYSTEM):
        crops = {}
        for order, name in enumerate(CROPS, start=1):
            crops[name], _ = Crop.objects.get_or_create(
                town=town, name=name, defaults={"order": order}
            )
        channels = {}
        for order, name in enumerate(CHANNELS, start=1):
            channels[name], _ = SalesChannel.objects.get_or_create(
                town=town, name=name, defaults={"order": order}
            )
        villages = {v.name: v for v in ctx.villages}
        from zhenwu.enterprises.models import Enterprise

        enterprise = Enterprise.objects.filter(town=town, name=ENTERPRISE).first()
        years = [ctx.year] + ([ctx.current_year] if ctx.current_year else [])
        for spec in BASES:
            base = _base(ctx, actor, spec, crops, villages, enterprise)
            for year in years:
                _season(ctx, actor, base, year, channels)


def _base(ctx, actor, spec, crops, villages, enterprise) -> Base:
    name, crop, mode, mu, village, others, kind, operator, start, invest = spec
    base = Base.objects.filter(town=ctx.town, name=name).first()
    if base is not None:
        return base
    data = {
        "name": name,
        "crop": crops[crop],
        "planting_mode": mode,
        "area_mu": Decimal(mu),
        "village": villages.get(village),
        "other_villages": [villages[v] for v in others if v in villages],
        "operator_kind": kind,
        "start_year": start,
        "investment": Decimal(invest),
        "note": f"{MARK}：面积为计划所列规模，经营主体、投资等为演示值",
    }
    if kind == OperatorKind.ENTERPRISE and enterprise is not None:
        data["enterprise"] = enterprise
    else:
        data["operator_name"] = operator
    return services.base_create(town=ctx.town, data=data, acting_user=actor)


def _day(year, offset):
    dy, m, d = offset
    return date(year + dy, m, d)


def _season(ctx, actor, base, year, channels) -> Season | None:
    suffix, plant, h_start, h_end, tons, value, jobs, chans = SEASONS[base.name]
    label = f"{year}{suffix}"
    if Season.objects.filter(base=base, label=label).exists():
        return None
    today = ctx.today
    planting = _day(year, plant)
    if planting > today:
        return None  # not planted yet in the year under way
    start, end = _day(year, h_start), _day(year, h_end)
    share = Decimal(1)
    if start > today:
        start = end = None
        share = Decimal(0)
    elif end > today:
        # harvest under way: the output so far, in proportion to the days passed
        share = Decimal((today - start).days + 1) / Decimal((end - start).days + 1)
        end = None
    data = {
        "label": label,
        "planted_area_mu": base.area_mu,
        "planting_date": planting,
        "harvest_start": start,
        "harvest_end": end,
        "output_amount": (Decimal(tons) * share).quantize(Decimal("0.1")) if share else None,
        "output_unit": OutputUnit.TON,
        "output_value": (Decimal(value) * share).quantize(Decimal("0.01")) if share else None,
        "jobs_created": jobs,
        "sales_channels": [channels[c] for c in chans],
        "workers": _workers(base),
        "note": f"{MARK}：日期、产量、产值、带动就业均为演示值",
    }
    return services.season_create(base=base, data=data, acting_user=actor)


def _workers(base) -> list:
    """A few workers of the labour register from the base's village (when that demo ran)."""
    from zhenwu.labor.models import Worker

    if base.village_id is None:
        return []
    return list(Worker.objects.filter(town=base.town, village=base.village).order_by("pk")[:5])
