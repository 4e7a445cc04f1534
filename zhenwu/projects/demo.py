"""Demo (order 50): the four key projects of the interview (光大管道, 秦望环保（二期）, 盘活万鑫建材,
南口加油站), five livelihood projects (民生实事; generic names, marked 演示数据) and the 2025
高标准农田 project, each with a milestone network over 2025 scheduled backward from its deadline
(倒排工期) on the real working calendar, actual dates, weekly reports, problems and a baseline.

How the dates are made (so that they are consistent by construction):
1. the plan is the network scheduled backward from the project's deadline (the engine);
2. the actual dates are the same network run forward from the actual start with a few demo
   slips (extra working days on some milestones) — so successors never start before their
   predecessors finish;
3. everything after the project's progress date (its `progress` below) is not done yet.

Outcome as of the demo's "now" (2026-11-20): all 2025 projects are finished except 南口加油站
(成品油零售经营许可 delayed: still 在建, 建设未竣工), and of the five livelihood projects four were
finished by 31 Dec 2025 and the fifth in January 2026 — the realistic shortfall the plan board
shows against the target "5项民生实事全部完成".
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from zhenwu.core.demo import register_demo
from zhenwu.core.workcalendar import get_calendar
from zhenwu.projects import selectors, services
from zhenwu.projects.models import (
    Baseline,
    FarmlandDetail,
    Milestone,
    MilestoneDependency,
    Problem,
    ProblemLevel,
    ProblemStatus,
    Project,
    ProjectStatus,
    WeeklyReport,
)
from zhenwu.projects.scheduling import schedule

DEMO_NOW = date(2026, 11, 20)
D = date.fromisoformat


# (name, duration, predecessors [(name, lag)], calendar_days)
INDUSTRIAL = [
    ("项目备案", 5, [], False),
    ("用地手续", 30, [("项目备案", 0)], False),
    ("规划设计方案", 20, [("项目备案", 0)], False),
    ("环评批复", 25, [("项目备案", 0)], False),
    ("施工图设计", 20, [("规划设计方案", 0)], False),
    ("施工图审查", 10, [("施工图设计", 0)], False),
    ("施工招标", 20, [("施工图设计", 0)], True),  # 招标公告期：日历天
    ("施工许可", 5, [("施工图审查", 0), ("环评批复", 0), ("用地手续", 0)], False),
    ("开工", 0, [("施工许可", 0), ("施工招标", 0)], False),
    ("主体施工", 80, [("开工", 0)], False),
    ("设备采购", 45, [("施工招标", 5)], False),
    ("设备安装", 25, [("主体施工", 0), ("设备采购", 20)], False),  # 到货运输与开箱验收
    ("联合调试", 15, [("设备安装", 0)], False),
    ("竣工验收", 10, [("联合调试", 0)], False),
    ("竣工投产", 0, [("竣工验收", 0)], False),
]

REVIVAL = [  # 盘活闲置资产：收购、改造、复产
    ("资产评估", 15, [], False),
    ("债权债务清理", 30, [("资产评估", 0)], False),
    ("资产收购协议", 10, [("债权债务清理", 0)], False),
    ("产权过户", 15, [("资产收购协议", 0)], False),
    ("改造设计", 20, [("资产收购协议", 0)], False),
    ("改造招标", 20, [("改造设计", 0)], True),
    ("开工", 0, [("产权过户", 0), ("改造招标", 0)], False),
    ("厂房改造", 50, [("开工", 0)], False),
    ("生产线更新", 40, [("开工", 10)], False),
    ("安全环保验收", 10, [("厂房改造", 0), ("生产线更新", 0)], False),
    ("复工复产", 0, [("安全环保验收", 0)], False),
]

STATION = [  # 加油站：规划、许可、土建、安装、验收、经营许可
    ("选址规划审批", 20, [], False),
    ("用地出让", 30, [("选址规划审批", 0)], False),
    ("安全条件审查", 15, [("选址规划审批", 0)], False),
    ("施工图设计", 20, [("安全条件审查", 0)], False),
    ("施工招标", 20, [("施工图设计", 0)], True),
    ("开工", 0, [("施工招标", 0), ("用地出让", 0)], False),
    ("站房及罩棚施工", 60, [("开工", 0)], False),
    ("油罐区及管线", 40, [("开工", 5)], False),
    ("加油机安装", 10, [("油罐区及管线", 0)], False),
    ("消防验收", 10, [("站房及罩棚施工", 0), ("加油机安装", 0)], False),
    ("安全设施竣工验收", 10, [("消防验收", 0)], False),
    ("成品油零售经营许可", 30, [("安全设施竣工验收", 0)], False),
    ("试营业", 0, [("成品油零售经营许可", 0)], False),
]

LIVELIHOOD = [
    ("立项批复", 5, [], False),
    ("勘察设计", 15, [("立项批复", 0)], False),
    ("预算评审", 10, [("勘察设计", 0)], False),
    ("招标公示", 20, [("预算评审", 0)], True),
    ("开工", 0, [("招标公示", 0)], False),
    ("施工", 40, [("开工", 0)], False),
    ("完工自检", 5, [("施工", 0)], False),
    ("竣工验收", 5, [("完工自检", 3)], False),
    ("群众满意度测评", 3, [("竣工验收", 0)], False),
]

FARMLAND = [
    ("初步设计", 20, [], False),
    ("初步设计批复", 10, [("初步设计", 5)], False),
    ("施工监理招标", 20, [("初步设计批复", 0)], True),
    ("开工", 0, [("施工监理招标", 0)], False),
    ("土地平整（田、土）", 40, [("开工", 0)], False),
    ("灌排沟渠（水）", 50, [("开工", 5)], False),
    ("田间道路（路）", 40, [("土地平整（田、土）", 0)], False),
    ("农田防护林（林）", 20, [("田间道路（路）", 0)], False),
    ("电力配套（电）", 25, [("灌排沟渠（水）", 0)], False),
    ("完工", 0, [("农田防护林（林）", 0), ("电力配套（电）", 0)], False),
    ("县级初验", 10, [("完工", 10)], False),
    ("竣工验收", 10, [("县级初验", 0)], False),
    ("上图入库", 15, [("竣工验收", 0)], False),
]


PROJECTS = [
    # name, category, network, village index, leader, deadline, actual start, slips, progress,
    # status, total, annual, location, demo?
    dict(
        name="光大管道", category="key", network=INDUSTRIAL, village=0, leader="leader",
        deadline="2025-11-28", start="2025-01-06", slips={"环评批复": 8, "主体施工": 6},
        progress=DEMO_NOW, status=ProjectStatus.OPERATING, total=32000, annual=18000,
        location="南口镇工业园（示例地点）", demo=False,
    ),
    dict(
        name="秦望环保（二期）", category="key", network=INDUSTRIAL, village=1, leader="mayor",
        deadline="2025-12-19", start="2025-02-10", slips={"用地手续": 5},
        progress=DEMO_NOW, status=ProjectStatus.OPERATING, total=15000, annual=9000,
        location="南口镇工业园（示例地点）", demo=False,
    ),
    dict(
        name="盘活万鑫建材", category="key", network=REVIVAL, village=3, leader="leader",
        deadline="2025-09-30", start="2025-03-03", slips={"债权债务清理": 12, "厂房改造": 8},
        progress=DEMO_NOW, status=ProjectStatus.COMPLETED, total=6000, annual=6000,
        location="原万鑫建材厂区（示例地点）", demo=False,
    ),
    dict(
        name="南口加油站", category="key", network=STATION, village=4, leader="mayor",
        deadline="2025-12-31", start="2025-04-07",
        slips={"用地出让": 25, "消防验收": 15, "安全设施竣工验收": 215, "成品油零售经营许可": 40},
        progress=DEMO_NOW, status=ProjectStatus.BUILDING, total=1800, annual=1800,
        location="南口镇集镇入口（示例地点）", demo=False,
    ),
    dict(
        name="示例村道硬化工程", category="livelihood", network=LIVELIHOOD, village=3,
        leader="mayor", deadline="2025-09-30", start="2025-03-10", slips={"施工": 5},
        progress=DEMO_NOW, status=ProjectStatus.COMPLETED, total=380, annual=380,
        location="示例四村", demo=True,
    ),
    dict(
        name="示例农村饮水安全巩固提升工程", category="livelihood", network=LIVELIHOOD,
        village=1, leader="leader", deadline="2025-08-29", start="2025-02-17", slips={},
        progress=DEMO_NOW, status=ProjectStatus.COMPLETED, total=260, annual=260,
        location="永福村", demo=True,
    ),
    dict(
        name="示例集镇路灯亮化工程", category="livelihood", network=LIVELIHOOD, village=9,
        leader="mayor", deadline="2025-06-30", start="2025-01-13", slips={},
        progress=DEMO_NOW, status=ProjectStatus.COMPLETED, total=120, annual=120,
        location="示例社区", demo=True,
    ),
    dict(
        name="示例集镇污水管网改造工程", category="livelihood", network=LIVELIHOOD,
        village=0, leader="leader", deadline="2025-12-26", start="2025-06-02",
        slips={"施工": 10}, progress=DEMO_NOW, status=ProjectStatus.COMPLETED, total=650,
        annual=650, location="管家铺村", demo=True,
    ),
    dict(
        name="示例卫生院适老化改造工程", category="livelihood", network=LIVELIHOOD, village=5,
        leader="mayor", deadline="2025-11-28", start="2025-06-16",
        slips={"预算评审": 15, "施工": 35}, progress=DEMO_NOW,
        status=ProjectStatus.COMPLETED, total=200, annual=200, location="示例六村", demo=True,
    ),
    dict(
        name="2025年高标准农田建设项目", category="farmland", network=FARMLAND, village=2,
        leader="leader", deadline="2025-12-31", start="2025-03-03",
        slips={"灌排沟渠（水）": 10}, progress=DEMO_NOW, status=ProjectStatus.COMPLETED,
        total=2600, annual=2600, location="古夹垸村、永福村", demo=False,
    ),
]  # fmt: skip

PROBLEMS = {
    "光大管道": [
        (
            "施工临时用电需增容，供电所排期较晚",
            "jingfa",
            "2025-04-10",
            15,
            "town",
            "镇领导协调供电所提前安排增容，4月18日送电",
            "2025-04-18",
        ),
        (
            "厂区外排水接入园区管网标高不符",
            "xiangmu",
            "2025-06-05",
            20,
            "town",
            "设计单位调整管线走向，已接通",
            "2025-06-20",
        ),
    ],
    "秦望环保（二期）": [
        (
            "环评批复需补充炉渣综合利用工艺说明",
            "xiangmu",
            "2025-03-20",
            15,
            "city",
            "提请市生态环境局指导后补充材料，已批复",
            "2025-04-08",
        ),
    ],
    "盘活万鑫建材": [
        (
            "原企业债权人对资产处置有异议",
            "jingfa",
            "2025-03-25",
            30,
            "city",
            "经市法院调解达成分期清偿协议",
            "2025-05-06",
        ),
        (
            "厂房屋面钢结构锈蚀需加固",
            "xiangmu",
            "2025-07-01",
            20,
            "town",
            "增加加固工程量，已完成",
            "2025-07-28",
        ),
    ],
    "南口加油站": [
        (
            "成品油零售经营许可需市商务局审批，审批进度滞后",
            "jingfa",
            "2025-10-20",
            30,
            "city",
            "",
            "",
        ),
        (
            "站前道路开口需公路部门许可",
            "xiangmu",
            "2025-09-01",
            20,
            "town",
            "市公路事务中心已批复开口方案",
            "2025-09-26",
        ),
        (
            "安全设施竣工验收整改：油罐区防渗检测报告需补正",
            "xiangmu",
            "2026-10-12",
            20,
            "town",
            "",
            "",
        ),
    ],
    "示例卫生院适老化改造工程": [
        (
            "施工期间门诊通道需临时改道",
            "dangzheng",
            "2025-09-10",
            10,
            "town",
            "卫生院与施工单位协商夜间施工",
            "2025-09-19",
        ),
    ],
    "2025年高标准农田建设项目": [
        (
            "部分田块有群众种植的油菜未收割，影响土地平整",
            "nongye",
            "2025-04-15",
            20,
            "town",
            "村委会协调错峰施工，待收割后进场",
            "2025-05-20",
        ),
    ],
}


def _tasks(network, slips=None):
    slips = slips or {}
    return [
        {
            "key": name,
            "duration": dur + slips.get(name, 0),
            "predecessors": [{"key": p, "lag": lag} for p, lag in preds],
            "calendar_days": cal_days,
        }
        for name, dur, preds, cal_days in network
    ]


def _pct(cal, start, finish, as_of, duration) -> Decimal:
    if not duration:
        return Decimal(0)
    done = cal.workdays_between(start, as_of + timedelta(days=1))
    total = max(1, cal.workdays_between(start, finish + timedelta(days=1)))
    return Decimal(min(95, int(100 * done / total)))


def _build_project(ctx, spec, cats, cal):
    town = ctx.town
    users = ctx.users
    deadline = D(spec["deadline"])
    plan = schedule(_tasks(spec["network"]), mode="backward", anchor=deadline, calendar=cal)
    actual = schedule(
        _tasks(spec["network"], spec["slips"]), mode="forward", anchor=D(spec["start"]),
        calendar=cal,
    )  # fmt: skip
    progress = spec["progress"]
    acts = {}
    for t in actual.tasks:
        if t.early_start > progress:
            acts[t.key] = (None, None, Decimal(0))
        elif t.early_finish <= progress:
            acts[t.key] = (t.early_start, t.early_finish, Decimal(100))
        else:
            dur = next(d for n, d, _, _ in spec["network"] if n == t.key)
            acts[t.key] = (
                t.early_start,
                None,
                _pct(cal, t.early_start, t.early_finish, progress, dur),
            )
    # A zero-duration milestone after a calendar-day task that ends on a weekend is dated by
    # the engine at the end of the previous working day; as an *actual* date it is the day
    # the predecessor really ended.
    for name, dur, preds, _c in spec["network"]:
        a_start, a_finish, pct = acts[name]
        if dur == 0 and a_finish is not None:
            day = max([a_finish] + [acts[p][1] for p, _ in preds if acts[p][1]])
            acts[name] = (day, day, pct)
    start_key = "开工"
    main_key = next(
        (n for n, *_ in spec["network"] if n in ("主体施工", "厂房改造", "站房及罩棚施工", "施工", "土地平整（田、土）")),
        None,
    )  # fmt: skip
    last_key = spec["network"][-1][0]
    finished = acts[last_key][1] is not None
    village = ctx.villages[spec["village"]]
    dept_key = {"key": "xiangmu", "livelihood": "dangzheng", "farmland": "nongye"}[spec["category"]]
    data = {
        "category": cats[spec["category"]],
        "year": 2025,
        "status": spec["status"],
        "total_investment": Decimal(spec["total"]),
        "annual_investment": Decimal(spec["annual"]),
        "location": spec["location"],
        "village": village,
        "leader": users[spec["leader"]],
        "department": ctx.departments[dept_key],
        "plan_text": (
            f"一项目一领导一专班一方案：{users[spec['leader']]}包保，{ctx.departments[dept_key]}牵头，"
            f"倒排工期至{deadline:%Y年%m月%d日}完成；每周五周调度，问题清单销号管理。"
            + ("（演示数据）" if spec["demo"] else "（进度、金额、日期为演示数据）")
        ),
        "approved_on": plan.project_start - timedelta(days=20),
        "planned_start": plan.by_key[start_key].late_start,
        "planned_finish": plan.project_finish,
        "actual_start": acts[start_key][1],
        "building_since": acts[main_key][0] if main_key else None,
        "actual_finish": acts[last_key][1] if finished else None,
        "deadline": deadline,
        "is_demo": spec["demo"],
        "note": "演示数据" if spec["demo"] else "项目名称来自访谈；进度、金额、日期为演示数据",
    }
    if not finished and spec["status"] in (ProjectStatus.COMPLETED, ProjectStatus.OPERATING):
        data["status"] = ProjectStatus.BUILDING
    if data["actual_start"] is None and data["status"] != ProjectStatus.PREPARING:
        data["status"] = ProjectStatus.PREPARING
    team = [users["xiangmu"], users["jingfa"], users[f"village{spec['village'] + 1}"]]
    if spec["category"] == "farmland":
        team.append(users["nongye"])
    project = Project.all_objects.filter(town=town, name=spec["name"]).first()
    if project is None:
        project = services.project_create(
            town=town, data={"name": spec["name"], **data}, team=team, acting_user=ctx.admin
        )
    else:
        project.is_deleted = False
        project = services.project_update(project, data=data, team=team, acting_user=ctx.admin)
    _link_investment(project, ctx)

    # Milestones and links (re-created from scratch on every run: idempotent).
    Milestone.all_objects.filter(project=project).delete()
    milestones = {}
    for order, (name, dur, _preds, cal_days) in enumerate(spec["network"], start=1):
        a_start, a_finish, pct = acts[name]
        milestones[name] = Milestone.objects.create(
            town=town, project=project, name=name, order=order * 10, duration=dur,
            calendar_days=cal_days, actual_start=a_start, actual_finish=a_finish,
            percent_complete=pct,
        )  # fmt: skip
    MilestoneDependency.objects.bulk_create(
        [
            MilestoneDependency(
                town=town, predecessor=milestones[p], successor=milestones[name], lag=lag
            )
            for name, _d, preds, _c in spec["network"]
            for p, lag in preds
        ]
    )
    # The baseline frozen when the plan was approved.
    Baseline.all_objects.filter(project=project).delete()
    ps = selectors.project_schedule(project)
    Baseline.objects.create(
        town=town, project=project, name="年初计划基线", taken_on=data["approved_on"],
        taken_by=users[spec["leader"]], project_start=ps.plan.project_start,
        project_finish=ps.plan.project_finish,
        data={
            str(r.milestone.pk): {
                "name": r.milestone.name,
                "start": r.plan.late_start.isoformat(),
                "finish": r.plan.late_finish.isoformat(),
            }
            for r in ps.rows
        },
    )  # fmt: skip
    _weekly_reports(ctx, project, data, spec, cal)
    _problems(ctx, project, spec)
    if spec["category"] == "farmland":
        _farmland_detail(town, project, acts)
    return project


def _farmland_detail(town, project, acts):
    """The §6 fields of the 2025 高标准农田 project. Stage dates are the actual finishes of the
    milestones of the same name, so the project's page and its schedule agree; the sources add
    up exactly to the total investment (2600 万元)."""
    mapped = acts["上图入库"]
    if mapped[1] is not None:
        mapping, mapped_on = "stored", mapped[1]
    elif mapped[0] is not None:
        mapping, mapped_on = "mapped", mapped[0]
    else:
        mapping, mapped_on = "unmapped", None
    detail, _ = FarmlandDetail.all_objects.update_or_create(
        project=project,
        defaults=dict(
            town=town, is_deleted=False, approval_no="石农建〔2025〕X号（演示）",
            build_type="new", area_mu=Decimal(10000), water_saving_mu=Decimal(3000),
            new_farmland_mu=Decimal(120), fiscal_funds=Decimal(2300),
            central_funds=Decimal(1500), provincial_funds=Decimal(500), local_funds=Decimal(300),
            social_funds=Decimal(300),
            work_tian="土地平整3200亩，小田并大田86处",
            work_tu="土壤改良2500亩（秸秆还田、增施有机肥）",
            work_shui="新建泵站4座，硬化灌溉渠道18.6公里，疏浚排水沟9.2公里，高效节水灌溉3000亩",
            work_lu="新建机耕路12.4公里、生产路8.6公里",
            work_lin="栽植农田防护林6.5公里",
            work_dian="新建10千伏线路3.2公里，配套变压器4台",
            work_ji="设土壤墒情监测点2个，推广良种良法5000亩",
            work_guan="村集体管护，签订管护协议，落实管护经费",
            design_approval_no="石农建设批〔2025〕X号（演示）",
            design_approved_on=acts["初步设计批复"][1],
            contractor="示例水利水电建设有限公司（演示）",
            supervisor="示例工程建设监理有限公司（演示）",
            completed_on=acts["完工"][1], county_checked_on=acts["县级初验"][1],
            accepted_on=acts["竣工验收"][1], mapping_status=mapping, mapped_on=mapped_on,
            keeper="古夹垸村、永福村村民委员会", has_sign_board=True,
        ),
    )  # fmt: skip
    detail.full_clean()  # the demo obeys the rules it demonstrates


def _link_investment(project, ctx):
    from django.apps import apps

    try:
        Investment = apps.get_model("investment", "Investment")
    except LookupError:  # pragma: no cover
        return
    key = project.name.replace("（二期）", "").replace("盘活", "")
    inv = Investment.objects.filter(town=ctx.town, name__contains=key).order_by("pk").first()
    if (
        inv is not None
        and project.investment_id != inv.pk
        and not Project.objects.filter(investment=inv).exclude(pk=project.pk).exists()
    ):
        project.investment = inv
        project.save()


def _weekly_reports(ctx, project, data, spec, cal):
    """One report a week while building; a few weeks are skipped (flagged as missing)."""
    WeeklyReport.all_objects.filter(project=project).delete()
    start = data["actual_start"]
    if start is None:
        return
    end = data["actual_finish"] or DEMO_NOW
    week = start - timedelta(days=start.weekday())
    total = max(1, (end - start).days)
    reporter = ctx.users["xiangmu"] if spec["category"] == "key" else ctx.users["dangzheng"]
    if spec["category"] == "farmland":
        reporter = ctx.users["nongye"]
    rows = []
    n = 0
    while week <= end:
        n += 1
        if n % 9 != 5:  # every ninth week nobody reported (demo: missing reports happen)
            share = Decimal(
                min(100, max(1, int(100 * (week + timedelta(days=4) - start).days / total)))
            )
            if data["actual_finish"] and week + timedelta(days=7) > data["actual_finish"]:
                share = Decimal(100)
            if not data["actual_finish"]:
                share = min(share, Decimal(92))
            invest = (Decimal(spec["total"]) * share / 100).quantize(Decimal("0.01"))
            rows.append(
                WeeklyReport(
                    town=ctx.town, project=project, week=week, percent=share,
                    investment_completed=invest, reporter=reporter,
                    text=f"第{week.isocalendar().week}周：按节点推进，形象进度约{share}%（演示数据）。",
                )
            )  # fmt: skip
        week += timedelta(days=7)
    WeeklyReport.objects.bulk_create(rows)
    if rows:
        project.completed_investment = rows[-1].investment_completed
        project.save()


def _problems(ctx, project, spec):
    Problem.all_objects.filter(project=project).delete()
    for desc, owner, raised, days, level, resolution, closed in PROBLEMS.get(spec["name"], []):
        raised_on = D(raised)
        Problem.objects.create(
            town=ctx.town, project=project, description=desc + "（演示数据）",
            owner=ctx.users[owner], raised_on=raised_on,
            deadline=raised_on + timedelta(days=days),
            level=ProblemLevel.CITY if level == "city" else ProblemLevel.TOWN,
            status=ProblemStatus.CLOSED if closed else ProblemStatus.OPEN,
            resolution=resolution, closed_on=D(closed) if closed else None,
        )  # fmt: skip


@register_demo(50, "重点项目")
def build(ctx):
    cats = services.ensure_categories(ctx.town, ctx.admin)
    cal = get_calendar()
    for spec in PROJECTS:
        _build_project(ctx, spec, cats, cal)
