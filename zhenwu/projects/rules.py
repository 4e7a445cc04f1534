"""Pure rules of the projects module: the "三未" lists, the 在建 gate (一项目一领导一专班一方案),
weekly-dispatch weeks and the milestone traffic light. Plain values in, plain values out — every
edge is unit-tested in `tests/test_rules.py`. Definitions are repeated in `docs/projects.md`.

All rules are *as of* a date (DESIGN.md "Time"): only what had happened by that day counts, so
the picture of 30 June 2025 can be replayed later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhenwu.core import lights

# --- 三未 ------------------------------------------------------------------------------------

APPROVED_NOT_STARTED = "approved_not_started"
STARTED_NOT_BUILDING = "started_not_building"
BUILDING_NOT_FINISHED = "building_not_finished"
SANWEI_LABELS = {
    APPROVED_NOT_STARTED: _("立项未开工"),
    STARTED_NOT_BUILDING: _("开工未建设"),
    BUILDING_NOT_FINISHED: _("建设未竣工"),
}
SANWEI_HELP = {
    APPROVED_NOT_STARTED: _("已立项，计划开工日期已过，仍未开工"),
    STARTED_NOT_BUILDING: _("已开工满30个日历天，主体工程仍未开始施工"),
    BUILDING_NOT_FINISHED: _("已开工，完成时限（无时限则计划竣工日期）已过，仍未竣工"),
}
# A project that started but shows no substantial construction after this many calendar days
# is "开工未建设" (a month is the usual patience of the town's weekly dispatch).
STARTED_NOT_BUILDING_DAYS = 30


@dataclass(frozen=True)
class ProjectDates:
    approved_on: date | None = None
    planned_start: date | None = None
    planned_finish: date | None = None
    actual_start: date | None = None
    building_since: date | None = None
    actual_finish: date | None = None
    deadline: date | None = None


def _by(d: date | None, as_of: date) -> bool:
    """The event with date `d` had happened by the end of `as_of`."""
    return d is not None and d <= as_of


def sanwei(
    p: ProjectDates, as_of: date, *, grace_days: int = STARTED_NOT_BUILDING_DAYS
) -> str | None:
    """Which "三未" list a project is on as of `as_of` (at most one), or None.

    - 立项未开工 (approved_not_started): approved by `as_of` (立项日期 ≤ as_of), not started by
      `as_of`, and its planned start is before `as_of` (it should have started already).
    - 开工未建设 (started_not_building): started at least `grace_days` calendar days before
      `as_of`, main construction (主体施工开始) not begun by `as_of`, not finished by `as_of`.
    - 建设未竣工 (building_not_finished): started, not finished by `as_of`, and its due date —
      the deadline (完成时限), or the planned finish when there is none — is before `as_of`.
      Checked before 开工未建设: an overdue project is on this list whatever its stage.
    A finished project (实际竣工 ≤ as_of) is on no list.
    """
    if _by(p.actual_finish, as_of):
        return None
    if not _by(p.actual_start, as_of):
        if _by(p.approved_on, as_of) and p.planned_start is not None and p.planned_start < as_of:
            return APPROVED_NOT_STARTED
        return None
    due = p.deadline or p.planned_finish
    if due is not None and due < as_of:
        return BUILDING_NOT_FINISHED
    if not _by(p.building_since, as_of) and p.actual_start <= as_of - timedelta(days=grace_days):
        return STARTED_NOT_BUILDING
    return None


# --- 一项目一领导一专班一方案 ------------------------------------------------------------------


def missing_for_construction(*, has_leader: bool, has_team: bool, has_plan: bool) -> list[str]:
    """What a project lacks before it may enter 在建 (一项目一领导一专班一方案)."""
    missing = []
    if not has_leader:
        missing.append("包保领导")
    if not has_team:
        missing.append("专班成员")
    if not has_plan:
        missing.append("推进方案")
    return missing


# --- 周调度 ------------------------------------------------------------------------------------


def week_monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def due_weeks(as_of: date) -> tuple[date, date]:
    """(last week's Monday, this week's Monday). Last week's report is due by the end of last
    week; this week's is flagged too but only as "本周未报" (it may still come)."""
    this = week_monday(as_of)
    return this - timedelta(days=7), this


def needs_weekly_report(p: ProjectDates, week: date) -> bool:
    """A project files 周调度 for a week when it has started by that week's Sunday and was not
    finished before that week's Monday."""
    sunday = week + timedelta(days=6)
    if not _by(p.actual_start, sunday):
        return False
    return not (p.actual_finish is not None and p.actual_finish < week)


