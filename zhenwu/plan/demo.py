"""The Nankou 2025 plan (../shared/seed/PLAN.md) as demo data: all four themes, every measure,
every numeric target at its exact figure. Targets whose indicator is registered (investment,
enterprises, projects…) are computed from those modules' demo records; the others are manual,
with monthly progress reports that are demo values (marked 演示数据), including a realistic
shortfall on some. Runs after the modules (order 90). Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from zhenwu.core.actor import Source, acting_as
from zhenwu.core.demo import DemoContext, register_demo
from zhenwu.core.timeline import local_date
from zhenwu.core.workcalendar import get_calendar
from zhenwu.plan import rules, services
from zhenwu.plan.indicators import get_indicator
from zhenwu.plan.models import (
    Curve,
    Measure,
    MonthStatus,
    Plan,
    ProgressReport,
    Target,
    Task,
    TaskEvent,
    TaskSource,
    TaskStatus,
    Theme,
)

DEMO = "演示数据"

# Cumulative share of the year's target reached at each month end (demo progress shapes).
PROFILES = {
    "steady": [0.09, 0.17, 0.26, 0.34, 0.43, 0.51, 0.6, 0.68, 0.77, 0.86, 0.94, 1.02],
    "slow_start": [0.02, 0.05, 0.1, 0.18, 0.28, 0.4, 0.52, 0.63, 0.74, 0.85, 0.95, 1.0],
    "shortfall": [0.05, 0.1, 0.16, 0.22, 0.3, 0.37, 0.44, 0.52, 0.6, 0.68, 0.76, 0.84],
    "season": [0.0, 0.08, 0.25, 0.45, 0.62, 0.8, 0.92, 0.97, 1.0, 1.0, 1.0, 1.0],
    "winter_crop": [0, 0, 0, 0, 0, 0, 0, 0.1, 0.3, 0.55, 0.8, 0.92],
    "weekly": [
        4,
        8,
        13,
        17,
        21,
        26,
        30,
        35,
        39,
        43,
        47,
        51,
    ],  # absolute: one visit a week, one missed
    "monthly": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],  # absolute
    "once_q3": [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],  # absolute: done in September
    "half": [0, 0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.6],
}

# (theme, leader, department, [(measure, leader, department, context, [targets])])
# target: (name, unit, value, indicator key, params, manual profile, curve, is_demo value, note)
PLAN = [
    (
        "工业强镇：服务工业园区，壮大镇域经济",
        "leader",
        "jingfa",
        [
            (
                "招商为先",
                "mayor",
                "zhaoshang",
                "在谈与落地项目：中升建材新型涂料生产项目（已落地，盘活闲置资产）；"
                "秦望环保炉渣综合利用项目（已签约）；江苏众犇环保设备项目（已签约）。",
                [
                    (
                        "全年签约招商项目",
                        "个",
                        35,
                        "investment.signed_count",
                        {},
                        "steady",
                        Curve.LINEAR,
                        False,
                        "",
                    ),
                    (
                        "亿元以上工业项目开工",
                        "个",
                        4,
                        "investment.started_count",
                        {"industrial": True, "min_investment_wan": 10000},
                        "slow_start",
                        Curve.LINEAR,
                        False,
                        "投资额1亿元（10000万元）及以上的工业项目",
                    ),
                    (
                        "新签约项目开工",
                        "个",
                        20,
                        "investment.new_signed_started_count",
                        {},
                        "shortfall",
                        Curve.LINEAR,
                        False,
                        "",
                    ),
                ],
            ),
            (
                "项目为王",
                "leader",
                "xiangmu",
                "重点项目：光大管道、秦望环保（二期）、盘活万鑫建材、南口加油站——快建设、早见效。",
                [
                    (
                        "重点项目开工",
                        "个",
                        4,
                        "projects.started_count",
                        {"category": "key"},
                        "slow_start",
                        Curve.LINEAR,
                        False,
                        "光大管道、秦望环保（二期）、盘活万鑫建材、南口加油站",
                    ),
                ],
            ),
            (
                "企业为魂",
                "mayor",
                "jingfa",
                "方法：找差距、找短板、摸家底、挖潜力、优服务。",
                [
                    (
                        "新增四上企业",
                        "家",
                        10,
                        "enterprises.new_above_scale_count",
                        {},
                        "shortfall",
                        Curve.STEPPED,
                        False,
                        "",
                    ),
                ],
            ),
            (
                "发展为要",
                "leader",
                "shuangzheng",
                "双征（征地、征迁）机制：领导包保、挂图作战、倒排工期、化整为零。近年已完成正锋、光大管道、"
                "站后路东延、铁路货场通道等项目征地2108亩、征迁202户（往年成效，非2025年指标）。",
                [
                    (
                        "征地交地",
                        "亩",
                        300,
                        "land.mu_acquired",
                        {},
                        "steady",
                        Curve.LINEAR,
                        True,
                        "目标值为演示数据；按进行中的征收任务已交地的地块面积计",
                    ),
                    (
                        "征迁腾空",
                        "户",
                        40,
                        "land.households_relocated",
                        {},
                        "steady",
                        Curve.LINEAR,
                        True,
                        "目标值为演示数据；按被征收户的腾空日期计",
                    ),
                ],
            ),
        ],
    ),
    (
        "以创特色促整体提升：防水与劳务品牌",
        "mayor",
        "jingfa",
        [
            (
                "抓创新",
                "mayor",
                "jingfa",
                "推动防水企业加入省防水供应链平台，打造绿色建材供应链和新材料产业集群。",
                [
                    (
                        "防水企业加入省防水供应链平台",
                        "家",
                        15,
                        "enterprises.platform_joined_count",
                        {},
                        "slow_start",
                        Curve.LINEAR,
                        True,
                        "目标值为演示数据（访谈未给出数字）",
                    ),
                ],
            ),
            (
                "擦品牌",
                "mayor",
                "renshe",
                "省级劳务品牌“石首防水建筑工”（2024年湖北省十大劳务品牌之一）。",
                [
                    (
                        "防水工技能培训",
                        "人次",
                        600,
                        "labor.training_person_times",
                        {},
                        "steady",
                        Curve.LINEAR,
                        True,
                        "目标值为演示数据",
                    ),
                    (
                        "防水培训就业基地建成",
                        "个",
                        1,
                        "labor.bases_built",
                        {},
                        "once_q3",
                        Curve.LINEAR,
                        True,
                        "",
                    ),
                ],
            ),
            (
                "扬文化",
                "mayor",
                "dangzheng",
                "选树先进典型，建设防水文化长廊。",
                [
                    (
                        "防水文化长廊建成",
                        "处",
                        1,
                        None,
                        {},
                        "half",
                        Curve.LINEAR,
                        True,
                        "按工程进度折算填报",
                    ),
                ],
            ),
        ],
    ),
    (
        "城乡融合：推进乡村振兴",
        "mayor",
        "nongye",
        [
            (
                "促宜居",
                "mayor",
                "renju",
                "清洁家园、清渠洁岸：房前屋后、主干沟渠、集中居住区；问题整改不反弹。",
                [
                    (
                        "一周一暗访",
                        "次",
                        52,
                        "inspections.rounds_held",
                        {},
                        "weekly",
                        Curve.LINEAR,
                        False,
                        "已开始的暗访轮次（人居环境模块）",
                    ),
                    (
                        "一月一评比",
                        "次",
                        12,
                        "inspections.rankings_published",
                        {},
                        "monthly",
                        Curve.STEPPED,
                        False,
                        "每月评比结果发布（人居环境模块）",
                    ),
                ],
            ),
            (
                "强特色",
                "mayor",
                "nongye",
                "打造城市“菜篮子”。",
                [
                    (
                        "羊肚菌、金蝉林下基地",
                        "亩",
                        1000,
                        "agriculture.base_area",
                        {"crops": ["羊肚菌", "金蝉"]},
                        "season",
                        Curve.LINEAR,
                        False,
                        "约1000亩",
                    ),
                    (
                        "火龙果基地",
                        "亩",
                        300,
                        "agriculture.base_area",
                        {"crops": ["火龙果"]},
                        "season",
                        Curve.LINEAR,
                        False,
                        "",
                    ),
                    (
                        "蔬菜基地（以管家铺、永福为中心）",
                        "亩",
                        2000,
                        "agriculture.base_area",
                        {"crops": ["蔬菜"]},
                        "half",
                        Curve.LINEAR,
                        False,
                        "",
                    ),
                    (
                        "古夹垸娃娃菜基地",
                        "亩",
                        1000,
                        "agriculture.base_area",
                        {"crops": ["娃娃菜"]},
                        "winter_crop",
                        Curve.LINEAR,
                        False,
                        "",
                    ),
                ],
            ),
            (
                "守粮安",
                "mayor",
                "nongye",
                "遏制耕地“非农化”、防止“非粮化”，守住耕地红线。",
                [
                    (
                        "2025年高标准农田项目完工",
                        "个",
                        1,
                        "projects.completed_count",
                        {"category": "farmland"},
                        "once_q3",
                        Curve.LINEAR,
                        False,
                        "",
                    ),
                ],
            ),
        ],
    ),
    (
        "干部素质提升年",
        "leader",
        "dangzheng",
        [
            ("四个升级", "leader", "dangzheng", "理念升级、方法升级、能力升级、作风升级。", []),
            ("勇担当", "leader", "dangzheng", "重点工作、特色工作由干部领衔攻坚。", []),
            (
                "善作为",
                "leader",
                "dangzheng",
                "严守八项规定精神；民生实事全部办结。",
                [
                    (
                        "民生实事全部完成",
                        "件",
                        5,
                        "projects.completed_count",
                        {"category": "livelihood"},
                        "slow_start",
                        Curve.LINEAR,
                        False,
                        "5件民生实事",
                    ),
                ],
            ),
            ("抬标杆", "leader", "dangzheng", "对标对表，推动各项工作争先进位。", []),
        ],
    ),
]


# Custom curves (month-end cumulative %) for seasonal work and one-off deliverables.
CUSTOM_CURVES = {
    "羊肚菌、金蝉林下基地": [0, 10, 30, 50, 70, 85, 95, 100, 100, 100, 100, 100],
    "火龙果基地": [0, 10, 30, 50, 70, 85, 95, 100, 100, 100, 100, 100],
    "古夹垸娃娃菜基地": [0, 0, 0, 0, 0, 0, 0, 20, 50, 80, 100, 100],
    "蔬菜基地（以管家铺、永福为中心）": [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100],
    "防水培训就业基地建成": [0, 0, 0, 0, 10, 20, 40, 70, 100, 100, 100, 100],
    "2025年高标准农田项目完工": [0, 0, 0, 0, 0, 0, 0, 0, 20, 50, 100, 100],
}
DEADLINES = {
    "防水培训就业基地建成": (9, 30),
    "2025年高标准农田项目完工": (11, 30),
    "古夹垸娃娃菜基地": (11, 30),
}
COUNT_UNITS = {"个", "件", "家", "次", "人次"}


def _month_report_date(year, month, calendar) -> date:
    return calendar.workday_on_or_before(rules.month_end(year, month))


def _value(profile: str, month: int, target: Decimal, unit: str) -> Decimal:
    share = PROFILES[profile][month - 1]
    if profile in ("weekly", "monthly", "once_q3"):
        return Decimal(share) * (target if profile == "once_q3" else 1)
    step = Decimal(1) if target >= 50 or unit in COUNT_UNITS else Decimal("0.01")
    return (target * Decimal(str(share))).quantize(step, rounding=ROUND_DOWN)


PLAN_NOTE = (
    "2025年为石首市“特色工作年”和“干部素质提升年”；全镇以建功“支点建设”为统揽，打好“四大会战”。"
)


def _build_tree(ctx, year: int, *, note: str, current: bool = False, copied_from=None) -> Plan:
    """The seed's plan tree (themes, measures, targets at their exact figures) for `year`."""
    calendar = get_calendar()
    users, depts = ctx.users, ctx.departments
    plan, _ = Plan.all_objects.update_or_create(
        town=ctx.town,
        year=year,
        name="南口镇工作计划",
        defaults={"note": note, "is_deleted": False, "copied_from": copied_from},
    )
    for t_order, (t_name, t_leader, t_dept, measures) in enumerate(PLAN, 1):
        theme, _ = Theme.all_objects.update_or_create(
            plan=plan,
            name=t_name,
            defaults=dict(
                town=ctx.town,
                order=t_order,
                leader=users[t_leader],
                department=depts[t_dept],
                is_deleted=False,
            ),
        )
        for m_order, (m_name, m_leader, m_dept, context, targets) in enumerate(measures, 1):
            measure, _ = Measure.all_objects.update_or_create(
                theme=theme,
                name=m_name,
                defaults=dict(
                    town=ctx.town,
                    order=m_order,
                    leader=users[m_leader],
                    department=depts[m_dept],
                    context=context,
                    is_deleted=False,
                ),
            )
            for order, spec in enumerate(targets, 1):
                _target(ctx, measure, order, spec, m_leader, m_dept, calendar, year, current)
    return plan


