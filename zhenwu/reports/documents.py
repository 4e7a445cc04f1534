"""The two documents issued from live data (DESIGN.md: `zhenwu document bulletin|dispatch`):

- the monthly 通报 of the 人居环境整治 ranking (`bulletin_data` → `render_bulletin`), read from
  `inspections.selectors.monthly_ranking` and the month's findings;
- the weekly 工作调度简报 (`dispatch_data` → `render_dispatch`), read from the plan board's
  selectors as of the end of the week (`plan.selectors.evaluate_plan`, `task_flag`) and the
  projects' schedules (`projects.selectors.schedules_for`).

Both read the whole town: the doors (views, command) decide first who may have them
(`access.py`). Nothing here computes a rule of another module again; it words their answers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from zhenwu.core import asof
from zhenwu.core.formats import number
from zhenwu.core.workcalendar import get_calendar
from zhenwu.inspections import rules as inspection_rules
from zhenwu.inspections import selectors as inspection_selectors
from zhenwu.inspections.models import Finding, Round, RoundKind, Sheet
from zhenwu.plan import rules as plan_rules
from zhenwu.plan import selectors as plan_selectors
from zhenwu.plan.models import OPEN_STATUSES, Plan, Task
from zhenwu.projects import selectors as project_selectors
from zhenwu.projects.models import Project
from zhenwu.reports.gbt9704 import Imprint, OfficialDocument, format_date


class DocumentRefused(ValueError):
    """A document that cannot be issued from the data asked for; `str()` is the Chinese
    message (the command prints it and exits 1, the page shows it with status 422)."""


# --------------------------------------------------------------------------- arguments

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str | None) -> date:
    """'2025-06' → 2025-06-01; DocumentRefused with the reason otherwise (2025-13, 25-6 …)."""
    raw = (text or "").strip()
    m = _MONTH.match(raw)
    if m is None or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1900:
        raise DocumentRefused(f"月份「{raw[:20]}」无效，应为 YYYY-MM（如 2025-06），月份为 1—12")
    return date(int(m[1]), int(m[2]), 1)


def parse_day(text: str | None, what: str) -> date:
    """A YYYY-MM-DD date (the week, the issue date) through the platform's one date parser."""
    try:
        return asof.parse(text)
    except asof.AsOfError:
        raise DocumentRefused(
            f"{what}「{str(text)[:20]}」无效，应为 YYYY-MM-DD（如 2025-06-30）"
        ) from None


def week_of(d: date) -> tuple[date, date]:
    """(Monday, Sunday) of the week containing `d` — a week may span New Year."""
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _end_of(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.max))


# --------------------------------------------------------------------------- 通报

ADVANCED_FLAGS = (inspection_rules.RED, inspection_rules.RED_LIST)
LAGGING_FLAGS = (inspection_rules.YELLOW, inspection_rules.TALK, inspection_rules.BLACK_LIST)


@dataclass
class RoundLine:
    title: str
    kind: str
    starts_on: date
    ends_on: date
    villages: int


@dataclass
class BulletinData:
    town: object
    month: date
    rounds: list[RoundLine]
    rows: list  # inspection_selectors.RankingRow, ranked
    average: object
    problems: list[tuple[str, int, int]]  # (板块, findings, 处)
    findings: int
    recurrences: int
    scheme_kind: str

    @property
    def inspected(self):
        return [r for r in self.rows if r.score is not None]

    @property
    def advanced(self):
        return [r for r in self.rows if r.flag in ADVANCED_FLAGS]

    @property
    def lagging(self):
        return [r for r in self.rows if r.flag in LAGGING_FLAGS]

    @property
    def not_inspected(self):
        return [r for r in self.rows if r.score is None]