# --- milestone traffic light -------------------------------------------------------------------

# The product's words and colours (core.lights); this module only decides the colour by dates.
GREEN, YELLOW, RED, DONE, NONE = lights.GREEN, lights.YELLOW, lights.RED, lights.DONE, lights.NONE
LIGHT_LABELS = lights.LABELS


def milestone_light(
    *,
    status: str,
    late_start_passed: bool,
    total_float: int,
    forecast_finish: date | None,
    late_finish: date | None,
    as_of: date,
    warn_float: int = 3,
) -> str:
    """Colour of one milestone (the product's red/yellow/green, applied to a schedule):

    - done: finished (实际完成 ≤ as_of);
    - red: its latest start has passed and it has not started, or its forecast finish is after
      its latest finish (negative float: the deadline cannot be met through it);
    - yellow: on the critical path with little room (float ≤ `warn_float` working days) and not
      finished, or in progress past its latest finish date as of today;
    - green: otherwise.
    """
    if status == "finished":
        return DONE
    if late_start_passed or total_float < 0:
        return RED
    if forecast_finish and late_finish and forecast_finish > late_finish:
        return RED
    if late_finish and late_finish < as_of:
        return RED
    if total_float <= warn_float:
        return YELLOW
    return GREEN


def project_light(*, days_short: int, any_red: bool, any_yellow: bool, finished: bool) -> str:
    """A project's colour: red when its forecast misses the deadline or a milestone is red;
    yellow when a milestone is yellow; done when finished; else green."""
    if finished:
        return DONE
    if days_short > 0 or any_red:
        return RED
    if any_yellow:
        return YELLOW
    return GREEN


# --- 高标准农田 -------------------------------------------------------------------------------


def farmland_stage_errors(stages, today: date | None = None) -> dict[str, str]:
    """The stages of a 高标准农田 project (初步设计批复 → 开工 → 完工 → 县级初验 → 竣工验收) come
    in order: a stage may fall on the same day as the one before it, never earlier. `stages`
    is a list of (field, label, date or None) in order; a missing stage is skipped (the next
    one is compared with the last one recorded). Recorded stages cannot lie after `today`.
    Returns {field: message} naming the later field."""
    errors: dict[str, str] = {}
    last = None
    for field, label, day in stages:
        if day is None:
            continue
        if today is not None and day > today and field not in ("design_approved_on",):
            errors[field] = f"{label}日期（{day:%Y-%m-%d}）不能晚于今天"
        elif last is not None and day < last[2]:
            errors[field] = (
                f"{label}日期（{day:%Y-%m-%d}）不能早于{last[1]}日期（{last[2]:%Y-%m-%d}）"
            )
        if last is None or day >= last[2]:
            last = (field, label, day)
    return errors


def farmland_funding_errors(
    *, total=None, fiscal=None, central=None, provincial=None, local=None, social=None
) -> dict[str, str]:
    """资金来源 of a 高标准农田 project, in 万元: the central, provincial and city/county parts
    together cannot exceed the 财政资金 (when it is given), and the money from all sources —
    财政资金 (or, without it, the sum of its parts) plus 社会资本及自筹 — cannot exceed the
    project's 计划总投资. Equal is allowed; 0.01 over is refused."""
    errors: dict[str, str] = {}
    parts = [v for v in (central, provincial, local) if v is not None]
    parts_sum = sum(parts, Decimal(0))
    if fiscal is not None and parts and parts_sum > fiscal:
        errors["fiscal_funds"] = (
            f"中央、省级、市县财政资金合计 {parts_sum} 万元，超过财政资金 {fiscal} 万元"
        )
    fiscal_total = fiscal if fiscal is not None else (parts_sum if parts else None)
    sources = [v for v in (fiscal_total, social) if v is not None]
    if total is not None and sources:
        all_sum = sum(sources, Decimal(0))
        if all_sum > total:
            field = "social_funds" if social else "fiscal_funds"
            errors.setdefault(
                field,
                f"资金来源合计（财政资金 + 社会资本及自筹）{all_sum} 万元，"
                f"超过项目计划总投资 {total} 万元",
            )
    return errors


def farmland_mapping_errors(status: str, mapped_on: date | None) -> dict[str, str]:
    """上图入库: 已上图/已入库 needs its date; 未上图 has none."""
    if status in ("mapped", "stored") and mapped_on is None:
        return {"mapped_on": "已上图或已入库，请填写上图入库日期"}
    if status in ("", "unmapped") and mapped_on is not None:
        return {"mapped_on": "状态为「未上图」时不应填写上图入库日期"}
    return {}