@register_demo(90, "工作计划")
def build(ctx: DemoContext):
    calendar = get_calendar()
    with acting_as(ctx.admin, Source.SYSTEM):
        plan = _build_tree(ctx, ctx.year, note=PLAN_NOTE)
        _tasks(ctx, plan, calendar)
    # The demo's history is rebuilt with its data (a real plan's frozen months never change).
    MonthStatus.objects.filter(target__measure__theme__plan=plan).delete()
    services.freeze_months(plan, upto=timezone.localdate())
    return plan


def _target(ctx, measure, order, spec, leader, dept, calendar, year, current=False):
    name, unit, value, key, params, profile, curve, demo_value, note = spec
    bound = bool(key and get_indicator(key))
    target, _ = Target.all_objects.update_or_create(
        measure=measure,
        name=name.replace("2025年", f"{year}年"),
        defaults=dict(
            town=ctx.town,
            unit=unit,
            target_value=Decimal(value),
            indicator_key=key if bound else "",
            indicator_params=params if bound else {},
            curve=Curve.CUSTOM if name in CUSTOM_CURVES else curve,
            curve_shares=CUSTOM_CURVES.get(name, []),
            deadline=date(year, *DEADLINES[name]) if name in DEADLINES else None,
            order=order,
            leader=ctx.users[leader],
            department=ctx.departments[dept],
            is_demo=demo_value or not bound,
            note="；".join(
                x
                for x in (
                    note,
                    ""
                    if bound
                    else f"{DEMO}：进度为演示填报"
                    + (f"（计算指标 {key} 尚未注册）" if key else ""),
                )
                if x
            ),
            is_deleted=False,
        ),
    )
    if bound:
        ProgressReport.all_objects.filter(target=target, is_demo=True).delete()
        return target
    reporter = next(
        (u for u in ctx.users.values() if target.department in u.departments.all()), ctx.admin
    )
    if current:
        _current_reports(ctx, target, reporter, calendar)
        return target
    for month in range(1, 13):
        ProgressReport.all_objects.update_or_create(
            target=target,
            date=_month_report_date(year, month, calendar),
            defaults=dict(
                town=ctx.town,
                value=_value(profile, month, target.target_value, target.unit),
                note=f"{month}月进展（{DEMO}）",
                reported_by=reporter,
                is_demo=True,
                is_deleted=False,
            ),
        )
    return target


