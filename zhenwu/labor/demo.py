"""Demo part 60 (劳务品牌): the 「石首防水建筑工」 brand in 2025 — the training and employment
base (built on 20 September), its courses and a year of sessions,
about 300 workers of the town's villages with checksum-valid demo resident IDs (address code
421081, Shishou), attendance, exams and the certificates they issued, and placements in the
town, the county, the province, other provinces and abroad. A few sessions of the current
year, dated relative to the day the demo is loaded, let the dashboard open on a year under way.

Every name, ID, phone number, date and figure is a demo value: records carry 「示例」 (names of
bases, courses and sessions; workers', enrolments' and placements' notes; certificate
issuers). Idempotent: nothing is added when the base exists.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.changelog import log_bulk_create
from zhenwu.core.demo import register_demo
from zhenwu.core.idnumbers import resident_id_check_char
from zhenwu.labor.models import (
    Attendance,
    Certificate,
    CertificateKind,
    Course,
    Destination,
    EmploymentStatus,
    Enrollment,
    Exam,
    IncomeBand,
    Placement,
    Trade,
    TrainingBase,
    TrainingSession,
    Worker,
)
from zhenwu.labor.rules import STANDARD_TRADES

MARK = "示例数据"
BASE_NAME = "南口镇防水培训就业基地（示例）"
BUILT_ON = date(2025, 9, 20)  # the plan's deadline for the base is 30 September
ISSUER = "石首市职业技能等级认定中心（示例）"
OPERATION_ISSUER = "荆州市应急管理局（示例）"  # 特种作业操作证 are issued by 应急管理部门
OPERATION_YEARS = 6
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "建华", "国强", "志刚", "海波", "军", "勇", "伟", "磊", "涛", "斌", "红梅", "秀英", "丽",
    "春华", "德明", "金山", "大勇", "小平", "长江", "建军", "新民", "文斌", "光明", "家兴",
    "桂芳", "玉兰", "永红", "水生", "卫东", "爱国",
]  # fmt: skip

# (name, trade, level, hours)
COURSES = [
    ("防水工初级（五级）培训（示例）", "防水工", "5", Decimal(40)),
    ("防水工中级（四级）培训（示例）", "防水工", "4", Decimal(56)),
    ("防水工高级（三级）研修（示例）", "防水工", "3", Decimal(64)),
    ("建筑保温工专项能力培训（示例）", "保温工", "", Decimal(32)),
]
# 2025 sessions: (month, course index, trainees); none in February (Spring Festival).
SESSIONS_2025 = [
    (1, 0, 34), (3, 0, 36), (3, 3, 30), (4, 1, 32), (4, 0, 35), (5, 0, 36), (5, 3, 28),
    (6, 1, 34), (6, 0, 36), (7, 0, 30), (8, 2, 22), (8, 0, 35), (9, 1, 33), (9, 0, 36),
    (10, 3, 30), (10, 0, 35), (11, 1, 32), (12, 0, 34),
]  # fmt: skip
# Destinations of placements (share): mostly other provinces — a labour-export town.
DESTINATIONS = [
    (Destination.TOWN, 0.14, ["南口镇"], None),
    (Destination.COUNTY, 0.09, ["石首市笔架山街道", "石首市绣林街道", "石首市团山寺镇"], None),
    (Destination.PROVINCE, 0.22, ["武汉市", "荆州市", "宜昌市", "襄阳市"], None),
    (Destination.OTHER_PROVINCE, 0.50, ["上海市", "深圳市", "杭州市", "长沙市", "成都市", "北京市"], None),
    (Destination.ABROAD, 0.05, ["新加坡", "沙特阿拉伯利雅得", "马来西亚吉隆坡"], None),
]  # fmt: skip
EMPLOYERS = [
    "中建三局某项目部（示例）", "湖北某建筑防水工程有限公司（示例）", "某防水科技集团施工分公司（示例）",
    "某城建集团第二工程公司（示例）", "某地铁项目防水分包部（示例）", "某海外工程承包公司（示例）",
]  # fmt: skip
PROJECTS = [
    "地铁车站防水工程",
    "住宅小区屋面防水",
    "地下综合管廊防水",
    "厂房屋面翻新",
    "桥梁防水层施工",
]
WAGE = {  # destination → likely wage bands
    Destination.TOWN: [IncomeBand.B2, IncomeBand.B2, IncomeBand.B3],
    Destination.COUNTY: [IncomeBand.B2, IncomeBand.B3],
    Destination.PROVINCE: [IncomeBand.B3, IncomeBand.B3, IncomeBand.B4],
    Destination.OTHER_PROVINCE: [IncomeBand.B3, IncomeBand.B4, IncomeBand.B4, IncomeBand.B5],
    Destination.ABROAD: [IncomeBand.B4, IncomeBand.B5, IncomeBand.B5],
}


def demo_resident_id(rng: random.Random, used: set[str], *, born_from=1966, born_to=2004):
    """A checksum-valid GB 11643 ID of Shishou (421081) not in `used`."""
    while True:
        birth = date(rng.randint(born_from, born_to), 1, 1) + timedelta(days=rng.randint(0, 364))
        seq = rng.randint(0, 999)
        # construction trades: mostly men (odd 17th digit)
        seq = seq | 1 if rng.random() < 0.86 else seq & ~1
        first17 = f"421081{birth:%Y%m%d}{seq:03d}"
        rid = first17 + resident_id_check_char(first17)
        if rid not in used:
            used.add(rid)
            return rid


@register_demo(60, "劳务品牌")
def build(ctx):
    town = ctx.town
    if TrainingBase.all_objects.filter(town=town, name=BASE_NAME).exists():
        return
    rng = random.Random(20250614)
    actor = ctx.users.get("renshe") or ctx.admin
    today = timezone.localdate()
    with acting_as(actor, Source.SYSTEM):
        for order, name in enumerate(STANDARD_TRADES, start=1):
            Trade.objects.get_or_create(name=name, defaults={"order": order})
        trades = {t.name: t for t in Trade.objects.all()}
        base = TrainingBase.objects.create(
            town=town,
            name=BASE_NAME,
            address="湖北省石首市南口镇（示例地址）",
            completed_on=BUILT_ON,
            capacity=1200,
            note=f"{MARK}：建成日期为演示值；基地的建设项目列入重点项目后，可在此关联，"
            "建成日期即以项目实际竣工日期计",
        )
        courses = [
            Course.objects.create(
                town=town,
                name=name,
                trade=trades.get(trade),
                level=level,
                hours=hours,
                content=f"理论与实操（{MARK}）",
            )
            for name, trade, level, hours in COURSES
        ]
        workers = _workers(ctx, rng, trades)
        sessions = _sessions(ctx, rng, base, courses, today)
        _enrol_and_certify(ctx, rng, sessions, workers, today)
        _placements(ctx, rng, workers, today)


def _workers(ctx, rng, trades):
    used: set[str] = set(
        Worker.all_objects.filter(town=ctx.town).values_list("resident_id", flat=True)
    )
    trade_pool = ["防水工"] * 8 + ["保温工", "瓦工", "钢筋工", "木工"]
    villages = ctx.villages
    weights = [14, 12, 10, 9, 9, 8, 8, 7, 7, 6][: len(villages)]
    new = []
    for _i in range(300):
        w = Worker(
            town=ctx.town,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            resident_id=demo_resident_id(rng, used),
            village=rng.choices(villages, weights)[0],
            phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
            trade=trades.get(rng.choice(trade_pool)),
            employment_status=EmploymentStatus.SEEKING,
            note=f"{MARK}：姓名、身份证号码、电话均为演示用",
        )
        w.apply_resident_id()
        new.append(w)
    created = Worker.objects.bulk_create(new, batch_size=500)
    log_bulk_create(created)
    return created


def _sessions(ctx, rng, base, courses, today):
    specs = [(2025, m, c, n) for m, c, n in SESSIONS_2025]
    if today.year > 2025:  # a year under way: one session a month until last month
        specs += [(today.year, m, (0, 1, 0, 3)[m % 4], 30 + m % 5) for m in range(1, today.month)]
    if today.year > 2025:  # and the next one, enrolling: it opens within the week
        specs.append((today.year, None, 0, 24))
    sessions = []
    counter: dict[int, int] = {}
    for year, month, ci, n in specs:
        counter[year] = counter.get(year, 0) + 1
        course = courses[ci]
        if month is None:
            start = today + timedelta(days=6)
        else:
            start = date(year, month, 3 + 7 * (counter[year] % 3))
        days = int(course.hours // 8)
        s = TrainingSession(
            town=ctx.town,
            name=f"{year}年第{counter[year]}期{course.name.removesuffix('（示例）')}（示例）",
            course=course,
            base=base if (year, month) >= (2025, 10) else None,
            start_date=start,
            end_date=start + timedelta(days=days - 1),
            trainer=rng.choice(["张师傅（示例）", "刘工程师（示例）", "陈高级技师（示例）"]),
            hours=course.hours,
            place=BASE_NAME if (year, month) >= (2025, 10) else "南口镇文化中心（示例）",
            capacity=40,
            note=MARK,
        )
        s.trainees = n
        sessions.append(s)
    created = TrainingSession.objects.bulk_create(sessions)
    log_bulk_create(created)
    for s, spec in zip(created, sessions, strict=True):
        s.trainees = spec.trainees
    return created


def _enrol_and_certify(ctx, rng, sessions, workers, today):
    enrolments, exams = [], []
    level_of = {w.pk: "" for w in workers}
    for s in sessions:
        pool = [w for w in workers if (level_of[w.pk] or "6") > (s.course.level or "0")]
        chosen = rng.sample(pool if len(pool) >= s.trainees else workers, s.trainees)
        done = s.end_date < today
        for w in chosen:
            attended = done and rng.random() < 0.93
            enrolments.append(
                Enrollment(
                    town=ctx.town, session=s, worker=w,
                    attendance=Attendance.ATTENDED if attended else (Attendance.ABSENT if done else Attendance.ENROLLED),
                    hours_attended=s.hours if attended else (Decimal(0) if done else None),
                    note=MARK,
                )
            )  # fmt: skip
        exam_day = s.end_date + timedelta(days=7)
        if exam_day < today:
            exams.append(
                Exam(
                    town=ctx.town,
                    name=f"{s.name.removesuffix('（示例）')}结业考核（示例）",
                    session=s,
                    exam_date=exam_day,
                    trade=s.course.trade,
                    level=s.course.level,
                    certificate_kind=CertificateKind.SKILL
                    if s.course.level
                    else CertificateKind.SPECIAL,
                    issuer=ISSUER,
                )
            )
    created = Enrollment.objects.bulk_create(enrolments, batch_size=500)
    log_bulk_create(created)
    exams = Exam.objects.bulk_create(exams)
    log_bulk_create(exams)
    by_session = {}
    for e in created:
        by_session.setdefault(e.session_id, []).append(e)
    certs, number = [], 0
    skill = {}
    workers_by_pk = {w.pk: w for w in workers}
    for x in exams:
        for e in by_session.get(x.session_id, []):
            if e.attendance != Attendance.ATTENDED or rng.random() > 0.78:
                continue
            number += 1
            certs.append(
                Certificate(
                    town=ctx.town, worker_id=e.worker_id, kind=x.certificate_kind,
                    trade=x.trade, level=x.level, number=f"S{x.exam_date:%Y}42108{number:05d}",
                    issuer=ISSUER, issued_on=x.exam_date, exam=x,
                )
            )  # fmt: skip
            if x.level and (x.level < skill.get(e.worker_id, "6")):
                skill[e.worker_id] = x.level
    certs += _operation_certificates(rng, workers, today)
    log_bulk_create(Certificate.objects.bulk_create(certs, batch_size=500))
    for pk, level in skill.items():
        w = workers_by_pk[pk]
        w.skill_level = level
        w.save(update_fields=["skill_level", "updated_at"])


def _operation_certificates(rng, workers, today) -> list:
    """特种作业操作证（高处作业）: waterproofers work on roofs. The certificate is valid six
    years (复审 every three), so the town renews some every year: the demo's expire from a
    year ago to five years ahead — a few already lapsed, a few within the 90 days the renewal
    reminders look at. Issued before 2025, so no plan year's count of certificates moves."""
    holders = rng.sample([w for w in workers if w.trade and w.trade.name == "防水工"], 40)
    certs = []
    for i, w in enumerate(holders):
        expires = today + timedelta(days=-220 + i * 55)
        issued = date(expires.year - OPERATION_YEARS, expires.month, min(expires.day, 28))
        if issued.year >= 2025:
            continue
        certs.append(
            Certificate(
                town_id=w.town_id, worker=w, kind=CertificateKind.OPERATION, trade=w.trade,
                number=f"T{issued:%Y}42108{i + 1:05d}", issuer=OPERATION_ISSUER,
                issued_on=issued, expires_on=expires,
            )
        )  # fmt: skip
    return certs


