"""Demo part 55 (双征): the town's land requisition and house relocation.

- Price tables: two 区片 (I, II) re-published every three years, and house compensation
  standards per structure (all figures 示例: Hubei's current 区片 values were not found).
- The four completed campaigns of the interview — 正锋, 光大管道, 站后路东延, 铁路货场通道 —
  2108 亩 and 202 户 in all, handed over before 2025 (every parcel handed over, every
  household settled).
- One campaign in progress, dated relative to the day the demo is loaded (it began in the
  autumn of the seed year, or 150 days ago if later): households at every stage, grouped by
  their 包户 cadres, a few with open disputes and their contacts, parcels and households
  placed on the map over schematic village outlines marked 示例.

Names, IDs, amounts and coordinates are demo values. Idempotent: nothing is added when the
in-progress campaign exists.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.bulk import bulk_save
from zhenwu.core.demo import register_demo
from zhenwu.core.idnumbers import resident_id_check_char
from zhenwu.land import rules, services
from zhenwu.land.models import (
    Campaign,
    Dispute,
    DisputeContact,
    Hearing,
    Household,
    HousePrice,
    LandPriceZone,
    MapLayer,
    Parcel,
    SocialSecurityEntry,
)

MARK = "示例"
CURRENT = "工业园区二期拓展区征收（示例）"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董"
GIVEN = ["建华", "国强", "志刚", "海波", "德明", "金山", "长江", "建军", "新民", "光明",
         "桂芳", "玉兰", "永红", "水生", "卫东", "春生", "秋菊", "家兴", "友谊", "大海"]  # fmt: skip

# name, project name (key project it served), villages (indexes), 亩, 户, start, handed over
COMPLETED = [
    ("正锋项目征收", None, (0, 2), Decimal(820), 78, date(2021, 3, 1), date(2021, 12, 20)),
    ("光大管道项目征收", "光大管道", (0, 1), Decimal(650), 64, date(2023, 3, 6), date(2024, 6, 28)),
    ("站后路东延征收", None, (1, 3), Decimal(318), 36, date(2022, 4, 6), date(2022, 12, 16)),
    ("铁路货场通道征收", None, (2, 4), Decimal(320), 24, date(2023, 8, 1), date(2024, 11, 29)),
]
LAND_TYPES = ["0101", "0101", "0101", "0103", "0102", "1104", "0702", "1006", "0301"]
STRUCTURES = ["brick_concrete", "brick_concrete", "frame", "brick_wood", "earth_wood", "simple"]
# Nankou town, schematic: a 5 × 2 grid of village squares (not surveyed boundaries)
LON0, LAT0, CELL = Decimal("112.30"), Decimal("29.80"), Decimal("0.03")


def _rid(rng, n: int) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
    first17 = f"421081{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _cell(i: int) -> tuple[Decimal, Decimal]:
    return LON0 + CELL * (i % 5), LAT0 + CELL * (i // 5)


def _point(rng, village_index: int) -> tuple[Decimal, Decimal]:
    lon, lat = _cell(village_index)
    return (
        (lon + CELL * Decimal(rng.uniform(0.15, 0.85))).quantize(Decimal("0.000001")),
        (lat + CELL * Decimal(rng.uniform(0.15, 0.85))).quantize(Decimal("0.000001")),
    )


def _outlines(ctx) -> dict:
    feats = []
    for i, v in enumerate(ctx.villages):
        lon, lat = (float(x) for x in _cell(i))
        c = float(CELL)
        ring = [[lon, lat], [lon + c, lat], [lon + c, lat + c], [lon, lat + c], [lon, lat]]
        feats.append(
            {
                "type": "Feature",
                "properties": {"name": f"{v.name}（示例村界）"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def _prices(ctx):
    town = ctx.town
    for zone, grade, price in (("I", "一级", 52000), ("II", "二级", 46000)):
        for eff, factor, doc in (
            (date(2020, 1, 1), Decimal("0.9"), "鄂政发〔2019〕示例号"),
            (date(2023, 1, 1), Decimal(1), "鄂政发〔2022〕示例号"),
        ):
            LandPriceZone.objects.get_or_create(
                town=town,
                zone_code=zone,
                effective_from=eff,
                defaults={
                    "grade": grade,
                    "price_yuan_per_mu": Decimal(price) * factor,
                    "doc_no": doc,
                },
            )
    for s, price in (("frame", 1500), ("brick_concrete", 1250), ("brick_wood", 950),
                     ("earth_wood", 700), ("simple", 300)):  # fmt: skip
        for eff, factor, doc in (
            (date(2020, 1, 1), Decimal("0.9"), "石政发〔2019〕示例号"),
            (date(2023, 7, 1), Decimal(1), "石政发〔2023〕示例号"),
        ):
            HousePrice.objects.get_or_create(
                town=town,
                structure=s,
                effective_from=eff,
                defaults={"price_yuan_per_m2": Decimal(price) * factor, "doc_no": doc},
            )


def _spread(total: Decimal, n: int, rng) -> list[Decimal]:
    """n positive areas (亩, 2 decimals) summing exactly to total."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(n)]
    s = sum(weights)
    parts = [(total * Decimal(w / s)).quantize(Decimal("0.01")) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def _household(ctx, rng, campaign, n, village_index, cadre, dates: dict, seq):
    village = ctx.villages[village_index]
    lon, lat = _point(rng, village_index)
    h = Household(
        town=ctx.town,
        campaign=campaign,
        number=f"{n:03d}",
        village=village,
        group=f"{rng.randint(1, 8)}组",
        head_name=_name(rng),
        head_id=_rid(rng, seq),
        members=rng.randint(2, 7),
        homestead_m2=Decimal(rng.randint(120, 260)),
        structure=rng.choice(STRUCTURES),
        floors=rng.randint(1, 3),
        area_certified=Decimal(rng.randint(90, 260)),
        area_uncertified=Decimal(rng.choice([0, 0, 12, 20, 35])),
        year_built=rng.randint(1985, 2015),
        resettlement=rng.choice(["money", "money", "house", "homestead"]),
        cadre=cadre,
        lon=lon,
        lat=lat,
        **dates,
    )
    if h.appraised_on:
        h.appraiser = "荆州某房地产评估公司（示例）"
        h.appraised_value = h.computed_house_comp
        h.house_comp = h.appraised_value
        h.decoration_comp = Decimal(rng.randint(5, 40) * 1000)
        h.attachment_comp = Decimal(rng.randint(2, 15) * 1000)
        h.moving_fee = Decimal(3000)
        h.transition_fee = Decimal(500 * 12)
    if h.signed_on:
        h.reward = Decimal(20000)
    if h.settled_on:
        h.paid_amount = h.total_comp
    elif h.vacated_on:
        h.paid_amount = (h.total_comp * Decimal("0.7")).quantize(Decimal("0.01"))
    h.full_clean(exclude=["town"], validate_unique=False, validate_constraints=False)
    h.stage = rules.stage_of(h.stage_dates())
    return h


def _parcel(ctx, rng, campaign, n, village_index, cadre, area, zone, dates: dict):
    lon, lat = _point(rng, village_index)
    p = Parcel(
        town=ctx.town,
        campaign=campaign,
        number=f"DK{n:03d}",
        village=ctx.villages[village_index],
        group=f"{rng.randint(1, 8)}组",
        contractor_name=_name(rng),
        location=f"{ctx.villages[village_index].name}（示例坐落）",
        area_mu=area,
        land_type=rng.choice(LAND_TYPES),
        basic_farmland=False,
        price_zone=zone,
        crop_comp=(area * 1200).quantize(Decimal("0.01")),
        cadre=cadre,
        lon=lon,
        lat=lat,
        **dates,
    )
    p.full_clean(exclude=["town"], validate_unique=False, validate_constraints=False)
    if p.payment_status == "paid":
        p.paid_amount = p.total_comp
    return p


def _completed(ctx, rng, actor, seq):
    from zhenwu.projects.models import Project

    staff = [u for k, u in ctx.users.items() if k in ("shuangzheng", "jingfa", "xiangmu")]
    for name, project_name, villages, mu, hh, start, handed in COMPLETED:
        if Campaign.all_objects.filter(town=ctx.town, name=name).exists():
            continue
        project = (
            Project.objects.filter(town=ctx.town, name=project_name).first()
            if project_name
            else None
        )
        campaign = services.campaign_create(
            town=ctx.town,
            data={
                "name": name,
                "project": project,
                "approval_no": f"鄂政土批〔{start.year}〕示例号",
                "scope": f"{'、'.join(ctx.villages[i].name for i in villages)}部分集体土地（{MARK}）",
                "target_mu": mu,
                "target_households": hh,
                "start_date": start,
                "handover_deadline": handed,
                "handed_over_on": handed,
                "leader": ctx.users["leader"],
                "note": "近年已完成的征收任务（访谈数据：四个项目合计2108亩、202户；明细为示例）",
            },
            acting_user=actor,
        )
        span = (handed - start).days
        households = []
        for n in range(1, hh + 1):
            vi = villages[n % 2]
            d0 = start + timedelta(days=rng.randint(20, 60))
            step = max(1, (span - 80) // 7)
            dates = {
                f: d0 + timedelta(days=step * i) for i, f in enumerate(rules.STAGE_FIELDS.values())
            }
            seq[0] += 1
            households.append(
                _household(ctx, rng, campaign, n, vi, rng.choice(staff), dates, seq[0])
            )
        n_parcels = max(4, int(mu / 8))
        parcels = []
        for n, area in enumerate(_spread(mu, n_parcels, rng), start=1):
            vi = villages[n % 2]
            reg = start + timedelta(days=rng.randint(15, 40))
            dates = {
                "registered_on": reg,
                "agreed_on": reg + timedelta(days=rng.randint(30, 90)),
                "payment_status": "paid",
                "handed_over_on": handed,
            }
            parcels.append(
                _parcel(
                    ctx,
                    rng,
                    campaign,
                    n,
                    vi,
                    rng.choice(staff),
                    area,
                    "I" if n % 3 else "II",
                    dates,
                )
            )
        bulk_save(Household, create=households, acting_user=actor, source=Source.SYSTEM)
        bulk_save(Parcel, create=parcels, acting_user=actor, source=Source.SYSTEM)
        steps = list(campaign.steps.order_by("order"))
        d = start
        per = max(1, span // len(steps))
        for s in steps:
            services.step_update(
                s,
                data={"actual_start": d, "actual_finish": min(d + timedelta(days=per - 1), handed)},
                acting_user=actor,
            )
            d = min(d + timedelta(days=per), handed)


def _current(ctx, rng, actor, seq):
    from zhenwu.investment.models import Investment

    today = ctx.today
    start = min(today - timedelta(days=150), date(ctx.year, 10, 8))
    deadline = today + timedelta(days=100)
    villages = (0, 1)
    campaign = services.campaign_create(
        town=ctx.town,
        data={
            "name": CURRENT,
            "investment": Investment.objects.filter(town=ctx.town, name__contains="众犇").first(),
            "approval_no": "鄂政土批〔示例〕号",
            "scope": f"{ctx.villages[0].name}、{ctx.villages[1].name}部分集体土地（{MARK}）",
            "target_mu": Decimal(360),
            "target_households": 48,
            "start_date": start,
            "handover_deadline": deadline,
            "leader": ctx.users["leader"],
            "note": f"{MARK}：进行中的征收任务，日期按载入演示的日期生成",
        },
        acting_user=actor,
    )
    campaign.team.set([u for k, u in ctx.users.items() if k in ("shuangzheng", "xiangmu")])
    # the steps so far: actual dates up to today
    steps = list(campaign.steps.order_by("order"))
    d = start
    for s in steps[:6]:
        finish = d + timedelta(days=s.duration + s.duration // 2)
        if finish >= today:
            services.step_update(s, data={"actual_start": d}, acting_user=actor)
            break
        services.step_update(
            s, data={"actual_start": d, "actual_finish": finish}, acting_user=actor
        )
        d = finish + timedelta(days=1)
    cadres = {
        0: [ctx.users["village1"], ctx.users.get("shuangzheng")],
        1: [ctx.users["village2"], ctx.users.get("jingfa")],
    }
    # stage counts: at every stage, most households signed or beyond
    plan = (["none"] * 3 + ["survey"] * 4 + ["appraise"] * 5 + ["publicize"] * 6 + ["sign"] * 10
            + ["vacate"] * 8 + ["demolish"] * 7 + ["settle"] * 5)  # fmt: skip
    rng.shuffle(plan)
    households = []
    elapsed = (today - start).days
    for n, stage in enumerate(plan, start=1):
        vi = villages[n % 2]
        upto = rules.STAGE_KEYS.index(stage) + 1 if stage != "none" else 0
        d0 = start + timedelta(days=rng.randint(10, 30))
        step = max(1, (elapsed - 40) // 8)
        dates = {}
        for i, f in enumerate(rules.STAGE_FIELDS.values()):
            if i < upto:
                dates[f] = min(d0 + timedelta(days=step * i + rng.randint(0, 3)), today)
        # keep the dates in order after clipping to today
        last = None
        for f in rules.STAGE_FIELDS.values():
            if f in dates:
                if last and dates[f] < last:
                    dates[f] = last
                last = dates[f]
        seq[0] += 1
        households.append(
            _household(ctx, rng, campaign, n, vi, rng.choice(cadres[vi]), dates, seq[0])
        )
    bulk_save(Household, create=households, acting_user=actor, source=Source.SYSTEM)
    parcels = []
    for n, area in enumerate(_spread(Decimal(360), 45, rng), start=1):
        vi = villages[n % 2]
        r = rng.random()
        reg = start + timedelta(days=rng.randint(15, 40))
        dates = {"registered_on": reg}
        if r < 0.75:
            dates["agreed_on"] = min(reg + timedelta(days=rng.randint(20, 80)), today)
            dates["payment_status"] = "paid" if r < 0.5 else "partial"
        if r < 0.3:
            dates["handed_over_on"] = min(
                dates["agreed_on"] + timedelta(days=rng.randint(5, 30)), today
            )
        p = _parcel(ctx, rng, campaign, n, vi, rng.choice(cadres[vi]), area, "I", dates)
        if p.payment_status == "partial":
            p.paid_amount = (p.total_comp * Decimal("0.6")).quantize(Decimal("0.01"))
        parcels.append(p)
    bulk_save(Parcel, create=parcels, acting_user=actor, source=Source.SYSTEM)
    # disputes: open ones flagged on the board, one resolved
    saved = list(Household.objects.filter(campaign=campaign).order_by("number"))
    kinds = ["objection", "conflict", "petition", "objection"]
    picks = [h for h in saved if h.stage in ("appraise", "publicize", "sign")][:4]
    for i, h in enumerate(picks):
        raised = (h.appraised_on or h.surveyed_on or start) + timedelta(days=2)
        raised = min(raised, today)
        d = Dispute.objects.create(
            town=ctx.town,
            household=h,
            kind=kinds[i],
            raised_on=raised,
            summary=[
                "对评估面积有异议，要求复测",
                "与邻户宅基地界址纠纷",
                "到市信访局反映过渡费标准偏低",
                "对无证面积认定有异议",
            ][i],
        )
        for j in range(1 + i % 2):
            DisputeContact.objects.create(
                town=ctx.town,
                dispute=d,
                contacted_on=min(raised + timedelta(days=3 + 5 * j), today),
                who="张双征、" + (h.cadre.full_name if h.cadre else "村干部"),
                said=["上门解释评估依据和标准", "组织双方现场确认界址"][j],
                next_step=["申请第三方复测", "村调委会调解"][j],
            )
        if i == 3:
            d.status = "resolved"
            d.resolved_on = min(raised + timedelta(days=12), today)
            d.resolution = "复核后按政策认定，户主同意"
            d.save()


def _hearings_and_social_security(ctx, actor):
    """听证 and 社保名单 of the first finished campaign (正锋) and the current one: in 正锋 a
    collective hearing and a household's, both held within the 方案公告 period; each household's
    head on the social-security list — 已参保 in 正锋, 待审核/已公示 in the current campaign."""
    from zhenwu.core.services import create_object

    names = (COMPLETED[0][0], CURRENT)
    for campaign in Campaign.objects.filter(town=ctx.town, name__in=names).order_by("start_date"):
        if SocialSecurityEntry.objects.filter(campaign=campaign).exists():
            continue
        finished = campaign.name != CURRENT
        publish = campaign.steps.filter(key="publish").first()
        households = list(Household.objects.filter(campaign=campaign).order_by("number"))
        if finished and publish is not None and publish.actual_start and households:
            first = households[0]
            requested = publish.actual_start + timedelta(days=5)
            for data in (
                {
                    "village": first.village,
                    "group": first.group,
                    "applicant": f"{first.village.name}{first.group}村民代表",
                    "requested_on": requested,
                    "held_on": requested + timedelta(days=10),
                    "outcome": "听取意见后对过渡费标准作了说明，方案维持，群众代表无异议",
                },
                {
                    "village": households[1 % len(households)].village,
                    "household": households[1 % len(households)],
                    "applicant": households[1 % len(households)].head_name,
                    "requested_on": requested + timedelta(days=2),
                    "held_on": requested + timedelta(days=12),
                    "outcome": "复核房屋面积后补登附属设施，户主同意方案",
                },
            ):
                create_object(
                    Hearing,
                    town=ctx.town,
                    data={"campaign": campaign, **data},
                    acting_user=actor,
                )
        people = max(1, sum(h.members for h in households))
        per_capita = (campaign.target_mu / people).quantize(Decimal("0.0001"))
        for i, h in enumerate(households):
            status = "insured" if finished else ("published" if i % 3 else "pending")
            if not h.head_id:
                continue
            create_object(
                SocialSecurityEntry,
                town=ctx.town,
                data={
                    "campaign": campaign,
                    "household": h,
                    "name": h.head_name,
                    "id_number": h.head_id,
                    "per_capita_mu": per_capita,
                    "status": status,
                },
                acting_user=actor,
            )


@register_demo(55, "双征")
def build(ctx):
    town = ctx.town
    if Campaign.all_objects.filter(town=town, name=CURRENT).exists():
        return
    rng = random.Random(20250521)
    actor = ctx.users.get("shuangzheng") or ctx.admin
    seq = [0]
    with acting_as(actor, Source.SYSTEM):
        _prices(ctx)
        _completed(ctx, rng, actor, seq)
        _current(ctx, rng, actor, seq)
        _hearings_and_social_security(ctx, actor)
        if not MapLayer.objects.filter(town=town).exists():
            services.map_layer_upload(
                town=town,
                name="南口镇村界示意图（示例）",
                content=__import__("json").dumps(_outlines(ctx)),
                acting_user=actor,
                is_sample=True,
            )
