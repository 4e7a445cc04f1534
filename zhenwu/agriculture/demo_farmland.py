"""Demo: plots, a year of patrols with findings and rectifications, the 2025 高标准农田 project.

Each village has four plots (图斑, codes and small place names are demo values 「示例」), some of
them 永久基本农田. Field chiefs at three levels: the 镇长 as 镇级田长 (quarterly), each village's
cadre (village1…village10) as 村级田长 (monthly), and three 网格田管员 (wangge1…3, created here)
for the grids of 管家铺、永福、古夹垸 (fortnightly in the demo, so some of their plots are due).
Patrols run from January of the plan year to the day the demo is loaded; findings of each listed
type go through the shared rectification flow — most accepted, some overdue, one waiting for
acceptance and one recurrence (反弹) on the same plot. Idempotent: built once per town."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhenwu.agriculture import services_bases
from zhenwu.agriculture import services_farmland as services
from zhenwu.agriculture.models.farmland import ChiefLevel, FieldChief, LandType, Plot
from zhenwu.core.actor import Source, acting_as
from zhenwu.core.demo import _user, register_demo
from zhenwu.core.models import Role

MARK = "示例"
PLOT_NAMES = ["东垸", "西垸", "南湖边", "北堤下"]
# (village index, plot index, category, month offset from January, outcome)
# outcome: accepted / overdue / submitted / returned
FINDINGS = [
    (0, 1, "FLH1", 2, "accepted"),
    (0, 1, "FLH1", 4, "accepted"),  # found again within the window: 反弹
    (1, 0, "BBZ2", 3, "accepted"),
    (2, 2, "FLH2", 5, "accepted"),
    (3, 3, "LH1", 1, "accepted"),
    (4, 0, "FNH5", 6, "accepted"),
    (5, 1, "QT1", 7, "accepted"),
    (6, 2, "BBZ1", 8, "returned"),
    (7, 3, "FLH3", 9, "accepted"),
    (8, 0, "FNH3", 10, "overdue"),
    (9, 1, "LH1", 11, "submitted"),
    (1, 3, "FLH4", 13, "overdue"),
]
NOTES = {
    "FLH1": "永久基本农田内新栽桃树苗",
    "BBZ2": "承包地内新打地基，疑似建房",
    "FLH2": "田块一角挖塘养鱼",
    "LH1": "田块连续一季未耕种，杂草丛生",
    "FNH5": "田边堆放建筑材料、硬化地面",
    "QT1": "田埂处有人取土",
    "BBZ1": "永久基本农田上搭建简易房",
    "FLH3": "种植绿化苗木",
    "FNH3": "占用耕地开挖景观水塘",
    "FLH4": "改种草皮",
}


def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (160, 120), (rng.randint(80, 140), rng.randint(140, 200), 70))
    draw = ImageDraw.Draw(img)
    for _ in range(5):
        x, y = rng.randint(0, 150), rng.randint(0, 110)
        draw.rectangle([x, y, x + rng.randint(5, 30), y + rng.randint(5, 20)], fill=(110, 80, 50))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _month_day(year: int, offset: int, day: int) -> date:
    y, m = year + (offset // 12), offset % 12 + 1
    return date(y, m, min(day, 28))


def _plots(ctx) -> dict[int, list[Plot]]:
    out = {}
    for i, village in enumerate(ctx.villages):
        rows = []
        for j, name in enumerate(PLOT_NAMES):
            rows.append(
                Plot.objects.create(
                    town=ctx.town,
                    village=village,
                    code=f"{MARK}{i + 1:02d}-{j + 1:02d}",
                    name=f"{name}（{MARK}）",
                    area_mu=Decimal(80 + 15 * ((i + j) % 7)),
                    is_permanent_basic=j < 2,
                    land_type=LandType.PADDY if j != 3 else LandType.DRY,
                    lat=Decimal(f"{29.70 + i * 0.011 + j * 0.003:.6f}"),
                    lng=Decimal(f"{112.35 + i * 0.013 + j * 0.003:.6f}"),
                    note=f"{MARK}图斑",
                )
            )
        out[i] = rows
    return out


def _chiefs(ctx, plots):
    town = ctx.town
    chiefs = []
    mayor = ctx.users.get("mayor") or ctx.admin
    c = FieldChief.objects.create(town=town, user=mayor, level=ChiefLevel.TOWN)
    c.villages.set(ctx.villages)
    chiefs.append(c)
    for i, village in enumerate(ctx.villages, start=1):
        user = ctx.users.get(f"village{i}")
        if user is None:
            continue
        c = FieldChief.objects.create(town=town, user=user, level=ChiefLevel.VILLAGE)
        c.villages.set([village])
        chiefs.append(c)
    for i in range(3):
        village = ctx.villages[i]
        user = _user(
            f"wangge{i + 1}",
            ctx.password,
            full_name=f"{village.name}网格员",
            title="网格田管员",
            role=Role.VILLAGE,
            town=town,
            villages=[village],
        )
        ctx.users[f"wangge{i + 1}"] = user
        c = FieldChief.objects.create(
            town=town, user=user, level=ChiefLevel.GRID, grid=f"第一网格（{MARK}）"
        )
        c.villages.set([village])
        c.plots.set(plots[i][:2])
        chiefs.append(c)
    return chiefs


def _patrol(ctx, rng, user, level, village, plots, day, findings=()):
    track = [
        [round(float(p.lat) + rng.uniform(-0.001, 0.001), 6), round(float(p.lng), 6)]
        for p in plots
        if p.lat is not None
    ]
    with acting_as(user, Source.SYSTEM):
        return services.record_patrol(
            town=ctx.town,
            village=village,
            plots=plots,
            patrolled_on=day,
            patroller=user,
            level=level,
            gps_points=track,
            note="巡查田块，耕种正常" if not findings else "发现问题，已拍照上报",
            photos=[_photo(rng, f"巡田照片-{day:%Y%m%d}-{village.pk}.jpg")]
            if rng.random() < 0.3
            else [],
            findings=findings,
            acting_user=user,
        )


def _rectify(ctx, rng, finding, outcome, clerk, cadre, today):
    from zhenwu.core.workcalendar import get_calendar

    calendar = get_calendar(ctx.town)
    if outcome == "overdue":
        return
    done_on = max(finding.found_on, calendar.add_workdays(finding.deadline, -2))
    if done_on >= today:
        return
    with acting_as(cadre, Source.SYSTEM):
        services.submit_rectification(
            finding,
            photo=_photo(rng, f"整改后-{finding.pk}.jpg"),
            note="已恢复耕种" if finding.category != "QT1" else "已回填平整",
            acting_user=cadre,
            when=_at(done_on, 16),
        )
    if outcome == "submitted":
        return
    check_on = calendar.add_workdays(done_on, 2)
    if check_on >= today:
        return
    with acting_as(clerk, Source.SYSTEM):
        if outcome == "returned":
            services.send_back(finding, note="现场仍未复耕，请彻底整改", acting_user=clerk)
            return
        services.accept(finding, acting_user=clerk, when=_at(check_on, 10))


@register_demo(65, "守粮安")
def build(ctx):
    town = ctx.town
    if Plot.all_objects.filter(town=town).exists():
        return
    rng = random.Random(20250309)
    today = ctx.today
    clerk = ctx.users.get("nongye") or ctx.admin
    with acting_as(clerk, Source.SYSTEM):
        plots = _plots(ctx)
        chiefs = _chiefs(ctx, plots)
        services.setting_of(town)
        # the bases were recorded before the plots: compare them with the farmland now known
        services_bases.refresh_warnings(town)
    start = date(ctx.year, 1, 6)
    last = today - timedelta(days=1)
    planned = {}
    for vi, pj, code, offset, outcome in FINDINGS:
        planned.setdefault((vi, offset), []).append((pj, code, outcome))
    for chief in chiefs:
        if chief.level == ChiefLevel.VILLAGE:
            vi = next(i for i, v in enumerate(ctx.villages) if v in chief.villages.all())
            village = ctx.villages[vi]
            offset = 0
            while True:
                day = _month_day(ctx.year, offset, 8 + vi)
                if day > last:
                    break
                # The 9th village's chief has not walked the fields for two months: due.
                skip = vi == 8 and (last - day).days < 62
                todo = planned.get((vi, offset), [])
                if not skip or todo:
                    findings = [
                        {
                            "plot": plots[vi][pj],
                            "category": code,
                            "note": NOTES.get(code, ""),
                            "area_mu": Decimal(rng.randint(1, 6)),
                            "action": "restore" if code.startswith(("FLH", "LH")) else "report",
                            "photos": [
                                _photo(rng, f"问题照片-{day:%Y%m%d}-{vi + 1}村{pj + 1}号.jpg")
                            ],
                        }
                        for pj, code, _ in todo
                    ]
                    patrol = _patrol(
                        ctx, rng, chief.user, chief.level, village, plots[vi], day, findings
                    )
                    for finding, (_, _, outcome) in zip(
                        patrol.findings.order_by("pk"), todo, strict=True
                    ):
                        _rectify(ctx, rng, finding, outcome, clerk, chief.user, today)
                offset += 1
        elif chief.level == ChiefLevel.GRID:
            vi = next(i for i, v in enumerate(ctx.villages) if v in chief.villages.all())
            day = start + timedelta(days=vi)
            mine = list(chief.plots.all())
            while day <= last - timedelta(days=10 + 7 * vi):
                _patrol(ctx, rng, chief.user, chief.level, ctx.villages[vi], mine, day)
                day += timedelta(days=14)
        else:
            quarter = 0
            while True:
                day = _month_day(ctx.year, 3 * quarter + 1, 20)
                if day > last:
                    break
                for vi, village in enumerate(ctx.villages):
                    if (vi + quarter) % 3 == 0:
                        _patrol(ctx, rng, chief.user, chief.level, village, plots[vi][:2], day)
                quarter += 1
    services.escalate_overdue(today)