def _placements(ctx, rng, workers, today):
    from zhenwu.enterprises.models import Enterprise

    local = list(Enterprise.objects.filter(town=ctx.town, is_waterproofing=True)[:8])
    chosen = rng.sample(workers, 215)
    placements = []
    for i, w in enumerate(chosen):
        dest, _, places, _ = rng.choices(DESTINATIONS, [d[1] for d in DESTINATIONS])[0]
        # most placements in 2025; the rest in the current year, before today
        year = 2025 if i < 180 else today.year
        last = today - timedelta(days=1) if year == today.year else date(year, 12, 31)
        span = max((last - date(year, 1, 1)).days, 0)  # (1 January: today)
        start = date(year, 1, 1) + timedelta(days=rng.randint(0, span))
        end = start + timedelta(days=rng.randint(60, 300)) if rng.random() < 0.35 else None
        if end and end >= today:
            end = None
        ent = rng.choice(local) if dest == Destination.TOWN and local else None
        p = Placement(
            town=ctx.town, worker=w, enterprise=ent,
            employer=ent.name if ent else rng.choice(EMPLOYERS),
            project=rng.choice(PROJECTS) + "（示例）", place=rng.choice(places),
            destination=dest, start_date=start, end_date=end,
            wage_band=rng.choice(WAGE[dest]), note=MARK,
        )  # fmt: skip
        placements.append(p)
    log_bulk_create(Placement.objects.bulk_create(placements, batch_size=500))
    # The worker's current employment follows their placement (as services._sync_worker).
    for p in placements:
        w = p.worker
        if p.end_date is None:
            w.employment_status = EmploymentStatus.EMPLOYED
            w.employer, w.work_place, w.destination = p.employer, p.place, p.destination
        w.income_band = p.wage_band
        w.save(
            update_fields=[
                "employment_status", "employer", "work_place", "destination", "income_band",
                "updated_at",
            ]
        )  # fmt: skip