TASKS = [
    # title, source, source note, department, assignee, assigned, workdays, outcome, target name
    (
        "秦望环保炉渣综合利用项目开工前手续办理",
        TaskSource.MEETING,
        "2025年3月党委会",
        "zhaoshang",
        "zhaoshang",
        date(2025, 3, 10),
        20,
        "closed",
        "全年签约招商项目",
    ),
    (
        "光大管道项目征地扫尾",
        TaskSource.INSTRUCTION,
        "王兵书记批示",
        "shuangzheng",
        "shuangzheng",
        date(2025, 4, 7),
        15,
        "closed",
        "重点项目开工",
    ),
    (
        "四上企业入库培育：摸清临规企业底数",
        TaskSource.PLAN,
        "",
        "jingfa",
        "jingfa",
        date(2025, 5, 6),
        10,
        "returned",
        "新增四上企业",
    ),
    (
        "主干沟渠清淤整治",
        TaskSource.MEETING,
        "人居环境整治推进会",
        "renju",
        "renju",
        date(2025, 6, 3),
        20,
        "completed",
        "一周一暗访",
    ),
    (
        "娃娃菜基地冬季排灌设施完善",
        TaskSource.PLAN,
        "",
        "nongye",
        "nongye",
        date(2025, 10, 20),
        15,
        "extension",
        "古夹垸娃娃菜基地",
    ),
    (
        "防水文化长廊布展方案",
        TaskSource.INSTRUCTION,
        "镇长批示",
        "dangzheng",
        "dangzheng",
        date(2025, 11, 3),
        10,
        "open",
        "防水文化长廊建成",
    ),
]


