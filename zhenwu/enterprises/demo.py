"""Demo part 40 (企业培育): ~40 firms across the villages, their monthly figures for 2024 and
2025, eight approvals (入库) dated through 2025 against the target of ten (a realistic
shortfall), a 培育库 of about ten firms with gaps and forecasts, checklists partly done.

Every name, USCC, amount and date is a demo value (the seed names no firm): firms carry
「示例数据」 in their note. USCCs are checksum-valid codes of region 421081 (Shishou).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.demo import register_demo
from zhenwu.core.idnumbers import demo_uscc
from zhenwu.enterprises import selectors, services
from zhenwu.enterprises.models import (
    ChecklistItem,
    Enterprise,
    MonthlyFigure,
    PoolSetting,
)

DEMO_NOTE = "示例数据：企业名称、代码、经营数据均为演示用，请以实际台账替换"

# name, industry code, village index, route, 2024 annual revenue (万元), 2025 growth,
# plan, waterproofing, platform joined (2025 date) , qualification
#   plan: "approved:MM-DD" (入库 in 2025), "old:YYYY" (四上 since that year, reporting),
#         "pool:STAGE" (candidate / papers_ready / submitted), "small" (far from threshold)
FIRMS = [
    (
        "示例防水材料有限公司",
        "C3033",
        0,
        "upgrade",
        1880,
        0.22,
        "approved:01-16",
        True,
        "03-12",
        "none",
    ),
    (
        "示例高分子防水卷材有限公司",
        "C2922",
        0,
        "upgrade",
        1930,
        0.18,
        "approved:02-20",
        True,
        "04-08",
        "none",
    ),
    (
        "示例新型建材科技有限公司",
        "C3033",
        1,
        "new",
        0,
        0.0,
        "approved:04-22",
        True,
        "05-20",
        "none",
    ),
    (
        "示例建筑防水工程有限公司",
        "E5010",
        1,
        "new",
        900,
        0.2,
        "approved:06-18",
        True,
        None,
        "specialty",
    ),
    ("示例涂料化工有限公司", "C2641", 2, "new", 0, 0.0, "approved:07-25", False, None, "none"),
    ("示例商贸有限公司", "F5212", 3, "new", 420, 0.35, "approved:09-19", False, None, "none"),
    (
        "示例农产品加工有限公司",
        "C1371",
        4,
        "upgrade",
        1960,
        0.15,
        "approved:11-26",
        False,
        None,
        "none",
    ),
    ("示例物流有限公司", "G5430", 5, "upgrade", 1750, 0.3, "approved:12-22", False, None, "none"),
    (
        "示例防水科技股份有限公司",
        "C3033",
        0,
        "upgrade",
        5200,
        0.08,
        "old:2021",
        True,
        "02-26",
        "none",
    ),
    ("示例建工集团有限公司", "E4790", 1, "new", 8600, 0.05, "old:2019", True, "03-05", "general"),
    ("示例纺织有限公司", "C1752", 6, "upgrade", 3100, -0.04, "old:2022", False, None, "none"),
    ("示例机械制造有限公司", "C3424", 7, "upgrade", 2600, 0.06, "old:2023", False, None, "none"),
    ("示例超市有限公司", "F5211", 9, "upgrade", 780, 0.05, "old:2020", False, None, "none"),
    ("示例大酒店有限公司", "H6110", 9, "upgrade", 260, 0.02, "old:2018", False, None, "none"),
    # 培育库 candidates
    (
        "示例沥青防水材料厂",
        "C3033",
        2,
        "upgrade",
        1720,
        0.24,
        "pool:submitted",
        True,
        "06-16",
        "none",
    ),
    (
        "示例塑胶制品有限公司",
        "C2929",
        3,
        "upgrade",
        1640,
        0.2,
        "pool:papers_ready",
        False,
        None,
        "none",
    ),
    (
        "示例五金制品有限公司",
        "C3351",
        4,
        "upgrade",
        1580,
        0.16,
        "pool:candidate",
        False,
        None,
        "none",
    ),
    (
        "示例防水密封材料有限公司",
        "C2922",
        5,
        "upgrade",
        1510,
        0.12,
        "pool:candidate",
        True,
        "09-09",
        "none",
    ),
    (
        "示例粮油贸易有限公司",
        "F5121",
        6,
        "upgrade",
        1490,
        0.1,
        "pool:candidate",
        False,
        None,
        "none",
    ),
    (
        "示例建材销售有限公司",
        "F5165",
        7,
        "upgrade",
        1420,
        0.18,
        "pool:candidate",
        True,
        None,
        "none",
    ),
    ("示例餐饮管理有限公司", "H6210", 8, "new", 150, 0.2, "pool:candidate", False, None, "none"),
    (
        "示例家电零售有限公司",
        "F5271",
        9,
        "upgrade",
        370,
        0.14,
        "pool:candidate",
        False,
        None,
        "none",
    ),
    (
        "示例物业服务有限公司",
        "K7020",
        9,
        "upgrade",
        760,
        0.15,
        "pool:candidate",
        False,
        None,
        "none",
    ),
    (
        "示例防水保温工程有限公司",
        "E5010",
        0,
        "new",
        600,
        0.1,
        "pool:candidate",
        True,
        "10-28",
        "general",
    ),
    ("示例电子科技有限公司", "C3985", 8, "new", 0, 0.0, "pool:candidate", False, None, "none"),
    # far from the threshold
    ("示例防水劳务有限公司", "E5010", 0, "new", 380, 0.05, "small", True, None, "labor"),
    ("示例建筑劳务有限公司", "E4790", 1, "new", 450, 0.02, "small", False, None, "labor"),
    ("示例木业加工厂", "C2021", 2, "upgrade", 620, 0.04, "small", False, None, "none"),
    ("示例食品有限公司", "C1431", 3, "upgrade", 810, 0.06, "small", False, None, "none"),
    ("示例包装材料有限公司", "C2231", 4, "upgrade", 930, 0.03, "small", True, None, "none"),
    ("示例汽车维修有限公司", "O8111", 5, "upgrade", 160, 0.05, "small", False, None, "none"),
    ("示例农资经营部", "F5166", 6, "upgrade", 540, 0.02, "small", False, None, "none"),
    ("示例水产养殖专业合作社", "A0412", 7, "upgrade", 300, 0.08, "small", False, None, "none"),
    ("示例广告有限公司", "L7259", 8, "upgrade", 210, 0.1, "small", False, None, "none"),
    ("示例防水材料经营部", "F5165", 9, "upgrade", 480, 0.04, "small", True, None, "none"),
    ("示例钢结构有限公司", "C3311", 0, "upgrade", 990, 0.05, "small", False, None, "none"),
    ("示例服装加工厂", "C1810", 1, "upgrade", 720, 0.0, "small", False, None, "none"),
    ("示例农家乐餐馆", "H6210", 2, "upgrade", 90, 0.05, "small", False, None, "none"),
    ("示例文化传媒有限公司", "R8770", 3, "upgrade", 120, 0.1, "small", False, None, "none"),
    ("示例防水技术服务有限公司", "M7482", 4, "upgrade", 330, 0.12, "small", True, None, "none"),
]

SEASON = [0.055, 0.06, 0.08, 0.085, 0.09, 0.088, 0.082, 0.08, 0.09, 0.092, 0.095, 0.103]
_OPENED = {  # firms that opened / started production in 2025: first month with figures
    "示例新型建材科技有限公司": (2, 260),
    "示例涂料化工有限公司": (3, 230),
    "示例电子科技有限公司": (6, 110),
}


def _monthly(rng, annual: float, year: int, firm_name: str) -> list[tuple[int, Decimal]]:
    opened = _OPENED.get(firm_name)
    out = []
    for m in range(1, 13):
        if opened and year == 2025:
            if m < opened[0]:
                continue
            value = opened[1] * (1 + 0.06 * (m - opened[0])) * rng.uniform(0.95, 1.05)
        elif opened:
            continue
        else:
            value = annual * SEASON[m - 1] / sum(SEASON) * rng.uniform(0.93, 1.07)
        out.append((m, Decimal(str(round(value, 1)))))
    return out


@register_demo(40, "企业培育")
def build(ctx):
    town = ctx.town
    if Enterprise.all_objects.filter(town=town).exists():
        return
    selectors.seed_rules(town)
    if not PoolSetting.objects.filter(town=town).exists():
        with acting_as(None, Source.SYSTEM):
            PoolSetting.objects.create(town=town)
    rng = random.Random(20250101)
    actor = ctx.users.get("jingfa") or ctx.admin
    cadres = [ctx.users[k] for k in ("leader", "mayor", "jingfa", "zhaoshang") if k in ctx.users]
    figures = []
    with acting_as(actor, Source.SYSTEM):
        for i, row in enumerate(FIRMS, start=1):
            name, code, vi, route, a2024, growth, plan, wp, joined, qual = row
            ent = services.create_enterprise(
                town=town,
                acting_user=actor,
                data={
                    "name": name,
                    "uscc": demo_uscc(i),
                    "industry_code": code,
                    "address": f"湖北省石首市南口镇{ctx.villages[vi].name}（示例地址）",
                    "village": ctx.villages[vi],
                    "legal_rep": f"法人{i:02d}（示例）",
                    "contact_name": f"联系人{i:02d}（示例）",
                    "contact_phone": f"1390716{i:04d}",
                    "qualification": qual,
                    "is_waterproofing": wp,
                    "platform_joined_on": datetime.date(2025, *map(int, joined.split("-")))
                    if joined
                    else None,
                    "cadre": cadres[i % len(cadres)] if plan != "small" else None,
                    "entry_route": route,
                    "note": DEMO_NOTE,
                },
            )
            for year, annual in ((2024, a2024), (2025, a2024 * (1 + growth))):
                for m, value in _monthly(rng, annual, year, name):
                    figures.append(
                        MonthlyFigure(
                            town=town,
                            enterprise=ent,
                            month=datetime.date(year, m, 1),
                            revenue=value,
                            main_revenue=value,
                            output_value=(value * Decimal("1.04")).quantize(Decimal("0.1"))
                            if code.startswith("C")
                            else None,
                            employees=max(5, int(float(value) / 4)),
                            taxes=(value * Decimal("0.032")).quantize(Decimal("0.1")),
                        )
                    )
            _walk(ent, plan, actor, rng)
        from zhenwu.core.changelog import log_bulk_create

        log_bulk_create(MonthlyFigure.objects.bulk_create(figures, batch_size=1000))


def _tick(ent, actor, count, on):
    items = list(ChecklistItem.objects.filter(enterprise=ent).order_by("pk"))
    for item in items[:count]:
        services.set_checklist_item(item, done=True, acting_user=actor, on=on)


def _walk(ent, plan: str, actor, rng):
    """Move the firm along its demo story through the services (timeline events)."""
    kind, _, arg = plan.partition(":")
    if kind == "approved":
        month, day = map(int, arg.split("-"))
        approved = datetime.date(2025, month, day)
        ready = approved - datetime.timedelta(days=40)
        _tick(ent, actor, 99, ready - datetime.timedelta(days=5))
        services.mark_papers_ready(ent, acting_user=actor, on=ready)
        services.submit_entry(ent, acting_user=actor, on=ready + datetime.timedelta(days=10))
        services.approve_entry(ent, acting_user=actor, on=approved, note="县统计局审核通过（示例）")
        if month <= 9:
            services.start_reporting(
                ent, acting_user=actor, on=approved + datetime.timedelta(days=25)
            )
    elif kind == "old":
        year = int(arg)
        _tick(ent, actor, 99, datetime.date(year - 1, 10, 10))
        services.mark_papers_ready(ent, acting_user=actor, on=datetime.date(year - 1, 10, 15))
        services.submit_entry(ent, acting_user=actor, on=datetime.date(year - 1, 11, 10))
        services.approve_entry(ent, acting_user=actor, on=datetime.date(year - 1, 12, 28))
        services.start_reporting(ent, acting_user=actor, on=datetime.date(year, 2, 10))
    elif kind == "pool":
        if arg == "candidate":
            _tick(ent, actor, rng.randint(0, 4), datetime.date(2025, 9, rng.randint(1, 28)))
        else:
            _tick(ent, actor, 99, datetime.date(2025, 10, 20))
            services.mark_papers_ready(ent, acting_user=actor, on=datetime.date(2025, 10, 28))
            if arg == "submitted":
                services.submit_entry(ent, acting_user=actor, on=datetime.date(2025, 11, 14))
