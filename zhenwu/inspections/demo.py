"""Demo part 70 (人居环境): 一周一暗访、一月一评比 for the plan year and the year under way.

Every week of the plan year (and of the current year up to the day the demo is loaded) holds a
drawn unannounced round (3 units, 2 spots each, every unit at least once a month), findings
with a small generated photo each, their rectification (after-photo, 销号, a few late or
returned), recurrences (反弹) at spots with a habitual problem, and each finished month's
ranking published, and a 复查 at the end of each finished quarter revisiting what was rectified
in it. The next week's round is drawn and not started yet: village cadres cannot
see it. Names of spots are demo values (「示例」). Idempotent: the history is built once; the
next week's round is drawn again if none is waiting.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.demo import register_demo
from zhenwu.core.workcalendar import get_calendar
from zhenwu.inspections import services
from zhenwu.inspections.models import (
    ChecklistItem,
    Finding,
    FindingStatus,
    RankingPublication,
    Round,
    RoundKind,
    Spot,
    SpotKind,
)

MARK = "示例"
SPOTS = [
    ("一组集中居住区", SpotKind.SETTLEMENT),
    ("主干沟渠（村部段）", SpotKind.DITCH),
    ("村主干道", SpotKind.ROAD),
    ("三组房前屋后", SpotKind.YARD),
]
HABIT = {  # the problems a kind of spot tends to have (and to have again: 反弹)
    SpotKind.SETTLEMENT: ["C1", "E1", "B1", "G1", "H1", "I1"],
    SpotKind.DITCH: ["F1", "B1", "B2"],
    SpotKind.ROAD: ["D1", "B1", "H1", "E1"],
    SpotKind.YARD: ["C1", "A1", "B2", "B1", "E1"],
}
# How untidy each unit tends to be (the 7th is the laggard that collects yellow flags).
WEAKNESS = [0.3, 0.5, 0.4, 0.6, 0.9, 0.4, 1.8, 0.5, 0.7, 0.6]
NOTES = {
    "A1": "抽查5户，户厕冲水设施损坏",
    "B1": "路边散落生活垃圾、农药瓶",
    "B2": "田边焚烧秸秆",
    "C1": "房前屋后柴草、杂物乱堆",
    "D1": "巷道污水横流",
    "E1": "垃圾桶满溢未及时清运",
    "F1": "沟渠漂浮垃圾、杂草丛生",
    "G1": "公厕脏乱",
    "H1": "墙面小广告",
}


def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (160, 120), (rng.randint(60, 200), rng.randint(90, 200), 80))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randint(0, 150), rng.randint(0, 110)
        draw.rectangle([x, y, x + rng.randint(5, 30), y + rng.randint(5, 20)], fill=(120, 90, 60))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _mondays(start: date, end: date):
    d = start + timedelta(days=(7 - start.weekday()) % 7)
    while d <= end:
        yield d
        d += timedelta(days=7)


def _spots(ctx) -> list[Spot]:
    out = []
    for i, village in enumerate(ctx.villages):
        for j, (name, kind) in enumerate(SPOTS):
            spot = Spot.objects.filter(
                town=ctx.town, village=village, name=f"{name}（{MARK}）"
            ).first()
            if spot is None:
                spot = Spot.objects.create(
                    town=ctx.town,
                    village=village,
                    name=f"{name}（{MARK}）",
                    kind=kind,
                    lat=round(29.70 + i * 0.011 + j * 0.002, 6),
                    lng=round(112.35 + i * 0.013 + j * 0.002, 6),
                )
            out.append(spot)
    return out


def _week(ctx, rng, monday: date, ducha, items, today: date, calendar):
    day = monday + timedelta(days=rng.randint(0, 3))
    if day.year != monday.year:  # the year's last week stays in the year
        day = date(monday.year, 12, 31)
    day = max(day, date(ctx.year, 1, 2))  # the week of New Year's Day: after the holiday
    start = _at(day, 8, 30)
    rnd = services.draw_round(
        town=ctx.town,
        starts_at=start,
        acting_user=ducha,
        inspectors=[ducha],
        rng=rng,
    )
    order = {v.pk: i for i, v in enumerate(ctx.villages)}
    for sheet in rnd.sheets.select_related("village"):
        weak = WEAKNESS[order.get(sheet.village_id, 0) % len(WEAKNESS)]
        spots = list(Spot.objects.filter(pk__in=sheet.spot_ids))
        if rng.random() < 0.15:
            services.set_not_applicable(sheet, codes=["G1"], acting_user=ducha)  # 无公厕
        for k, spot in enumerate(spots):
            for _ in range(rng.randint(0, 1 + int(2 * weak))):
                code = rng.choice(HABIT[spot.kind])
                if code == "B2" and rng.random() < 1 - 0.15 * weak:
                    code = "C1"  # open burning is rare
                item = items[code]
                found_at = start + timedelta(minutes=40 * k + rng.randint(5, 30))
                if found_at > timezone.now():
                    continue
                finding, _ = services.record_finding(
                    rnd=rnd,
                    village=sheet.village,
                    item=item,
                    spot=spot,
                    count=min(services.max_count(item), rng.randint(1, 2 + int(3 * weak))),
                    note=NOTES.get(code, ""),
                    found_at=found_at,
                    lat=spot.lat,
                    lng=spot.lng,
                    photos=[_photo(rng, f"{monday:%Y%m%d}-{sheet.village_id}-{code}.jpg")],
                    photo_taken_at=found_at,
                    acting_user=ducha,
                )
                _rectify(ctx, rng, finding, ducha, today, calendar)
    if rnd.ends_on < today:
        services.close_round(rnd, acting_user=ducha)
    return rnd


def _rectify(ctx, rng, finding, ducha, today, calendar):
    deadline = finding.deadline or finding.found_on
    late = rng.random() < 0.12
    done_on = (
        calendar.add_workdays(deadline, rng.randint(1, 4))
        if late
        else max(finding.found_on, calendar.add_workdays(deadline, -rng.randint(0, 2)))
    )
    if done_on >= today:
        return  # still open (or overdue) today
    cadre = finding.responsible or ctx.admin
    with acting_as(cadre, Source.SYSTEM):
        services.submit_rectification(
            finding,
            photo=_photo(rng, f"整改后-{finding.pk}.jpg"),
            note="已清理完毕",
            acting_user=cadre,
            when=_at(done_on, 16),
        )
    check_on = calendar.add_workdays(done_on, 1)
    if check_on >= today:
        return
    if rng.random() < 0.08:
        services.send_back(finding, note="现场仍有残留，请彻底清理", acting_user=ducha)
        again = calendar.add_workdays(check_on, 2)
        if again >= today:
            return
        with acting_as(cadre, Source.SYSTEM):
            services.submit_rectification(
                finding,
                photo=_photo(rng, f"二次整改后-{finding.pk}.jpg"),
                note="已返工清理",
                acting_user=cadre,
                when=_at(again, 16),
            )
        check_on = calendar.add_workdays(again, 1)
        if check_on >= today:
            return
    services.accept(finding, acting_user=ducha, when=_at(check_on, 10))


def _reinspections(ctx, rng, ducha, today: date, calendar):
    """A 复查 at the end of each finished quarter: the problems rectified in the quarter are
    revisited; most stand fixed, and at one spot in three rounds of four the problem is back
    (recorded anew in the 复查 round, so the recurrence rule flags it 反弹)."""
    for quarter in range(4):
        first = date(ctx.year, 3 * quarter + 1, 1)
        last = (first.replace(month=3 * quarter + 3, day=28) + timedelta(days=4)).replace(day=1)
        last -= timedelta(days=1)  # the quarter's last day
        day = last - timedelta(days=2)
        while not calendar.is_workday(day):
            day -= timedelta(days=1)
        starts_at = _at(day, 14)
        if day >= today or starts_at > timezone.now():
            break
        if not services.rectified_in(ctx.town, first, day - timedelta(days=1)).exists():
            continue
        rnd = services.draw_round(
            town=ctx.town,
            starts_at=starts_at,
            acting_user=ducha,
            inspectors=[ducha],
            kind=RoundKind.REINSPECTION,
            title=f"{ctx.year}年第{quarter + 1}季度整改复查",
            revisit_from=first,
            revisit_to=day - timedelta(days=1),
        )
        back = quarter != 1  # one quarter in four: everything held
        for sheet in rnd.sheets.order_by("village__order"):
            for k, entry in enumerate(sheet.revisits):
                original = Finding.objects.select_related("item").get(pk=entry["finding"])
                if original.status != FindingStatus.ACCEPTED:
                    continue  # still waiting for acceptance: left for the inspector
                still = back and k == 0 and original.spot_id is not None and rng.random() < 0.3
                found_at = starts_at + timedelta(minutes=20 * k + 5)
                _entry, new = services.confirm_revisit(
                    sheet,
                    finding_id=original.pk,
                    outcome=services.REVISIT_STILL if still else services.REVISIT_FIXED,
                    acting_user=ducha,
                    photos=[_photo(rng, f"复查-{original.pk}.jpg")] if still else (),
                    photo_taken_at=found_at if still else None,
                    found_at=found_at if still else None,
                    note=f"复查：{original.item.name}问题又出现" if still else "",
                )
                if new is not None:
                    _rectify(ctx, rng, new, ducha, today, calendar)
        if rnd.ends_on < today:
            services.close_round(rnd, acting_user=ducha)


def _publish(ctx, ducha, first: date, today: date):
    """Each finished month's ranking, published at month end (评比 on the last day)."""
    month = first.replace(day=1)
    while True:
        nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        when = _at(nxt - timedelta(days=1), 17)
        if when > timezone.now():
            break
        if not RankingPublication.all_objects.filter(town=ctx.town, month=month).exists():
            services.publish_ranking(town=ctx.town, month=month, acting_user=ducha, when=when)
        month = nxt