def _tasks(ctx, plan, calendar):
    leader = ctx.users["leader"]
    targets = {t.name: t for t in Target.objects.filter(measure__theme__plan=plan)}
    for title, source, note, dept, who, assigned, workdays, outcome, target_name in TASKS:
        if Task.all_objects.filter(town=ctx.town, title=title).exists():
            continue
        assignee = ctx.users[who]
        task = services.task_assign(
            town=ctx.town,
            title=title,
            description=f"{title}（{DEMO}）",
            source=source,
            source_note=note,
            plan=plan,
            target=targets.get(target_name),
            assignee=assignee,
            assignee_department=ctx.departments[dept],
            workdays=workdays,
            assigned_on=assigned,
            acting_user=leader,
        )
        task.is_demo = True
        task.save()
        task = _play(task, outcome, assignee, leader)
        # Spread the timeline over the task's real period (events are stamped "now" by default).
        moment = datetime.combine(assigned, time(9, 0))
        for i, event in enumerate(TaskEvent.objects.filter(task=task).order_by("id")):
            stamp = timezone.make_aware(moment + timedelta(days=3 * i))
            TaskEvent.objects.filter(pk=event.pk).update(
                recorded_at=stamp, on_date=local_date(stamp)
            )
            if event.kind == "close":
                task.closed_at = stamp
            if event.kind == "complete" and task.status == TaskStatus.COMPLETED:
                task.completed_at = stamp
        task.save()