def bulletin_data(town, month: date, *, as_of: datetime | None = None) -> BulletinData:
    """The month's ranking as the ranking page shows it, with the rounds and findings behind
    it; DocumentRefused for a month without any inspection."""
    month = month.replace(day=1)
    as_of = as_of or timezone.now()
    rows = inspection_selectors.monthly_ranking(town, month, as_of=as_of)
    sheets = Sheet.objects.filter(town=town, month=month, round__starts_at__lte=as_of)
    if not any(r.score is not None for r in rows):
        raise DocumentRefused(
            f"{town.name}{month.year}年{month.month}月没有人居环境整治检查评分记录，不能生成通报。"
        )
    kinds = dict(RoundKind.choices)
    rounds = [
        RoundLine(
            title=r.title,
            kind=str(kinds.get(r.kind, r.kind)),
            starts_on=timezone.localtime(r.starts_at).date(),
            ends_on=r.ends_on,
            villages=r.n,
        )
        for r in Round.objects.filter(pk__in=sheets.values("round"))
        .annotate(n=Count("sheets__village", filter=Q(sheets__month=month), distinct=True))
        .order_by("starts_at", "pk")
    ]
    findings = Finding.objects.filter(sheet__in=sheets.values("pk"))
    problems = [
        (name, n, spots or 0)
        for name, n, spots in findings.values("item__section__name", "item__section__order")
        .annotate(n=Count("pk"), spots=Sum("count"))
        .order_by("-n", "item__section__order", "item__section__name")
        .values_list("item__section__name", "n", "spots")
    ]
    scheme = inspection_selectors._schemes([town.pk])[town.pk]
    return BulletinData(
        town=town,
        month=month,
        rounds=rounds,
        rows=rows,
        average=inspection_selectors.town_average(rows),
        problems=problems,
        findings=sum(n for _, n, _ in problems),
        recurrences=sum(r.recurrences for r in rows),
        scheme_kind=scheme.kind,
    )


def bulletin_issuer(town) -> str:
    return f"{town.name}人居环境整治工作领导小组办公室"


def _names(rows) -> str:
    return "、".join(r.village for r in rows)


def _score(value) -> str:
    return number(value, 2)


def render_bulletin(data: BulletinData, *, issued_on: date, doc_number: str | None) -> bytes:
    town, month = data.town, data.month
    ym = f"{month.year}年{month.month}月"
    issuer = bulletin_issuer(town)
    doc = OfficialDocument(
        issuer=issuer,
        number=doc_number,
        title=[f"关于{ym}人居环境", "整治检查评比情况的通报"],
        recipients="各村（社区）",
    )
    doc.paragraph(
        f"为持续推进农村人居环境整治，巩固村庄清洁行动成果，镇人居环境整治工作领导小组办公室"
        f"于{ym}组织开展了检查评比。现将有关情况通报如下。"
    )
    doc.heading(1, "检查基本情况")
    kinds = defaultdict(int)
    for r in data.rounds:
        kinds[r.kind] += 1
    kind_text = "、".join(f"{k}{n}轮" for k, n in kinds.items())
    round_text = "；".join(
        f"{format_date(r.starts_on)}{r.kind}，检查{r.villages}个村（社区）" for r in data.rounds
    )
    inspected = data.inspected
    text = (
        f"本月共开展检查{len(data.rounds)}轮（{kind_text}）：{round_text}。"
        f"全镇{len(data.rows)}个村（社区）中{len(inspected)}个参加评比，"
        f"共发现问题{data.findings}个，其中反弹问题{data.recurrences}个；"
        f"全镇平均得分{_score(data.average)}分。"
    )
    if data.not_inspected:
        text += f"{_names(data.not_inspected)}本月未被抽查，不参加排名。"
    doc.paragraph(text)
    doc.heading(1, "评比结果")
    doc.paragraph("各村（社区）得分及名次如下（平均得分为当月各轮检查评分表得分的平均值）：")
    doc.table(
        ["名次", "村（社区）", "平均得分", "评比结果"],
        [
            (
                r.rank if r.rank is not None else "—",
                r.village,
                _score(r.score) if r.score is not None else "未检查",
                r.flag or "—",
            )
            for r in data.rows
        ],
        widths_mm=[24, 60, 36, 36],
    )
    if data.scheme_kind == inspection_rules.RED_BLACK:
        good, bad = "列入红榜", "列入黑榜"
    else:
        good, bad = "获得流动红旗", "被挂黄旗"
    doc.heading(2, "先进")
    doc.paragraph(
        f"{_names(data.advanced)}{good}，予以通报表扬。"
        if data.advanced
        else f"本月没有村（社区）{good}。"
    )
    doc.heading(2, "后进")
    if data.lagging:
        talk = [r for r in data.lagging if r.flag == inspection_rules.TALK]
        text = f"{_names(data.lagging)}{bad}，予以通报批评，并在下次例会上作表态发言。"
        if talk:
            text += f"其中{_names(talk)}连续两个月被挂黄旗，由镇纪委进行约谈。"
        doc.paragraph(text)
    else:
        doc.paragraph(f"本月没有村（社区）{bad}。")
    doc.heading(1, "存在的主要问题")
    if data.problems:
        for name, n, spots in data.problems:
            doc.paragraph(f"{name}方面：发现问题{n}个，共{spots}处。")
    else:
        doc.paragraph("本月检查未发现问题。")
    doc.heading(1, "整改要求")
    doc.paragraph(
        "各村（社区）要对照问题交办单，逐项落实整改责任人和整改时限，按期上传整改前后对比照片，"
        "由镇人居环境整治工作领导小组办公室验收销号；逾期未整改的问题将上报分管领导。",
        lead="一是立行立改。",
    )
    doc.paragraph(
        "对已整改的问题开展“回头看”，同一问题再次发现的按反弹问题从重扣分，并再次通报。",
        lead="二是防止反弹。",
    )
    doc.paragraph(
        "评比结果纳入年度综合考核，与奖补资金挂钩。各村（社区）要压实保洁员责任，"
        "落实村规民约和积分制管理，推动人居环境整治常态长效。",
        lead="三是强化运用。",
    )
    doc.signature(issuer, issued_on)
    doc.imprint(
        Imprint(
            printer=issuer,
            print_date=issued_on,
            copy_to=f"{town.name}党委、政府领导班子成员",
        )
    )
    return doc.to_bytes()


