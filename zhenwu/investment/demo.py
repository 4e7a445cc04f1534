"""Demo 招商引资 pipeline for Nankou 2025 (`zhenwu demo`, order 30).

Facts from the interview (seed/PLAN.md): 中升建材 新型涂料生产项目 landed (revives idle assets);
秦望环保 炉渣综合利用 and 江苏众犇环保设备 signed. Targets: ≥35 signed, ≥4 started industrial
projects of ≥1亿, ≥20 newly signed projects started.

Everything else — other projects, investors, amounts, dates, funds — is demo data, marked
「演示数据」 in each record's note. Investors are generic names with checksum-valid USCCs of
region 421081. The year is built so the board shows a realistic shortfall: 30 signed by year
end (15 by 30 June), 3 started ≥1亿 industrial (2 by 30 June), 17 newly signed started (7 by 30
June), plus projects 在谈/线索, one 终止 and one 增资 (not a new signing).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from zhenwu.core.demo import register_demo
from zhenwu.core.idnumbers import demo_uscc
from zhenwu.core.services import soft_delete
from zhenwu.investment.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    EventKind,
    FollowUp,
    FundsReceipt,
    Investment,
    InvestmentEvent,
    Stage,
)

DEMO_NOTE = "演示数据：金额、日期、投资方为示例值，请以实际台账为准。"
NAMED_NOTE = "项目名称来自2025年访谈；金额、日期为演示数据。"


D = date

# code, name, investor, origin, type, nature, total 万元, signed, started, village index,
# leader key, source, industry code, chain, stage override
NAMED = [
    dict(
        code="ZS-2025-001",
        name="中升建材新型涂料生产项目",
        investor="中升建材",
        origin="local",
        type="industrial",
        nature="renovation",
        total=12000,
        fixed=9500,
        negotiating=D(2025, 1, 6),
        signed=D(2025, 2, 18),
        started=D(2025, 4, 8),
        village=0,
        leader="leader",
        source="business",
        industry="C2641",
        chain="新型建材（防水涂料）",
        site="南口镇工业园区闲置厂房（盘活闲置资产）",
        land=Decimal(45),
        named=True,
    ),
    dict(
        code="ZS-2025-002",
        name="秦望环保炉渣综合利用项目",
        investor="秦望环保",
        origin="in_province",
        type="industrial",
        nature="new",
        total=15000,
        fixed=12000,
        negotiating=D(2025, 1, 20),
        signed=D(2025, 3, 26),
        village=1,
        leader="mayor",
        source="entrusted",
        industry="C3039",
        chain="节能环保",
        site="南口镇工业园区",
        land=Decimal(60),
        named=True,
    ),
    dict(
        code="ZS-2025-003",
        name="江苏众犇环保设备项目",
        investor="江苏众犇环保设备",
        origin="out_of_province",
        type="industrial",
        nature="new",
        total=8000,
        fixed=6000,
        negotiating=D(2025, 3, 3),
        signed=D(2025, 5, 20),
        village=2,
        leader="mayor",
        source="exhibition",
        industry="C3591",
        chain="节能环保（环保装备）",
        site="南口镇工业园区",
        land=Decimal(30),
        named=True,
    ),
]

_KINDS = [
    ("新材料科技", "industrial", "C2929", "新型建材"),
    ("防水材料", "industrial", "C3034", "新型建材（防水）"),
    ("机械制造", "industrial", "C3499", "装备制造"),
    ("农业开发", "agricultural", "A0141", "特色农业"),
    ("食品加工", "industrial", "C1371", "农产品加工"),
    ("物流", "services", "G5436", "现代物流"),
    ("新能源科技", "industrial", "D4416", "新能源"),
    ("建筑工程", "infrastructure", "E4813", "建筑业"),
    ("电子商务", "services", "I6432", "电子商务"),
    ("环保科技", "industrial", "N7724", "节能环保"),
]
_ORIGINS = ["out_of_province", "in_province", "local", "out_of_province", "abroad"]
_SOURCES = ["entrusted", "business", "exhibition", "resident", "online", "other"]
# 包保领导 are members of the town's leadership (the people-picker's "leader" kind): the
# demo's export of investments then re-imports unchanged.
_LEADERS = ["leader", "mayor"]

# Generated signings of 2025 (27; with the named three: 30): (signed, started or None, total).
# Two ≥1亿 industrial starts (Mar, Oct); with 中升建材 three. 16 starts (+中升 = 17), 6 by June.
SIGNINGS = [
    (D(2025, 1, 10), D(2025, 3, 3), 11000),  # ≥1亿 industrial, started in March
    (D(2025, 2, 12), D(2025, 4, 20), 3000),
    (D(2025, 3, 5), D(2025, 5, 12), 2600),
    (D(2025, 3, 18), None, 1800),
    (D(2025, 4, 2), D(2025, 6, 10), 4200),
    (D(2025, 4, 16), D(2025, 6, 25), 1500),
    (D(2025, 4, 28), None, 6000),
    (D(2025, 5, 9), D(2025, 7, 15), 2200),
    (D(2025, 5, 27), D(2025, 6, 28), 900),
    (D(2025, 6, 6), D(2025, 8, 18), 3500),
    (D(2025, 6, 17), None, 5200),
    (D(2025, 6, 26), D(2025, 9, 2), 1200),
    (D(2025, 7, 8), D(2025, 9, 22), 2800),
    (D(2025, 7, 22), D(2025, 10, 9), 26000),  # ≥1亿 industrial, started in October
    (D(2025, 8, 5), D(2025, 10, 28), 1600),
    (D(2025, 8, 19), None, 4000),
    (D(2025, 8, 28), D(2025, 11, 6), 2000),
    (D(2025, 9, 9), D(2025, 11, 20), 3300),
    (D(2025, 9, 23), None, 1000),
    (D(2025, 9, 29), D(2025, 12, 5), 2400),
    (D(2025, 10, 14), D(2025, 12, 18), 1100),
    (D(2025, 10, 24), None, 7500),
    (D(2025, 10, 30), None, 1300),
    (D(2025, 11, 12), None, 2100),
    (D(2025, 11, 26), None, 900),
    (D(2025, 12, 10), None, 3600),
    (D(2025, 12, 22), None, 1700),
]
# The two ≥1亿 starts are industrial; the rest cycle through the kinds.
_BIG = {0, 13}

# Projects of other kinds: (name, stage, dates by stage, total, extra)
OTHERS = [
    # signed in 2024, started in 2025: counts as a 2025 start, not a 2025 signing
    (
        "示例建材二期技改项目",
        {"negotiating": D(2024, 6, 3), "signed": D(2024, 9, 12), "started": D(2025, 3, 10)},
        5000,
        {"type": "industrial", "nature": "expansion"},
    ),
    (
        "示例包装材料项目",
        {
            "negotiating": D(2024, 3, 1),
            "signed": D(2024, 5, 20),
            "started": D(2024, 8, 1),
            "completed": D(2025, 7, 15),
        },
        3200,
        {},
    ),
    (
        "示例农产品冷链项目",
        {
            "negotiating": D(2023, 10, 1),
            "signed": D(2024, 1, 15),
            "started": D(2024, 3, 1),
            "completed": D(2024, 12, 20),
            "producing": D(2025, 6, 1),
        },
        2500,
        {"type": "agricultural"},
    ),
    # a capital increase: signed in 2025 but not a new signing; only the increase counts
    (
        "示例防水材料增资扩产项目",
        {"negotiating": D(2025, 2, 10), "signed": D(2025, 4, 9), "started": D(2025, 5, 15)},
        2000,
        {"nature": "capital_increase"},
    ),
    # in talks and leads
    ("示例光伏组件项目", {"lead": D(2025, 3, 1), "negotiating": D(2025, 5, 8)}, 30000, {}),
    ("示例智能装备产业园", {"lead": D(2025, 4, 2), "negotiating": D(2025, 7, 1)}, 50000, {}),
    ("示例预制构件项目", {"lead": D(2025, 6, 10), "negotiating": D(2025, 9, 15)}, 4500, {}),
    (
        "示例文旅综合体项目",
        {"lead": D(2025, 8, 1), "negotiating": D(2025, 11, 3)},
        8000,
        {"type": "services"},
    ),
    ("示例再生资源利用项目", {"lead": D(2025, 9, 20), "negotiating": D(2025, 12, 2)}, 2600, {}),
    ("示例生物饲料项目", {"lead": D(2025, 10, 8)}, 1500, {"type": "agricultural"}),
    ("示例仓储物流中心", {"lead": D(2025, 11, 5)}, 6000, {"type": "services"}),
    ("示例新型墙材项目", {"lead": D(2025, 11, 24)}, 1200, {}),
    ("示例电子元件项目", {"lead": D(2025, 12, 9)}, 9000, {}),
    # terminated in talks
    (
        "示例化工中间体项目",
        {"lead": D(2025, 1, 15), "negotiating": D(2025, 2, 20), "terminated": D(2025, 5, 30)},
        20000,
        {"reason": "环评要求不符合园区产业准入，投资方放弃（演示数据）"},
    ),
]


def _set_dates(obj: Investment, dates: dict):
    for s in STAGE_ORDER:
        setattr(obj, STAGE_DATE_FIELD[s], None)
    obj.terminated_on = None
    for key, value in dates.items():
        setattr(obj, f"{key}_on", value)
    if obj.terminated_on:
        obj.stage = Stage.TERMINATED
    else:
        obj.stage = max(
            (s for s in STAGE_ORDER if getattr(obj, STAGE_DATE_FIELD[s])),
            key=STAGE_ORDER.index,
        )


def _timeline(obj: Investment, user):
    """Events for a demo record, built once (a re-run keeps the existing timeline)."""
    if obj.events.exists():
        return
    reached = [(s, getattr(obj, STAGE_DATE_FIELD[s])) for s in STAGE_ORDER]
    reached = [(s, d) for s, d in reached if d]
    first_stage, first_date = reached[0]
    InvestmentEvent.record(
        obj, EventKind.CREATED, actor=user, on_date=first_date, to_stage=first_stage,
        note=f"登记项目，当前阶段「{Stage(first_stage).label}」",
    )  # fmt: skip
    previous = first_stage
    for s, d in reached[1:]:
        InvestmentEvent.record(
            obj, EventKind.STAGE_MOVED, actor=user, on_date=d, from_stage=previous, to_stage=s,
            note=f"由「{Stage(previous).label}」推进到「{Stage(s).label}」",
        )  # fmt: skip
        previous = s
    if obj.terminated_on:
        InvestmentEvent.record(
            obj, EventKind.TERMINATED, actor=user, on_date=obj.terminated_on,
            from_stage=previous, to_stage=Stage.TERMINATED,
            note=f"项目终止：{obj.termination_reason}",
        )  # fmt: skip


def _funds(obj: Investment, user, year: int):
    """Monthly 到位资金 from the start month to the year end (about 60% of the fixed assets)."""
    if not obj.started_on or obj.started_on.year > year:
        return
    first = max(obj.started_on.replace(day=1), date(year, 1, 1))
    months = []
    m = first
    while m <= date(year, 12, 1):
        months.append(m)
        m = (m + timedelta(days=32)).replace(day=1)
    base = (obj.fixed_asset_wan or obj.planned_total_wan or Decimal(0)) * Decimal("0.6")
    share = (base / max(len(months), 1)).quantize(Decimal("1"))
    out_share = Decimal("0.5") if obj.investor_origin == "out_of_province" else Decimal(0)
    for i, month in enumerate(months):
        amount = share + Decimal(10 * (i % 3))
        receipt = FundsReceipt.all_objects.filter(investment=obj, month=month).first()
        receipt = receipt or FundsReceipt(town=obj.town, investment=obj, month=month)
        receipt.amount_wan = amount
        receipt.out_of_province_wan = (amount * out_share).quantize(Decimal("1"))
        receipt.note = "演示数据"
        receipt.is_deleted = False
        receipt.full_clean()
        receipt.save()


def _follow_ups(obj: Investment, user, n: int):
    if obj.follow_ups.exists() or obj.stage in (Stage.PRODUCING, Stage.TERMINATED):
        return
    start = obj.stage_date or date(2025, 1, 1)
    # Two visits after the stage began; the later one asks for the next visit.
    first = start + timedelta(days=10 + n % 7)
    second = first + timedelta(days=20 + n % 11)
    limit = date(2025, 12, 28)
    for i, when in enumerate((first, second)):
        if when > limit:
            break
        FollowUp.objects.create(
            town=obj.town, investment=obj, on_date=when, by=user,
            note=("上门对接，了解用地和手续需求（演示数据）" if i == 0
                  else "电话跟进，投资方反馈推进顺利（演示数据）"),
            next_on=when + timedelta(days=30) if i == 1 else None,
        )  # fmt: skip


def _save(ctx, spec: dict) -> Investment:
    town = ctx.town
    obj = Investment.all_objects.filter(town=town, code=spec["code"]).first()
    obj = obj or Investment(town=town, code=spec["code"])
    obj.name = spec["name"]
    obj.investor_name = spec.get("investor", "")
    obj.investor_uscc = spec.get("uscc", "")
    obj.investor_origin = spec.get("origin", "")
    obj.project_type = spec.get("type", "industrial")
    obj.nature = spec.get("nature", "new")
    obj.planned_total_wan = Decimal(spec["total"])
    obj.fixed_asset_wan = Decimal(spec.get("fixed") or int(spec["total"] * 0.8))
    obj.land_mu = spec.get("land")
    obj.site = spec.get("site", "南口镇工业园区")
    obj.industry_code = spec.get("industry", "")
    obj.industry_chain = spec.get("chain", "")
    obj.village = ctx.villages[spec.get("village", 0) % len(ctx.villages)]
    obj.leader = ctx.users.get(spec.get("leader", "mayor"))
    obj.department = ctx.departments["zhaoshang"]
    obj.source = spec.get("source", "")
    obj.contact_name = spec.get("contact", "")
    obj.contact_phone = spec.get("phone", "")
    obj.signing_type = "contract" if spec["dates"].get("signed") else ""
    obj.signing_event = spec.get("event", "")
    obj.termination_reason = spec.get("reason", "")
    obj.problems = spec.get("problems", "")
    obj.note = spec.get("note") or (NAMED_NOTE if spec.get("named") else DEMO_NOTE)
    if spec.get("original"):
        obj.original = spec["original"]
    _set_dates(obj, spec["dates"])
    if obj.signed_on and not obj.started_on and not obj.terminated_on:
        obj.planned_start_on = obj.signed_on + timedelta(days=90)
    obj.is_deleted = False
    obj.deleted_at = None
    obj.full_clean()
    obj.save()
    return obj


@register_demo(30, "招商引资")
def build(ctx):
    year = ctx.year
    specs = []
    for item in NAMED:
        dates = {"negotiating": item["negotiating"], "signed": item["signed"]}
        if item.get("started"):
            dates["started"] = item["started"]
        specs.append({**item, "dates": dates, "event": "2025年南口镇招商引资项目集中签约（演示）"})
    for i, (signed, started, total) in enumerate(SIGNINGS):
        kind, ptype, industry, chain = _KINDS[i % len(_KINDS)]
        if i in _BIG:
            kind, ptype, industry, chain = _KINDS[i % 3]
        dates = {"negotiating": signed - timedelta(days=35 + i % 20), "signed": signed}
        if started:
            dates["started"] = started
        n = 10 + i
        specs.append(
            dict(
                code=f"ZS-{year}-{n + 1:03d}",
                name=f"示例{kind}项目（{i + 1:02d}）",
                investor=f"示例{kind}有限公司（{i + 1:02d}）",
                uscc=demo_uscc(100 + i),
                origin=_ORIGINS[i % len(_ORIGINS)],
                type=ptype if i not in _BIG else "industrial",
                total=total,
                village=i,
                leader=_LEADERS[i % len(_LEADERS)],
                source=_SOURCES[i % len(_SOURCES)],
                industry=industry,
                chain=chain,
                contact=f"示例联系人{i + 1}",
                phone=f"1390716{1000 + i:04d}",
                dates=dates,
                event="南口镇招商引资推介会（演示）" if i % 3 == 0 else "",
                problems="用地指标待落实（演示数据）" if i % 5 == 3 else "",
            )
        )
    base_code = 60
    for j, (name, dates, total, extra) in enumerate(OTHERS):
        kind = _KINDS[j % len(_KINDS)]
        specs.append(
            dict(
                code=f"ZS-{year}-{base_code + j:03d}",
                name=name,
                investor=f"示例投资有限公司（{j + 1:02d}）",
                uscc=demo_uscc(300 + j),
                origin=_ORIGINS[(j + 2) % len(_ORIGINS)],
                type=extra.get("type", kind[1] if kind[1] != "agricultural" else "industrial"),
                nature=extra.get("nature", "new"),
                total=total,
                village=j + 3,
                leader=_LEADERS[(j + 1) % len(_LEADERS)],
                source=_SOURCES[(j + 3) % len(_SOURCES)],
                industry=kind[2],
                chain=kind[3],
                dates=dates,
                reason=extra.get("reason", ""),
            )
        )
    saved = {}
    for n, spec in enumerate(specs):
        obj = _save(ctx, spec)
        saved[obj.code] = obj
        _timeline(obj, ctx.users.get(spec.get("leader", "zhaoshang")) or ctx.admin)
        _funds(obj, ctx.users["zhaoshang"], year)
        _follow_ups(obj, ctx.users["zhaoshang"], n)
    # The capital increase belongs to the first generated 防水材料 project.
    increase = next(o for o in saved.values() if o.nature == "capital_increase")
    original = next(o for o in saved.values() if "防水材料项目" in o.name)
    if increase.original_id != original.pk:
        increase.original = original
        increase.full_clean()
        increase.save()


# --- the year under way ---------------------------------------------------------------------
# A pipeline for the current year, dated relative to the day the demo is loaded, paced
# against the seed's targets so the board shows each light: signings ahead of the curve
# (green, target 35), newly signed projects started slightly behind (yellow, target 20),
# ≥1亿 industrial starts far behind (red, target 4); leads and talks with recent follow-ups
# and next visits due this week. Codes ZS-<year>-1NN; a re-run refreshes these records.

CURRENT_NOTE = "演示数据（本年度）：日期按载入演示的日期生成，金额、投资方为示例值。"


def current_year_pace(share: float) -> tuple[int, int, int]:
    """(signed, newly signed started, ≥1亿 industrial started) for a time progress `share`."""
    import math

    signed = min(35, math.ceil(35 * share) + 1)
    started = max(0, min(signed, round(20 * (share - 0.045))))
    big = min(started, math.floor(2 * share))
    return signed, started, big


def current_year_specs(ctx) -> list[dict]:
    year, today = ctx.today.year, ctx.today
    start = date(year, 1, 1)
    span = max((today - start).days, 1)
    share = (span + 1) / (366 if year % 4 == 0 else 365)
    signed_n, started_n, big_n = current_year_pace(share)
    specs = []
    for i in range(signed_n):
        signed = start + timedelta(days=int(span * (i + 0.3) / signed_n))
        dates = {"negotiating": signed - timedelta(days=30 + i % 15), "signed": signed}
        if i < started_n:
            dates["started"] = min(signed + timedelta(days=35 + i % 10), today)
            if dates["started"] <= signed:
                dates["started"] = signed
        big = i < big_n
        kind, ptype, industry, chain = _KINDS[i % 3 if big else i % len(_KINDS)]
        specs.append(
            dict(
                code=f"ZS-{year}-{101 + i:03d}",
                name=f"示例{kind}项目（{year}-{i + 1:02d}）",
                investor=f"示例{kind}有限公司（{year}-{i + 1:02d}）",
                uscc=demo_uscc(500 + i),
                origin=_ORIGINS[i % len(_ORIGINS)],
                type="industrial" if big else ptype,
                total=12000 + 1000 * i if big else 800 + 300 * (i % 9),
                village=i,
                leader=_LEADERS[i % len(_LEADERS)],
                source=_SOURCES[i % len(_SOURCES)],
                industry=industry,
                chain=chain,
                contact=f"示例联系人{year % 100}{i + 1:02d}",
                phone=f"1390717{1000 + i:04d}",
                dates=dates,
            )
        )
    # Talks and leads of the last weeks (two of them stale: no visit for over a month).
    for j, (days_lead, days_talk) in enumerate(((75, 40), (50, 20), (30, None), (12, None))):
        kind = _KINDS[(j + 4) % len(_KINDS)]
        dates = {"lead": max(start, today - timedelta(days=days_lead))}
        if days_talk is not None:
            dates["negotiating"] = max(dates["lead"], today - timedelta(days=days_talk))
        specs.append(
            dict(
                code=f"ZS-{year}-{150 + j:03d}",
                name=f"示例{kind[0]}洽谈项目（{year}-{j + 1:02d}）",
                investor=f"示例投资有限公司（{year}-{j + 1:02d}）",
                uscc=demo_uscc(560 + j),
                type=kind[1],
                total=3000 + 2000 * j,
                village=j + 2,
                leader=_LEADERS[j % len(_LEADERS)],
                industry=kind[2],
                chain=kind[3],
                dates=dates,
                stale=j < 2,
            )
        )
    return specs


@register_demo(35, "招商引资（本年度）")
def build_current(ctx):
    if ctx.current_year is None:
        return
    year, today = ctx.today.year, ctx.today
    user = ctx.users["zhaoshang"]
    specs = current_year_specs(ctx)
    codes = [s["code"] for s in specs]
    # Refresh: this year's demo records that the new pace no longer needs are removed; records
    # users created (other codes, or without the demo note) are never touched.
    for old in Investment.all_objects.filter(
        town=ctx.town, code__startswith=f"ZS-{year}-", note=CURRENT_NOTE
    ).exclude(code__in=codes):
        old.events.all().delete()
        old.follow_ups.filter(note__contains="演示数据").delete()
        FundsReceipt.all_objects.filter(investment=old, note="演示数据").delete()
        if not old.is_deleted:  # soft: anything a user attached to it stays restorable
            soft_delete(old, acting_user=ctx.admin)
    for n, spec in enumerate(specs):
        existing = Investment.all_objects.filter(town=ctx.town, code=spec["code"]).first()
        if existing is not None and existing.note != CURRENT_NOTE:
            continue  # someone's real record took this code: leave it alone
        obj = _save(ctx, {**spec, "note": CURRENT_NOTE})
        obj.events.filter(kind__in=[EventKind.CREATED, EventKind.STAGE_MOVED]).delete()
        _timeline(obj, ctx.users.get(spec.get("leader", "zhaoshang")) or ctx.admin)
        obj.follow_ups.filter(note__contains="演示数据").delete()
        # A recent visit, the next one due within the week (stale leads: last visit long ago).
        last = today - timedelta(days=(40 + n % 10) if spec.get("stale") else 2 + n % 12)
        last = max(last, obj.stage_date or date(year, 1, 1))
        FollowUp.objects.create(
            town=obj.town, investment=obj, on_date=last, by=user,
            note="上门对接，了解用地和手续需求（演示数据）",
            next_on=None if spec.get("stale") else today + timedelta(days=1 + n % 6),
        )  # fmt: skip