def _play(task, outcome, assignee, leader):
    """Walk a demo task through its workflow to `outcome` with the real services."""
    services.task_sign(task, acting_user=assignee)
    if outcome in ("closed", "completed", "returned"):
        services.task_report(task, note="已对接相关单位，正在推进", acting_user=assignee)
        services.task_complete(task, note="已按要求完成，佐证材料见附件", acting_user=assignee)
    if outcome == "closed":
        services.task_close(task, acting_user=leader, note="验收合格，同意销号")
    if outcome == "returned":
        services.task_return(
            task, note="底数不全，请补充临规企业名单后重新报送", acting_user=leader
        )
    if outcome == "extension":
        services.task_request_extension(
            task,
            new_deadline=task.deadline + timedelta(days=30),
            reason="受连续降雨影响，施工队伍无法进场",
            acting_user=assignee,
        )
    return task


# --- the year under way (issue 11 §2) --------------------------------------------------------
# The same themes and targets for the current year, records dated relative to the day the
# demo is loaded. Manual targets follow a pace against their own curve: ahead (green),
# slightly behind (yellow, ~5 points) or far behind (red, ≥25 points); computed targets
# follow the modules' current-year demo records (e.g. 招商引资（本年度）).

CURRENT_PACE = {
    "一周一暗访": Decimal("0.02"),
    "一月一评比": Decimal("0"),
    "防水工技能培训": Decimal("-0.05"),
    "防水培训就业基地建成": "done",
    "防水文化长廊建成": Decimal("-0.25"),
    "羊肚菌、金蝉林下基地": Decimal("0.03"),
    "火龙果基地": Decimal("-0.05"),
    "蔬菜基地（以管家铺、永福为中心）": Decimal("-0.3"),
    "古夹垸娃娃菜基地": Decimal("0.02"),
}


def current_value(target: Target, year: int, on: date) -> Decimal:
    """A manual target's demo value on `on`: its curve's expected share plus its pace."""
    pace = CURRENT_PACE.get(target.name, Decimal(0))
    share = rules.expected_share(target.curve, year, on, target.curve_shares)
    if pace == "done":  # a one-off delivered as soon as the curve expects any of it
        return target.target_value if share > 0 else Decimal(0)
    raw = target.target_value * max(Decimal(0), min(Decimal(1), share + pace))
    step = (
        Decimal(1) if target.target_value >= 50 or target.unit in COUNT_UNITS else Decimal("0.01")
    )
    return raw.quantize(step, rounding=ROUND_DOWN)


def _current_reports(ctx, target, reporter, calendar):
    year, today = ctx.today.year, ctx.today
    ProgressReport.all_objects.filter(target=target, is_demo=True).delete()
    days = [
        _month_report_date(year, m, calendar)
        for m in range(1, 13)
        if rules.month_end(year, m) < today
    ]
    days = [d for d in days if d.year == year and d < today] + [today]
    for on in days:
        ProgressReport.objects.create(
            town=ctx.town,
            target=target,
            date=on,
            value=current_value(target, year, on),
            note=f"{on.month}月进展（{DEMO}）",
            reported_by=reporter,
            is_demo=True,
        )


def _workdays_from(calendar, day: date, n: int) -> date:
    if n >= 0:
        return calendar.add_workdays(day, n) if n else day
    d = day
    for _ in range(-n):
        d -= timedelta(days=1)
        while not calendar.is_workday(d):
            d -= timedelta(days=1)
    return d