def bulletin_filename(data: BulletinData) -> str:
    return f"{data.town.name}{data.month.year}年{data.month.month}月人居环境整治评比通报.docx"


# --------------------------------------------------------------------------- 调度简报

HEADLINE_MODULES = ("investment.", "land.", "enterprises.")


@dataclass
class MilestoneLine:
    project: str
    milestone: str
    due: date  # the plan's latest finish (倒排工期)
    light: str
    leader: str


@dataclass
class DispatchData:
    town: object
    plan: Plan
    monday: date
    sunday: date
    as_of: date
    states: list  # plan.selectors.TargetState
    counts: dict[str, int]
    overdue_milestones: list[MilestoneLine] = field(default_factory=list)
    due_milestones: list[MilestoneLine] = field(default_factory=list)
    overdue_tasks: list = field(default_factory=list)  # (Task, TaskFlag)
    next_monday: date | None = None
    next_sunday: date | None = None

    @property
    def red(self):
        return [s for s in self.states if s.status == plan_rules.RED]

    @property
    def headlines(self):
        return [
            s
            for s in self.states
            if (s.target.indicator_key or "").startswith(HEADLINE_MODULES) and not s.error
        ]


def dispatch_data(town, day: date) -> DispatchData:
    """The board as of the end of the week containing `day` (or today, if the week is not
    over): target colours, key projects' milestones overdue or due next week, overdue 督办."""
    monday, sunday = week_of(day)
    as_of = min(sunday, asof.today())
    if as_of < monday:
        raise DocumentRefused(f"{format_date(monday)}所在的一周尚未开始，不能生成调度简报。")
    plans = Plan.objects.filter(town=town).order_by("id")
    # A week spanning New Year reads the new year's plan, or, while there is none, the plan of
    # the year the week began in (the board shows its whole-year outcome after December).
    plan = plans.filter(year=as_of.year).first() or plans.filter(year=monday.year).first()
    if plan is None:
        raise DocumentRefused(f"{town.name}还没有{as_of.year}年度计划，不能生成调度简报。")
    states = plan_selectors.evaluate_plan(plan, as_of)
    counts = {k: 0 for k in plan_rules.STATUS_LABELS}
    for s in states:
        counts[s.status] += 1
    data = DispatchData(
        town=town,
        plan=plan,
        monday=monday,
        sunday=sunday,
        as_of=as_of,
        states=states,
        counts=counts,
        next_monday=sunday + timedelta(days=1),
        next_sunday=sunday + timedelta(days=7),
    )
    projects = (
        Project.objects.filter(town=town, category__key="key")
        .select_related("leader")
        .order_by("id")
    )
    for ps in project_selectors.schedules_for(projects, as_of=as_of):
        if not ps.ok:
            continue
        leader = ps.project.leader.display_name if ps.project.leader else ps.project.leader_name
        for row in ps.rows:
            if row.actual_finish is not None:
                continue
            due = row.plan.late_finish
            line = MilestoneLine(ps.project.name, row.milestone.name, due, row.light, leader)
            if due < as_of:
                data.overdue_milestones.append(line)
            elif data.next_monday <= due <= data.next_sunday:
                data.due_milestones.append(line)
    calendar = get_calendar(town.pk)
    tasks = (
        Task.objects.filter(town=town, status__in=OPEN_STATUSES, deadline__lt=as_of)
        .filter(Q(plan=plan) | Q(plan__isnull=True))
        .select_related("assignee", "assignee_department")
        .order_by("deadline", "id")
    )
    data.overdue_tasks = [
        (t, f) for t in tasks if (f := plan_selectors.task_flag(t, as_of, calendar)).overdue
    ]
    return data