def next_round(ctx, ducha, today: date):
    """The next week's round: drawn, secret until it starts."""
    if Round.objects.filter(town=ctx.town, starts_at__gt=timezone.now()).exists():
        return
    monday = today + timedelta(days=7 - today.weekday())
    services.draw_round(
        town=ctx.town,
        starts_at=_at(monday, 8, 30),
        acting_user=ducha,
        inspectors=[ducha],
        rng=random.Random(monday.toordinal()),
    )


@register_demo(70, "人居环境")
def build(ctx):
    ducha = ctx.users.get("ducha") or ctx.admin
    today = ctx.today
    with acting_as(ducha, Source.SYSTEM):
        checklist = services.default_checklist(ctx.town, acting_user=ducha)
        if not Round.all_objects.filter(town=ctx.town).exists():
            rng = random.Random(20250106)
            _spots(ctx)
            items = {i.code: i for i in ChecklistItem.objects.filter(section__checklist=checklist)}
            calendar = get_calendar(ctx.town)
            start = date(ctx.year, 1, 1)
            first_monday = start - timedelta(days=start.weekday())  # the week of 1 January
            for monday in _mondays(first_monday, today - timedelta(days=1)):
                if monday.year > ctx.year and ctx.current_year is None:
                    break
                if _at(monday, 8, 30) > timezone.now():
                    break
                _week(ctx, rng, monday, ducha, items, today, calendar)
            _reinspections(ctx, rng, ducha, today, calendar)
            _publish(ctx, ducha, start, today)
        next_round(ctx, ducha, today)