# title, source, assigner, department, assignee, assigned (days before today),
# deadline (working days from today: negative = overdue), outcome, target name
CURRENT_TASKS = [
    ("本村人居环境暗访问题整改", TaskSource.PLAN, "ducha", None, "village1", 6, 2, "open",
     "一周一暗访"),
    ("新签约项目开工手续办理", TaskSource.MEETING, "leader", "zhaoshang", "zhaoshang", 20, 3,
     "in_progress", "新签约项目开工"),
    ("重点项目周报补报", TaskSource.INSTRUCTION, "leader", "xiangmu", "xiangmu", 15, -2,
     "in_progress", "重点项目开工"),
    ("防水工技能培训进度核查", TaskSource.PLAN, "leader", "renshe", "renshe", 25, 5,
     "completed", "防水工技能培训"),
    ("蔬菜基地扩种用地协调", TaskSource.PLAN, "mayor", "nongye", "nongye", 30, 1, "extension",
     "蔬菜基地（以管家铺、永福为中心）"),
    ("四上企业月报数据核对", TaskSource.MEETING, "leader", "jingfa", "jingfa", 40, -10,
     "closed", "新增四上企业"),
]  # fmt: skip


def _current_tasks(ctx, plan, calendar):
    year, today = ctx.today.year, ctx.today
    old = Task.all_objects.filter(plan=plan, is_demo=True)
    TaskEvent.objects.filter(task__in=old).delete()
    old.delete()
    targets = {t.name: t for t in Target.objects.filter(measure__theme__plan=plan)}
    for title, source, by, dept, who, ago, due, outcome, target_name in CURRENT_TASKS:
        assigner, assignee = ctx.users[by], ctx.users[who]
        assigned = max(date(year, 1, 1), today - timedelta(days=ago))
        deadline = max(assigned, _workdays_from(calendar, today, due))
        task = services.task_assign(
            town=ctx.town,
            title=f"{title}（{year}）",
            description=f"{title}（{DEMO}）",
            source=source,
            source_note="镇督查室暗访" if by == "ducha" else "",
            plan=plan,
            target=targets.get(target_name),
            assignee=assignee,
            assignee_department=ctx.departments[dept] if dept else None,
            deadline=deadline,
            assigned_on=assigned,
            acting_user=assigner,
        )
        task.is_demo = True
        task.save()
        if outcome != "open":
            services.task_sign(task, acting_user=assignee)
        if outcome in ("in_progress", "completed", "closed"):
            services.task_report(task, note="已对接相关单位，正在推进", acting_user=assignee)
        if outcome in ("completed", "closed"):
            services.task_complete(task, note="已按要求完成，佐证材料见附件", acting_user=assignee)
        if outcome == "closed":
            services.task_close(task, acting_user=assigner, note="验收合格，同意销号")
        if outcome == "extension":
            services.task_request_extension(
                task,
                new_deadline=deadline + timedelta(days=14),
                reason="土地流转协议尚在协商",
                acting_user=assignee,
            )
        # Spread the timeline between the assignment and today.
        events = list(TaskEvent.objects.filter(task=task).order_by("id"))
        first = timezone.make_aware(datetime.combine(assigned, time(9, 0)))
        step = (timezone.make_aware(datetime.combine(today, time(8, 0))) - first) / max(
            len(events), 1
        )
        for i, event in enumerate(events):
            stamp = first + step * i
            TaskEvent.objects.filter(pk=event.pk).update(
                recorded_at=stamp, on_date=local_date(stamp)
            )
            if event.kind == "close":
                task.closed_at = stamp
            if event.kind == "complete":
                task.completed_at = stamp
        task.save()


@register_demo(95, "工作计划（本年度）")
def build_current(ctx: DemoContext):
    """The current year's plan: same themes and targets, a year under way as of `ctx.today`.
    A re-run (any later day) refreshes its demo reports, tasks and frozen months; records users
    entered are left alone."""
    if ctx.current_year is None:
        return None
    calendar = get_calendar()
    seed = Plan.objects.filter(town=ctx.town, year=ctx.year).first()
    with acting_as(ctx.admin, Source.SYSTEM):
        plan = _build_tree(
            ctx,
            ctx.current_year,
            note=f"{ctx.current_year}年工作计划（{DEMO}：沿用2025年板块与目标，进度按载入演示的日期生成）",
            current=True,
            copied_from=seed,
        )
        _current_tasks(ctx, plan, calendar)
    MonthStatus.objects.filter(target__measure__theme__plan=plan).delete()
    services.freeze_months(plan, upto=ctx.today)
    return plan