def _figure(s) -> str:
    if s.error or s.actual is None:
        return "暂无数据"
    pct = "—" if s.progress is None else number(s.progress * 100, 1)
    return (
        f"完成{number(s.actual)}{s.target.unit}，目标{number(s.target.target_value)}"
        f"{s.target.unit}，完成率{pct}%，时序进度{number(s.time_progress * 100, 1)}%"
    )


def _who(obj) -> str:
    parts = []
    if getattr(obj, "department", None):
        parts.append(obj.department.name)
    if getattr(obj, "leader", None):
        parts.append(obj.leader.display_name)
    return "、".join(parts)


def dispatch_issuer(town) -> str:
    return f"{town.name}党政综合办公室"


def render_dispatch(data: DispatchData, *, issued_on: date, doc_number: str | None) -> bytes:
    town = data.town
    issuer = dispatch_issuer(town)
    span = f"{format_date(data.monday)}至{format_date(data.sunday)}"
    doc = OfficialDocument(
        issuer=issuer,
        number=doc_number,
        title=[f"{town.name}工作调度简报", f"（{span}）"],
        recipients="镇党委、政府领导班子成员，各办（站、所），各村（社区）",
    )
    doc.paragraph(
        f"现将截至{format_date(data.as_of)}{data.plan.year}年度重点工作推进情况调度如下。"
    )
    labels = plan_rules.STATUS_LABELS
    c = data.counts
    doc.heading(1, "目标任务推进情况")
    text = (
        f"年度计划共{len(data.states)}项量化指标，其中{labels[plan_rules.GREEN]}{c[plan_rules.GREEN]}项、"
        f"{labels[plan_rules.YELLOW]}{c[plan_rules.YELLOW]}项、"
        f"{labels[plan_rules.RED]}{c[plan_rules.RED]}项"
    )
    if c.get(plan_rules.NONE):
        text += f"，{labels[plan_rules.NONE]}{c[plan_rules.NONE]}项"
    doc.paragraph(text + "。")
    if data.red:
        doc.heading(2, "亮红灯的指标")
        for s in data.red:
            who = _who(s.target)
            doc.paragraph(f"{s.target.name}：{_figure(s)}" + (f"（{who}）" if who else "") + "。")
    if data.headlines:
        doc.heading(2, "招商引资、征地拆迁、企业培育")
        for s in data.headlines:
            doc.paragraph(f"{s.target.name}：{_figure(s)}，{labels[s.status]}。")
    doc.heading(1, "重点项目节点")
    if not data.overdue_milestones and not data.due_milestones:
        doc.paragraph("重点项目没有逾期节点，下周没有到期节点。")
    if data.overdue_milestones:
        doc.heading(2, "逾期未完成的节点")
        for m in data.overdue_milestones:
            doc.paragraph(
                f"{m.project}“{m.milestone}”应于{format_date(m.due)}前完成，尚未完成"
                + (f"（包保领导：{m.leader}）" if m.leader else "")
                + "。"
            )
    if data.due_milestones:
        doc.heading(2, "下周到期的节点")
        for m in data.due_milestones:
            doc.paragraph(
                f"{m.project}“{m.milestone}”应于{format_date(m.due)}前完成"
                + (f"（包保领导：{m.leader}）" if m.leader else "")
                + "。"
            )
    doc.heading(1, "督办事项")
    if data.overdue_tasks:
        doc.paragraph(f"逾期未办结的督办事项{len(data.overdue_tasks)}项：")
        for t, _flag in data.overdue_tasks:
            who = "、".join(
                x
                for x in (
                    t.assignee_department.name if t.assignee_department else "",
                    t.assignee.display_name if t.assignee else "",
                )
                if x
            )
            doc.paragraph(
                f"{t.title}，办理时限{format_date(t.deadline)}"
                + (f"，责任：{who}" if who else "")
                + "。"
            )
    else:
        doc.paragraph("没有逾期未办结的督办事项。")
    doc.heading(1, "下步要求")
    doc.paragraph(
        "亮红灯的指标和逾期节点、逾期督办事项，由包保领导牵头、责任单位落实，"
        "于下周调度会前报告整改措施和完成时限。"
    )
    doc.signature(issuer, issued_on)
    doc.imprint(Imprint(printer=issuer, print_date=issued_on))
    return doc.to_bytes()


def dispatch_filename(data: DispatchData) -> str:
    return f"{data.town.name}工作调度简报（{data.monday:%Y%m%d}—{data.sunday:%Y%m%d}）.docx"
